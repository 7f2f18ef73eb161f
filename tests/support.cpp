#include "support.h"

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

namespace testing {

void FakeTransport::Push(int status, std::string body, bingads::HttpHeaders headers) {
  bingads::HttpResponse response;
  response.Status = status;
  response.Body = std::move(body);
  response.Headers = std::move(headers);
  std::lock_guard<std::mutex> lock(mutex_);
  responses_.emplace_back(std::move(response));
}

void FakeTransport::PushError(bingads::Error error) {
  std::lock_guard<std::mutex> lock(mutex_);
  responses_.emplace_back(std::move(error));
}

bingads::HttpResponse FakeTransport::Send(const bingads::HttpRequest& request) {
  std::lock_guard<std::mutex> lock(mutex_);
  requests.push_back(request);
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
  for (const auto& [key, value] : request.Headers) {
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
  return {"DEV-TOKEN-123", "ACCESS-TOKEN-456", "1234567", "7654321"};
}

bingads::ClientOptions FakeOptions(bingads::Protocol protocol,
                                   std::shared_ptr<bingads::HttpTransport> transport) {
  bingads::ClientOptions options;
  options.protocol = protocol;
  options.endpoint = "https://campaign.api.example.test";
  options.credentials = TestCredentials();
  options.transport = std::move(transport);
  options.retry.max_attempts = 1;  // decoding tests: one canned reply per call; retry tests opt in
  options.sleep = [](std::chrono::milliseconds) { FAIL("a test client slept"); };
  return options;
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

}  // namespace testing
