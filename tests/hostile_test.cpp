// Hostile peers on 127.0.0.1: bodies that never end or inflate without bound, header injection
// through credentials and ids, clear-text credentials, redirects. Every server here is bounded in
// time and stopped by its test.
#include <bingads/auth.h>
#include <bingads/client.h>
#include <curl/curl.h>
#include <doctest/doctest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "cli.h"
#include "internal.h"
#include "support.h"

using namespace bingads;

namespace {

// Sanitizers multiply resident memory (shadow memory, quarantines): peak memory is asserted in the
// plain build only, and reported in every build.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kMeasuresMemory = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
constexpr bool kMeasuresMemory = false;
#else
constexpr bool kMeasuresMemory = true;
#endif
#else
constexpr bool kMeasuresMemory = true;
#endif

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// gzip of 1 MiB of zeros, fully flushed, so that `repeat` may follow itself any number of times:
// `first` then 4,095 `repeat`s inflate to 4 GiB from about 4 MB on the wire.
struct Bomb {
  std::string first, repeat;
};

Bomb MakeBomb() {
  z_stream z{};
  REQUIRE(deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) == Z_OK);
  const std::string zeros(std::size_t{1} << 20, '\0');
  auto block = [&] {
    std::string out(std::size_t{1} << 20, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(zeros.data()));
    z.avail_in = static_cast<uInt>(zeros.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    REQUIRE(deflate(&z, Z_FULL_FLUSH) == Z_OK);
    out.resize(out.size() - z.avail_out);
    return out;
  };
  Bomb bomb;
  bomb.first = block();
  bomb.repeat = block();
  deflateEnd(&z);
  return bomb;
}

const Bomb& TheBomb() {
  static const Bomb bomb = MakeBomb();
  return bomb;
}

// Answers every request with a 200 whose gzip body inflates to 4 GiB.
void ServeBomb(int fd) {
  testing::ReadRequest(fd);
  if (!testing::SendAll(fd,
                        "HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=utf-8\r\n"
                        "Content-Encoding: gzip\r\nConnection: close\r\n\r\n") ||
      !testing::SendAll(fd, TheBomb().first)) {
    return;
  }
  for (int i = 1; i < 4096; ++i)
    if (!testing::SendAll(fd, TheBomb().repeat)) return;
}

constexpr std::size_t kHugeBody = std::size_t{3} << 29;  // 1.5 GiB

// Answers with an honest 1.5 GiB body: declared by Content-Length, or chunked with no length.
void ServeHuge(int fd, bool chunked) {
  testing::ReadRequest(fd);
  std::string head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n";
  head += chunked ? "Transfer-Encoding: chunked\r\n\r\n"
                  : "Content-Length: " + std::to_string(kHugeBody) + "\r\n\r\n";
  if (!testing::SendAll(fd, head)) return;
  const std::string piece(std::size_t{1} << 16, ' ');
  const std::string chunk = "10000\r\n" + piece + "\r\n";
  for (std::size_t sent = 0; sent < kHugeBody; sent += piece.size()) {
    if (!testing::SendAll(fd, chunked ? chunk : piece)) return;
  }
  if (chunked) testing::SendAll(fd, "0\r\n\r\n");
}

ClientOptions Against(const std::string& base, Protocol protocol) {
  ClientOptions options;
  options.protocol = protocol;
  options.endpoint = base;
  options.credentials = testing::TestCredentials();
  options.sleep = [](std::chrono::milliseconds) {};
  options.transport_options.request_timeout = std::chrono::seconds(30);
  return options;
}

// The error a call through `options` ends with.
template <typename Call>
std::optional<Error> ErrorOf(Call call) {
  try {
    call();
  } catch (const Error& e) {
    return e;
  }
  return std::nullopt;
}

}  // namespace

TEST_CASE("hostile: a 4 GiB gzip bomb stops at the size limit on both protocols and for tokens") {
  testing::RawServer server(ServeBomb);
  int expected_connections = 0;
  for (const Protocol protocol : {Protocol::kSoap, Protocol::kRest}) {
    CAPTURE(ToString(protocol));
    ClientOptions options = Against(server.BaseUrl(), protocol);
    options.transport_options.max_response_bytes = std::size_t{8} << 20;
    const auto error = ErrorOf([&] { BudgetClient(options).GetBudgetsByIds({1, 2}); });
    REQUIRE(error);
    CHECK(error->Kind() == ErrorKind::kResponseTooLarge);
    CHECK(error->HttpStatus() == 200);
    CHECK(Contains(error->what(), "over the limit of 8 MiB"));
    CHECK(Contains(error->what(), "HTTP 200"));
    // Never retried: the same request would get the same body.
    CHECK(server.Connections() == ++expected_connections);
  }
  // The token endpoint has a much smaller limit of its own.
  OAuthOptions oauth;
  oauth.client_id = "app";
  oauth.refresh_token = "rt";
  oauth.token_url = server.BaseUrl() + "/common/oauth2/v2.0/token";
  const auto error = ErrorOf([&] { MakeOAuthTokenProvider(oauth)->AccessToken(); });
  REQUIRE(error);
  CHECK(error->Kind() == ErrorKind::kResponseTooLarge);
  CHECK(Contains(error->what(), "over the limit of 1 MiB"));
  server.Stop();
}

TEST_CASE("hostile: a 1.5 GiB body is refused by its declared length, or as it arrives") {
  for (const bool chunked : {false, true}) {
    testing::RawServer server([chunked](int fd) { ServeHuge(fd, chunked); });
    for (const Protocol protocol : {Protocol::kSoap, Protocol::kRest}) {
      CAPTURE(chunked);
      CAPTURE(ToString(protocol));
      ClientOptions options = Against(server.BaseUrl(), protocol);
      options.transport_options.max_response_bytes = std::size_t{4} << 20;
      const auto error = ErrorOf([&] { BudgetClient(options).GetCampaignIdsByBudgetIds({1}); });
      REQUIRE(error);
      CHECK(error->Kind() == ErrorKind::kResponseTooLarge);
      CHECK(error->HttpStatus() == 200);
      CHECK(Contains(error->what(), "over the limit of 4 MiB"));
    }
    server.Stop();
  }
}

TEST_CASE(
    "hostile: every CLI command ends with exit 5 against a gzip bomb and a 1.5 GiB body, memory "
    "near the limit") {
  const auto dir =
      std::filesystem::temp_directory_path() / ("bingads-hostile-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string add_file = (dir / "add.json").string();
  const std::string update_file = (dir / "update.json").string();
  std::ofstream(add_file)
      << R"({"Budgets":[{"Name":"n","Amount":1,"BudgetType":"DailyBudgetStandard"}]})";
  std::ofstream(update_file) << R"({"Budgets":[{"Id":"1","Amount":2}]})";
  const std::vector<std::string> env = {"BINGADS_DEVELOPER_TOKEN=d", "BINGADS_ACCESS_TOKEN=a",
                                        "BINGADS_CUSTOMER_ID=1", "BINGADS_ACCOUNT_ID=2"};
  const std::vector<std::vector<std::string>> commands = {{"get", "--ids", "1,2"},
                                                          {"campaigns", "--ids", "1"},
                                                          {"delete", "--ids", "1"},
                                                          {"add", "--file", add_file},
                                                          {"update", "--file", update_file},
                                                          {"compare", "get", "--ids", "1"},
                                                          {"migrate-check"}};
  constexpr long kLimitMiB = 16;
  long peak_kib = 0;
  testing::RawServer bomb(ServeBomb);
  testing::RawServer huge([](int fd) { ServeHuge(fd, true); });
  for (const auto* server : {&bomb, &huge}) {
    for (const char* protocol : {"soap", "rest"}) {
      for (const auto& command : commands) {
        const bool both = command[0] == "compare" || command[0] == "migrate-check";
        if (both && std::string(protocol) == "rest") continue;  // these run both protocols
        std::vector<std::string> argv = {BINGADS_CLI_EXE,
                                         "--protocol",
                                         protocol,
                                         "--endpoint",
                                         server->BaseUrl(),
                                         "--max-response-mb",
                                         std::to_string(kLimitMiB)};
        argv.insert(argv.end(), command.begin(), command.end());
        const testing::ProcessRun run = testing::RunProcess(argv, env);
        CAPTURE(command[0]);
        CAPTURE(protocol);
        CAPTURE(run.err);
        CHECK(run.status == bingads::cli::kExitTransport);
        CHECK(Contains(run.out + run.err, "over the limit of 16 MiB"));  // compare: in its report
        // Without the limit the bomb grew the CLI to 8.2 GB and the 1.5 GiB body to 2 GB.
        if (kMeasuresMemory) CHECK(run.max_rss_kib < (kLimitMiB + 200) * 1024);
        peak_kib = std::max(peak_kib, run.max_rss_kib);
        MESSAGE(command[0] << " " << protocol << ": " << run.max_rss_kib / 1024 << " MiB");
      }
    }
  }
  // The default limit (64 MiB) holds the same way.
  const testing::ProcessRun run = testing::RunProcess(
      {BINGADS_CLI_EXE, "--protocol", "soap", "--endpoint", bomb.BaseUrl(), "get"}, env);
  CHECK(run.status == bingads::cli::kExitTransport);
  CHECK(Contains(run.err, "over the limit of 64 MiB"));
  if (kMeasuresMemory) CHECK(run.max_rss_kib < (64 + 200) * 1024);
  MESSAGE("peak resident memory of the CLI: " << peak_kib / 1024 << " MiB with a " << kLimitMiB
                                              << " MiB limit, " << run.max_rss_kib / 1024
                                              << " MiB with the default 64 MiB");
  bomb.Stop();
  huge.Stop();
  std::filesystem::remove_all(dir);
}

namespace {

// Answers anything with a 500 that no decoder takes; only its connection count matters.
void ServeNothingUseful(int fd) {
  testing::ReadRequest(fd);
  testing::SendAll(fd,
                   "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
}

const std::string kInjected = "S3KR1T\r\nX-Injected: yes";

}  // namespace

TEST_CASE("hostile: CR, LF, NUL in credentials and ids never reach the wire (library)") {
  testing::RawServer server(ServeNothingUseful);
  using Field = std::string Credentials::*;
  const std::vector<std::pair<Field, std::string>> fields = {
      {&Credentials::developer_token, "developer_token"},
      {&Credentials::access_token, "access_token"},
      {&Credentials::customer_id, "customer_id"},
      {&Credentials::account_id, "account_id"}};
  for (const Protocol protocol : {Protocol::kSoap, Protocol::kRest}) {
    for (const auto& [field, name] : fields) {
      for (const std::string& bad :
           {kInjected, std::string("12\n34"), std::string("1\0002", 3), std::string("7\t")}) {
        CAPTURE(name);
        ClientOptions options = Against(server.BaseUrl(), protocol);
        options.credentials.*field = bad;
        const auto error = ErrorOf([&] { BudgetClient(options).GetBudgetsByIds({1}); });
        REQUIRE(error);
        CHECK(error->Kind() == ErrorKind::kUsage);
        CHECK(error->Unsent());
        CHECK(Contains(error->what(), name));
        CHECK(!Contains(error->what(), "S3KR1T"));
      }
    }
    // Ids are positive decimal integers.
    for (const std::string bad :
         {"", "0", "-5", "+5", "007", "12 34", "1e3", "0x10", "99999999999999999999", "١٢٣"}) {
      CAPTURE(bad);
      ClientOptions options = Against(server.BaseUrl(), protocol);
      options.credentials.customer_id = bad;
      CHECK_THROWS_AS(BudgetClient{options}, Error);
      options.credentials.customer_id = "1";
      options.credentials.account_id = bad;
      CHECK_THROWS_AS(BudgetClient{options}, Error);
    }
    // A token provider's token is checked at every call.
    struct Injecting : TokenProvider {
      std::string AccessToken() override { return kInjected; }
      bool Invalidate(const std::string&) override { return false; }
    };
    ClientOptions options = Against(server.BaseUrl(), protocol);
    options.token_provider = std::make_shared<Injecting>();
    const auto error = ErrorOf([&] { BudgetClient(options).GetBudgetsByIds({1}); });
    REQUIRE(error);
    CHECK(error->Kind() == ErrorKind::kUsage);
    CHECK(!Contains(error->what(), "S3KR1T"));
  }
  // The transport refuses any header that would split, and a user agent that would.
  const auto transport = MakeCurlTransport({});
  const auto error = ErrorOf([&] {
    transport->Send({"POST", server.BaseUrl() + "/x", {{"X-Id", kInjected}}, "{}"});
  });
  REQUIRE(error);
  CHECK(error->Kind() == ErrorKind::kUsage);
  TransportOptions agent;
  agent.user_agent = "ua\r\nX-Injected: yes";
  CHECK_THROWS_AS(MakeCurlTransport(agent), Error);
  CHECK(server.Connections() == 0);
  server.Stop();
}

namespace {

using testing::RunCli;
const std::map<std::string, std::string>& kEnv = testing::CliTestEnv();

}  // namespace

TEST_CASE("hostile: CR, LF, NUL in credentials and ids are CLI usage errors naming the option") {
  testing::RawServer server(ServeNothingUseful);
  const std::vector<std::pair<std::string, std::string>> options = {
      {"--developer-token", "BINGADS_DEVELOPER_TOKEN"},
      {"--access-token", "BINGADS_ACCESS_TOKEN"},
      {"--customer-id", "BINGADS_CUSTOMER_ID"},
      {"--account-id", "BINGADS_ACCOUNT_ID"}};
  for (const char* protocol : {"soap", "rest"}) {
    for (const auto& [flag, variable] : options) {
      for (const std::string& bad :
           {kInjected, std::string("S3KR1T\n"), std::string("S3\0KR1T", 7)}) {
        CAPTURE(flag);
        // As an option...
        auto run = RunCli(
            {"--protocol", protocol, "--endpoint", server.BaseUrl(), flag, bad, "get"}, kEnv);
        CHECK(run.status == bingads::cli::kExitUsage);
        CHECK(Contains(run.err, flag));
        CHECK(!Contains(run.err, "S3KR1T"));
        CHECK(!Contains(run.err, "X-Injected"));
        // ...and as a variable (which cannot hold a NUL).
        if (bad.find('\0') != std::string::npos) continue;
        auto env = kEnv;
        env[variable] = bad;
        run = RunCli({"--protocol", protocol, "--endpoint", server.BaseUrl(), "get"}, env);
        CHECK(run.status == bingads::cli::kExitUsage);
        CHECK(Contains(run.err, variable));
        CHECK(!Contains(run.err, "S3KR1T"));
      }
    }
    for (const char* bad : {"0", "-1", "12x", "1.5", " 7"}) {
      auto run = RunCli(
          {"--protocol", protocol, "--endpoint", server.BaseUrl(), "--account-id", bad, "get"},
          kEnv);
      CHECK(run.status == bingads::cli::kExitUsage);
      CHECK(Contains(run.err, "positive decimal integer"));
    }
  }
  CHECK(server.Connections() == 0);
  server.Stop();
}

TEST_CASE(
    "hostile: no credential goes over http:// to a host that is not loopback without opt-in") {
  using internal::IsLoopbackHost;
  for (const char* host :
       {"127.0.0.1", "127.255.0.9", "[::1]", "::1", "localhost", "LocalHost", "localhost."})
    CHECK(IsLoopbackHost(host));
  for (const char* host : {"128.0.0.1", "10.0.0.1", "::2", "[::ffff:10.0.0.1]",
                           "localhost.example.com", "127.0.0.1.example.com", "example.com", ""})
    CHECK_FALSE(IsLoopbackHost(host));

  // A proxy on loopback stands in for the world: had anything been sent, it would arrive here.
  testing::RawServer proxy(ServeNothingUseful);
  ClientOptions options = Against("http://budgets.example.com", Protocol::kRest);
  options.transport_options.proxy = proxy.BaseUrl();
  auto error = ErrorOf([&] { BudgetClient(options).GetBudgetsByIds({1}); });
  REQUIRE(error);
  CHECK(error->Kind() == ErrorKind::kUsage);
  CHECK(Contains(error->what(), "https"));
  CHECK(Contains(error->what(), "budgets.example.com"));
  for (const char* url : {"ftp://127.0.0.1:21", "file:///etc/passwd", "gopher://127.0.0.1",
                          "budgets.example.com", "http//x"}) {
    CAPTURE(url);
    options.endpoint = url;
    CHECK_THROWS_AS(BudgetClient{options}, Error);
  }
  OAuthOptions oauth;
  oauth.client_id = "app";
  oauth.refresh_token = "rt";
  oauth.token_url = "http://login.example.com/common/oauth2/v2.0/token";
  oauth.transport_options.proxy = proxy.BaseUrl();
  CHECK_THROWS_AS(MakeOAuthTokenProvider(oauth), Error);
  TransportOptions through_proxy;
  through_proxy.proxy = proxy.BaseUrl();
  error = ErrorOf([&] {
    MakeCurlTransport(through_proxy)->Send({"POST", "http://api.example.com/x", {}, "{}"});
  });
  REQUIRE(error);
  CHECK(error->Kind() == ErrorKind::kUsage);

  auto run =
      RunCli({"--endpoint", "http://budgets.example.com", "--proxy", proxy.BaseUrl(), "get"}, kEnv);
  CHECK(run.status == bingads::cli::kExitUsage);
  CHECK(Contains(run.err, "https"));
  auto env = kEnv;
  env.erase("BINGADS_ACCESS_TOKEN");
  env["BINGADS_CLIENT_ID"] = "app";
  env["BINGADS_REFRESH_TOKEN"] = "rt";
  env["BINGADS_TOKEN_URL"] = "http://login.example.com/common/oauth2/v2.0/token";
  run = RunCli({"--proxy", proxy.BaseUrl(), "get"}, env);
  CHECK(run.status == bingads::cli::kExitUsage);
  CHECK(Contains(run.err, "BINGADS_TOKEN_URL"));
  CHECK(proxy.Connections() == 0);

  // Loopback needs no opt-in; the opt-in lets the request go (here, to the loopback proxy).
  testing::Emulator emulator;
  options = emulator.Options(Protocol::kSoap);
  options.endpoint =
      "http://localhost:" + emulator.BaseUrl().substr(emulator.BaseUrl().rfind(':') + 1);
  CHECK(BudgetClient(options).GetBudgetsByIds({testing::kDemoId}).Budgets.size() == 1);
  run = RunCli({"--endpoint", "http://budgets.example.com", "--proxy", proxy.BaseUrl(),
                "--allow-insecure-http", "--max-attempts", "1", "get"},
               kEnv);
  CHECK(run.status == bingads::cli::kExitTransport);
  CHECK(Contains(run.err, "502"));
  CHECK(proxy.Connections() == 1);
  proxy.Stop();
}

TEST_CASE("hostile: redirects are never followed, to http or to any other scheme") {
  testing::RawServer target(ServeNothingUseful);
  for (const std::string& location :
       {target.BaseUrl() + "/CampaignManagement/v13/Budgets/QueryByIds",
        std::string("file:///etc/passwd")}) {
    testing::RawServer redirect([&location](int fd) {
      testing::ReadRequest(fd);
      testing::SendAll(fd, "HTTP/1.1 307 Temporary Redirect\r\nLocation: " + location +
                               "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    });
    for (const Protocol protocol : {Protocol::kSoap, Protocol::kRest}) {
      const auto error = ErrorOf(
          [&] { BudgetClient(Against(redirect.BaseUrl(), protocol)).GetBudgetsByIds({1}); });
      REQUIRE(error);
      CHECK(error->HttpStatus() == 307);
      CHECK(error->Kind() == ErrorKind::kTransport);
    }
    redirect.Stop();
  }
  CHECK(target.Connections() == 0);
  target.Stop();
}

namespace {

std::string Gzip(const std::string& text) {
  z_stream z{};
  deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 31, 9, Z_DEFAULT_STRATEGY);  // 31: gzip
  std::string out(deflateBound(&z, static_cast<uLong>(text.size())), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

}  // namespace

TEST_CASE(
    "hostile: a compressed body is read whole however much it inflates, headers in any order") {
  // The body is reserved from its declared length times a guess of the inflation: a body that
  // inflates far more (here about 1,000 times), or less, must still arrive whole.
  std::string repetitive, varied;
  for (int i = 0; repetitive.size() < (std::size_t{3} << 20); ++i)
    repetitive += R"({"Amount":12.5,"Name":"Caf\u00e9 & <Bistro>"},)";
  for (std::uint32_t i = 0, x = 7; varied.size() < 300000; ++i) {
    x = x * 1103515245 + 12345;
    varied += std::to_string(x);
  }
  for (const std::string* body : {&repetitive, &varied}) {
    const std::string gz = Gzip(*body);
    CAPTURE(gz.size());
    for (const bool length_first : {true, false}) {
      CAPTURE(length_first);
      testing::RawServer server([&](int fd) {
        testing::ReadRequest(fd);
        const std::string length = "Content-Length: " + std::to_string(gz.size()) + "\r\n";
        const std::string encoding = "Content-Encoding: gzip\r\n";
        testing::SendAll(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" +
                                 (length_first ? length + encoding : encoding + length) +
                                 "Connection: close\r\n\r\n" + gz);
      });
      const auto response =
          bingads::MakeCurlTransport({})->Send({"POST", server.BaseUrl() + "/x", {}, "{}"});
      server.Stop();
      CHECK(response.status == 200);
      CHECK(response.body.size() == body->size());
      CHECK(response.body == *body);
    }
  }
}

TEST_CASE("hostile: gzip is asked for by default on both protocols, and can be turned off") {
  std::mutex mutex;
  std::vector<std::string> requests;
  testing::RawServer server([&](int fd) {
    const std::string request = testing::ReadRequest(fd);
    {
      std::lock_guard<std::mutex> lock(mutex);
      requests.push_back(request);
    }
    testing::SendAll(fd,
                     "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  });
  for (const bool gzip : {true, false}) {
    for (const Protocol protocol : {Protocol::kSoap, Protocol::kRest}) {
      ClientOptions options = Against(server.BaseUrl(), protocol);
      options.retry.max_attempts = 1;
      if (!gzip) options.transport_options.accept_gzip = false;
      CHECK(ErrorOf([&] { BudgetClient(options).GetBudgetsByIds({1}); }));
    }
  }
  server.Stop();
  REQUIRE(requests.size() == 4);
  for (std::size_t i = 0; i < requests.size(); ++i) {
    CAPTURE(requests[i]);
    CHECK(Contains(requests[i], "Accept-Encoding: gzip\r\n") == (i < 2));
  }
  // Against the emulator, which compresses when asked, results are the same either way.
  testing::Emulator emulator;
  for (const Protocol protocol : {Protocol::kSoap, Protocol::kRest}) {
    ClientOptions options = emulator.Options(protocol);
    const auto compressed = BudgetClient(options).GetBudgetsByIds();
    options.transport_options.accept_gzip = false;
    const auto plain = BudgetClient(options).GetBudgetsByIds();
    CHECK(compressed.Budgets == plain.Budgets);
  }
}

TEST_CASE("hostile: a libcurl option refused is an error naming it, and nothing is sent") {
  // An older libcurl refuses CURLOPT_PROTOCOLS_STR (added in 7.85): had the refusal been ignored,
  // the http/https restriction would have silently gone.
  testing::RawServer server(ServeNothingUseful);
  const auto transport = internal::MakeCurlTransport({}, [](int option, int code) {
    return option == CURLOPT_PROTOCOLS_STR ? static_cast<int>(CURLE_UNKNOWN_OPTION) : code;
  });
  const auto error = ErrorOf([&] { transport->Send({"POST", server.BaseUrl() + "/x", {}, "{}"}); });
  REQUIRE(error);
  CHECK(error->Kind() == ErrorKind::kTransport);
  CHECK(error->Unsent());
  CHECK(Contains(error->what(), "libcurl refused the option CURLOPT_PROTOCOLS_STR"));
  CHECK(server.Connections() == 0);
  // Every other option is checked the same way: refusing any one of them stops the request.
  int options_set = 0;
  const auto counting = internal::MakeCurlTransport({}, [&options_set](int, int code) {
    ++options_set;
    return code;
  });
  CHECK(counting->Send({"POST", server.BaseUrl() + "/x", {}, "{}"}).status == 502);
  CHECK(options_set >= 20);
  server.Stop();
}
