// The emulator's HTTP front against stuck, slow and malformed peers, all on 127.0.0.1: idle
// connections cannot stall it, every wait has a deadline, every limit answers with a reason.
#include <bingads/client.h>
#include <doctest/doctest.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "support.h"

using namespace bingads;

namespace {

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The emulator's own server with the given limits, for the lifetime of the object.
struct Front {
  explicit Front(emulator::ServerLimits limits = {}) : server(service, limits) {
    port = server.Start("127.0.0.1", 0);
  }
  ~Front() { server.Stop(); }
  std::string BaseUrl() const { return "http://127.0.0.1:" + std::to_string(port); }
  ClientOptions Options(Protocol protocol) const {
    ClientOptions options;
    options.protocol = protocol;
    options.endpoint = BaseUrl();
    options.credentials = testing::TestCredentials();
    options.retry.max_attempts = 1;
    options.transport_options.request_timeout = std::chrono::seconds(10);
    return options;
  }
  emulator::BudgetService service;
  emulator::Server server;
  int port = 0;
};

// A raw REST GetBudgetsByIds request for every budget, with the test credentials.
std::string RestRequest(const std::string& extra_headers = "", const std::string& body = "{}") {
  return "POST /CampaignManagement/v13/Budgets/QueryByIds HTTP/1.1\r\nHost: 127.0.0.1\r\n"
         "Authorization: Bearer t\r\nDeveloperToken: d\r\nCustomerId: 1\r\n"
         "CustomerAccountId: 2000002\r\nContent-Type: application/json\r\n" +
         extra_headers + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

// Sends `request` on a fresh connection and returns everything until the peer closes.
std::string Exchange(int port, const std::string& request, int wait_ms = 5000) {
  const int fd = testing::Connect(port);
  REQUIRE(fd >= 0);
  testing::SendAll(fd, request);
  std::string reply = testing::ReadUntilClosed(fd, std::chrono::milliseconds(wait_ms));
  ::close(fd);
  return reply;
}

// Lets this process hold `wanted` descriptors if its hard limit allows.
bool RaiseDescriptorLimit(rlim_t wanted) {
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) != 0) return false;
  if (files.rlim_cur >= wanted) return true;
  if (files.rlim_max != RLIM_INFINITY && files.rlim_max < wanted) return false;
  files.rlim_cur = wanted;
  return setrlimit(RLIMIT_NOFILE, &files) == 0;
}

}  // namespace

TEST_CASE("emulator front: 1,000 idle connections and slow senders do not stall a normal call") {
  if (!RaiseDescriptorLimit(4096)) {
    MESSAGE("skipped: this process may not open 4096 descriptors");
    return;
  }
  Front front;
  std::vector<int> idle;
  for (int i = 0; i < 1000; ++i) {
    const int fd = testing::Connect(front.port);
    REQUIRE(fd >= 0);
    idle.push_back(fd);
  }
  // Twenty more send one byte of a request every 100 ms.
  std::vector<int> slow;
  for (int i = 0; i < 20; ++i) slow.push_back(testing::Connect(front.port));
  std::atomic<bool> done{false};
  std::thread trickle([&] {
    const std::string request = RestRequest();
    for (std::size_t at = 0; at < request.size() && !done; ++at) {
      for (int fd : slow) ::send(fd, request.data() + at, 1, MSG_NOSIGNAL);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  for (const Protocol protocol : {Protocol::kSoap, Protocol::kRest}) {
    for (int i = 0; i < 3; ++i) {
      const auto result = BudgetClient(front.Options(protocol)).GetBudgetsByIds({testing::kDemoId});
      CHECK(result.Budgets.size() == 1);
      CHECK(result.Budgets[0].has_value());
    }
  }
  done = true;
  trickle.join();
  for (int fd : idle) ::close(fd);
  for (int fd : slow) ::close(fd);
}

TEST_CASE("emulator front: past the connection cap a new connection gets 503 with the reason") {
  emulator::ServerLimits limits;
  limits.max_connections = 8;
  Front front(limits);
  std::vector<int> held;
  for (int i = 0; i < 8; ++i) held.push_back(testing::Connect(front.port));
  // The server accepts asynchronously: the ninth is refused once the eight are in.
  std::string refusal;
  for (int attempt = 0; attempt < 50 && !Contains(refusal, "503"); ++attempt) {
    refusal = Exchange(front.port, "", 1000);
  }
  CHECK(Contains(refusal, "HTTP/1.1 503 Service Unavailable"));
  CHECK(Contains(refusal, "too many connections (the limit is 8)"));
  for (int fd : held) ::close(fd);
  // Once they are gone, calls are served again (as soon as the server has seen them close: on a
  // loaded machine that may take seconds, so the wait is bounded in time, not in attempts).
  bool served = false;
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!served && std::chrono::steady_clock::now() < give_up) {
    served = Contains(Exchange(front.port, RestRequest("Connection: close\r\n")), "HTTP/1.1 200");
    if (!served) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK(served);
}

TEST_CASE("emulator front: a request that trickles in gets 408, and idle connections are closed") {
  emulator::ServerLimits limits;
  limits.request_timeout = std::chrono::milliseconds(300);
  limits.idle_timeout = std::chrono::milliseconds(300);
  Front front(limits);

  const int trickling = testing::Connect(front.port);
  REQUIRE(trickling >= 0);
  const std::string request = RestRequest();
  const auto start = std::chrono::steady_clock::now();
  std::string reply;
  for (std::size_t at = 0; at < request.size(); ++at) {
    if (::send(trickling, request.data() + at, 1, MSG_NOSIGNAL) != 1) break;
    pollfd p{trickling, POLLIN, 0};
    if (::poll(&p, 1, 50) > 0) {
      reply = testing::ReadUntilClosed(trickling, std::chrono::seconds(2));
      break;
    }
  }
  ::close(trickling);
  CHECK(Contains(reply, "HTTP/1.1 408 Request Timeout"));
  CHECK(Contains(reply, "did not arrive whole within 300 ms"));
  // Cut off well before the whole request (about 300 bytes at one per 50 ms) would have arrived.
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));

  const int idle = testing::Connect(front.port);
  REQUIRE(idle >= 0);
  char byte = 0;
  pollfd p{idle, POLLIN, 0};
  REQUIRE(::poll(&p, 1, 5000) == 1);  // the server closed it: readable, at end of stream
  CHECK(::recv(idle, &byte, 1, 0) == 0);
  ::close(idle);
}

TEST_CASE("emulator front: HTTP framing and limits, each refusal with its status and reason") {
  emulator::ServerLimits limits;
  limits.max_body_bytes = 1 << 20;
  Front front(limits);
  const std::string close = "Connection: close\r\n";

  // A chunked body is read as one.
  const std::string chunked =
      "POST /CampaignManagement/v13/Budgets/QueryByIds HTTP/1.1\r\nAuthorization: Bearer t\r\n"
      "DeveloperToken: d\r\nCustomerId: 1\r\nCustomerAccountId: 2000002\r\n"
      "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
      "5\r\n{\"Bud\r\n1a;ext=1\r\ngetIds\":[\"9007199254740993\r\n3\r\n\"]}\r\n0\r\n\r\n";
  std::string reply = Exchange(front.port, chunked);
  CHECK(Contains(reply, "HTTP/1.1 200 OK"));
  CHECK(Contains(reply, "\"9007199254740993\""));

  // Expect: 100-continue gets its interim answer before the body is sent.
  {
    const int fd = testing::Connect(front.port);
    const std::string body = R"({"BudgetIds":null})";
    const std::string full = RestRequest("Expect: 100-continue\r\n" + close, body);
    testing::SendAll(fd, full.substr(0, full.size() - body.size()));
    char buffer[256] = {0};
    pollfd p{fd, POLLIN, 0};
    REQUIRE(::poll(&p, 1, 5000) == 1);
    const auto n = ::recv(fd, buffer, sizeof buffer - 1, 0);
    CHECK(std::string(buffer, n > 0 ? static_cast<std::size_t>(n) : 0) ==
          "HTTP/1.1 100 Continue\r\n\r\n");
    testing::SendAll(fd, body);
    CHECK(Contains(testing::ReadUntilClosed(fd, std::chrono::seconds(5)), "HTTP/1.1 200 OK"));
    ::close(fd);
  }

  // Two pipelined requests get two answers, in order, on one connection.
  reply = Exchange(front.port, RestRequest() + RestRequest(close));
  CHECK(reply.find("HTTP/1.1 200 OK") != reply.rfind("HTTP/1.1 200 OK"));

  // gzip when asked for, plain otherwise.
  reply = Exchange(front.port, RestRequest("Accept-Encoding: gzip, deflate\r\n" + close));
  CHECK(Contains(reply, "Content-Encoding: gzip"));
  reply = Exchange(front.port, RestRequest("Accept-Encoding: gzip;q=0\r\n" + close));
  CHECK(!Contains(reply, "Content-Encoding"));

  // Limits and malformed requests.
  const std::string huge_header = "X-Padding: " + std::string(70 * 1024, 'a') + "\r\n";
  const std::vector<std::pair<std::string, std::string>> refused = {
      {RestRequest(huge_header), "431 Request Header Fields Too Large"},
      {"POST /CampaignManagement/v13/Budgets/QueryByIds HTTP/1.1\r\nContent-Length: "
       "104857600\r\n\r\n",
       "413 Content Too Large"},
      {"GARBAGE\r\n\r\n", "400 Bad Request"},
      {"POST /x HTTP/2.0\r\n\r\n", "505 HTTP Version Not Supported"},
      {"POST /x HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", "400 Bad Request"},
      {"POST /x HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
       "400 Bad Request"},
      {"POST /x HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", "501 Not Implemented"},
      {"POST /x HTTP/1.1\r\n folded: header\r\n\r\n", "400 Bad Request"},
      {"POST /x HTTP/1.1\r\nX-Bad: a\x01z\r\n\r\n", "400 Bad Request"},
      {"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "400 Bad Request"},
      {"GET /Api/Advertiser/CampaignManagement/v13/CampaignManagementService.svc "
       "HTTP/1.1\r\nConnection: close\r\n\r\n",
       "405 Method Not Allowed"},
      {"POST /nowhere HTTP/1.1\r\nConnection: close\r\n\r\n", "404 Not Found"}};
  for (const auto& [request, status] : refused) {
    CAPTURE(status);
    reply = Exchange(front.port, request);
    CHECK(reply.rfind("HTTP/1.1 " + status, 0) == 0);
    CHECK(Contains(reply, "bingads-emulator: "));
  }
}
