// Input from outside trusted nowhere, replies: DTDs and entities, text gSOAP would alter, endless
// header and trailer lines, control characters on their way to a terminal. Every server here binds
// 127.0.0.1, is bounded in time and is stopped by its test.
#include <bingads/client.h>
#include <bingads/json.h>
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "cli.h"
#include "codec.h"
#include "fronts.h"
#include "internal.h"
#include "support.h"

using namespace bingads;

namespace {

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Sanitizers multiply resident memory: peak memory is asserted in the plain build only.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kMeasuresMemory = false;
#else
constexpr bool kMeasuresMemory = true;
#endif

const std::string kEnvelopeStart =
    R"(<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header>)"
    R"(<h:TrackingId xmlns:h="https://bingads.microsoft.com/CampaignManagement/v13">t-1)"
    R"(</h:TrackingId></s:Header><s:Body>)";

// A GetBudgetsByIds reply with one budget named `name` (raw XML text), after `prolog`.
std::string BudgetReply(const std::string& name, const std::string& prolog = "") {
  return prolog + kEnvelopeStart +
         R"(<GetBudgetsByIdsResponse xmlns="https://bingads.microsoft.com/CampaignManagement/v13">)"
         R"(<Budgets xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><Budget>)"
         R"(<Amount>10.5</Amount><AssociationCount>0</AssociationCount>)"
         R"(<BudgetType>DailyBudgetStandard</BudgetType><Id>7</Id><Name>)" +
         name +
         R"(</Name></Budget></Budgets><PartialErrors xmlns:i="http://www.w3.org/2001/XMLSchema-instance"/>)"
         R"(</GetBudgetsByIdsResponse></s:Body></s:Envelope>)";
}

std::string AddReply(const std::string& prolog, const std::string& message) {
  return prolog + kEnvelopeStart +
         R"(<AddBudgetsResponse xmlns="https://bingads.microsoft.com/CampaignManagement/v13">)"
         R"(<BudgetIds xmlns:a="http://schemas.datacontract.org/2004/07/System" )"
         R"(xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><a:long i:nil="true"/></BudgetIds>)"
         R"(<PartialErrors xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><BatchError>)"
         R"(<Code>4907</Code><ErrorCode>CampaignServiceDuplicateBudgetName</ErrorCode>)"
         R"(<Index>0</Index><Message>)" +
         message +
         R"(</Message></BatchError></PartialErrors></AddBudgetsResponse></s:Body></s:Envelope>)";
}

std::string CampaignsReply(const std::string& prolog, const std::string& id) {
  return prolog + kEnvelopeStart +
         R"(<GetCampaignIdsByBudgetIdsResponse xmlns="https://bingads.microsoft.com/CampaignManagement/v13">)"
         R"(<CampaignIdCollection><IdCollection><Ids xmlns:a="http://schemas.datacontract.org/2004/07/System">)"
         R"(<a:long>)" +
         id +
         R"(</a:long></Ids></IdCollection></CampaignIdCollection></GetCampaignIdsByBudgetIdsResponse>)"
         R"(</s:Body></s:Envelope>)";
}

// The error one call ends with, given a canned reply.
template <typename Call>
std::optional<Error> Fails(int status, const std::string& body, Call call) {
  auto transport = std::make_shared<testing::FakeTransport>();
  transport->Push(status, body, {{"Content-Type", "text/xml; charset=utf-8"}});
  BudgetClient client(testing::FakeOptions(Protocol::kSoap, transport));
  try {
    call(client);
  } catch (const Error& e) {
    return e;
  }
  return std::nullopt;
}

// Answers every request with `response` (a whole HTTP response) and closes.
std::unique_ptr<testing::RawServer> Answering(std::string response) {
  return std::make_unique<testing::RawServer>([response](int fd) {
    testing::ReadRequest(fd);
    testing::SendAll(fd, response);
  });
}

std::string Http(int status, const std::string& type, const std::string& body,
                 const std::string& extra = "") {
  return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: " + type +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" + extra +
         "Connection: close\r\n\r\n" + body;
}

const std::vector<std::string> kTestEnv = {"BINGADS_DEVELOPER_TOKEN=d", "BINGADS_ACCESS_TOKEN=a",
                                           "BINGADS_CUSTOMER_ID=1", "BINGADS_ACCOUNT_ID=2"};

}  // namespace

TEST_CASE(
    "untrusted: a SOAP reply with a DTD is refused on every operation, nothing expands or is "
    "fetched") {
  // Had an external entity been fetched, it would arrive here.
  testing::RawServer fetched([](int fd) { testing::ReadRequest(fd); });
  const std::vector<std::string> dtds = {
      R"(<!DOCTYPE s:Envelope [<!ENTITY lol "lol">]>)",
      R"(<!DOCTYPE s:Envelope [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">)"
      R"(<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;">]>)",
      R"(<!DOCTYPE s:Envelope [<!ENTITY lol SYSTEM ")" + fetched.BaseUrl() + R"(/x">]>)",
      R"(<!DOCTYPE s:Envelope [<!ENTITY lol SYSTEM "file:///etc/passwd">]>)",
      R"(<?xml version="1.0" encoding="utf-8"?><!DOCTYPE s:Envelope SYSTEM "file:///etc/passwd">)"};
  const std::string entity = "&lol;";
  for (const std::string& dtd : dtds) {
    CAPTURE(dtd);
    const std::vector<std::pair<std::string, std::optional<Error>>> outcomes = {
        {"get", Fails(200, BudgetReply(entity, dtd), [](auto& c) { c.GetBudgetsByIds({7}); })},
        {"add", Fails(200, AddReply(dtd, entity),
                      [](auto& c) {
                        Budget b;
                        b.Name = "n";
                        c.AddBudgets({b});
                      })},
        {"campaigns",
         Fails(200, CampaignsReply(dtd, "5"), [](auto& c) { c.GetCampaignIdsByBudgetIds({7}); })},
        {"a fault", Fails(500, dtd + testing::Fixture("soap/fault_adapi_105.xml"),
                          [](auto& c) { c.GetBudgetsByIds({7}); })}};
    for (const auto& [what, error] : outcomes) {
      CAPTURE(what);
      REQUIRE(error);
      CHECK(dynamic_cast<const ApiFault*>(&*error) == nullptr);
      CHECK(error->Kind() ==
            (what == "a fault" ? ErrorKind::kTransport : ErrorKind::kMalformedResponse));
      CHECK(Contains(error->what(), "DOCTYPE"));
      CHECK(Contains(error->what(), "DTD"));
    }
  }
  // The CLI: exit 5, nothing on stdout.
  const auto server =
      Answering(Http(200, "text/xml; charset=utf-8", BudgetReply("&lol;", dtds[1])));
  const auto run = testing::RunProcess(
      {BINGADS_CLI_EXE, "--protocol", "soap", "--endpoint", server->BaseUrl(), "get"}, kTestEnv);
  CHECK(run.status == cli::kExitTransport);
  CHECK(run.out.empty());
  CHECK(Contains(run.err, "DOCTYPE"));
  server->Stop();
  fetched.Stop();
  CHECK(fetched.Connections() == 0);
}

TEST_CASE(
    "untrusted: text gSOAP would alter is refused on both SOAP readers, valid references "
    "decode alike") {
  // The byte scanner reads the plain reply; an XML declaration sends the same reply to gSOAP.
  const std::vector<std::string> prologs = {"", R"(<?xml version="1.0" encoding="utf-8"?>)"};
  const std::vector<std::string> bad = {"a&#xD800;b",     "a&#xD83D;&#xDE00;b",
                                        "a\xED\xA0\x80z", "a\xFFz",
                                        "a\xC0\xAFz",     "a&#x110000;b",
                                        "a&#0;b",         "a&bogus;b",
                                        "a\x01z",         "a&#xFFFE;b",
                                        "a\xEF\xBF\xBFz", "a&#1;b",
                                        "a&#x1B;b",       "a & b",
                                        "a&#xZZ;b",       "a&#X41;b"};
  for (const bool fast : {true, false}) {
    const auto codec = internal::MakeSoapCodec(fast);
    for (const std::string& prolog : prologs) {
      for (const std::string& name : bad) {
        CAPTURE(fast);
        CAPTURE(prolog);
        CAPTURE(internal::EscapeControls(name));
        HttpResponse response{200, {}, BudgetReply(name, prolog)};
        try {
          const auto result = codec->DecodeGetBudgetsByIds(response);
          FAIL("decoded to '" << internal::EscapeControls(*result.Budgets.at(0)->Name) << "'");
        } catch (const Error& e) {
          CHECK(e.Kind() == ErrorKind::kMalformedResponse);
          CHECK(Contains(e.what(), " at byte "));
        }
      }
    }
  }
  const std::vector<std::pair<std::string, std::string>> good = {
      {"x&#x1F600;y", "x\xF0\x9F\x98\x80y"},
      {"&#128512;", "\xF0\x9F\x98\x80"},
      {"&#x10000;&#x10FFFF;", "\xF0\x90\x80\x80\xF4\x8F\xBF\xBF"},
      {"caf&#xE9; &#x20AC;", "caf\xC3\xA9 \xE2\x82\xAC"},
      {"&amp;&lt;&#60;&#x3E;", "&<<>"},
      {"&#x00041;&#x000041;&#000065;&#0000000066;", "AAAB"},
      {"&#x016F0;&#x0003C;&#x00026;", "\xE1\x9B\xB0<&"},
      {"<![CDATA[&#x1F600; &bogus;]]>", "&#x1F600; &bogus;"},
      {"t<!-- &bogus; <!DOCTYPE -->u", "tu"}};
  for (const auto& [text, expected] : good) {
    CAPTURE(text);
    for (const bool fast : {true, false}) {
      for (const std::string& prolog : prologs) {
        HttpResponse response{200, {}, BudgetReply(text, prolog)};
        CHECK(internal::MakeSoapCodec(fast)->DecodeGetBudgetsByIds(response).Budgets.at(0)->Name ==
              expected);
      }
    }
  }
  // AddBudgets replies always go to gSOAP.
  HttpResponse add{200, {}, AddReply("", "dup &#x1F600;&#x1F600;")};
  const auto added = internal::MakeSoapCodec()->DecodeAddBudgets(add);
  CHECK(BaseOf(added.PartialErrors.at(0)).Message == "dup \xF0\x9F\x98\x80\xF0\x9F\x98\x80");
}

namespace {

// A chunked 200 whose trailer (or header) lines never end, until the client hangs up.
void ServeEndlessLines(int fd, bool trailers) {
  testing::ReadRequest(fd);
  std::string head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n";
  head += trailers ? "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n" : "";
  if (!testing::SendAll(fd, head)) return;
  std::string lines;
  for (int i = 0; i < 4096; ++i) lines += "X-Line-" + std::to_string(i % 10) + ": v\r\n";
  for (int sent = 0; sent < 2000; ++sent) {  // about 115 MB at most, a bound on the test
    if (!testing::SendAll(fd, lines)) return;
  }
}

}  // namespace

TEST_CASE("untrusted: endless header and trailer lines stop at their limit, memory near it") {
  // The floor: the CLI's peak for a small ordinary reply, measured the same way (a spawned child's
  // figure starts from this test process's own peak).
  const auto normal =
      Answering(Http(200, "application/json", R"({"Budgets":[null],"PartialErrors":[]})"));
  const auto floor = testing::RunProcess(
      {BINGADS_CLI_EXE, "--endpoint", normal->BaseUrl(), "get", "--ids", "1"}, kTestEnv);
  REQUIRE(floor.status == cli::kExitOk);
  normal->Stop();
  for (const bool trailers : {true, false}) {
    const std::string lines = trailers ? "trailers" : "headers";
    CAPTURE(lines);
    testing::RawServer server([trailers](int fd) { ServeEndlessLines(fd, trailers); });
    for (const Protocol protocol : {Protocol::kSoap, Protocol::kRest}) {
      ClientOptions options;
      options.protocol = protocol;
      options.endpoint = server.BaseUrl();
      options.credentials = testing::TestCredentials();
      options.sleep = [](std::chrono::milliseconds) {};
      try {
        BudgetClient(options).GetBudgetsByIds({1});
        FAIL("the call succeeded");
      } catch (const Error& e) {
        CHECK(e.Kind() == ErrorKind::kResponseTooLarge);
        CHECK(Contains(e.what(), "header and trailer lines are over the limit of 256 KiB"));
      }
    }
    // Without the limit, endless trailers grew the CLI to 524 MB.
    const auto run = testing::RunProcess(
        {BINGADS_CLI_EXE, "--endpoint", server.BaseUrl(), "get", "--ids", "1"}, kTestEnv);
    CHECK(run.status == cli::kExitTransport);
    CHECK(Contains(run.err, "256 KiB"));
    MESSAGE("peak resident memory of the CLI against endless "
            << lines << ": " << run.max_rss_kib / 1024 << " MiB; for an ordinary reply "
            << floor.max_rss_kib / 1024 << " MiB");
    if (kMeasuresMemory) CHECK(run.max_rss_kib < floor.max_rss_kib + 16 * 1024);
    server.Stop();
  }
}

namespace {

// Text a server could use to drive a terminal: ESC sequences, BEL, C1 controls, a bidi override.
const std::string kEsc = "\x1b]0;owned\x07\x1b[2J\x1b[1A";
const std::string kC1 =
    "\xC2\x9B"
    "31m\xC2\x85";
const std::string kBidi =
    "\xE2\x80\xAE"
    "txt.exe";

void NoRawControls(const std::string& text) {
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    CHECK_MESSAGE((u >= 0x20 || u == '\n' || u == '\t'), "a raw control byte reached stderr");
    CHECK_MESSAGE(u != 0x7F, "a raw DEL reached stderr");
  }
  CHECK(!Contains(text, "\xC2\x9B"));
  CHECK(!Contains(text, "\xC2\x85"));
  CHECK(!Contains(text, "\xE2\x80\xAE"));
}

}  // namespace

TEST_CASE("untrusted: control characters from a server are escaped before they reach stderr") {
  // REST: a fault whose fields carry ESC, BEL and C1 (JSON escapes them; the decoded text holds
  // them raw); SOAP: C1 and a bidi override (XML 1.0 allows them, but not ESC); a proxy's page
  // with ESC in a header and the body.
  const std::string rest_fault =
      R"({"TrackingId":"\u001b[1A-tid","Type":"AdApiFaultDetail","Errors":[{"Code":105,)"
      R"("ErrorCode":"Evil\u001b]0;owned\u0007","Message":"\u009b31m)" +
      std::string(kBidi) + R"( \u001b[2J"}]})";
  const std::string soap_fault =
      R"(<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault>)"
      R"(<faultcode>s:Server</faultcode><faultstring>x</faultstring><detail>)"
      R"(<AdApiFaultDetail xmlns="https://adapi.microsoft.com"><TrackingId>)" +
      kC1 + R"(</TrackingId><Errors><AdApiError><Code>0</Code><ErrorCode>)" + kBidi +
      R"(</ErrorCode><Message>)" + kC1 +
      R"(</Message></AdApiError></Errors></AdApiFaultDetail></detail></s:Fault></s:Body></s:Envelope>)";
  const std::vector<std::pair<std::string, std::string>> replies = {
      {"rest", Http(500, "application/json", rest_fault, "TrackingId: \x1b[31mred\r\n")},
      {"soap", Http(500, "text/xml; charset=utf-8", soap_fault)},
      {"rest", Http(502, "text/html\x1b[5m" + kC1, "<html>" + kEsc + kC1 + kBidi + "</html>")},
      {"soap", Http(200, "text/xml", kEsc + BudgetReply("n"))}};
  for (const auto& [protocol, reply] : replies) {
    const auto server = Answering(reply);
    for (const bool verbose : {false, true}) {
      CAPTURE(protocol);
      CAPTURE(verbose);
      std::vector<std::string> argv = {BINGADS_CLI_EXE,   "--protocol",     protocol, "--endpoint",
                                       server->BaseUrl(), "--max-attempts", "1"};
      if (verbose) argv.push_back("--verbose");
      argv.insert(argv.end(), {"get", "--ids", "1"});
      const auto run = testing::RunProcess(argv, kTestEnv);
      CHECK(run.status != cli::kExitOk);
      NoRawControls(run.err);
      CHECK((Contains(run.err, "\\x1b") || Contains(run.err, "\\u009b")));
    }
    server->Stop();
  }
  // The escaping itself: idempotent, newlines only where asked, bytes that are not UTF-8 shown.
  CHECK(internal::EscapeControls("a\x1b[1mb\tc\nd") == "a\\x1b[1mb\tc\\x0ad");
  CHECK(internal::EscapeControls("a\nb", true) == "a\nb");
  CHECK(internal::EscapeControls(kC1 + kBidi + "\xFF\x7F") ==
        "\\u009b31m\\u0085\\u202etxt.exe\\xff\\x7f");
  CHECK(internal::EscapeControls(internal::EscapeControls(kEsc)) == internal::EscapeControls(kEsc));
  CHECK(internal::EscapeControls("M\xC3\xBCnchen \xE6\x9D\xB1 \xF0\x9F\x98\x80") ==
        "M\xC3\xBCnchen \xE6\x9D\xB1 \xF0\x9F\x98\x80");
}

TEST_CASE("untrusted: the emulator refuses a SOAP request with a DTD or an undeclared entity") {
  emulator::BudgetService service;
  const std::string add =
      R"(<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header>)"
      R"(<AuthenticationToken xmlns="https://bingads.microsoft.com/CampaignManagement/v13">t)"
      R"(</AuthenticationToken><DeveloperToken xmlns="https://bingads.microsoft.com/CampaignManagement/v13">)"
      R"(d</DeveloperToken></s:Header><s:Body><AddBudgetsRequest )"
      R"(xmlns="https://bingads.microsoft.com/CampaignManagement/v13"><Budgets><Budget>)"
      R"(<Amount>5</Amount><BudgetType>DailyBudgetStandard</BudgetType><Name>&lol9;</Name>)"
      R"(</Budget></Budgets></AddBudgetsRequest></s:Body></s:Envelope>)";
  const std::string dtd =
      R"(<!DOCTYPE s:Envelope [<!ENTITY lol "lol"><!ENTITY lol9 "&lol;&lol;">]>)";
  const std::string before = ToJson(std::get<GetBudgetsByIdsResult>(
      service.GetBudgetsByIds({"t", "d", "", ""}, std::nullopt, "x")));
  for (const auto& [body, named] : {std::pair{dtd + add, std::string("DOCTYPE")},
                                    std::pair{add, std::string("entity reference")}}) {
    const emulator::Reply reply =
        emulator::HandleSoap(service, "text/xml; charset=utf-8", "AddBudgets", body);
    CHECK(reply.status == 500);
    CHECK(Contains(reply.body, "<faultcode>s:Client</faultcode>"));
    CHECK(Contains(reply.body, named));
  }
  CHECK(ToJson(std::get<GetBudgetsByIdsResult>(
            service.GetBudgetsByIds({"t", "d", "", ""}, std::nullopt, "x"))) == before);
}
