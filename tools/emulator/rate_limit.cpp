#include "rate_limit.h"

#include <charconv>
#include <stdexcept>

namespace bingads::emulator {

RateLimitSpec ParseRateLimit(std::string_view text) {
  const auto bad = [&text](const std::string& why) {
    return std::invalid_argument("--rate-limit '" + std::string(text.substr(0, 40)) + "': " + why +
                                 " (e.g. 600/60s or 50/2s)");
  };
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos) throw bad("expected N/WINDOW");
  RateLimitSpec spec;
  const std::string_view n = text.substr(0, slash);
  const auto [end, ec] = std::from_chars(n.data(), n.data() + n.size(), spec.calls);
  if (ec != std::errc() || end != n.data() + n.size() || spec.calls == 0 || spec.calls > 1000000) {
    throw bad("N must be a whole number from 1 to 1000000");
  }
  std::string_view window = text.substr(slash + 1);
  long unit = 0;
  if (window.size() > 2 && window.substr(window.size() - 2) == "ms") {
    unit = 1;
    window.remove_suffix(2);
  } else if (window.size() > 1 && window.back() == 's') {
    unit = 1000;
    window.remove_suffix(1);
  } else {
    throw bad("WINDOW must end in s or ms");
  }
  long amount = 0;
  const auto [wend, wec] = std::from_chars(window.data(), window.data() + window.size(), amount);
  if (wec != std::errc() || wend != window.data() + window.size() || amount <= 0 ||
      amount * unit > 3600000) {
    throw bad("WINDOW must be a whole number of s or ms, from 1 ms to 3600 s");
  }
  spec.window = std::chrono::milliseconds(amount * unit);
  return spec;
}

RateLimiter::RateLimiter(std::optional<RateLimitSpec> rate, std::size_t max_in_flight, Clock clock)
    : rate_(rate), max_in_flight_(max_in_flight), clock_(std::move(clock)) {}

std::chrono::steady_clock::time_point RateLimiter::Now() const {
  return clock_ ? clock_() : std::chrono::steady_clock::now();
}

void RateLimiter::Expire(Customer& c, std::chrono::steady_clock::time_point now) const {
  if (!rate_) return;
  while (!c.window.empty() && c.window.front() + rate_->window <= now) c.window.pop_front();
}

Admission RateLimiter::Admit(const std::string& customer) {
  if (!Active()) return {};
  std::lock_guard<std::mutex> lock(mutex_);
  const auto now = Now();
  if (customers_.size() >= kMaxCustomers && customers_.count(customer) == 0) Forget(now);
  Customer& c = customers_[customer];
  Expire(c, now);
  Admission a;
  if (rate_ && c.window.size() >= rate_->calls) {
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(c.window.front() +
                                                                            rate_->window - now);
    a.admitted = false;
    a.retry_after_seconds = static_cast<int>(std::max<long long>(1, (wait.count() + 999) / 1000));
  } else if (max_in_flight_ > 0 && c.in_flight >= max_in_flight_) {
    a.admitted = false;
    a.retry_after_seconds = 1;
  }
  if (!a.admitted) {
    ++c.throttled;
    return a;
  }
  if (rate_) c.window.push_back(now);
  ++c.in_flight;
  ++c.admitted;
  return a;
}

void RateLimiter::Done(const std::string& customer) {
  if (!Active()) return;
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = customers_.find(customer);
  if (it != customers_.end() && it->second.in_flight > 0) --it->second.in_flight;
}

void RateLimiter::Forget(std::chrono::steady_clock::time_point now) {
  for (auto it = customers_.begin(); it != customers_.end();) {
    Expire(it->second, now);
    it = it->second.window.empty() && it->second.in_flight == 0 ? customers_.erase(it) : ++it;
  }
}

std::string RateLimiter::StateJson() {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto now = Now();
  std::string out = "{\"calls\":" + (rate_ ? std::to_string(rate_->calls) : "null") +
                    ",\"window_ms\":" + (rate_ ? std::to_string(rate_->window.count()) : "null") +
                    ",\"max_in_flight\":" + std::to_string(max_in_flight_) + ",\"customers\":[";
  bool first = true;
  for (auto& [id, c] : customers_) {
    Expire(c, now);
    std::string shown;  // a customer id from a request header: digits are all it may show
    for (char ch : id) shown += (ch >= '0' && ch <= '9') ? ch : '?';
    out += std::string(first ? "" : ",") + "{\"customer\":\"" + shown.substr(0, 32) +
           "\",\"in_window\":" + std::to_string(c.window.size()) +
           ",\"in_flight\":" + std::to_string(c.in_flight) +
           ",\"admitted\":" + std::to_string(c.admitted) +
           ",\"throttled\":" + std::to_string(c.throttled) + "}";
    first = false;
  }
  return out + "]}";
}

}  // namespace bingads::emulator
