#include "adaptive_limit.h"

#include <algorithm>
#include <cmath>
#include <thread>

namespace bingads::internal {
namespace {

constexpr double kMinRate = 0.5;     // calls per second, at the least
constexpr double kStep = 1.125;      // no upper bound known: each probe goes this much higher
constexpr double kConverged = 1.04;  // probes stay this far under the upper bound
constexpr double kLetUp = 0.01;      // by 1% a window; past kSteadyLetUps without a throttle,
constexpr int kSteadyLetUps = 8;     // doubling each window (to 32%)
constexpr double kUnder = 0.95;      // the burst's rate is paced this much under
constexpr double kFallBack = 0.9;    // a throttle at the confirmed rate: it falls by this
constexpr double kKeptRate = 0.9;    // a window counts if the calls kept to this share of it
constexpr std::size_t kKept = 8192;  // answers remembered before the first throttle
constexpr auto kKeptFor = std::chrono::minutes(2);
constexpr double kLongestHold = 120;    // seconds of a Retry-After the limit holds sends for
constexpr std::size_t kFewSamples = 8;  // a burst estimate from fewer calls: probes double

double Seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

std::chrono::steady_clock::duration Span(double seconds) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(seconds));
}

}  // namespace

AdaptiveLimit::AdaptiveLimit(int ceiling, bool adaptive, Clock clock, Sleep sleep)
    : ceiling_(std::max(1, ceiling)),
      adaptive_(adaptive),
      clock_(std::move(clock)),
      sleep_(std::move(sleep)),
      limit_(ceiling_) {}

std::chrono::steady_clock::time_point AdaptiveLimit::Now() const {
  return clock_ ? clock_() : std::chrono::steady_clock::now();
}

// A sleep is trusted to have waited: tests replace it with one that moves their clock.
void AdaptiveLimit::Pause(std::chrono::steady_clock::duration d) const {
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(d);
  if (sleep_) {
    sleep_(ms);
  } else {
    std::this_thread::sleep_for(ms);
  }
}

std::chrono::steady_clock::time_point AdaptiveLimit::Enter() {
  // A fixed limit holds nothing here: an operation's own threads are its concurrency, and the
  // caller's threads are theirs, as they always were.
  if (!adaptive_) return {};
  std::unique_lock<std::mutex> lock(mutex_);
  released_.wait(lock, [this] { return in_flight_ < static_cast<int>(limit_); });
  ++in_flight_;
  for (auto now = Now();;) {
    if (!rate_on_) return now;
    if (next_send_ <= now) {
      // One call per turn; a turn missed by less than one interval is not lost.
      const auto interval = Span(1 / rate_);
      next_send_ = std::max(next_send_, now - interval) + interval;
      ++sent_since_;
      return now;
    }
    // Waits for the turn and looks again (another call may have taken it, or the rate changed).
    const auto turn = next_send_;
    lock.unlock();
    try {
      Pause(turn - now);
    } catch (...) {  // a sleep hook that throws: the slot is given back
      lock.lock();
      --in_flight_;
      released_.notify_all();
      throw;
    }
    lock.lock();
    now = std::max(Now(), turn);  // the sleep is trusted to have waited (test hooks do not)
  }
}

void AdaptiveLimit::Leave(bool throttled, std::chrono::steady_clock::time_point sent,
                          std::chrono::milliseconds retry_after) {
  if (!adaptive_) {  // a fixed limit learns nothing; it counts throttles
    if (throttled) {
      std::lock_guard<std::mutex> lock(mutex_);
      ++throttled_;
    }
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    --in_flight_;
    const auto now = Now();
    if (!throttled) {
      limit_ = std::min(static_cast<double>(ceiling_), limit_ + 1 / limit_);
      if (rate_on_) {
        Probe(now);
      } else {
        Remember(now);
      }
    } else {
      ++throttled_;
      if (sent >= event_) {  // else it was in flight when the last event was seen: the same one
        limit_ = std::max(1.0, limit_ / 2);
        // Retry-After is trusted up to kLongestHold: the window of a service that asks for
        // more is not learnt from, and no call waits past it here.
        OnThrottle(now, std::clamp(Seconds(retry_after), 0.001, kLongestHold));
        event_ = now;
      }
    }
  }
  released_.notify_all();
}

void AdaptiveLimit::Remember(std::chrono::steady_clock::time_point now) {
  answered_.push_back(now);
  while (answered_.size() > kKept || answered_.front() + kKeptFor <= now) answered_.pop_front();
}

void AdaptiveLimit::OnThrottle(std::chrono::steady_clock::time_point now, double retry_after_s) {
  if (!rate_on_) return FromBurst(now, retry_after_s);
  // The window overflowed at rate_: an upper bound. Back to the confirmed rate (0.9 of it, if it
  // was the confirmed rate that overflowed: the limit fell, or others share it), and the calls
  // this rate sent past that one are skipped, so the window drains instead of staying full.
  ceiling_rate_ = ceiling_rate_ > 0 ? std::min(ceiling_rate_, rate_) : rate_;
  // The pace goes at least 4% under a rate that was throttled: right at the limit, a window
  // holds exactly its calls and the smallest jitter throttles again.
  confirmed_ = std::max(kMinRate, confirmed_ >= ceiling_rate_
                                      ? ceiling_rate_ * kFallBack
                                      : std::min(confirmed_, ceiling_rate_ / kConverged));
  const double extra = static_cast<double>(sent_since_) - confirmed_ * Seconds(now - tried_since_);
  rate_ = confirmed_;
  Restart(now);
  next_send_ = std::max(next_send_, now + Span(std::clamp(extra / rate_, 0.0, window_s_)));
  let_ups_ = 0;
}

void AdaptiveLimit::FromBurst(std::chrono::steady_clock::time_point now, double retry_after_s) {
  // Hypothesis k: the k-th latest call taken was the oldest the window held, so k calls fill
  // the time from it to the Retry-After. The best rate over k is what the service admitted.
  double best = kMinRate;
  double span_of_best = retry_after_s;
  double k = 0;
  for (auto it = answered_.rbegin(); it != answered_.rend(); ++it) {
    k += 1;
    const double span = Seconds(now - *it) + retry_after_s;
    if (k / span > best) {
      best = k / span;
      span_of_best = span;
    }
  }
  coarse_ = answered_.size() < kFewSamples;
  answered_.clear();
  answered_.shrink_to_fit();
  rate_on_ = true;
  // The window was full at that rate: the pace starts a little under it.
  rate_ = confirmed_ = std::max(kMinRate, best * kUnder);
  window_s_ = std::clamp(span_of_best, 1.0, 120.0);
  // The window is full until the Retry-After: every send waits for it.
  next_send_ = now + Span(retry_after_s);
  Restart(next_send_);
}

void AdaptiveLimit::Restart(std::chrono::steady_clock::time_point now) {
  tried_since_ = now;
  sent_since_ = 0;
}

void AdaptiveLimit::Probe(std::chrono::steady_clock::time_point now) {
  if (now < tried_since_ + Span(window_s_)) return;
  const double kept = static_cast<double>(sent_since_) / Seconds(now - tried_since_);
  if (kept >= kKeptRate * rate_) {  // a whole window at rate_ without a throttle
    confirmed_ = std::max(confirmed_, rate_);
    if (ceiling_rate_ <= 0) {
      rate_ = confirmed_ * (coarse_ ? 2 : kStep);
    } else {
      const double probe = std::min((confirmed_ + ceiling_rate_) / 2, ceiling_rate_ / kConverged);
      if (probe > confirmed_ * (1 + kLetUp / 2)) {
        rate_ = probe;
      } else {  // no room left under the upper bound: let it up, more each window it holds
        const int doublings = std::clamp(let_ups_++ - kSteadyLetUps, 0, 5);
        ceiling_rate_ = std::max(ceiling_rate_, confirmed_ * kConverged) *
                        (1 + kLetUp * static_cast<double>(1 << doublings));
        rate_ = confirmed_;
      }
    }
  }
  Restart(now);
}

AdaptiveLimit::State AdaptiveLimit::Snapshot() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return {static_cast<int>(limit_), rate_on_ ? rate_ : 0, throttled_};
}

}  // namespace bingads::internal
