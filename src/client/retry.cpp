#include <bingads/retry.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ctime>
#include <mutex>
#include <string>

#include "internal.h"
#include "text.h"

namespace bingads {
namespace internal {

bool HasFaultCode(const Error& error, std::int32_t code) {
  const auto* fault = dynamic_cast<const ApiFault*>(&error);
  if (fault == nullptr) return false;
  const FaultDetail& d = fault->Detail();
  return std::any_of(d.Errors.begin(), d.Errors.end(),
                     [&](const AdApiError& e) { return e.Code == code; }) ||
         std::any_of(d.OperationErrors.begin(), d.OperationErrors.end(),
                     [&](const OperationError& e) { return e.Code == code; });
}

}  // namespace internal

bool IsThrottling(const Error& error) {
  return error.HttpStatus() == 429 || internal::HasFaultCode(error, 117);
}

bool WriteOutcomeUnknown(const Error& error) {
  if (error.Unsent() || IsThrottling(error)) return false;
  if (dynamic_cast<const ApiFault*>(&error) != nullptr) return internal::HasFaultCode(error, 0);
  // A redirect or a 4xx page came from something in front of the service, which did not pass
  // the call on.
  const int status = error.HttpStatus();
  if (status >= 300 && status <= 499) return false;
  switch (error.Kind()) {
    case ErrorKind::kTimeout:
    case ErrorKind::kTransport:
    case ErrorKind::kMalformedResponse:
    case ErrorKind::kResponseTooLarge:
      return true;
    default:
      return false;
  }
}

RetryDecision DecideRetry(const RetryOptions& options, const Error& error, Idempotency idempotency,
                          int attempt, std::chrono::milliseconds elapsed,
                          std::optional<std::chrono::milliseconds> retry_after, double random01) {
  const bool fault = dynamic_cast<const ApiFault*>(&error) != nullptr;
  const int status = error.HttpStatus();
  const bool read = idempotency == Idempotency::kRead;
  const bool throttled = IsThrottling(error);
  const char* reason = nullptr;
  if (error.Kind() == ErrorKind::kUsage || error.Kind() == ErrorKind::kAuthentication ||
      error.Kind() == ErrorKind::kResponseTooLarge || error.Kind() == ErrorKind::kCancelled) {
    return {false, {}, "not retryable"};
  }
  if (error.Unsent()) {
    reason = "the request was not sent";
  } else if (throttled) {
    reason = status == 429 ? "HTTP 429" : "code 117 CallRateExceeded";
  } else if (fault) {
    // SOAP faults always come with HTTP 500, so only the codes count here.
    if (read && internal::HasFaultCode(error, 0)) reason = "code 0 InternalError";
  } else if (read) {
    if (status >= 500 && status <= 599) {
      reason = "HTTP 5xx";
    } else if (error.Kind() == ErrorKind::kTimeout) {
      reason = "timeout";
    } else if (error.Kind() == ErrorKind::kTransport && status == 0) {
      reason = "transport failure";
    } else if (error.Kind() == ErrorKind::kMalformedResponse) {
      reason = "unreadable response";
    }
  }
  if (reason == nullptr) {
    return {false, {}, read ? "not retryable" : "a write that may have been processed"};
  }
  if (attempt >= options.max_attempts) return {false, {}, "no attempts left"};

  std::chrono::milliseconds delay;
  if (retry_after) {
    delay = *retry_after;
  } else {
    double backoff = static_cast<double>(options.initial_backoff.count()) *
                     std::pow(options.multiplier, attempt - 1);
    backoff = std::min(backoff, static_cast<double>(options.max_backoff.count()));
    const double factor = 1.0 - options.jitter + 2.0 * options.jitter * random01;
    delay = std::chrono::milliseconds(static_cast<std::int64_t>(backoff * factor));
    if (throttled) delay = std::max(delay, options.throttle_delay);
  }
  if (elapsed + delay > options.max_total) return {false, {}, "no time left"};
  return {true, delay, reason};
}

std::optional<std::chrono::milliseconds> ParseRetryAfter(
    std::string_view value, std::chrono::system_clock::time_point now) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  if (auto seconds = internal::ParseWhole<std::int64_t>(value)) {
    if (*seconds < 0) return std::nullopt;
    return std::chrono::seconds(std::min<std::int64_t>(*seconds, 86400));
  }
  // HTTP date, e.g. "Wed, 21 Oct 2015 07:28:00 GMT".
  std::tm tm{};
  const std::string text(value);
  if (strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm) == nullptr) return std::nullopt;
  const auto when = std::chrono::system_clock::from_time_t(timegm(&tm));
  if (when <= now) return std::chrono::milliseconds(0);
  return std::chrono::duration_cast<std::chrono::milliseconds>(when - now);
}

struct RetryBudget::State {
  State(double t, double r) : max(std::max(0.0, t)), refill(std::max(0.0, r)), tokens(max) {}
  const double max;
  const double refill;
  std::mutex mutex;
  double tokens;
};

RetryBudget::RetryBudget(double tokens, double refill)
    : state_(std::make_shared<State>(tokens, refill)) {}

bool RetryBudget::Failed() {
  if (state_->max <= 0) return true;
  std::lock_guard<std::mutex> lock(state_->mutex);
  state_->tokens = std::max(0.0, state_->tokens - 1);
  return state_->tokens > state_->max / 2;
}

void RetryBudget::Succeeded() {
  if (state_->max <= 0) return;
  std::lock_guard<std::mutex> lock(state_->mutex);
  state_->tokens = std::min(state_->max, state_->tokens + state_->refill);
}

double RetryBudget::Tokens() const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->tokens;
}

}  // namespace bingads
