// The emulator's call-rate limit (a sliding window per customer, an in-flight cap).
#include <bingads/client.h>
#include <doctest/doctest.h>

#include <atomic>
#include <deque>
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

namespace {

using TimePoint = std::chrono::steady_clock::time_point;

// A service's sliding window, simulated: at most `calls` in any `window`.
struct SimulatedWindow {
  std::size_t calls;
  std::chrono::milliseconds window;
  std::deque<TimePoint> taken;
  // 0 when the call is admitted, else its Retry-After: whole seconds, at least one.
  std::chrono::milliseconds Admit(TimePoint now) {
    while (!taken.empty() && taken.front() + window <= now) taken.pop_front();
    if (taken.size() < calls) {
      taken.push_back(now);
      return 0ms;
    }
    const auto wait = std::chrono::ceil<std::chrono::seconds>(taken.front() + window - now);
    return std::max<std::chrono::milliseconds>(1s, wait);
  }
};

}  // namespace

TEST_CASE("throttle: the adaptive limit finds a sliding window's rate and keeps under it") {
  // One caller sending as fast as the limit lets it over a 20 ms link for 20 windows; each
  // throttled call waits its Retry-After. The first window is the burst the limit learns from.
  for (const auto& [calls, window] :
       {std::pair{50, 2000ms}, std::pair{600, 60000ms}, std::pair{400, 10000ms}}) {
    CAPTURE(calls);
    CAPTURE(window.count());
    auto now = TimePoint{} + 1000h;
    const auto start = now;
    bingads::internal::AdaptiveLimit limit(
        16, true, [&now] { return now; }, [&now](std::chrono::milliseconds d) { now += d; });
    SimulatedWindow service{static_cast<std::size_t>(calls), window, {}};
    long taken = 0, throttled = 0, answered = 0;
    while (now < start + 20 * window) {
      const auto sent = limit.Enter();
      const auto retry_after = service.Admit(now);
      now += 20ms;
      limit.Leave(retry_after > 0ms, sent, retry_after);
      if (sent < start + window) continue;  // the first window
      ++answered;
      if (retry_after > 0ms) {
        ++throttled;
        now += retry_after;
      } else {
        ++taken;
      }
    }
    const double share = static_cast<double>(taken) / (19.0 * calls);
    CAPTURE(share);
    CAPTURE(throttled);
    CHECK(share >= 0.9);
    CHECK(share <= 1.0);
    CHECK(static_cast<double>(throttled) <= 0.02 * static_cast<double>(answered));
  }
}

TEST_CASE("throttle: the adaptive limit finds a limit that rises") {
  // Converged under 50 calls per 2 s, then the service admits 100: the limit lets its upper
  // bound up, more each window it holds, and uses most of the new limit within 40 windows.
  auto now = TimePoint{} + 1000h;
  const auto start = now;
  bingads::internal::AdaptiveLimit limit(
      16, true, [&now] { return now; }, [&now](std::chrono::milliseconds d) { now += d; });
  SimulatedWindow service{50, 2000ms, {}};
  long taken_late = 0;
  while (now < start + 70 * 2000ms) {
    if (now >= start + 20 * 2000ms) service.calls = 100;
    const auto sent = limit.Enter();
    const auto retry_after = service.Admit(now);
    now += 10ms;
    limit.Leave(retry_after > 0ms, sent, retry_after);
    if (retry_after > 0ms) {
      now += retry_after;
    } else if (sent >= start + 60 * 2000ms) {
      ++taken_late;
    }
  }
  const double share = static_cast<double>(taken_late) / (10.0 * 100);
  CAPTURE(share);
  CAPTURE(limit.Rate());
  CHECK(share >= 0.8);
  CHECK(share <= 1.0);
}

TEST_CASE("throttle: the adaptive limit trusts its sleep hook and bounds its waits") {
  // A clock that never moves and a sleep that does not wait: every call still goes (the sleep
  // is trusted to have waited), one sleep per turn, no spinning.
  const auto fixed = TimePoint{} + 1000h;
  std::vector<std::chrono::milliseconds> sleeps;
  bingads::internal::AdaptiveLimit limit(
      1, true, [fixed] { return fixed; },
      [&sleeps](std::chrono::milliseconds d) { sleeps.push_back(d); });
  limit.Leave(false, limit.Enter());
  // A Retry-After of a day holds sends for two minutes at most.
  limit.Leave(true, limit.Enter(), std::chrono::hours(24));
  CHECK(limit.Rate() > 0);
  for (int i = 0; i < 5; ++i) limit.Leave(false, limit.Enter());
  REQUIRE(sleeps.size() == 5);  // one sleep for each call's turn
  CHECK(sleeps[0] >= 120s);
  CHECK(sleeps[0] <= 121s);
  // A sleep hook that throws gives the call's slot back: with a limit of one, the next call
  // would otherwise wait for ever.
  bool throwing = true;
  bingads::internal::AdaptiveLimit strict(
      1, true, [fixed] { return fixed; },
      [&throwing](std::chrono::milliseconds) {
        if (throwing) throw std::runtime_error("interrupted");
      });
  strict.Leave(true, strict.Enter(), 1000ms);  // the rate is on: the next call waits
  CHECK_THROWS_AS(strict.Enter(), std::runtime_error);
  throwing = false;
  strict.Leave(false, strict.Enter());
}

TEST_CASE(
    "throttle: the adaptive limit paces from the first throttle's window, probes, and backs off") {
  auto now = TimePoint{} + 1000h;
  bingads::internal::AdaptiveLimit limit(
      8, true, [&now] { return now; }, [&now](std::chrono::milliseconds d) { now += d; });
  auto call = [&] { limit.Leave(false, limit.Enter()); };
  CHECK(limit.Limit() == 8);
  CHECK(limit.Rate() == 0);       // no rate before the first throttle
  for (int i = 0; i < 40; ++i) {  // a burst: 40 calls answered 10 ms apart
    now += 10ms;
    call();
  }
  auto sent = limit.Enter();
  limit.Leave(true, sent, 1000ms);
  CHECK(limit.Limit() == 4);
  CHECK(limit.Throttled() == 1);
  // The 40 calls filled the window from the first one (0.39 s ago) to the Retry-After (1 s on):
  // 40 in 1.39 s, paced 5% under.
  const double rate = 40 / 1.39 * 0.95;
  CHECK(limit.Rate() == doctest::Approx(rate));
  // A call sent before that throttle was answered, throttled too, is the same congestion event.
  limit.Leave(true, sent - 1ms, 1000ms);
  CHECK(limit.Limit() == 4);
  CHECK(limit.Throttled() == 2);
  // The next send waits for the Retry-After; the ones after it go one by one at the rate.
  auto before = now;
  call();
  CHECK(now - before >= 1000ms);
  before = now;
  for (int i = 0; i < 10; ++i) call();
  CHECK(std::chrono::duration<double>(now - before).count() ==
        doctest::Approx(10 / rate).epsilon(0.05));
  // A whole window (1.39 s) at the rate without a throttle confirms it; the next rate probes
  // 12.5% higher, as no upper bound is known yet.
  for (int i = 0; i < 100 && limit.Rate() == doctest::Approx(rate); ++i) call();
  CHECK(limit.Rate() == doctest::Approx(rate * 1.125));
  // A throttle at the probe: back to the confirmed rate; the probe's calls past it are skipped.
  for (int i = 0; i < 20; ++i) call();
  limit.Leave(true, limit.Enter(), 1000ms);
  CHECK(limit.Rate() == doctest::Approx(rate));
  before = now;
  call();
  CHECK(now - before > std::chrono::milliseconds(static_cast<long>(1000 / rate)));
  // Confirmed again, the next probe goes halfway to the rate that was throttled.
  for (int i = 0; i < 100 && limit.Rate() == doctest::Approx(rate); ++i) call();
  CHECK(limit.Rate() == doctest::Approx(rate * (1 + 1.125) / 2));
  CHECK(limit.Limit() > 4);  // concurrency grows again, by one per `limit` successes
  CHECK(limit.Limit() <= 8);
  // A fixed limit learns nothing.
  bingads::internal::AdaptiveLimit fixed(4, false, [&now] { return now; }, {});
  fixed.Leave(true, fixed.Enter(), 1000ms);
  CHECK(fixed.Limit() == 4);
  CHECK(fixed.Rate() == 0);
  CHECK(fixed.Throttled() == 1);
}

TEST_CASE("throttle: a client and its ForAccount clients share one pacing per customer") {
  bingads::emulator::ServiceOptions service;
  service.rate_limit = bingads::emulator::RateLimitSpec{5, 1s};
  testing::Emulator emulator(service);
  bingads::ClientOptions options = emulator.Options(bingads::Protocol::kRest);
  options.max_concurrency = 8;
  options.sleep = nullptr;  // the throttled calls wait their Retry-After for real
  const bingads::BudgetClient client(options);
  CHECK(client.CurrentPacing().concurrency == 8);
  CHECK(client.CurrentPacing().calls_per_second == 0);
  // Eight accounts of one customer at once: the sixth call in the window is throttled, waits
  // its Retry-After and goes again at the pace the limit learnt.
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for (int a = 0; a < 8; ++a) {
    threads.emplace_back([&, a] {
      try {
        client.ForAccount(std::to_string(3100000 + a)).GetBudgetsByIds({1});
      } catch (const bingads::Error&) {
        ++failed;
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(failed == 0);
  const bingads::Pacing pacing = client.CurrentPacing();
  CHECK(pacing.throttled >= 1);
  CHECK(pacing.calls_per_second > 0);
  CHECK(pacing.calls_per_second <= 5.0);  // 5 calls in a window of 1 s
  CHECK(pacing.concurrency < 8);          // halved on the throttle
  const auto other = client.ForAccount("3100099").CurrentPacing();
  CHECK(other.throttled == pacing.throttled);
  CHECK(other.calls_per_second == pacing.calls_per_second);
  // Another customer has a limit of its own.
  CHECK(client.ForAccount("3100099", "77").CurrentPacing().throttled == 0);
}
