// Test helpers: a scripted transport, fixture files, the shared reference folder, an in-process
// emulator.
#pragma once

#include <bingads/client.h>

#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "server.h"
#include "service.h"

namespace testing {

/// Replays canned responses in order and records every request it was given.
class FakeTransport : public bingads::HttpTransport {
 public:
  void Push(int status, std::string body, bingads::HttpHeaders headers = {});
  /// The next Send throws this error instead of answering.
  void PushError(bingads::Error error);
  bingads::HttpResponse Send(const bingads::HttpRequest& request) override;
  std::vector<bingads::HttpRequest> requests;

 private:
  std::deque<std::variant<bingads::HttpResponse, bingads::Error>> responses_;
  std::mutex mutex_;
};

/// A clock that only moves when the test (or a recorded sleep) moves it.
struct FakeClock {
  std::chrono::steady_clock::time_point now{std::chrono::hours(1000)};
  std::vector<std::chrono::milliseconds> sleeps;
  /// Installs the clock, a sleeper that records and advances it, and a fixed jitter source.
  void Install(bingads::ClientOptions& options, double random = 0.5);
};

/// A request header's value, by exact name.
std::optional<std::string> HeaderOf(const bingads::HttpRequest& request, const std::string& name);

/// Contents of tests/fixtures/<relative>; fails the test when missing.
std::string Fixture(const std::string& relative);
/// Path of tests/fixtures/<relative>.
std::string FixturePath(const std::string& relative);

/// ../shared/reference beside the project, if present.
std::optional<std::filesystem::path> ReferenceDir();

/// Options for a client with test credentials, talking through `transport`.
bingads::ClientOptions FakeOptions(bingads::Protocol protocol,
                                   std::shared_ptr<bingads::HttpTransport> transport);

/// The demo credentials the emulator accepts.
bingads::Credentials TestCredentials();

/// An emulator serving on a free 127.0.0.1 port for the lifetime of the object.
class Emulator {
 public:
  explicit Emulator(bingads::emulator::ServiceOptions options = {});
  ~Emulator();
  std::string BaseUrl() const { return "http://127.0.0.1:" + std::to_string(port_); }
  bingads::ClientOptions Options(bingads::Protocol protocol) const;
  bingads::emulator::BudgetService service;

 private:
  bingads::emulator::Server server_{service};
  int port_ = 0;
};

/// A loopback port that nothing listens on (bound to find it, then closed).
int UnusedPort();

/// Demo budget ids the emulator starts with (all above 2^53).
inline constexpr std::int64_t kDemoId = 9007199254740993;

}  // namespace testing
