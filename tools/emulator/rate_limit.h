// bingads-emulator: the service's call-rate limit as Microsoft describes it (code 117
// CallRateExceeded on a sliding window per customer, its numbers unpublished): a sliding window of
// N calls per customer, across its accounts and both protocols, and optionally a cap on the calls
// a customer has in flight at once. Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace bingads::emulator {

/// `--rate-limit N/WINDOW`: at most `calls` in any `window`.
struct RateLimitSpec {
  std::size_t calls = 0;
  std::chrono::milliseconds window{0};
};

/// Parses "600/60s", "50/2s", "10/500ms" (N at least 1; WINDOW a whole number of s or ms, from
/// 1 ms to one hour). Throws std::invalid_argument naming what is wrong.
RateLimitSpec ParseRateLimit(std::string_view text);

/// Whether one call may go on, and when to come back if not.
struct Admission {
  bool admitted = true;
  /// Not admitted: the time until the window admits a call (or, past the in-flight cap, one
  /// second), rounded up to whole seconds for Retry-After, at least 1.
  int retry_after_seconds = 0;
};

class RateLimiter {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  /// No limit at all when `rate` is unset and `max_in_flight` is 0.
  RateLimiter(std::optional<RateLimitSpec> rate, std::size_t max_in_flight, Clock clock = {});

  /// Counts a call of `customer` in its window and in flight when admitted. An admitted call
  /// must be followed by Done once it is answered (or dropped).
  Admission Admit(const std::string& customer);
  void Done(const std::string& customer);
  /// True when a limit is set (calls need Admit and Done).
  bool Active() const { return rate_.has_value() || max_in_flight_ > 0; }

  /// {"calls":N,"window_ms":W,"max_in_flight":F,"customers":[{"customer":"...","in_window":K,
  /// "in_flight":F,"admitted":A,"throttled":T}]} (calls and window_ms null without a rate).
  std::string StateJson();

 private:
  struct Customer {
    std::deque<std::chrono::steady_clock::time_point> window;  // admitted calls, oldest first
    std::size_t in_flight = 0;
    std::uint64_t admitted = 0;
    std::uint64_t throttled = 0;
  };
  // Customers tracked at most; past it the idle ones are forgotten (memory stays bounded however
  // many customer ids requests name).
  static constexpr std::size_t kMaxCustomers = 10000;
  std::chrono::steady_clock::time_point Now() const;
  void Expire(Customer& c, std::chrono::steady_clock::time_point now) const;
  void Forget(std::chrono::steady_clock::time_point now);

  const std::optional<RateLimitSpec> rate_;
  const std::size_t max_in_flight_;
  const Clock clock_;
  std::mutex mutex_;
  std::map<std::string, Customer> customers_;
};

}  // namespace bingads::emulator
