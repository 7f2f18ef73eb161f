// The part of every API call that knows nothing of the service it calls: the access token, the
// exchange with its log lines, the retry policy, throttle feedback and the SOAP-retirement note.
// The budget connection (client/client.cpp) composes it; a second service would too.
#pragma once

#include <bingads/client.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "core/adaptive_limit.h"
#include "internal.h"

namespace bingads::internal {

/// The service refused the access token: code 109 (expired) in a fault, or HTTP 401 over REST.
bool TokenRejected(const Error& e);
/// A SOAP call that failed the way a retired endpoint would: HTTP 404 or 410, or code 303.
bool LooksRetired(const Error& e);
/// The TrackingId a fault carries, or "".
std::string TrackingIdOf(const Error& e);

/// Where the calls of `options` go (its endpoint, or `default_base_url`, without a trailing '/')
/// and as whom.
CallTarget TargetOf(const ClientOptions& options, const std::string& default_base_url);
/// `options` when everything that goes into a header, and the URL, is safe to send (no header
/// injection, no credentials in clear text); Error(kUsage, unsent) naming what is not, before
/// anything is sent.
ClientOptions Checked(ClientOptions options, const std::string& default_base_url);
/// The same options for another account, and customer when `customer_id` is given.
ClientOptions OptionsForAccount(ClientOptions options, const std::string& account_id,
                                const std::string& customer_id);
/// The options' clock (a test's), or steady_clock.
std::chrono::steady_clock::time_point ClockNow(const ClientOptions& options);
/// Waits with the options' sleep (a test's), or really.
void Pause(const ClientOptions& options, std::chrono::milliseconds delay);

/// What every connection made from one client (copies, ForAccount) shares, whatever the service:
/// the transport and its connections, the token provider, the log, the jitter source.
/// Thread-safe.
struct ServiceCore {
  explicit ServiceCore(const ClientOptions& options);
  /// Writes a log line (escaped; the lines of parallel calls never interleave).
  void Log(const std::string& line);
  /// A number in [0, 1) for the jitter: options.random, or the core's engine.
  double Random(const ClientOptions& options);

  const std::shared_ptr<HttpTransport> transport;
  const std::shared_ptr<TokenProvider> tokens;
  RetryBudget retry_budget;  ///< Shared by every call of the client (RetryOptions).
  /// The adaptive limit of calls to `customer_id` (one per customer, made on first use).
  AdaptiveLimit& LimitFor(const std::string& customer_id);

 private:
  const std::function<void(std::string_view)> log_function_;
  std::mutex log_mutex_;
  std::mutex rng_mutex_;
  std::mt19937_64 rng_{std::random_device{}()};
  const int ceiling_;
  const bool adaptive_;
  const std::function<std::chrono::steady_clock::time_point()> clock_;
  const std::function<void(std::chrono::milliseconds)> sleep_;
  std::mutex limits_mutex_;
  std::map<std::string, std::unique_ptr<AdaptiveLimit>> limits_;
};

/// One connection's calls: where they go and as whom (`target`), with the options' retry
/// policy, clock, sleep and log. Thread-safe (it holds no state of its own).
class CallLoop {
 public:
  CallLoop(const ClientOptions& options, ServiceCore& core, CallTarget target)
      : options_(options),
        core_(core),
        target_(std::move(target)),
        limit_(core.LimitFor(target_.credentials.customer_id)) {}

  std::chrono::steady_clock::time_point Now() const;
  void Sleep(std::chrono::milliseconds delay) const;
  /// Sends `request` (attempt `attempt` of `operation`, which names it in the log and the
  /// transport's CallContext) and logs both sides, secrets redacted.
  HttpResponse Exchange(const HttpRequest& request, std::string_view operation, int attempt) const;
  const CallTarget& Target() const { return target_; }
  /// The customer's adaptive limit, which every call goes through.
  const AdaptiveLimit& Limit() const { return limit_; }

  // One operation on one chunk: fetches the token, sends (through the customer's adaptive
  // limit), decodes; sends once more after a rejected token the provider could renew, and retries
  // as RetryOptions and the retry budget allow. The result's TrackingIds (or the error's
  // AttemptTrackingIds) list every attempt's.
  template <typename Result, typename Encode, typename Decode>
  Result Call(const char* operation, Idempotency idempotency, Encode encode, Decode decode) const {
    std::vector<std::string> tracking;
    const auto start = Now();
    bool token_renewed = false;
    for (int attempt = 1;; ++attempt) {
      CallTarget call_target = target_;
      std::optional<std::chrono::milliseconds> retry_after;
      std::string response_tracking;  // the TrackingId header of a reply that is no fault
      Slot slot(limit_);
      try {
        call_target.credentials.access_token = core_.tokens->AccessToken();
        CheckHeaderValue("the access token from the token provider",
                         call_target.credentials.access_token);
        HttpRequest request = encode(call_target);
        request.idempotent = idempotency == Idempotency::kRead;
        slot.Enter();
        const HttpResponse response = Exchange(request, operation, attempt);
        if (auto value = response.Header("Retry-After")) retry_after = ParseRetryAfter(*value);
        response_tracking = response.Header("TrackingId").value_or("");
        Result result = decode(response);
        slot.Leave(false);
        core_.retry_budget.Succeeded();
        tracking.insert(tracking.end(), result.TrackingIds.begin(), result.TrackingIds.end());
        result.TrackingIds = std::move(tracking);
        return result;
      } catch (Error& e) {
        // A throttle without Retry-After is waited out for throttle_delay: the limit takes that.
        slot.Leave(IsThrottling(e), retry_after.value_or(options_.retry.throttle_delay));
        if (auto id = TrackingIdOf(e); !id.empty()) {
          tracking.push_back(id);
        } else if (!response_tracking.empty()) {
          tracking.push_back(response_tracking);
        }
        if (!token_renewed && TokenRejected(e) &&
            core_.tokens->Invalidate(call_target.credentials.access_token)) {
          token_renewed = true;
          --attempt;  // a resend with a new token is not a retry
          core_.Log("! access token rejected; sending once more with a renewed token");
          continue;
        }
        const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Now() - start);
        RetryDecision decision = DecideRetry(options_.retry, e, idempotency, attempt, elapsed,
                                             retry_after, core_.Random(options_));
        // A throttle is the service asking to come back later, which the retry waits for and the
        // adaptive limit slows the sends for: it draws nothing from the retry budget.
        if (decision.retry && !IsThrottling(e) && !core_.retry_budget.Failed()) {
          decision.retry = false;
          e.AppendNote(
              " [not retried: the client's retry budget is spent (too many calls failed "
              "lately; RetryOptions::budget_tokens)]");
        }
        if (!decision.retry) {
          e.SetAttemptTrackingIds(tracking);
          if (options_.protocol == Protocol::kSoap && LooksRetired(e)) {
            e.AppendNote(
                " [the SOAP endpoint answered as a retired one would: Microsoft retired the SOAP "
                "API on 2027-01-31 (no new features since 2026-10-01); use REST: Protocol::kRest, "
                "CLI --protocol rest; to compare with SOAP, replay a recording made before: "
                "--replay DIR]");
          }
          throw;
        }
        core_.Log("! attempt " + std::to_string(attempt) + " failed (" + decision.reason +
                  "); retrying in " + std::to_string(decision.delay.count()) + " ms");
        Sleep(decision.delay);
      }
    }
  }

 private:
  // A call's place in its customer's adaptive limit: entered just before the send, left once
  // (when answered, or when the attempt ends otherwise).
  class Slot {
   public:
    explicit Slot(AdaptiveLimit& limit) : limit_(limit) {}
    ~Slot() { Leave(false); }
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    void Enter() {
      sent_ = limit_.Enter();
      entered_ = true;
    }
    void Leave(bool throttled,
               std::chrono::milliseconds retry_after = std::chrono::milliseconds(0)) {
      if (entered_) limit_.Leave(throttled, sent_, retry_after);
      entered_ = false;
    }

   private:
    AdaptiveLimit& limit_;
    bool entered_ = false;
    std::chrono::steady_clock::time_point sent_{};
  };

  std::string Capped(std::string_view body) const;

  const ClientOptions& options_;
  ServiceCore& core_;
  CallTarget target_;
  AdaptiveLimit& limit_;  // the customer's, looked up once per connection, not per call
};

}  // namespace bingads::internal
