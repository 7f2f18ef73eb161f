// Authentication: the OAuth refresh-token flow, resending once after a rejected token, one shared
// refresh under concurrency, the emulator's expiring tokens, and no secret in any log.
#include <bingads/auth.h>
#include <bingads/client.h>
#include <doctest/doctest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "support.h"

using namespace bingads;
using namespace std::chrono_literals;

namespace {

std::string TokenJson(const std::string& access, int expires_in, const std::string& refresh = "") {
  return R"({"token_type":"Bearer","expires_in":)" + std::to_string(expires_in) +
         R"(,"access_token":")" + access + "\"" +
         (refresh.empty() ? std::string() : R"(,"refresh_token":")" + refresh + "\"") + "}";
}

struct OAuthFixture {
  std::shared_ptr<testing::FakeTransport> token_endpoint =
      std::make_shared<testing::FakeTransport>();
  std::chrono::steady_clock::time_point now{std::chrono::hours(10)};
  std::vector<std::string> rotated;
  std::vector<std::string> log;
  OAuthOptions Options() {
    OAuthOptions o;
    o.client_id = "client-1";
    o.client_secret = "s3cr3t&=+";
    o.refresh_token = "RT-ORIGINAL";
    o.token_url = "https://login.example.test/common/oauth2/v2.0/token";
    o.transport = token_endpoint;
    o.clock = [this] { return now; };
    o.on_refresh_token = [this](const std::string& t) { rotated.push_back(t); };
    o.log = [this](std::string_view line) { log.emplace_back(line); };
    return o;
  }
};

}  // namespace

TEST_CASE("oauth: the refresh-token grant, expiry with a margin, and rotation") {
  OAuthFixture f;
  auto provider = MakeOAuthTokenProvider(f.Options());
  f.token_endpoint->Push(200, TokenJson("AT-1", 3600, "RT-2"));
  CHECK(provider->AccessToken() == "AT-1");
  REQUIRE(f.token_endpoint->requests.size() == 1);
  const HttpRequest& r = f.token_endpoint->requests[0];
  CHECK(r.method == "POST");
  CHECK(r.url == "https://login.example.test/common/oauth2/v2.0/token");
  CHECK(r.body ==
        "client_id=client-1&scope=https%3A%2F%2Fads.microsoft.com%2Fmsads.manage%20offline_access"
        "&refresh_token=RT-ORIGINAL&grant_type=refresh_token&client_secret=s3cr3t%26%3D%2B");
  CHECK(f.rotated == std::vector<std::string>{"RT-2"});

  f.now += 3600s - 121s;  // still more than the 2-minute margin left: no call
  CHECK(provider->AccessToken() == "AT-1");
  CHECK(f.token_endpoint->requests.size() == 1);
  f.now += 2s;  // inside the margin: refresh, with the rotated refresh token
  f.token_endpoint->Push(200, TokenJson("AT-2", 3600));
  CHECK(provider->AccessToken() == "AT-2");
  REQUIRE(f.token_endpoint->requests.size() == 2);
  CHECK(f.token_endpoint->requests[1].body.find("refresh_token=RT-2&") != std::string::npos);
  CHECK(f.rotated.size() == 1);  // no new refresh token this time

  // Invalidate: the rejected token is replaced; a token someone else already replaced is not.
  f.token_endpoint->Push(200, TokenJson("AT-3", 3600));
  CHECK(provider->Invalidate("AT-2"));
  CHECK(provider->AccessToken() == "AT-3");
  CHECK(provider->Invalidate("AT-2"));  // stale rejection: AT-3 is already different
  CHECK(f.token_endpoint->requests.size() == 3);

  // No secret in the exchange log.
  for (const auto& line : f.log) {
    CAPTURE(line);
    for (const char* secret : {"s3cr3t", "RT-ORIGINAL", "RT-2", "AT-1", "AT-2", "AT-3"}) {
      CHECK(line.find(secret) == std::string::npos);
    }
  }
}

TEST_CASE("oauth: a refused refresh is a distinct authentication error") {
  OAuthFixture f;
  auto provider = MakeOAuthTokenProvider(f.Options());
  f.token_endpoint->Push(
      400,
      R"({"error":"invalid_grant","error_description":"AADSTS70008: The refresh token has expired."})");
  try {
    provider->AccessToken();
    FAIL("expected an OAuthError");
  } catch (const OAuthError& e) {
    CHECK(e.Kind() == ErrorKind::kAuthentication);
    CHECK(e.Code() == "invalid_grant");
    CHECK(e.Description().find("AADSTS70008") != std::string::npos);
    CHECK(e.HttpStatus() == 400);
  }
  f.token_endpoint->Push(502, "<html>bad gateway</html>");
  CHECK_THROWS_WITH_AS(provider->AccessToken(), doctest::Contains("HTTP 502"), Error);
  f.token_endpoint->Push(200, R"({"access_token":"AT","expires_in":"soon"})");
  CHECK_THROWS_WITH_AS(provider->AccessToken(), doctest::Contains("no access_token or expires_in"),
                       Error);
  f.token_endpoint->Push(200, R"({"access_token":)" + std::string(1'000'000, '['));
  CHECK_THROWS_WITH_AS(provider->AccessToken(), doctest::Contains("not a token response"), Error);
  OAuthOptions missing;
  CHECK_THROWS_WITH_AS(MakeOAuthTokenProvider(missing), "OAuth: client_id is required", Error);
}

TEST_CASE("oauth: concurrent callers share one refresh") {
  OAuthFixture f;
  auto options = f.Options();
  // A token endpoint that takes a while, so that all threads arrive during the refresh.
  struct Slow : testing::FakeTransport {
    std::atomic<int> calls{0};
    HttpResponse Send(const HttpRequest& r, const CallContext& context) override {
      ++calls;
      std::this_thread::sleep_for(50ms);
      return testing::FakeTransport::Send(r, context);
    }
  };
  auto slow = std::make_shared<Slow>();
  slow->Push(200, TokenJson("AT-shared", 3600));
  options.transport = slow;
  auto provider = MakeOAuthTokenProvider(options);
  std::vector<std::thread> threads;
  std::vector<std::string> got(8);
  for (int i = 0; i < 8; ++i) threads.emplace_back([&, i] { got[i] = provider->AccessToken(); });
  for (auto& t : threads) t.join();
  CHECK(slow->calls == 1);
  for (const auto& token : got) CHECK(token == "AT-shared");
  // Many calls rejecting the same token at once: still one refresh.
  slow->Push(200, TokenJson("AT-next", 3600));
  threads.clear();
  std::atomic<int> renewed{0};
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&] { renewed += provider->Invalidate("AT-shared") ? 1 : 0; });
  for (auto& t : threads) t.join();
  CHECK(slow->calls == 2);
  CHECK(renewed == 8);
  CHECK(provider->AccessToken() == "AT-next");
}

TEST_CASE("auth: code 109 over SOAP and HTTP 401 over REST refresh the token and resend once") {
  const std::string soap109 =
      R"(<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode>s:Server</faultcode><faultstring>expired</faultstring><detail><AdApiFaultDetail xmlns="https://adapi.microsoft.com"><TrackingId>t109</TrackingId><Errors><AdApiError><Code>109</Code><ErrorCode>AuthenticationTokenExpired</ErrorCode></AdApiError></Errors></AdApiFaultDetail></detail></s:Fault></s:Body></s:Envelope>)";
  const std::string soap_ok =
      R"(<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><DeleteBudgetsResponse xmlns="https://bingads.microsoft.com/CampaignManagement/v13"><PartialErrors/></DeleteBudgetsResponse></s:Body></s:Envelope>)";
  const std::string rest401 =
      R"({"TrackingId":"t401","Type":"AdApiFaultDetail","Errors":[{"Code":109,"ErrorCode":"AuthenticationTokenExpired"}]})";
  for (Protocol protocol : {Protocol::kSoap, Protocol::kRest}) {
    CAPTURE(ToString(protocol));
    OAuthFixture f;
    f.token_endpoint->Push(200, TokenJson("AT-old", 3600));
    f.token_endpoint->Push(200, TokenJson("AT-new", 3600));
    auto service = std::make_shared<testing::FakeTransport>();
    const bool soap = protocol == Protocol::kSoap;
    service->Push(soap ? 500 : 401, soap ? soap109 : rest401);
    service->Push(200, soap ? soap_ok : R"({"PartialErrors":[]})", {{"TrackingId", "tok"}});
    auto options = testing::FakeOptions(protocol, service);
    options.token_provider = MakeOAuthTokenProvider(f.Options());
    // A write: the resend after a rejected token is not a retry, so writes get it too.
    const auto result = BudgetClient(options).DeleteBudgets({1});
    REQUIRE(service->requests.size() == 2);
    const std::string& first = service->requests[0].body + service->requests[0].headers[0].second;
    const std::string& second = service->requests[1].body + service->requests[1].headers[0].second;
    CHECK(first.find("AT-old") != std::string::npos);
    CHECK(second.find("AT-new") != std::string::npos);
    CHECK(result.TrackingIds.front() == (soap ? "t109" : "t401"));

    // Rejected again after the resend: the error, not a loop.
    service->Push(soap ? 500 : 401, soap ? soap109 : rest401);
    f.token_endpoint->Push(200, TokenJson("AT-newer", 3600));
    service->Push(soap ? 500 : 401, soap ? soap109 : rest401);
    CHECK_THROWS_WITH_AS(BudgetClient(options).DeleteBudgets({1}),
                         doctest::Contains("109 AuthenticationTokenExpired"), ApiFault);
    CHECK(service->requests.size() == 4);
  }
}

TEST_CASE("emulator: issued tokens expire (109 / 401), refresh tokens rotate, clients recover") {
  for (Protocol protocol : {Protocol::kSoap, Protocol::kRest}) {
    CAPTURE(ToString(protocol));
    // The test moves the clock while the server's threads read it.
    auto now = std::make_shared<std::atomic<std::chrono::steady_clock::time_point>>(
        std::chrono::steady_clock::time_point(std::chrono::hours(5)));
    emulator::ServiceOptions service_options;
    service_options.token_ttl = 600s;
    service_options.clock = [now] { return now->load(); };
    emulator::BudgetService service(service_options);
    emulator::Server server(service);
    const std::string base = "http://127.0.0.1:" + std::to_string(server.Start("127.0.0.1", 0));

    OAuthOptions oauth;
    oauth.client_id = "emulator-client";
    oauth.client_secret = "client-secret-value";
    oauth.refresh_token = "emulator-refresh-token";
    oauth.token_url = base + "/common/oauth2/v2.0/token";
    std::string saved;
    oauth.on_refresh_token = [&saved](const std::string& t) { saved = t; };
    // The client's own clock stands still: it believes its token is fresh, so only the service's
    // rejection can make it refresh.
    oauth.clock = [] { return std::chrono::steady_clock::time_point(std::chrono::hours(1)); };
    std::vector<std::string> log;
    oauth.log = [&log](std::string_view l) { log.emplace_back(l); };

    ClientOptions options;
    options.protocol = protocol;
    options.endpoint = base;
    options.credentials = testing::TestCredentials();
    options.credentials.access_token.clear();
    options.log = oauth.log;
    options.token_provider = MakeOAuthTokenProvider(oauth);
    BudgetClient client(options);
    CHECK(client.GetBudgetsByIds({testing::kDemoId}).Budgets.at(0).has_value());
    CHECK(saved.rfind("emu-rt-", 0) == 0);  // the refresh token was rotated

    now->store(now->load() + 601s);  // the emulator's clock passes the token's life
    const auto again = client.GetBudgetsByIds({testing::kDemoId});
    CHECK(again.Budgets.at(0).has_value());
    CHECK(again.TrackingIds.size() == 2);  // the rejected attempt and the resend

    // The original refresh token was used once and is now refused.
    OAuthOptions stale = oauth;
    stale.refresh_token = "emulator-refresh-token";
    CHECK_THROWS_WITH_AS(MakeOAuthTokenProvider(stale)->AccessToken(),
                         doctest::Contains("invalid_grant"), OAuthError);

    bool saw_rejection = false;
    for (const auto& l : log) {
      CAPTURE(l);
      saw_rejection |= l.rfind(protocol == Protocol::kSoap ? "< HTTP 500" : "< HTTP 401", 0) == 0;
      CHECK(l.find("emu-at-") == std::string::npos);
      CHECK(l.find("emu-rt-") == std::string::npos);
      CHECK(l.find("emulator-refresh-token") == std::string::npos);
      CHECK(l.find("client-secret-value") == std::string::npos);
      CHECK(l.find("DEV-TOKEN-123") == std::string::npos);
    }
    CHECK(saw_rejection);
  }
}
