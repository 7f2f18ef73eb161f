// The emulator's call-rate limit (a sliding window per customer, an in-flight cap).
#include <bingads/client.h>
#include <doctest/doctest.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "core/adaptive_limit.h"
#include "rate_limit.h"
#include "support.h"

using namespace std::chrono_literals;

TEST_CASE("throttle: --rate-limit N/WINDOW is read strictly") {
  using bingads::emulator::ParseRateLimit;
  CHECK(ParseRateLimit("600/60s").calls == 600);
  CHECK(ParseRateLimit("600/60s").window == 60s);
  CHECK(ParseRateLimit("10/500ms").window == 500ms);
  for (const char* bad : {"", "50", "0/2s", "50/0s", "50/2", "50/2m", "-1/2s", "50/2hs", "x/2s",
                          "50/99999s", "1/2s "}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(ParseRateLimit(bad), std::invalid_argument);
  }
}

TEST_CASE("throttle: a sliding window per customer, and a cap on calls in flight") {
  auto now = std::chrono::steady_clock::time_point{} + 1000h;
  bingads::emulator::RateLimiter limiter(bingads::emulator::RateLimitSpec{3, 2s}, 0,
                                         [&now] { return now; });
  for (int i = 0; i < 3; ++i, now += 100ms) CHECK(limiter.Admit("7").admitted);
  const auto refused = limiter.Admit("7");  // at 0.3 s: the first call leaves the window at 2 s
  CHECK_FALSE(refused.admitted);
  CHECK(refused.retry_after_seconds == 2);  // 1.7 s, rounded up
  CHECK(limiter.Admit("8").admitted);       // another customer has a window of its own
  now += 1700ms;                            // at 2.0 s the first call has left
  CHECK(limiter.Admit("7").admitted);
  CHECK_FALSE(limiter.Admit("7").admitted);  // the window holds three again
  CHECK(limiter.StateJson().find(R"({"customer":"7","in_window":3,)") != std::string::npos);

  bingads::emulator::RateLimiter cap(std::nullopt, 2, [&now] { return now; });
  CHECK(cap.Admit("7").admitted);
  CHECK(cap.Admit("7").admitted);
  CHECK_FALSE(cap.Admit("7").admitted);
  cap.Done("7");
  CHECK(cap.Admit("7").admitted);
}

TEST_CASE("throttle: the emulator counts a customer's calls across accounts and protocols") {
  bingads::emulator::ServiceOptions options;
  options.rate_limit = bingads::emulator::RateLimitSpec{4, 60s};
  testing::Emulator emulator(options);
  auto client = [&](bingads::Protocol protocol, const char* account, const char* customer) {
    bingads::ClientOptions o = emulator.Options(protocol);
    o.retry.max_attempts = 1;
    o.credentials.account_id = account;
    o.credentials.customer_id = customer;
    return bingads::BudgetClient(o);
  };
  CHECK_NOTHROW(client(bingads::Protocol::kRest, "2000002", "1").GetBudgetsByIds({1}));
  CHECK_NOTHROW(client(bingads::Protocol::kRest, "31", "1").GetBudgetsByIds({1}));
  CHECK_NOTHROW(client(bingads::Protocol::kSoap, "2000002", "1").GetBudgetsByIds({1}));
  CHECK_NOTHROW(client(bingads::Protocol::kSoap, "31", "1").GetBudgetsByIds({1}));
  for (const auto protocol : {bingads::Protocol::kRest, bingads::Protocol::kSoap}) {
    try {
      client(protocol, "2000002", "1").GetBudgetsByIds({1});
      FAIL("the fifth call in the window was answered");
    } catch (const bingads::Error& e) {
      CHECK(bingads::IsThrottling(e));
      if (protocol == bingads::Protocol::kRest) CHECK(e.HttpStatus() == 429);
    }
  }
  CHECK_NOTHROW(client(bingads::Protocol::kRest, "2000002", "2").GetBudgetsByIds({1}));
  // The admin endpoint shows each customer's window.
  auto transport = bingads::MakeCurlTransport({});
  const auto state = transport->Send({"GET", emulator.BaseUrl() + "/emulator/faults", {}, ""});
  CHECK(state.status == 200);
  CHECK(state.body.find(R"("rate_limit":{"calls":4,"window_ms":60000,)") != std::string::npos);
  CHECK(state.body.find(
            R"({"customer":"1","in_window":4,"in_flight":0,"admitted":4,"throttled":2})") !=
        std::string::npos);
}

TEST_CASE("throttle: the retry budget stops retries when calls keep failing, and refills") {
  bingads::RetryBudget budget(10, 0.1);
  for (int i = 0; i < 4; ++i) CHECK(budget.Failed());  // 9, 8, 7, 6 tokens: more than half
  CHECK_FALSE(budget.Failed());                        // 5: no more retries
  for (int i = 0; i < 10; ++i) budget.Succeeded();     // one token back
  CHECK(budget.Tokens() == doctest::Approx(6.0));
  CHECK_FALSE(budget.Failed());  // 5 again
  bingads::RetryBudget off(0, 0.1);
  for (int i = 0; i < 100; ++i) CHECK(off.Failed());
}

namespace {

// Counts the calls that reach the wire.
class Counting final : public bingads::HttpTransport {
 public:
  explicit Counting(std::shared_ptr<bingads::HttpTransport> inner) : inner_(std::move(inner)) {}
  using bingads::HttpTransport::Send;
  bingads::HttpResponse Send(const bingads::HttpRequest& request,
                             const bingads::CallContext& context) override {
    ++calls;
    return inner_->Send(request, context);
  }
  std::atomic<int> calls{0};

 private:
  std::shared_ptr<bingads::HttpTransport> inner_;
};

}  // namespace

TEST_CASE("throttle: in an outage a fan-out of 50 accounts sends what the retry budget allows") {
  bingads::emulator::ServiceOptions service;
  service.faults = {"error-503"};  // every call, on every account
  testing::Emulator emulator(service);
  for (const double tokens : {10.0, 0.0}) {
    bingads::ClientOptions options = emulator.Options(bingads::Protocol::kRest);
    options.retry.budget_tokens = tokens;
    auto counting = std::make_shared<Counting>(bingads::MakeCurlTransport({}));
    options.transport = counting;
    const bingads::BudgetClient client(options);
    std::atomic<int> failed{0};
    std::vector<std::thread> threads;
    for (int a = 0; a < 50; ++a) {
      threads.emplace_back([&, a] {
        try {
          client.ForAccount(std::to_string(3000000 + a)).GetBudgetsByIds({1});
        } catch (const bingads::Error&) {
          ++failed;
        }
      });
    }
    for (auto& t : threads) t.join();
    CAPTURE(tokens);
    CHECK(failed == 50);
    if (tokens > 0) {
      // 50 first attempts and the 4 retries the budget allows (10 tokens, half of them spent).
      CHECK(counting->calls == 54);
    } else {
      CHECK(counting->calls == 200);  // without a budget, 4 attempts each
    }
  }
}

TEST_CASE(
    "throttle: the adaptive limit halves on a throttle, holds its Retry-After and grows back") {
  auto now = std::chrono::steady_clock::time_point{} + 1000h;
  std::vector<std::chrono::milliseconds> sleeps;
  bingads::internal::AdaptiveLimit limit(
      8, true, [&now] { return now; },
      [&](std::chrono::milliseconds d) {
        sleeps.push_back(d);
        now += d;
      });
  CHECK(limit.Limit() == 8);
  CHECK(limit.Rate() == 0);  // no rate before the first throttle
  for (int i = 0; i < 20; ++i, now += 50ms) limit.Leave(false, limit.Enter());  // 20 a second
  auto sent = limit.Enter();
  limit.Leave(true, sent, 1000ms);
  CHECK(limit.Limit() == 4);
  CHECK(limit.Throttled() == 1);
  CHECK(limit.Rate() == doctest::Approx(10 * 0.7));  // 0.7 of the 10 a second the last 2 s took
  // A call sent before that cut, throttled too, is the same congestion event: no second cut.
  limit.Leave(true, sent - 1ms, 1000ms);
  CHECK(limit.Limit() == 4);
  // The next send waits for the Retry-After, and the ones after it go at the rate.
  sleeps.clear();
  limit.Leave(false, limit.Enter());
  REQUIRE(sleeps.size() == 1);
  CHECK(sleeps[0] >= 1000ms);
  for (int i = 0; i < 40; ++i) limit.Leave(false, limit.Enter());
  CHECK(limit.Limit() > 4);  // grows again, by one per `limit` successes
  CHECK(limit.Limit() <= 8);
  // A fixed limit learns nothing.
  bingads::internal::AdaptiveLimit fixed(4, false, [&now] { return now; }, {});
  fixed.Leave(true, fixed.Enter(), 1000ms);
  CHECK(fixed.Limit() == 4);
  CHECK(fixed.Rate() == 0);
  CHECK(fixed.Throttled() == 1);
}
