// Test helpers: a scripted transport, fixture files, the shared reference folder, an in-process
// emulator.
#pragma once

#include <bingads/client.h>

#include <deque>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "server.h"
#include "service.h"

namespace testing {

/// Replays canned responses in order and records every request it was given.
class FakeTransport : public bingads::HttpTransport {
 public:
  void Push(int status, std::string body, bingads::HttpHeaders headers = {});
  bingads::HttpResponse Send(const bingads::HttpRequest& request) override;
  std::vector<bingads::HttpRequest> requests;

 private:
  std::deque<bingads::HttpResponse> responses_;
};

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
  Emulator();
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
