// The floor of `bingads-budgets get` end to end (bingads-bench --only e2e): a process that loads
// the same shared libraries as the CLI, makes the same exchange through libcurl (the same request
// with the same headers, gzip asked for unless --no-gzip) and writes the body to stdout as it
// arrives, reading nothing in it. Credentials come from the environment, as the CLI's do.
//   bingads-e2e-floor rest|soap BASE_URL [--no-gzip]
// Without arguments it only starts and exits: the start-up alone.
#include <curl/curl.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

size_t Write(char* data, size_t size, size_t count, void*) {
  return std::fwrite(data, size, count, stdout);
}

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

// The request the CLI sends for `get` with no ids.
std::string Request(bool soap, const std::string& base, curl_slist*& headers) {
  auto add = [&headers](const std::string& line) {
    headers = curl_slist_append(headers, line.c_str());
  };
  if (soap) {
    add("Content-Type: text/xml; charset=utf-8");
    add("SOAPAction: \"GetBudgetsByIds\"");
    return base + "/Api/Advertiser/CampaignManagement/v13/CampaignManagementService.svc";
  }
  add("Authorization: Bearer " + Env("BINGADS_ACCESS_TOKEN"));
  add("DeveloperToken: " + Env("BINGADS_DEVELOPER_TOKEN"));
  add("CustomerId: " + Env("BINGADS_CUSTOMER_ID"));
  add("CustomerAccountId: " + Env("BINGADS_ACCOUNT_ID"));
  add("Content-Type: application/json");
  add("Accept: application/json");
  return base + "/CampaignManagement/v13/Budgets/QueryByIds";
}

std::string Body(bool soap) {
  if (!soap) return R"({"BudgetIds":null})";
  return R"(<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">)"
         R"(<s:Header xmlns="https://bingads.microsoft.com/CampaignManagement/v13">)"
         "<AuthenticationToken>" +
         Env("BINGADS_ACCESS_TOKEN") + "</AuthenticationToken><CustomerAccountId>" +
         Env("BINGADS_ACCOUNT_ID") + "</CustomerAccountId><CustomerId>" +
         Env("BINGADS_CUSTOMER_ID") + "</CustomerId><DeveloperToken>" +
         Env("BINGADS_DEVELOPER_TOKEN") +
         "</DeveloperToken></s:Header><s:Body><GetBudgetsByIdsRequest "
         R"(xmlns="https://bingads.microsoft.com/CampaignManagement/v13"/></s:Body></s:Envelope>)";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) return 0;
  const bool soap = std::strcmp(argv[1], "soap") == 0;
  const bool gzip = !(argc > 3 && std::strcmp(argv[3], "--no-gzip") == 0);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  CURL* curl = curl_easy_init();
  curl_slist* headers = nullptr;
  const std::string url = Request(soap, argv[2], headers);
  const std::string body = Body(soap);
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Write);
  if (gzip) curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "gzip");
  const CURLcode code = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  curl_global_cleanup();
  if (code != CURLE_OK || status != 200) {
    std::fprintf(stderr, "bingads-e2e-floor: %s, HTTP %ld\n", curl_easy_strerror(code), status);
    return 1;
  }
  return std::fflush(stdout) == 0 ? 0 : 1;
}
