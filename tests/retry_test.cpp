// The retry policy: each decision, the backoff, Retry-After, the caps, idempotency, and the
// TrackingIds of every attempt. A fake clock and sleeper: nothing here waits.
#include <bingads/client.h>
#include <bingads/retry.h>
#include <doctest/doctest.h>

#include "support.h"

using namespace bingads;
using std::chrono::milliseconds;

namespace {

ApiFault Fault(std::int32_t code, int status, const std::string& tracking = "t") {
  FaultDetail d;
  d.Type = "AdApiFaultDetail";
  d.TrackingId = tracking;
  d.Errors.push_back({code, std::nullopt, std::string("E") + std::to_string(code), std::nullopt});
  return ApiFault(d, status);
}

RetryDecision Decide(const Error& e, Idempotency idempotency, int attempt = 1,
                     std::optional<milliseconds> retry_after = std::nullopt, double random = 0.5,
                     milliseconds elapsed = milliseconds(0)) {
  return DecideRetry(RetryOptions{}, e, idempotency, attempt, elapsed, retry_after, random);
}

// A client with the default retry policy over `transport`, sleeping on `clock` (never for real).
ClientOptions RetryingOptions(Protocol protocol, std::shared_ptr<testing::FakeTransport> transport,
                              testing::FakeClock& clock) {
  auto options = testing::FakeOptions(protocol, std::move(transport));
  options.retry = RetryOptions{};
  clock.Install(options);
  return options;
}

const std::string kRestFault117 =
    R"({"TrackingId":"t117","Type":"AdApiFaultDetail","Errors":[{"Code":117,"ErrorCode":"CallRateExceeded"}]})";
const std::string kOneBudget = R"({"Budgets":[{"Id":"1"}],"PartialErrors":[]})";

}  // namespace

TEST_CASE("retry: what reads and writes retry, case by case") {
  const Error unsent(ErrorKind::kTransport, "refused", 0, true);
  const Error reset(ErrorKind::kTransport, "connection reset after send", 0, false);
  const Error timeout(ErrorKind::kTimeout, "timeout", 0, false);
  const Error html503(ErrorKind::kTransport, "HTML page", 503);
  const Error html404(ErrorKind::kTransport, "HTML page", 404);
  const Error status429(ErrorKind::kTransport, "throttled", 429);
  const Error garbled(ErrorKind::kMalformedResponse, "truncated", 200);
  const ApiFault throttled = Fault(117, 500);
  const ApiFault internal = Fault(0, 500);
  const ApiFault invalid = Fault(4916, 500);  // a SOAP fault: HTTP 500 but not a server error
  const ApiFault auth = Fault(105, 401);
  const Error usage(ErrorKind::kUsage, "bad input");
  const Error cancelled(ErrorKind::kCancelled, "cancelled", 0, true);  // even when unsent
  struct Case {
    const Error* error;
    bool read, write;
  } cases[] = {
      {&unsent, true, true},      {&reset, true, false},    {&timeout, true, false},
      {&html503, true, false},    {&html404, false, false}, {&status429, true, true},
      {&garbled, true, false},    {&throttled, true, true}, {&internal, true, false},
      {&invalid, false, false},   {&auth, false, false},    {&usage, false, false},
      {&cancelled, false, false},
  };
  for (const auto& c : cases) {
    CAPTURE(c.error->what());
    CHECK(Decide(*c.error, Idempotency::kRead).retry == c.read);
    CHECK(Decide(*c.error, Idempotency::kWrite).retry == c.write);
  }
}

TEST_CASE("retry: exponential backoff with jitter, caps, Retry-After and throttling floor") {
  const Error e(ErrorKind::kTransport, "x", 503);
  CHECK(Decide(e, Idempotency::kRead, 1, std::nullopt, 0.5).delay == milliseconds(1000));
  CHECK(Decide(e, Idempotency::kRead, 2, std::nullopt, 0.5).delay == milliseconds(2000));
  CHECK(Decide(e, Idempotency::kRead, 3, std::nullopt, 0.5).delay == milliseconds(4000));
  CHECK(Decide(e, Idempotency::kRead, 1, std::nullopt, 0.0).delay == milliseconds(800));
  CHECK(Decide(e, Idempotency::kRead, 1, std::nullopt, 0.999).delay.count() == 1199);
  RetryOptions many;
  many.max_attempts = 20;
  CHECK(DecideRetry(many, e, Idempotency::kRead, 10, {}, {}, 0.5).delay == milliseconds(30000));
  CHECK_FALSE(Decide(e, Idempotency::kRead, 4).retry);  // 4 attempts made: no fifth
  CHECK(std::string(Decide(e, Idempotency::kRead, 4).reason) == "no attempts left");
  CHECK(Decide(e, Idempotency::kRead, 1, milliseconds(7000)).delay == milliseconds(7000));
  CHECK(Decide(e, Idempotency::kRead, 1, milliseconds(0)).delay == milliseconds(0));
  // Past the total budget it gives up rather than sleep beyond it.
  CHECK_FALSE(
      Decide(e, Idempotency::kRead, 1, milliseconds(60000), 0.5, milliseconds(40000)).retry);
  CHECK(std::string(Decide(e, Idempotency::kRead, 1, milliseconds(60000), 0.5, milliseconds(40000))
                        .reason) == "no time left");
  // Throttling without Retry-After waits at least throttle_delay.
  CHECK(Decide(Fault(117, 500), Idempotency::kWrite, 1).delay == milliseconds(5000));
}

TEST_CASE("retry: Retry-After as seconds or an HTTP date") {
  const auto now =
      std::chrono::system_clock::from_time_t(1445412480);  // Wed, 21 Oct 2015 07:28:00 GMT
  CHECK(ParseRetryAfter("120", now) == milliseconds(120000));
  CHECK(ParseRetryAfter(" 0 ", now) == milliseconds(0));
  CHECK(ParseRetryAfter("Wed, 21 Oct 2015 07:28:30 GMT", now) == milliseconds(30000));
  CHECK(ParseRetryAfter("Wed, 21 Oct 2015 07:00:00 GMT", now) == milliseconds(0));
  CHECK_FALSE(ParseRetryAfter("-5", now).has_value());
  CHECK_FALSE(ParseRetryAfter("soon", now).has_value());
  CHECK_FALSE(ParseRetryAfter("", now).has_value());
}

TEST_CASE("retry: a read survives throttling and a 503, keeping every attempt's TrackingId") {
  auto transport = std::make_shared<testing::FakeTransport>();
  transport->Push(429, kRestFault117, {{"Retry-After", "3"}, {"TrackingId", "t117"}});
  transport->Push(503, "<html>busy</html>", {{"TrackingId", "t503"}});
  transport->Push(200, kOneBudget, {{"TrackingId", "tok"}});
  testing::FakeClock clock;
  auto options = RetryingOptions(Protocol::kRest, transport, clock);
  const auto result = BudgetClient(options).GetBudgetsByIds({1});
  CHECK(result.Budgets.size() == 1);
  CHECK(clock.sleeps == std::vector<milliseconds>{milliseconds(3000), milliseconds(2000)});
  CHECK(result.TrackingIds == std::vector<std::string>{"t117", "t503", "tok"});
  CHECK(transport->requests.size() == 3);
  // The transport is told which call and which attempt each exchange is.
  using Context = std::pair<std::string, int>;
  CHECK(transport->contexts == std::vector<Context>{{"GetBudgetsByIds", 1},
                                                    {"GetBudgetsByIds", 2},
                                                    {"GetBudgetsByIds", 3}});
}

TEST_CASE("retry: writes are not repeated when the service may have done the work") {
  for (int variant = 0; variant < 3; ++variant) {
    CAPTURE(variant);
    auto transport = std::make_shared<testing::FakeTransport>();
    if (variant == 0)
      transport->PushError(Error(ErrorKind::kTimeout, "timed out after send", 0, false));
    if (variant == 1) transport->Push(503, "<html>busy</html>");
    if (variant == 2) {
      transport->Push(
          500,
          R"({"TrackingId":"t0","Type":"AdApiFaultDetail","Errors":[{"Code":0,"ErrorCode":"InternalError"}]})");
    }
    testing::FakeClock clock;
    auto options = RetryingOptions(Protocol::kRest, transport, clock);
    Budget b;
    b.Name = "x";
    CHECK_THROWS_AS(BudgetClient(options).AddBudgets({b}), Error);
    CHECK(transport->requests.size() == 1);
    CHECK(clock.sleeps.empty());
  }
}

TEST_CASE("retry: which failed writes have an unknown outcome") {
  const auto fault = [](int code, int status) {
    FaultDetail d;
    d.Type = "AdApiFaultDetail";
    d.Errors.push_back({code, std::nullopt, std::nullopt, std::nullopt});
    return ApiFault(d, status);
  };
  // Sent, and then no usable answer: the service may have done it.
  CHECK(WriteOutcomeUnknown(Error(ErrorKind::kTimeout, "timed out after send")));
  CHECK(WriteOutcomeUnknown(Error(ErrorKind::kTransport, "Empty reply from server")));
  CHECK(WriteOutcomeUnknown(Error(ErrorKind::kTransport, "proxy page", 503)));
  CHECK(WriteOutcomeUnknown(Error(ErrorKind::kMalformedResponse, "cut short", 200)));
  CHECK(WriteOutcomeUnknown(Error(ErrorKind::kResponseTooLarge, "too large", 200)));
  CHECK(WriteOutcomeUnknown(fault(0, 500)));
  // Known not done: never sent, refused in front of the service, throttled, or a fault saying so.
  CHECK_FALSE(WriteOutcomeUnknown(Error(ErrorKind::kTransport, "refused", 0, true)));
  CHECK_FALSE(WriteOutcomeUnknown(Error(ErrorKind::kTransport, "not found page", 404)));
  CHECK_FALSE(WriteOutcomeUnknown(Error(ErrorKind::kTransport, "redirect", 307)));
  CHECK_FALSE(WriteOutcomeUnknown(fault(117, 429)));
  CHECK_FALSE(WriteOutcomeUnknown(fault(105, 401)));
  CHECK_FALSE(WriteOutcomeUnknown(fault(4913, 400)));
  CHECK_FALSE(WriteOutcomeUnknown(Error(ErrorKind::kUsage, "bad input")));
}

TEST_CASE("retry: writes are repeated when the request surely was not processed") {
  auto transport = std::make_shared<testing::FakeTransport>();
  transport->PushError(Error(ErrorKind::kTransport, "connection refused", 0, true));
  transport->Push(429, kRestFault117, {{"TrackingId", "t117"}});
  transport->Push(200, R"({"BudgetIds":["9"],"PartialErrors":[]})", {{"TrackingId", "tok"}});
  testing::FakeClock clock;
  auto options = RetryingOptions(Protocol::kRest, transport, clock);
  Budget b;
  b.Name = "x";
  const auto result = BudgetClient(options).AddBudgets({b});
  CHECK(result.BudgetIds == std::vector<std::optional<std::int64_t>>{9});
  CHECK(transport->requests.size() == 3);
  CHECK(clock.sleeps == std::vector<milliseconds>{milliseconds(1000), milliseconds(5000)});
  CHECK(result.TrackingIds == std::vector<std::string>{"t117", "tok"});
}

TEST_CASE("retry: giving up reports every attempt's TrackingId, and SOAP 117 is retried too") {
  auto transport = std::make_shared<testing::FakeTransport>();
  const std::string soap117 =
      R"(<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode>s:Server</faultcode><faultstring>throttled</faultstring><detail><AdApiFaultDetail xmlns="https://adapi.microsoft.com"><TrackingId>TID</TrackingId><Errors><AdApiError><Code>117</Code><ErrorCode>CallRateExceeded</ErrorCode></AdApiError></Errors></AdApiFaultDetail></detail></s:Fault></s:Body></s:Envelope>)";
  for (int i = 1; i <= 4; ++i) {
    std::string body = soap117;
    body.replace(body.find("TID"), 3, "s" + std::to_string(i));
    transport->Push(i % 2 ? 500 : 200, body);  // faults with 500 and with 200 alike
  }
  testing::FakeClock clock;
  auto options = RetryingOptions(Protocol::kSoap, transport, clock);
  try {
    BudgetClient(options).DeleteBudgets({1});
    FAIL("expected the throttling to win");
  } catch (const ApiFault& f) {
    CHECK(f.AttemptTrackingIds() == std::vector<std::string>{"s1", "s2", "s3", "s4"});
    CHECK(f.Detail().TrackingId == "s4");
  }
  CHECK(transport->requests.size() == 4);
  CHECK(clock.sleeps.size() == 3);
}
