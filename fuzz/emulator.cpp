// The emulator's request parsing (SOAP or REST, chosen at build time by FUZZ_SOAP), through the
// same entry points its HTTP server calls. A reply must come back for any bytes: a fault names
// what is wrong, and nothing escapes as an exception.
#include <cstdlib>
#include <string>

#include "fronts.h"
#include "fuzz.h"

namespace {

#ifdef FUZZ_SOAP
constexpr const char* kOperations[] = {
    "GetBudgetsByIds",           "AddBudgets",           "UpdateBudgets",     "DeleteBudgets",
    "GetCampaignIdsByBudgetIds", "SubmitGenerateReport", "PollGenerateReport"};
#else

struct RestRoute {
  const char* method;
  const char* path;
};
constexpr RestRoute kRoutes[] = {{"POST", "/CampaignManagement/v13/Budgets/QueryByIds"},
                                 {"POST", "/CampaignManagement/v13/Budgets"},
                                 {"PUT", "/CampaignManagement/v13/Budgets"},
                                 {"DELETE", "/CampaignManagement/v13/Budgets"},
                                 {"POST", "/CampaignManagement/v13/CampaignIds/QueryByBudgetIds"},
                                 {"POST", "/Reporting/v13/GenerateReport/Submit"},
                                 {"POST", "/Reporting/v13/GenerateReport/Poll"}};
#endif

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto in = bingads::fuzz::Split(data, size);
  bingads::emulator::ServiceOptions options;
  bingads::emulator::BudgetService service(options);  // fresh each time: writes do not pile up
#ifdef FUZZ_SOAP
  const std::size_t operation = in.selector % 7;  // 5 and 6: the Reporting service
  const std::string action = std::string("\"") + kOperations[operation] + "\"";
  const auto reply =
      operation < 5
          ? bingads::emulator::HandleSoap(service, "text/xml; charset=utf-8", action, in.body)
          : bingads::emulator::HandleSoapReporting(service, "text/xml; charset=utf-8", action,
                                                   in.body, "http://127.0.0.1");
#else
  const RestRoute& route = kRoutes[in.selector % 7];
  const auto header = [](const char* name) -> std::string {
    const std::string n(name);
    if (n == "Authorization") return "Bearer fuzz-token";
    if (n == "DeveloperToken") return "fuzz-developer-token";
    if (n == "CustomerId") return "1";
    if (n == "CustomerAccountId") return "2";
    if (n == "Content-Type") return "application/json";
    return "";
  };
  const auto reply =
      bingads::emulator::HandleRest(service, route.method, route.path, header, in.body);
#endif
  // Every reply is a real HTTP answer with a body.
  if (reply.status < 200 || reply.status > 599 || reply.body.empty()) std::abort();
  return 0;
}
