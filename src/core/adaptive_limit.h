// How fast one client sends to one customer: the service throttles per customer (code 117, REST
// 429) on a window it does not publish, so the client finds the limit itself. Two controls, one
// per client and customer, shared by every operation, thread, parallel read and account:
// - concurrency, AIMD: grows by one per `limit` successes, halves on a throttle, within
//   [1, ceiling];
// - after the first throttle, a send rate (a token bucket) that follows CUBIC as AWS SDKs'
//   adaptive mode does: on a throttle the rate drops to 0.7 of the measured send rate, then grows
//   back along a cubic curve that flattens near the rate where the throttle came, and probes past
//   it slowly. Calls wait for a token instead of meeting the service's limit, so Retry-After holds
//   only the throttled call. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>

namespace bingads::internal {

class AdaptiveLimit {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  using Sleep = std::function<void(std::chrono::milliseconds)>;
  /// `adaptive` false: no limit of its own (the operation's threads are its concurrency), no rate;
  /// throttles are only counted.
  AdaptiveLimit(int ceiling, bool adaptive, Clock clock, Sleep sleep);

  /// Waits for a concurrency slot and, once a throttle was seen, a send token. Returns when the
  /// call was let go, for Leave.
  std::chrono::steady_clock::time_point Enter();
  /// The call let go at `sent` is answered: `throttled` when the service said so. Throttles of
  /// calls sent before the last cut are one congestion event with it: they cut nothing more.
  /// `retry_after`: the throttle's Retry-After, which holds every send (the service's window is
  /// full until then) and then lets them go one at the rate.
  void Leave(bool throttled, std::chrono::steady_clock::time_point sent,
             std::chrono::milliseconds retry_after = std::chrono::milliseconds(0));

  /// The concurrency limit now (for progress lines and tests).
  int Limit() const;
  /// The send rate in calls per second; 0 while no throttle was seen (no rate limit).
  double Rate() const;
  /// Throttled answers seen.
  long Throttled() const;

 private:
  std::chrono::steady_clock::time_point Now() const;
  void OnThrottle(std::chrono::steady_clock::time_point now, std::chrono::milliseconds hold);
  double Goodput(std::chrono::steady_clock::time_point now);
  void Forget(std::chrono::steady_clock::time_point now);  // answers older than two seconds
  void OnSuccess(std::chrono::steady_clock::time_point now);
  // Takes a token, in debt when there is none: the seconds until it is paid (0: none owed).
  double TakeToken(std::chrono::steady_clock::time_point now);

  const int ceiling_;
  const bool adaptive_;
  const Clock clock_;
  const Sleep sleep_;
  mutable std::mutex mutex_;
  std::condition_variable released_;
  double limit_;
  int in_flight_ = 0;
  long throttled_ = 0;
  // The rate (CUBIC): off until the first throttle.
  bool rate_on_ = false;
  double fill_rate_ = 0;  // tokens per second
  double tokens_ = 0;
  std::chrono::steady_clock::time_point last_fill_{};
  double last_max_rate_ = 0;
  double k_ = 0;  // seconds for the cubic curve to climb back to last_max_rate_
  std::chrono::steady_clock::time_point last_throttle_{};
  // When calls were answered without a throttle, over the last two seconds: what the service took.
  std::deque<std::chrono::steady_clock::time_point> answered_;
  std::chrono::steady_clock::time_point hold_until_{};  // the last throttle's Retry-After
};

}  // namespace bingads::internal
