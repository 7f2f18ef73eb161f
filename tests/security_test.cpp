// Secrets never reach a log; TLS is verified unless told whom to trust.
#include <bingads/client.h>
#include <doctest/doctest.h>
#include <httplib.h>

#include <cstdlib>
#include <filesystem>
#include <thread>

#include "internal.h"
#include "support.h"

using namespace bingads;

TEST_CASE("redaction: secrets in HTTP headers, SOAP headers, JSON and form bodies") {
  using internal::RedactBody;
  using internal::RedactHeader;
  CHECK(RedactHeader("Authorization", "Bearer eyJ0eXAi.secret") == "Bearer ***");
  CHECK(RedactHeader("authorization", "Basic dXNlcjpwYXNz") == "***");
  CHECK(RedactHeader("DeveloperToken", "BBD37VB98") == "***");
  CHECK(RedactHeader("Password", "hunter2") == "***");
  CHECK(RedactHeader("CustomerId", "12345") == "12345");
  CHECK(RedactHeader("TrackingId", "abc") == "abc");

  const std::string soap =
      R"(<SOAP-ENV:Header><cm:AuthenticationToken>TOKEN-A</cm:AuthenticationToken>)"
      R"(<cm:CustomerAccountId>777</cm:CustomerAccountId><DeveloperToken xmlns="x">DEV-B</DeveloperToken>)"
      R"(<h:Password i:nil="false">PW-C</h:Password></SOAP-ENV:Header>)";
  const std::string redacted = RedactBody(soap);
  for (const char* secret : {"TOKEN-A", "DEV-B", "PW-C"})
    CHECK(redacted.find(secret) == std::string::npos);
  CHECK(redacted.find("<cm:CustomerAccountId>777</cm:CustomerAccountId>") != std::string::npos);
  CHECK(redacted.find("<cm:AuthenticationToken>***</cm:AuthenticationToken>") != std::string::npos);

  const std::string json = RedactBody(
      R"({"access_token":"AT-\"quoted\"-1","refresh_token" : "RT-2","expires_in":3600,"Password":"PW","client_secret":"CS","Name":"keep"})");
  for (const char* secret : {"AT-", "RT-2", "\"PW\"", "CS"})
    CHECK(json.find(secret) == std::string::npos);
  CHECK(json.find(R"("expires_in":3600)") != std::string::npos);
  CHECK(json.find(R"("Name":"keep")") != std::string::npos);

  const std::string form = RedactBody(
      "client_id=app&scope=x&refresh_token=RT%2F9&grant_type=refresh_token&client_secret=CS%26");
  CHECK(form ==
        "client_id=app&scope=x&refresh_token=***&grant_type=refresh_token&client_secret=***");
}

TEST_CASE("tls: the certificate is verified by default, and trusted with ca_file") {
  const auto dir =
      std::filesystem::temp_directory_path() / ("bingads-tls-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string cert = (dir / "cert.pem").string(), key = (dir / "key.pem").string();
  const std::string command =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
      "-addext subjectAltName=IP:127.0.0.1 -keyout '" +
      key + "' -out '" + cert + "' >/dev/null 2>&1";
  if (std::system(command.c_str()) != 0) {
    MESSAGE("skipped: openssl could not make a test certificate");
    return;
  }
  httplib::SSLServer server(cert.c_str(), key.c_str());
  REQUIRE(server.is_valid());
  server.Post(".*", [](const httplib::Request&, httplib::Response& res) {
    res.set_header("TrackingId", "tls-ok");
    res.set_content(R"({"Budgets":[{"Id":"1"}],"PartialErrors":[]})", "application/json");
  });
  const int port = server.bind_to_any_port("127.0.0.1");
  std::thread thread([&] { server.listen_after_bind(); });

  ClientOptions options;
  options.endpoint = "https://127.0.0.1:" + std::to_string(port);
  options.credentials = testing::TestCredentials();
  options.retry.max_attempts = 1;
  try {
    BudgetClient(options).GetBudgetsByIds({1});
    FAIL("a self-signed certificate was accepted");
  } catch (const Error& e) {
    CHECK(e.Kind() == ErrorKind::kTransport);
    CHECK(std::string(e.what()).find("certificate") != std::string::npos);
  }
  options.transport_options.ca_file = cert;
  CHECK(BudgetClient(options).GetBudgetsByIds({1}).TrackingIds ==
        std::vector<std::string>{"tls-ok"});
  server.stop();
  thread.join();
  std::filesystem::remove_all(dir);
}
