#include "support.h"

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <fcntl.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "cli.h"
#include "codec.h"
#include "internal.h"

extern char** environ;

namespace testing {

void FakeTransport::Push(int status, std::string body, bingads::HttpHeaders headers) {
  bingads::HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  response.headers = std::move(headers);
  std::lock_guard<std::mutex> lock(mutex_);
  responses_.emplace_back(std::move(response));
}

void FakeTransport::PushError(bingads::Error error) {
  std::lock_guard<std::mutex> lock(mutex_);
  responses_.emplace_back(std::move(error));
}

bingads::HttpResponse FakeTransport::Send(const bingads::HttpRequest& request,
                                          const bingads::CallContext& context) {
  std::lock_guard<std::mutex> lock(mutex_);
  requests.push_back(request);
  contexts.emplace_back(context.operation, context.attempt);
  if (responses_.empty())
    throw bingads::Error(bingads::ErrorKind::kUsage, "FakeTransport: no canned response left");
  auto next = std::move(responses_.front());
  responses_.pop_front();
  if (auto* error = std::get_if<bingads::Error>(&next)) throw *error;
  return std::get<bingads::HttpResponse>(std::move(next));
}

void FakeClock::Install(bingads::ClientOptions& options, double random) {
  options.clock = [this] { return now; };
  options.sleep = [this](std::chrono::milliseconds d) {
    sleeps.push_back(d);
    now += d;
  };
  options.random = [random] { return random; };
}

std::optional<std::string> HeaderOf(const bingads::HttpRequest& request, const std::string& name) {
  for (const auto& [key, value] : request.headers) {
    if (key == name) return value;
  }
  return std::nullopt;
}

std::string FixturePath(const std::string& relative) {
  return std::string(BINGADS_FIXTURES) + "/" + relative;
}

std::string Fixture(const std::string& relative) {
  const std::string path = FixturePath(relative);
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "missing fixture " << path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::optional<std::filesystem::path> ReferenceDir() {
  const auto dir = std::filesystem::path(BINGADS_SOURCE_DIR) / ".." / "shared" / "reference";
  if (std::filesystem::exists(dir / "PROTOCOL-FACTS.md")) return std::filesystem::canonical(dir);
  return std::nullopt;
}

bingads::Credentials TestCredentials() {
  return {"DEV-TOKEN-123", "ACCESS-TOKEN-456", "1234567", bingads::emulator::kDemoAccountId};
}

bingads::ClientOptions FakeOptions(bingads::Protocol protocol,
                                   std::shared_ptr<bingads::HttpTransport> transport) {
  bingads::ClientOptions options;
  options.protocol = protocol;
  options.endpoint = "https://campaign.api.example.test";
  options.credentials = TestCredentials();
  options.transport = std::move(transport);
  options.retry.max_attempts = 1;  // decoding tests: one canned reply per call; retry tests opt in
  options.max_concurrency = 1;     // canned replies come in order, so chunks go in order too
  options.reconcile_writes = false;  // a lost answer is an error here, not a read-back
  options.sleep = [](std::chrono::milliseconds) { FAIL("a test client slept"); };
  return options;
}

struct DivergingServer::Impl {
  httplib::Server server;
  std::thread thread;
  int port = 0;
};

DivergingServer::DivergingServer() : impl_(std::make_unique<Impl>()) {
  auto forward = [this](const httplib::Request& req, httplib::Response& res) {
    bingads::HttpHeaders headers;
    for (const auto& [k, v] : req.headers) {
      if (k != "Host" && k != "Content-Length" && k != "Accept-Encoding")
        headers.emplace_back(k, v);
    }
    auto reply = bingads::MakeCurlTransport({})->Send(
        {req.method, upstream.BaseUrl() + req.path, headers, req.body});
    std::string body = reply.body;
    // No std::regex on server threads: libstdc++'s locale cache races (TSan sees it).
    for (auto at = body.find("\"Amount\":500,");
         req.path.find("QueryByIds") != std::string::npos && at != std::string::npos;
         at = body.find("\"Amount\":500,", at + 1)) {
      body.replace(at, 13, "\"Amount\":500.01,");
    }
    res.status = reply.status;
    if (auto t = reply.Header("TrackingId")) res.set_header("TrackingId", *t);
    res.set_content(body, reply.Header("Content-Type").value_or("text/plain").c_str());
  };
  impl_->server.Post(".*", forward);
  impl_->server.Put(".*", forward);
  impl_->server.Delete(".*", forward);
  impl_->port = impl_->server.bind_to_any_port("127.0.0.1");
  impl_->thread = std::thread([this] { impl_->server.listen_after_bind(); });
}

DivergingServer::~DivergingServer() {
  impl_->server.stop();
  impl_->thread.join();
}

std::string DivergingServer::BaseUrl() const {
  return "http://127.0.0.1:" + std::to_string(impl_->port);
}

void CheckSameDecoding(bingads::internal::Codec& fast, bingads::internal::Codec& general,
                       const bingads::HttpResponse& response) {
  std::optional<bingads::GetBudgetsByIdsResult> a, b;
  std::string error_a, error_b;
  try {
    a = fast.DecodeGetBudgetsByIds(response);
  } catch (const bingads::Error& e) {
    error_a = e.what();
  }
  try {
    b = general.DecodeGetBudgetsByIds(response);
  } catch (const bingads::Error& e) {
    error_b = e.what();
  }
  CHECK(error_a == error_b);
  REQUIRE(a.has_value() == b.has_value());
  if (!a) return;
  CHECK(a->Budgets == b->Budgets);
  CHECK(a->PartialErrors == b->PartialErrors);
  CHECK(a->TrackingIds == b->TrackingIds);
  for (std::size_t i = 0; i < a->Budgets.size() && i < b->Budgets.size(); ++i) {
    if (a->Budgets[i] && a->Budgets[i]->Amount && b->Budgets[i] && b->Budgets[i]->Amount) {
      CHECK(a->Budgets[i]->Amount->Text() == b->Budgets[i]->Amount->Text());
    }
  }
}

int UnusedPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  socklen_t length = sizeof address;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  ::close(fd);
  return ntohs(address.sin_port);
}

Emulator::Emulator(bingads::emulator::ServiceOptions options) : service(std::move(options)) {
  port_ = server_.Start("127.0.0.1", 0);
}
Emulator::~Emulator() { server_.Stop(); }

bingads::ClientOptions Emulator::Options(bingads::Protocol protocol) const {
  bingads::ClientOptions options;
  options.protocol = protocol;
  options.endpoint = BaseUrl();
  options.credentials = TestCredentials();
  options.transport_options.request_timeout = std::chrono::seconds(20);
  options.sleep = [](std::chrono::milliseconds) {};  // retries against the emulator never wait
  return options;
}

EmulatorProcess::EmulatorProcess(const std::vector<std::string>& args) {
  int out[2];
  REQUIRE(::pipe(out) == 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  std::vector<std::string> all = {BINGADS_EMULATOR_EXE, "--port", "0"};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  REQUIRE(posix_spawn(&pid, all[0].c_str(), &actions, nullptr, argv.data(), environ) == 0);
  pid_ = pid;
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  // The first line is "listening on URL" (nothing, when it refused to start).
  std::string line;
  char c;
  while (::read(out[0], &c, 1) == 1 && c != '\n') line += c;
  ::close(out[0]);
  const std::string prefix = "listening on ";
  REQUIRE_MESSAGE(line.rfind(prefix, 0) == 0, "emulator said: ", line);
  base_url_ = line.substr(prefix.size());
}

EmulatorProcess::~EmulatorProcess() { Kill(); }

void EmulatorProcess::Kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

bingads::ClientOptions EmulatorProcess::Options(bingads::Protocol protocol) const {
  bingads::ClientOptions options;
  options.protocol = protocol;
  options.endpoint = base_url_;
  options.credentials = TestCredentials();
  options.transport_options.request_timeout = std::chrono::seconds(20);
  options.sleep = [](std::chrono::milliseconds) {};
  return options;
}

RawServer::RawServer(std::function<void(int fd)> handle) : handle_(std::move(handle)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(listen_fd_ >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  REQUIRE(::listen(listen_fd_, 64) == 0);
  socklen_t length = sizeof address;
  REQUIRE(::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  port_ = ntohs(address.sin_port);
  acceptor_ = std::thread([this] {
    while (!stopping_) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      ++connections_;
      std::lock_guard<std::mutex> lock(mutex_);
      fds_.push_back(fd);
      threads_.emplace_back([this, fd] { handle_(fd); });
    }
  });
}

RawServer::~RawServer() { Stop(); }

void RawServer::Stop() {
  if (stopping_.exchange(true)) return;
  acceptor_.join();
  ::close(listen_fd_);
  std::lock_guard<std::mutex> lock(mutex_);
  for (int fd : fds_) ::shutdown(fd, SHUT_RDWR);
  for (auto& t : threads_) t.join();
  for (int fd : fds_) ::close(fd);
}

namespace {

// Appends what arrives on `fd` to `in` until `enough(in)`, the peer closes or `timeout` passes.
void Receive(int fd, std::chrono::milliseconds timeout, std::string& in,
             const std::function<bool(const std::string&)>& enough) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!enough(in)) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{fd, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) return;
    char buffer[65536];
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return;
    in.append(buffer, static_cast<std::size_t>(n));
  }
}

}  // namespace

std::string ReadRequest(int fd, std::chrono::milliseconds timeout) {
  std::string in;
  Receive(fd, timeout, in, [](const std::string& so_far) {
    const auto end = so_far.find("\r\n\r\n");
    if (end == std::string::npos) return false;
    std::string lower = so_far.substr(0, end);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::size_t length = 0;
    if (const auto at = lower.find("\r\ncontent-length:"); at != std::string::npos) {
      length = std::strtoul(lower.c_str() + at + 17, nullptr, 10);
    }
    return so_far.size() >= end + 4 + length;
  });
  return in;
}

bool SendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

int Connect(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

std::string ReadUntilClosed(int fd, std::chrono::milliseconds timeout) {
  std::string in;
  Receive(fd, timeout, in, [](const std::string&) { return false; });
  return in;
}

const std::map<std::string, std::string>& CliTestEnv() {
  static const std::map<std::string, std::string> env = {
      {"BINGADS_DEVELOPER_TOKEN", "DEV-TOKEN-123"},
      {"BINGADS_ACCESS_TOKEN", "ACCESS-TOKEN-456"},
      {"BINGADS_CUSTOMER_ID", "1234567"},
      {"BINGADS_ACCOUNT_ID", bingads::emulator::kDemoAccountId}};
  return env;
}

CliRun RunCli(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
              const std::string& input) {
  std::istringstream in(input);
  std::ostringstream out, err;
  CliRun r;
  r.status = bingads::cli::Run(
      args,
      [&env](const char* name) -> const char* {
        auto it = env.find(name);
        return it == env.end() ? nullptr : it->second.c_str();
      },
      in, out, err);
  r.out = out.str();
  r.err = err.str();
  return r;
}

ProcessRun RunProcess(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
  const auto dir = std::filesystem::temp_directory_path();
  const std::string tag = std::to_string(::getpid()) + "-" + std::to_string(std::rand());
  const std::string out_path = (dir / ("bingads-run-" + tag + ".out")).string();
  const std::string err_path = (dir / ("bingads-run-" + tag + ".err")).string();
  std::vector<std::string> environment(env);
  for (char** e = environ; *e != nullptr; ++e) environment.emplace_back(*e);
  std::vector<char*> args, envp;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  for (const auto& e : environment) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  REQUIRE(rc == 0);
  int status = 0;
  rusage usage{};
  REQUIRE(::wait4(pid, &status, 0, &usage) == pid);
  ProcessRun run;
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  run.max_rss_kib = usage.ru_maxrss;
  auto slurp = [](const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    std::filesystem::remove(path);
    return text.str();
  };
  run.out = slurp(out_path);
  run.err = slurp(err_path);
  return run;
}

}  // namespace testing
