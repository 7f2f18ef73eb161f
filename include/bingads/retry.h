/// @file
/// bingads-budgets: the one retry policy both protocols share.
#pragma once

#include <bingads/errors.h>
#include <bingads/export.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>

namespace bingads {

/// When and how often a failed call is sent again. Defaults:
/// - at most 4 attempts (3 retries) and 90 s from the first send to the last retry's start;
/// - backoff 1 s, 2 s, 4 s, ... up to 30 s, each varied by +-20% (jitter);
/// - a Retry-After header is honoured (and wins over the backoff), within that total time;
/// - throttling (HTTP 429, code 117) without Retry-After waits at least `throttle_delay` (5 s).
/// What is retried:
/// - reads (GetBudgetsByIds, GetCampaignIdsByBudgetIds): transport failures, timeouts, HTTP 429
///   and 5xx, codes 117 CallRateExceeded and 0 InternalError;
/// - writes (Add, Update, Delete): only when the request surely was not processed: it was never
///   sent (connection refused, DNS, connect timeout), HTTP 429, or code 117. Never after a send
///   that timed out or a 5xx, since the service may have done the work.
struct BINGADS_EXPORT RetryOptions {
  int max_attempts = 4;  ///< Sends in all, the first included; 1 turns retries off.
  /// No retry starts later than this after the first send.
  std::chrono::milliseconds max_total{90'000};
  std::chrono::milliseconds initial_backoff{1'000};  ///< Wait before the first retry.
  std::chrono::milliseconds max_backoff{30'000};     ///< Cap of any one backoff wait.
  double multiplier = 2.0;                           ///< Growth of the backoff per retry.
  double jitter = 0.2;  ///< Fraction: each wait is multiplied by a factor in [1-jitter, 1+jitter].
  std::chrono::milliseconds throttle_delay{5'000};  ///< Least wait after throttling.
  /// The retry budget (gRPC's retry throttling): a client, its copies and ForAccount clients
  /// share `budget_tokens` tokens; every failed attempt takes one, every call that succeeds gives
  /// back `budget_refill`, up to the full count; a retry is sent only while more than half the
  /// tokens are left. So when about one call in ten fails, as in a broad outage, retries stop
  /// and calls fail at once (their error says so) instead of multiplying the load; when calls
  /// succeed again the budget refills. Throttling (which the retry waits out and the adaptive
  /// limit slows the sends for) draws nothing. 0 tokens turns the budget off.
  double budget_tokens = 10;
  double budget_refill = 0.1;  ///< Tokens a successful call gives back.
};

/// The retry budget RetryOptions describes. Thread-safe.
class BINGADS_EXPORT RetryBudget {
 public:
  /// A budget of `tokens` (0: no budget, every retry allowed) refilled by `refill` per success.
  RetryBudget(double tokens, double refill);
  /// A failed attempt: takes a token. Returns whether a retry may be sent.
  bool Failed();
  /// A call that succeeded: gives back `refill`.
  void Succeeded();
  /// Tokens left.
  double Tokens() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

/// Whether an operation may be repeated without changing the outcome.
enum class Idempotency { kRead, kWrite };

/// The policy's verdict on one failed attempt.
struct BINGADS_EXPORT RetryDecision {
  bool retry = false;                  ///< Send again.
  std::chrono::milliseconds delay{0};  ///< Wait this long first (when retry).
  const char* reason = "";             ///< Why (for logs and tests), e.g. "HTTP 429".
};

/// True when `error` is the service throttling: HTTP 429 or code 117 CallRateExceeded.
BINGADS_EXPORT bool IsThrottling(const Error& error);

/// True when `error` ends a write whose request may have been processed while its answer was
/// lost: it was sent (not Unsent), and it is a timeout, a transport failure, an HTTP 5xx without
/// a fault, a response that cannot be read or that is too large, or fault code 0 InternalError.
/// Throttling, other faults and usage or authentication errors are known not to have been done.
BINGADS_EXPORT bool WriteOutcomeUnknown(const Error& error);

/// Decides about attempt number `attempt` (1 for the first send) that failed with `error`, when
/// `elapsed` has passed since the first send. `retry_after` is the response's Retry-After, if
/// any; `random01` is a number in [0,1) for the jitter.
BINGADS_EXPORT RetryDecision DecideRetry(const RetryOptions& options, const Error& error,
                                         Idempotency idempotency, int attempt,
                                         std::chrono::milliseconds elapsed,
                                         std::optional<std::chrono::milliseconds> retry_after,
                                         double random01);

/// Parses a Retry-After value: delta-seconds or an HTTP date (relative to `now`).
BINGADS_EXPORT std::optional<std::chrono::milliseconds> ParseRetryAfter(
    std::string_view value,
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

}  // namespace bingads
