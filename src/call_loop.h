// The part of every API call that knows nothing of the service it calls: the access token, the
// exchange with its log lines, the retry policy, throttle feedback and the SOAP-retirement note.
// The budget connection (client/client.cpp) composes it; a second service would too.
#pragma once

#include <bingads/client.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "internal.h"

namespace bingads::internal {

/// The service refused the access token: code 109 (expired) in a fault, or HTTP 401 over REST.
bool TokenRejected(const Error& e);
/// A SOAP call that failed the way a retired endpoint would: HTTP 404 or 410, or code 303.
bool LooksRetired(const Error& e);
/// The TrackingId a fault carries, or "".
std::string TrackingIdOf(const Error& e);

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

 private:
  const std::function<void(std::string_view)> log_function_;
  std::mutex log_mutex_;
  std::mutex rng_mutex_;
  std::mt19937_64 rng_{std::random_device{}()};
};

// How many calls of one operation may be in flight: starts at the client's concurrency, halves
// (down to one) whenever a call is throttled, and holds every call that has not started yet
// until the Retry-After of the latest throttling has passed.
class ThrottleGate {
 public:
  ThrottleGate(int limit, std::function<std::chrono::steady_clock::time_point()> now,
               std::function<void(std::chrono::milliseconds)> sleep)
      : limit_(std::max(1, limit)), now_(std::move(now)), sleep_(std::move(sleep)) {}

  void Enter() {
    std::unique_lock<std::mutex> lock(mutex_);
    // The latest Retry-After this caller has slept through: a sleep is trusted to have waited
    // (tests replace it with one that does not), so each throttle holds a caller once.
    std::chrono::steady_clock::time_point slept_until{};
    while (true) {
      if (in_flight_ >= limit_) {
        released_.wait(lock);
        continue;
      }
      const auto target = not_before_;
      if (slept_until >= target) break;
      const auto now = now_();
      if (now >= target) break;
      lock.unlock();
      sleep_(std::max(std::chrono::duration_cast<std::chrono::milliseconds>(target - now),
                      std::chrono::milliseconds(1)));
      lock.lock();
      slept_until = target;
    }
    ++in_flight_;
  }

  void Leave() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      --in_flight_;
    }
    released_.notify_all();
  }

  void Throttled(std::chrono::milliseconds retry_after) {
    std::lock_guard<std::mutex> lock(mutex_);
    limit_ = std::max(1, limit_ / 2);
    not_before_ = std::max(not_before_, now_() + retry_after);
  }

 private:
  std::mutex mutex_;
  std::condition_variable released_;
  int limit_;
  int in_flight_ = 0;
  std::chrono::steady_clock::time_point not_before_{};
  std::function<std::chrono::steady_clock::time_point()> now_;
  std::function<void(std::chrono::milliseconds)> sleep_;
};

/// One connection's calls: where they go and as whom (`target`), with the options' retry
/// policy, clock, sleep and log. Thread-safe (it holds no state of its own).
class CallLoop {
 public:
  CallLoop(const ClientOptions& options, ServiceCore& core, CallTarget target)
      : options_(options), core_(core), target_(std::move(target)) {}

  std::chrono::steady_clock::time_point Now() const;
  void Sleep(std::chrono::milliseconds delay) const;
  /// Sends `request` (attempt `attempt` of `operation`, which names it in the log and the
  /// transport's CallContext) and logs both sides, secrets redacted.
  HttpResponse Exchange(const HttpRequest& request, std::string_view operation, int attempt) const;
  const CallTarget& Target() const { return target_; }

  // One operation on one chunk: fetches the token, sends, decodes; sends once more after a
  // rejected token the provider could renew, and retries as RetryOptions allow (telling `gate`,
  // when there is one, of throttling). The result's TrackingIds (or the error's
  // AttemptTrackingIds) list every attempt's.
  template <typename Result, typename Encode, typename Decode>
  Result Call(const char* operation, Idempotency idempotency, Encode encode, Decode decode,
              ThrottleGate* gate) const {
    std::vector<std::string> tracking;
    const auto start = Now();
    bool token_renewed = false;
    for (int attempt = 1;; ++attempt) {
      CallTarget call_target = target_;
      std::optional<std::chrono::milliseconds> retry_after;
      std::string response_tracking;  // the TrackingId header of a reply that is no fault
      try {
        call_target.credentials.access_token = core_.tokens->AccessToken();
        CheckHeaderValue("the access token from the token provider",
                         call_target.credentials.access_token);
        HttpRequest request = encode(call_target);
        request.idempotent = idempotency == Idempotency::kRead;
        const HttpResponse response = Exchange(request, operation, attempt);
        if (auto value = response.Header("Retry-After")) retry_after = ParseRetryAfter(*value);
        response_tracking = response.Header("TrackingId").value_or("");
        Result result = decode(response);
        core_.retry_budget.Succeeded();
        tracking.insert(tracking.end(), result.TrackingIds.begin(), result.TrackingIds.end());
        result.TrackingIds = std::move(tracking);
        return result;
      } catch (Error& e) {
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
        if (decision.retry && !core_.retry_budget.Failed()) {
          decision.retry = false;
          e.AppendNote(
              " [not retried: the client's retry budget is spent (too many calls failed "
              "lately; RetryOptions::budget_tokens)]");
        }
        if (gate != nullptr && IsThrottling(e)) {
          gate->Throttled(decision.retry ? decision.delay : options_.retry.throttle_delay);
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
  std::string Capped(std::string_view body) const;

  const ClientOptions& options_;
  ServiceCore& core_;
  CallTarget target_;
};

}  // namespace bingads::internal
