#include "adaptive_limit.h"

#include <algorithm>
#include <cmath>
#include <thread>

namespace bingads::internal {
namespace {

constexpr double kBeta = 0.7;     // a throttle leaves this share of the rate
constexpr double kScale = 0.4;    // the cubic curve's steepness
constexpr double kMinRate = 0.5;  // calls per second, at the least
// What the service took is measured over this much time.
constexpr std::chrono::steady_clock::duration kHorizon = std::chrono::seconds(2);

double Seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
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

std::chrono::steady_clock::time_point AdaptiveLimit::Enter() {
  // A fixed limit holds nothing here: an operation's own threads are its concurrency, and the
  // caller's threads are theirs, as they always were.
  if (!adaptive_) return {};
  std::unique_lock<std::mutex> lock(mutex_);
  released_.wait(lock, [this] { return in_flight_ < static_cast<int>(limit_); });
  ++in_flight_;
  const auto now = Now();
  // The token is reserved now, in debt if need be, and the wait for it is slept once (a sleep is
  // trusted to have waited: tests replace it with one that does not).
  const double wait = TakeToken(now);
  lock.unlock();
  if (wait <= 0) return now;
  const auto ms = std::chrono::milliseconds(static_cast<long>(std::ceil(wait * 1000)));
  if (sleep_) {
    sleep_(ms);
  } else {
    std::this_thread::sleep_for(ms);
  }
  return now + ms;
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
    if (throttled) {
      ++throttled_;
    } else {
      answered_.push_back(now);
    }
    Forget(now);  // the answers kept are those of the last two seconds, however many calls go
    if (throttled && sent < hold_until_) {
      // sent before the window reopened: the same congestion event as the last cut
    } else if (throttled) {
      limit_ = std::max(1.0, limit_ / 2);
      OnThrottle(now, retry_after);
    } else {
      limit_ = std::min(static_cast<double>(ceiling_), limit_ + 1 / limit_);
      OnSuccess(now);
    }
  }
  released_.notify_all();
}

double AdaptiveLimit::TakeToken(std::chrono::steady_clock::time_point now) {
  if (!rate_on_) return 0;
  tokens_ = std::min(std::max(1.0, fill_rate_), tokens_ + Seconds(now - last_fill_) * fill_rate_);
  last_fill_ = now;
  tokens_ -= 1;
  return tokens_ >= 0 ? 0 : -tokens_ / fill_rate_;
}

void AdaptiveLimit::Forget(std::chrono::steady_clock::time_point now) {
  while (!answered_.empty() && answered_.front() + kHorizon <= now) answered_.pop_front();
}

double AdaptiveLimit::Goodput(std::chrono::steady_clock::time_point now) {
  Forget(now);
  return static_cast<double>(answered_.size()) / Seconds(kHorizon);
}

void AdaptiveLimit::OnThrottle(std::chrono::steady_clock::time_point now,
                               std::chrono::milliseconds hold) {
  const double measured = std::max(Goodput(now), kMinRate);
  const double rate = rate_on_ ? std::min(measured, fill_rate_) : measured;
  last_max_rate_ = rate;
  k_ = std::cbrt(last_max_rate_ * (1 - kBeta) / kScale);
  fill_rate_ = std::max(kMinRate, rate * kBeta);
  // Nothing goes before the Retry-After (the service's window is full until then), then one call
  // at a time at the rate.
  rate_on_ = true;
  last_fill_ = now;
  tokens_ = std::min(tokens_, 0.0) - Seconds(hold) * fill_rate_;
  hold_until_ = now + hold;
  last_throttle_ = hold_until_;
}

void AdaptiveLimit::OnSuccess(std::chrono::steady_clock::time_point now) {
  if (!rate_on_ || now < last_throttle_) return;
  const double t = Seconds(now - last_throttle_) - k_;
  const double cubic = kScale * t * t * t + last_max_rate_;
  fill_rate_ = std::max(kMinRate, std::min(cubic, 2 * std::max(Goodput(now), kMinRate)));
}

int AdaptiveLimit::Limit() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return static_cast<int>(limit_);
}

double AdaptiveLimit::Rate() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return rate_on_ ? fill_rate_ : 0;
}

long AdaptiveLimit::Throttled() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return throttled_;
}

}  // namespace bingads::internal
