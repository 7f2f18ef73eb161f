// The libcurl transport honours the call's context: a deadline earlier than the request timeout,
// cancellation before and during an exchange, and the cost it reports to a meter.
#include <bingads/transport.h>
#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "support.h"

using namespace bingads;
using namespace std::chrono_literals;

namespace {

// Reads the request and answers nothing until the client goes (or ten seconds pass).
void Silent(int fd) {
  testing::ReadRequest(fd);
  testing::ReadUntilClosed(fd, 10s);
}

std::shared_ptr<HttpTransport> SlowTimeoutTransport() {
  TransportOptions options;
  options.request_timeout = 60s;  // what the context must beat
  return MakeCurlTransport(options);
}

std::optional<Error> SendWith(HttpTransport& transport, const std::string& url,
                              const CallContext& context) {
  try {
    transport.Send({"POST", url + "/x", {}, "{}"}, context);
  } catch (const Error& e) {
    return e;
  }
  return std::nullopt;
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("transport context: a deadline ends a silent exchange long before the request timeout") {
  testing::RawServer server(Silent);
  const auto transport = SlowTimeoutTransport();
  CallContext context;
  context.deadline = std::chrono::steady_clock::now() + 300ms;
  const auto start = std::chrono::steady_clock::now();
  const auto error = SendWith(*transport, server.BaseUrl(), context);
  REQUIRE(error);
  CHECK(error->Kind() == ErrorKind::kTimeout);
  CHECK_FALSE(error->Unsent());
  CHECK(std::chrono::steady_clock::now() - start < 30s);  // the deadline, not the 60 s timeout
  CHECK(server.Connections() == 1);

  // A deadline already past: nothing is sent.
  context.deadline = std::chrono::steady_clock::now() - 1ms;
  const auto late = SendWith(*transport, server.BaseUrl(), context);
  REQUIRE(late);
  CHECK(late->Kind() == ErrorKind::kTimeout);
  CHECK(late->Unsent());
  CHECK(Contains(late->what(), "the call's deadline passed"));
  CHECK(server.Connections() == 1);
  server.Stop();
}

TEST_CASE("transport context: a cancelled call sends nothing, and one under way stops") {
  testing::RawServer server(Silent);
  const auto transport = SlowTimeoutTransport();
  std::atomic<bool> cancelled{true};
  CallContext context;
  context.cancelled = &cancelled;
  const auto before = SendWith(*transport, server.BaseUrl(), context);
  REQUIRE(before);
  CHECK(before->Kind() == ErrorKind::kCancelled);
  CHECK(before->Unsent());
  CHECK(server.Connections() == 0);

  cancelled = false;
  std::thread canceller([&cancelled] {
    std::this_thread::sleep_for(200ms);
    cancelled = true;
  });
  const auto start = std::chrono::steady_clock::now();
  const auto during = SendWith(*transport, server.BaseUrl(), context);
  canceller.join();
  REQUIRE(during);
  CHECK(during->Kind() == ErrorKind::kCancelled);
  CHECK(Contains(during->what(), "cancelled while under way"));
  CHECK(std::chrono::steady_clock::now() - start < 30s);  // not the 60 s timeout
  CHECK(server.Connections() == 1);
  server.Stop();
}

TEST_CASE("transport context: the cost of each exchange goes to whoever asks for it") {
  testing::Emulator emulator;
  TransportOptions plain;
  plain.accept_gzip = false;  // so that the answer's bytes on the wire hold its body as is
  const auto transport = MakeCurlTransport(plain);
  const HttpRequest request{"POST",
                            emulator.BaseUrl() + "/CampaignManagement/v13/Budgets/QueryByIds",
                            {{"Authorization", "Bearer t"},
                             {"DeveloperToken", "d"},
                             {"CustomerId", "1"},
                             {"CustomerAccountId", "2"},
                             {"Content-Type", "application/json"}},
                            R"({"BudgetIds":null})"};
  ExchangeCost first, second;
  CallContext context;
  context.cost = &first;
  const HttpResponse answer = transport->Send(request, context);
  context.cost = &second;
  transport->Send(request, context);
  CHECK(first.new_connections == 1);
  CHECK(second.new_connections == 0);  // the kept-alive connection
  // Headers count as well as bodies.
  CHECK(first.request_bytes > request.body.size() + 100);
  CHECK(first.response_bytes > answer.body.size());
  CHECK(second.request_bytes == first.request_bytes);
  // A meter in a chain counts for itself and for whoever above it asked too.
  ExchangeCost meter, outer;
  context.cost = &outer;
  SendMetered(*transport, request, context, meter);
  CHECK(meter.request_bytes == first.request_bytes);
  CHECK(outer.request_bytes == first.request_bytes);
  CHECK(outer.response_bytes == meter.response_bytes);
  // Without a cost to fill nothing is counted, and the answer is the same.
  CHECK(transport->Send(request).body == answer.body);
}
