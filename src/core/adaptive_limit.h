// How fast one client sends to one customer: the service throttles per customer (code 117, REST
// 429) on a sliding window it does not publish, so the client finds the limit itself. Two
// controls, one per client and customer, shared by every operation, thread, parallel read and
// account:
// - concurrency, AIMD: grows by one per `limit` successes, halves on a throttle, within
//   [1, ceiling];
// - after the first throttle, a send rate that paces calls one by one, found from the window:
//   - the first throttle ends a burst, and the window it filled says how fast the service admits:
//     of the calls it took, the last k, counted from the k-th, fill k calls in the time until its
//     Retry-After; the best such rate is a rate the service admits (a lower bound, as Retry-After
//     is rounded up to whole seconds), paced 5% under, and every send waits for that Retry-After
//     (at most two minutes);
//   - a rate kept for a whole window without a throttle is confirmed (the lower bound rises to
//     it); the next one probes halfway to the upper bound, at most to 4% under it (12.5% higher
//     while there is none, twice as high when the first estimate came from fewer than 8 calls);
//     with no room left, the upper bound is let up by 1% a window, and after 8 such windows
//     without a throttle by twice as much each window (to 32%), so a limit that rises is found;
//   - a throttle while pacing makes the rate tried an upper bound, goes back to the confirmed
//     one, at least 4% under that bound (0.9 of it when the confirmed one was throttled), and
//     skips the calls the probe sent past it, so the window drains; only the throttled calls
//     wait their Retry-After.
// Thread-safe.
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

  /// Waits for a concurrency slot and, once a throttle was seen, for the call's turn at the rate.
  /// Returns when the call was let go, for Leave.
  std::chrono::steady_clock::time_point Enter();
  /// The call let go at `sent` is answered: `throttled` when the service said so. Throttles of
  /// calls sent before the last one was answered are the same congestion event: they change
  /// nothing more. `retry_after`: the throttle's Retry-After, or the wait the retry takes when it
  /// had none; past two minutes it is taken as two minutes.
  void Leave(bool throttled, std::chrono::steady_clock::time_point sent,
             std::chrono::milliseconds retry_after = std::chrono::milliseconds(0));

  /// What it is now, read at once: the concurrency limit, the send rate in calls per second (0
  /// while no throttle was seen: no rate limit) and the throttled answers seen.
  struct State {
    int limit = 0;
    double rate = 0;
    long throttled = 0;
  };
  State Snapshot() const;
  int Limit() const { return Snapshot().limit; }           ///< For tests.
  double Rate() const { return Snapshot().rate; }          ///< For tests.
  long Throttled() const { return Snapshot().throttled; }  ///< For tests.

 private:
  using TimePoint = std::chrono::steady_clock::time_point;
  TimePoint Now() const;
  void Pause(std::chrono::steady_clock::duration d) const;
  void OnThrottle(TimePoint now, double retry_after_s);
  void FromBurst(TimePoint now, double retry_after_s);  // the first throttle
  void Probe(TimePoint now);                            // after a success
  void Restart(TimePoint now);                          // a new rate is tried from now
  void Remember(TimePoint now);                         // an answer the service took

  const int ceiling_;
  const bool adaptive_;
  const Clock clock_;
  const Sleep sleep_;
  mutable std::mutex mutex_;
  std::condition_variable released_;
  double limit_;
  int in_flight_ = 0;
  long throttled_ = 0;
  // The rate: off until the first throttle.
  bool rate_on_ = false;
  double rate_ = 0;          // calls per second tried now
  double confirmed_ = 0;     // the service admitted this rate for a whole window
  double ceiling_rate_ = 0;  // it throttled at this one (0: none known)
  double window_s_ = 0;      // the window's length as the first throttle showed it
  TimePoint next_send_{};    // the next call's turn
  TimePoint tried_since_{};  // when rate_ started
  long sent_since_ = 0;      // calls let go since then
  TimePoint event_{};        // the last congestion event: throttles of calls sent before it
  bool coarse_ = false;      // the first estimate came from a few calls: probes double
  int let_ups_ = 0;          // windows the upper bound was let up in since the last throttle
  // When calls were answered without a throttle (the last two minutes, at most kKept of them):
  // what the first throttle's window is read from.
  std::deque<TimePoint> answered_;
};

}  // namespace bingads::internal
