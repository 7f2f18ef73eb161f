// Test helpers: a scripted transport, fixture files, the shared reference folder, an in-process
// emulator.
#pragma once

#include <bingads/client.h>

#include <atomic>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "server.h"
#include "service.h"

namespace bingads::internal {
class Codec;
}

namespace testing {

/// Decodes `response` as GetBudgetsByIds with both codecs (a fast path and its general reader)
/// and checks that both end alike: equal results, amounts by their received text too, or the
/// same error.
void CheckSameDecoding(bingads::internal::Codec& a, bingads::internal::Codec& b,
                       const bingads::HttpResponse& response);

/// Replays canned responses in order and records every request it was given.
class FakeTransport : public bingads::HttpTransport {
 public:
  void Push(int status, std::string body, bingads::HttpHeaders headers = {});
  /// The next Send throws this error instead of answering.
  void PushError(bingads::Error error);
  using bingads::HttpTransport::Send;
  bingads::HttpResponse Send(const bingads::HttpRequest& request,
                             const bingads::CallContext& context) override;
  std::vector<bingads::HttpRequest> requests;
  /// Each Send's CallContext: the operation and the attempt.
  std::vector<std::pair<std::string, int>> contexts;

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

/// An emulator behind a forwarding server on 127.0.0.1 whose REST GetBudgetsByIds answers say
/// 500.01 where the store says 500 (SOAP passes unchanged): one field differs between protocols.
class DivergingServer {
 public:
  DivergingServer();
  ~DivergingServer();
  std::string BaseUrl() const;
  Emulator upstream;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// bingads-emulator run as a child process with `args` (after --port 0) on a free 127.0.0.1 port;
/// killed with SIGKILL when the object goes (or by Kill).
class EmulatorProcess {
 public:
  explicit EmulatorProcess(const std::vector<std::string>& args = {});
  ~EmulatorProcess();
  EmulatorProcess(const EmulatorProcess&) = delete;
  EmulatorProcess& operator=(const EmulatorProcess&) = delete;
  void Kill();
  const std::string& BaseUrl() const { return base_url_; }
  /// As Emulator::Options.
  bingads::ClientOptions Options(bingads::Protocol protocol) const;

 private:
  int pid_ = -1;
  std::string base_url_;
};

/// A loopback port that nothing listens on (bound to find it, then closed).
int UnusedPort();

/// A raw TCP server on a free 127.0.0.1 port for hostile-peer tests: every connection runs
/// `handle(fd)` on a thread of its own. Stop (or the destructor) closes the listener, shuts every
/// connection down and joins, so a handler's blocking send or recv ends.
class RawServer {
 public:
  explicit RawServer(std::function<void(int fd)> handle);
  ~RawServer();
  RawServer(const RawServer&) = delete;
  RawServer& operator=(const RawServer&) = delete;
  int Port() const { return port_; }
  std::string BaseUrl() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int Connections() const { return connections_.load(); }  ///< Accepted so far.
  void Stop();

 private:
  std::function<void(int)> handle_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<int> connections_{0};
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::vector<int> fds_;
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

/// Reads one HTTP request (headers, then a Content-Length body) from `fd`, waiting at most
/// `timeout`; returns what arrived.
std::string ReadRequest(int fd, std::chrono::milliseconds timeout = std::chrono::seconds(5));
/// Sends all of `data`; false once the peer is gone.
bool SendAll(int fd, std::string_view data);
/// A connected TCP socket to 127.0.0.1:port (blocking), or -1.
int Connect(int port);
/// Reads until the peer closes or `timeout` passes; returns what arrived.
std::string ReadUntilClosed(int fd, std::chrono::milliseconds timeout);

/// The CLI run in-process: its exit status, standard output and standard error.
struct CliRun {
  int status = -1;
  std::string out, err;
};
/// The test credentials as the CLI's environment variables.
const std::map<std::string, std::string>& CliTestEnv();
/// Runs the CLI in-process with `env` as its environment and `input` as standard input.
CliRun RunCli(const std::vector<std::string>& args,
              const std::map<std::string, std::string>& env = CliTestEnv(),
              const std::string& input = "");

/// A process's exit status, output and peak resident memory.
struct ProcessRun {
  int status = -1;
  std::string out, err;
  long max_rss_kib = 0;
};
/// Runs `argv` (argv[0] a path) with `env` added to this process's environment, waits for it and
/// measures it (wait4). Standard input is /dev/null.
ProcessRun RunProcess(const std::vector<std::string>& argv,
                      const std::vector<std::string>& env = {});

/// Demo budget ids the emulator starts with (all above 2^53).
inline constexpr std::int64_t kDemoId = 9007199254740993;

}  // namespace testing
