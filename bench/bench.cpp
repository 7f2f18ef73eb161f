// bingads-bench: the client's costs as ratios against floors measured in the same run on the same
// bytes. One JSON object per line: {"name","value","unit","floor","ratio"}.
//   bingads-bench [--quick]
#include <arpa/inet.h>
#include <bingads/client.h>
#include <bingads/usage.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <malloc.h>
#include <netinet/in.h>
#include <rapidjson/document.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <pugixml.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#ifdef BINGADS_BENCH_SIMDJSON
#include <simdjson.h>
#endif
#ifdef BINGADS_BENCH_NLOHMANN
#include <nlohmann/json.hpp>
#endif

#include "cli.h"
#include "codec.h"
#include "internal.h"
#include "report_zip.h"
#include "reporting/report_file.h"
#include "reporting/usage_join.h"
#include "server.h"
#include "service.h"

using namespace bingads;
using Clock = std::chrono::steady_clock;

namespace {

bool g_quick = false;
int g_failures = 0;  // wrong results, not slow ones: the bench never judges speed

void Failure(const std::string& what) {
  std::fprintf(stderr, "bingads-bench: %s\n", what.c_str());
  ++g_failures;
}

// Median over `repeats` of the mean time per iteration (ns) of `body` run `iterations` times.
double MedianNs(int repeats, int iterations, const std::function<void()>& body) {
  std::vector<double> samples;
  for (int r = 0; r < repeats; ++r) {
    const auto start = Clock::now();
    for (int i = 0; i < iterations; ++i) body();
    samples.push_back(std::chrono::duration<double, std::nano>(Clock::now() - start).count() /
                      iterations);
  }
  std::sort(samples.begin(), samples.end());
  return samples[samples.size() / 2];
}

// Four significant digits for small values (ratios, shares), one decimal for the others.
std::string Number(double value) {
  char text[64];
  std::snprintf(text, sizeof text, value < 100 ? "%.4g" : "%.1f", value);
  return text;
}

void Emit(const std::string& name, double value, const char* unit, double floor) {
  if (floor > 0) {
    std::printf("{\"name\":\"%s\",\"value\":%s,\"unit\":\"%s\",\"floor\":%.1f,\"ratio\":%.3f}\n",
                name.c_str(), Number(value).c_str(), unit, floor, value / floor);
  } else {
    std::printf("{\"name\":\"%s\",\"value\":%s,\"unit\":\"%s\",\"floor\":null,\"ratio\":null}\n",
                name.c_str(), Number(value).c_str(), unit);
  }
  std::fflush(stdout);
}

std::string Name(std::size_t i) {
  // Realistic names: markup to escape and non-ASCII text every few budgets.
  if (i % 7 == 0) return "Caf\xc3\xa9 & <Bistro> \"Nord\" " + std::to_string(i);
  if (i % 5 == 0) return "\xe6\x9d\xb1\xe4\xba\xac campaign budget " + std::to_string(i);
  return "Everyday search budget number " + std::to_string(i);
}

// A WCF-style GetBudgetsByIds response with `count` slots, every tenth empty with its error.
std::string SoapDocument(std::size_t count) {
  std::string x =
      R"(<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header><h:TrackingId xmlns:h="https://bingads.microsoft.com/CampaignManagement/v13">6f3c0a7e-2b1d-4c8e-9a51-0d2e4f6b8c10</h:TrackingId></s:Header><s:Body><GetBudgetsByIdsResponse xmlns="https://bingads.microsoft.com/CampaignManagement/v13"><Budgets xmlns:i="http://www.w3.org/2001/XMLSchema-instance">)";
  for (std::size_t i = 0; i < count; ++i) {
    if (i % 10 == 9) {
      x += R"(<Budget i:nil="true"/>)";
      continue;
    }
    std::string name = Name(i);
    std::string escaped;
    for (char c : name) {
      if (c == '&')
        escaped += "&amp;";
      else if (c == '<')
        escaped += "&lt;";
      else if (c == '>')
        escaped += "&gt;";
      else
        escaped += c;
    }
    x += "<Budget><Amount>" + std::to_string(i) + "." + std::to_string(i % 100) +
         "</Amount><AssociationCount>" + std::to_string(i % 4) +
         "</AssociationCount><BudgetType>DailyBudgetStandard</BudgetType><Id>" +
         std::to_string(9007199254740993LL + static_cast<long long>(i)) + "</Id><Name>" + escaped +
         "</Name></Budget>";
  }
  x += R"(</Budgets><PartialErrors xmlns:i="http://www.w3.org/2001/XMLSchema-instance">)";
  for (std::size_t i = 9; i < count; i += 10) {
    x += "<BatchError><Code>4916</Code><Details "
         "i:nil=\"true\"/><ErrorCode>CampaignServiceBudgetIdInvalid</ErrorCode>"
         "<FieldPath i:nil=\"true\"/><ForwardCompatibilityMap "
         "xmlns:a=\"http://schemas.datacontract.org/2004/07/System.Collections.Generic\"/>"
         "<Index>" +
         std::to_string(i) +
         "</Index><Message>The budget id is invalid.</Message><Type>BatchError</Type></BatchError>";
  }
  x += "</PartialErrors></GetBudgetsByIdsResponse></s:Body></s:Envelope>";
  return x;
}

std::string JsonEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::string RestDocument(std::size_t count) {
  std::string j = R"({"Budgets":[)";
  for (std::size_t i = 0; i < count; ++i) {
    if (i) j += ',';
    if (i % 10 == 9) {
      j += "null";
      continue;
    }
    j += "{\"Amount\":" + std::to_string(i) + "." + std::to_string(i % 100) +
         ",\"AssociationCount\":" + std::to_string(i % 4) +
         ",\"BudgetType\":\"DailyBudgetStandard\",\"Id\":\"" +
         std::to_string(9007199254740993LL + static_cast<long long>(i)) + "\",\"Name\":\"" +
         JsonEscape(Name(i)) + "\"}";
  }
  j += R"(],"PartialErrors":[)";
  bool first = true;
  for (std::size_t i = 9; i < count; i += 10) {
    if (!first) j += ',';
    first = false;
    j +=
        R"({"Code":4916,"Details":null,"ErrorCode":"CampaignServiceBudgetIdInvalid","FieldPath":null,"ForwardCompatibilityMap":[],"Index":)" +
        std::to_string(i) + R"(,"Message":"The budget id is invalid.","Type":"BatchError"})";
  }
  return j + "]}";
}

HttpResponse Response(std::string body, bool soap) {
  HttpResponse r;
  r.status = 200;
  r.body = std::move(body);
  r.headers = {{"Content-Type", soap ? "text/xml; charset=utf-8" : "application/json"},
               {"TrackingId", "t"}};
  return r;
}

// A decode's time and its floor's, in ns.
struct Measured {
  double value, floor;
};

// One decode figure: the codec's decode of `response` against `floor` on the same bytes.
Measured DecodeFigure(const std::string& name, const HttpResponse& response, internal::Codec& codec,
                      std::size_t count, int repeats, int iterations,
                      const std::function<void()>& floor) {
  const double floor_ns = MedianNs(repeats, iterations, floor);
  std::size_t slots = 0;
  const double value = MedianNs(
      repeats, iterations, [&] { slots = codec.DecodeGetBudgetsByIds(response).Budgets.size(); });
  if (slots != count)
    Failure(name + " gave " + std::to_string(slots) + " slots for " + std::to_string(count));
  Emit(name, value, "ns", floor_ns);
  return {value, floor_ns};
}

// The decode figures for `count` budgets; returns REST's, which the peers' figures build on.
Measured DecodeFigures(std::size_t count) {
  const int repeats = g_quick ? 3 : 15;
  const int iterations = std::max(1, static_cast<int>((g_quick ? 200000 : 2000000) / (count * 50)));
  const HttpResponse soap = Response(SoapDocument(count), true);
  const HttpResponse rest = Response(RestDocument(count), false);
  // In-situ parsers need a writable copy; copying is part of each floor, as our decoders copy too.
  std::vector<char> buffer(std::max(soap.body.size(), rest.body.size()) + 1);
  DecodeFigure("soap_decode_" + std::to_string(count), soap, *internal::MakeSoapCodec(), count,
               repeats, iterations, [&] {
                 std::memcpy(buffer.data(), soap.body.data(), soap.body.size());
                 pugi::xml_document doc;
                 doc.load_buffer_inplace(buffer.data(), soap.body.size());
               });
  return DecodeFigure("rest_decode_" + std::to_string(count), rest, *internal::MakeRestCodec(),
                      count, repeats, iterations, [&] {
                        std::memcpy(buffer.data(), rest.body.data(), rest.body.size());
                        buffer[rest.body.size()] = '\0';
                        rapidjson::Document doc;
                        doc.ParseInsitu(buffer.data());
                      });
}

// Peers of the REST reader on the same 11,000-budget body: simdjson On-Demand visiting every
// member of every budget and partial error (the floor no owning model can beat), and
// nlohmann::json parsed into the same owning model (what one would write by hand). Ours and
// RapidJSON's floor are rest_decode_11000's, measured just before.
void RestPeerFigures(const Measured& rest_decode) {
  constexpr std::size_t count = 11000;
  const int repeats = g_quick ? 3 : 9;
  const int iterations = g_quick ? 4 : 40;
  const HttpResponse rest = Response(RestDocument(count), false);
  const double ours = rest_decode.value;
  // The model's own cost: the same slots and partial errors built from values already split
  // out (no parsing at all), then destroyed, as every decode into this model pays.
  {
    std::vector<std::string> names, amounts;
    for (std::size_t i = 0; i < count; ++i) {
      names.push_back(Name(i));
      amounts.push_back(std::to_string(i) + "." + std::to_string(i % 100));
    }
    std::size_t built = 0;
    const double model = MedianNs(repeats, iterations, [&] {
      GetBudgetsByIdsResult result;
      result.Budgets.reserve(count);
      for (std::size_t i = 0; i < count; ++i) {
        if (i % 10 == 9) {
          result.Budgets.emplace_back();
          BatchError e;
          e.Code = 4916;
          e.ErrorCode = "CampaignServiceBudgetIdInvalid";
          e.Index = static_cast<std::int32_t>(i);
          e.Message = "The budget id is invalid.";
          e.Type = "BatchError";
          result.PartialErrors.emplace_back(std::move(e));
          continue;
        }
        Budget& b = result.Budgets.emplace_back(std::in_place).value();
        b.Amount = Decimal::FromJsonNumber(amounts[i]);
        b.AssociationCount = static_cast<std::int32_t>(i % 4);
        b.BudgetType = budget_type::kDailyBudgetStandard;
        b.Id = 9007199254740993LL + static_cast<long long>(i);
        b.Name = std::string_view(names[i]);
      }
      built = result.Budgets.size();
    });
    if (built != count) Failure("the model floor built " + std::to_string(built) + " slots");
    Emit("rest_decode_11000_model_only", model, "ns", 0);
    // What is left of our decode once the model is paid for: the parsing, against RapidJSON's.
    Emit("rest_decode_11000_without_model", ours - model, "ns", rest_decode.floor);
  }
#ifdef BINGADS_BENCH_SIMDJSON
  {
    simdjson::ondemand::parser parser;
    std::size_t members = 0;
    const double floor = MedianNs(repeats, iterations, [&] {
      members = 0;
      const simdjson::padded_string padded(rest.body);  // a copy, as each floor's
      simdjson::ondemand::document doc = parser.iterate(padded);
      for (auto list : doc.get_object()) {
        for (auto item : list.value().get_array()) {
          if (item.is_null()) continue;
          for (auto field : item.get_object()) {
            simdjson::ondemand::value v = field.value();
            if (v.type() == simdjson::ondemand::json_type::string) {
              members += std::string_view(v.get_string()).size() > 0;
            } else {
              members += v.raw_json_token().size() > 0;
            }
          }
        }
      }
    });
    // 5 members per budget (9 of 10 slots hold one) and 8 per partial error (every tenth).
    if (members != 5 * (count - count / 10) + 8 * (count / 10))
      Failure("simdjson visited " + std::to_string(members) + " members");
    Emit("rest_decode_11000_simdjson", ours, "ns", floor);
  }
#endif
#ifdef BINGADS_BENCH_NLOHMANN
  {
    std::vector<std::optional<Budget>> budgets;
    const double floor = MedianNs(repeats, iterations, [&] {
      const nlohmann::json doc = nlohmann::json::parse(rest.body);
      budgets.clear();
      for (const auto& item : doc.at("Budgets")) {
        if (item.is_null()) {
          budgets.emplace_back();
          continue;
        }
        Budget& b = budgets.emplace_back(std::in_place).value();
        // nlohmann keeps numbers as doubles: its text for the amount is the double's, which is
        // not always the amount that was sent. A hand-written reader gets no better.
        b.Amount = Decimal::Parse(item.at("Amount").dump());
        b.AssociationCount = item.at("AssociationCount").get<std::int32_t>();
        b.BudgetType = item.at("BudgetType").get<std::string>();
        b.Id = std::stoll(item.at("Id").get<std::string>());
        b.Name = item.at("Name").get<std::string>();
      }
    });
    if (budgets.size() != count) Failure("nlohmann gave " + std::to_string(budgets.size()));
    Emit("rest_decode_11000_nlohmann", ours, "ns", floor);
  }
#endif
}

void EncodeFigures() {
  std::vector<Budget> budgets(100);
  for (std::size_t i = 0; i < budgets.size(); ++i) {
    budgets[i].Name = Name(i);
    budgets[i].Amount = Decimal::FromString(std::to_string(i) + ".25");
    budgets[i].BudgetType = budget_type::kDailyBudgetStandard;
  }
  internal::CallTarget target{"https://campaign.api.bingads.microsoft.com",
                              {"dev", "token", "1", emulator::kDemoAccountId}};
  for (bool soap : {true, false}) {
    auto codec = soap ? internal::MakeSoapCodec() : internal::MakeRestCodec();
    const double value = MedianNs(g_quick ? 3 : 9, g_quick ? 200 : 2000, [&] {
      const HttpRequest r = codec->EncodeAddBudgets(target, budgets);
      if (r.body.empty()) std::abort();
    });
    Emit(std::string(soap ? "soap" : "rest") + "_encode_add_100", value, "ns", 0);
  }
}

// Peak memory of decoding `count` budgets, measured in a child process: the high-water mark is
// reset just before the decode, so what it reports is what the decode added.
void MemoryFigure(std::size_t count, bool soap) {
  const HttpResponse response = Response(soap ? SoapDocument(count) : RestDocument(count), soap);
  auto codec = soap ? internal::MakeSoapCodec() : internal::MakeRestCodec();
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) return;
  const pid_t child = fork();
  if (child == 0) {
    auto kb = [](const char* field) {
      std::ifstream status("/proc/self/status");
      std::string line;
      while (std::getline(status, line)) {
        if (line.rfind(field, 0) == 0) return std::stol(line.substr(std::strlen(field)));
      }
      return 0L;
    };
    // The allocator is set as the CLI sets it (tools/cli/main.cpp), not as this process set it. One
    // decode first, thrown away, so that the code it runs is mapped into this new process: those
    // pages are the program's, shared and already in memory, not memory the decode adds (they were
    // about 330 KB of the figure). Then free heap pages left resident would be reused without
    // showing in RSS: give them back, so every page the measured decode touches counts.
    cli::SetMalloc();
    if (codec->DecodeGetBudgetsByIds(response).Budgets.size() != count) _exit(2);
    malloc_trim(0);
    std::ofstream("/proc/self/clear_refs") << "5";  // resets VmHWM to the current RSS
    const long before = kb("VmRSS:");
    const auto result = codec->DecodeGetBudgetsByIds(response);
    const long peak = kb("VmHWM:");
    if (result.Budgets.size() != count) _exit(2);  // a wrong decode is no measurement
    const long delta = (peak - before) * 1024;
    if (write(pipe_fds[1], &delta, sizeof delta) != sizeof delta) _exit(1);
    _exit(0);
  }
  close(pipe_fds[1]);
  long delta = 0;
  const bool ok = read(pipe_fds[0], &delta, sizeof delta) == sizeof delta;
  close(pipe_fds[0]);
  waitpid(child, nullptr, 0);
  const std::string name =
      std::string(soap ? "soap" : "rest") + "_decode_peak_memory_" + std::to_string(count);
  if (!ok) {
    Failure(name + ": the measuring child process failed");
    return;
  }
  Emit(name, static_cast<double>(delta), "bytes", static_cast<double>(response.body.size()));
}

size_t Discard(char*, size_t size, size_t count, void*) { return size * count; }

// Counts what crosses the wire through a client's transport (calls may come from many threads).
struct Meter : HttpTransport {
  explicit Meter(std::shared_ptr<HttpTransport> t) : inner(std::move(t)) {}
  HttpResponse Send(const HttpRequest& r, const CallContext& context) override {
    ++calls;  // answered or not
    ExchangeCost cost;
    HttpResponse response = SendMetered(*inner, r, context, cost);
    wire_bytes += cost.response_bytes;
    body_bytes += response.body.size();
    connections += cost.new_connections;
    return response;
  }
  std::shared_ptr<HttpTransport> inner;
  std::atomic<std::uint64_t> wire_bytes{0}, body_bytes{0};
  std::atomic<int> connections{0};
  std::atomic<int> calls{0};
};

// End to end against the emulator over loopback with keep-alive: the client's time per call
// against a raw libcurl POST of the very same request bytes over one reused connection.
void EndToEndFigures() {
  emulator::BudgetService service;
  emulator::Server server(service);
  const std::string base = "http://127.0.0.1:" + std::to_string(server.Start("127.0.0.1", 0));
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(9007199254740993LL + i);
  const int calls = g_quick ? 200 : 1000;
  for (Protocol protocol : {Protocol::kSoap, Protocol::kRest}) {
    const char* name = protocol == Protocol::kSoap ? "soap" : "rest";
    ClientOptions options;
    options.protocol = protocol;
    options.endpoint = base;
    options.credentials = {"dev", "token", "1", emulator::kDemoAccountId};
    auto meter = std::make_shared<Meter>(MakeCurlTransport(options.transport_options));
    options.transport = meter;
    BudgetClient client(options);
    // The request the client sends, captured once for the raw floor.
    auto codec =
        protocol == Protocol::kSoap ? internal::MakeSoapCodec() : internal::MakeRestCodec();
    const HttpRequest request = codec->EncodeGetBudgetsByIds({base, options.credentials}, ids);
    CURL* curl = curl_easy_init();
    curl_slist* headers = nullptr;
    for (const auto& [k, v] : request.headers)
      headers = curl_slist_append(headers, (k + ": " + v).c_str());
    headers = curl_slist_append(headers, "Expect:");
    curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Discard);
    // The client asks for gzip by default, and so does the floor: the same bytes both ways.
    if (options.transport_options.accept_gzip)
      curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "gzip");
    client.GetBudgetsByIds(ids);  // warm both connections
    curl_easy_perform(curl);
    std::vector<double> raw, ours;
    for (int r = 0; r < (g_quick ? 3 : 7); ++r) {
      raw.push_back(MedianNs(1, calls / (g_quick ? 3 : 7) + 1, [&] { curl_easy_perform(curl); }));
      ours.push_back(
          MedianNs(1, calls / (g_quick ? 3 : 7) + 1, [&] { client.GetBudgetsByIds(ids); }));
    }
    std::sort(raw.begin(), raw.end());
    std::sort(ours.begin(), ours.end());
    const double floor = raw[raw.size() / 2], value = ours[ours.size() / 2];
    Emit(std::string(name) + "_call_ns", value, "ns", floor);
    Emit(std::string(name) + "_calls_per_second", 1e9 / value, "calls/s", 0);
    const int connections = meter->connections;
    Emit(std::string(name) + "_tcp_connections", connections, "connections", 0);
    if (connections != 1)
      Failure(std::string(name) + ": sequential calls used " + std::to_string(connections) +
              " connections");
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
  }
}

ClientOptions EmulatorClient(const std::string& base, Protocol protocol) {
  ClientOptions options;
  options.protocol = protocol;
  options.endpoint = base;
  options.credentials = {"dev", "token", "1", emulator::kDemoAccountId};
  options.retry.max_attempts = 1;
  return options;
}

// Every budget of an 11,000-budget account (1,000 with --quick) in one GetBudgetsByIds call: the
// response bytes on the wire with gzip (asked for by default) against the same without it.
// Fills the emulator's demo account up to `count` budgets (it holds five).
void FillAccount(const std::string& base, std::size_t count) {
  std::vector<Budget> budgets(count - 5);
  for (std::size_t i = 0; i < budgets.size(); ++i) {
    budgets[i].Name = Name(i);
    budgets[i].Amount =
        Decimal::FromString(std::to_string(10 + i % 990) + "." + std::to_string(10 + i % 90));
    budgets[i].BudgetType = budget_type::kDailyBudgetStandard;
  }
  const auto added = BudgetClient(EmulatorClient(base, Protocol::kRest)).AddBudgets(budgets);
  if (!added.PartialErrors.empty()) Failure("filling the account: partial errors");
}

void WireFigures() {
  emulator::BudgetService service;
  emulator::Server server(service);
  const std::string base = "http://127.0.0.1:" + std::to_string(server.Start("127.0.0.1", 0));
  const std::size_t count = g_quick ? 1000 : emulator::kMaxBudgetsPerAccount;
  FillAccount(base, count);
  for (Protocol protocol : {Protocol::kSoap, Protocol::kRest}) {
    std::uint64_t wire[2] = {0, 0};
    for (const bool gzip : {true, false}) {
      ClientOptions options = EmulatorClient(base, protocol);
      options.transport_options.accept_gzip = gzip;
      auto meter = std::make_shared<Meter>(MakeCurlTransport(options.transport_options));
      options.transport = meter;
      const auto all = BudgetClient(options).GetBudgetsByIds();
      if (all.Budgets.size() != count)
        Failure("wire: " + std::to_string(all.Budgets.size()) + " budgets instead of " +
                std::to_string(count));
      wire[gzip ? 0 : 1] = meter->wire_bytes;
    }
    const std::string name = protocol == Protocol::kSoap ? "soap" : "rest";
    Emit(name + "_wire_bytes_" + std::to_string(count) + "_gzip", static_cast<double>(wire[0]),
         "bytes", static_cast<double>(wire[1]));
  }
}

// The emulator's answer while 1,000 connections sit idle and 20 more send a byte every 100 ms:
// the median latency of a normal call against the same call with no such connections.
void IdleConnectionsFigure() {
  emulator::BudgetService service;
  emulator::Server server(service);
  const int port = server.Start("127.0.0.1", 0);
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  const int calls = g_quick ? 20 : 200;
  auto median_us = [&] {
    std::vector<double> samples;
    for (int i = 0; i < calls; ++i) {
      // A new client each time: a new connection, as a newcomer among the stuck ones would open.
      BudgetClient client(EmulatorClient(base, i % 2 ? Protocol::kSoap : Protocol::kRest));
      const auto start = Clock::now();
      try {
        if (client.GetBudgetsByIds({9007199254740993LL}).Budgets.size() != 1)
          Failure("idle: wrong result");
      } catch (const std::exception& e) {
        Failure(std::string("idle: ") + e.what());
      }
      samples.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
    }
    std::sort(samples.begin(), samples.end());
    return samples[samples.size() / 2];
  };
  const double alone = median_us();
  auto connect = [port] {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
      Failure("idle: cannot connect");
    return fd;
  };
  std::vector<int> idle, slow;
  for (int i = 0; i < 1000; ++i) idle.push_back(connect());
  for (int i = 0; i < 20; ++i) slow.push_back(connect());
  std::atomic<bool> done{false};
  std::thread trickle([&] {
    const std::string bytes = "POST /CampaignManagement/v13/Budgets/QueryByIds HTTP/1.1\r\n";
    for (std::size_t at = 0; !done; at = (at + 1) % bytes.size()) {
      for (int fd : slow) ::send(fd, bytes.data() + at, 1, MSG_NOSIGNAL);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  const double stuck = median_us();
  done = true;
  trickle.join();
  for (int fd : idle) ::close(fd);
  for (int fd : slow) ::close(fd);
  Emit("emulator_call_us_with_1000_idle", stuck, "us", alone);
}

// Over an emulated link (--delay-ms 50; 20 with --quick): GetBudgetsByIds of 5,000 ids, and every
// budget of 50 accounts through the CLI's --accounts fan-out, at concurrency 1 and at the default
// (4). Each figure's floor is the link alone: ceil(calls / concurrency) x the delay. Then the
// connections 1,000 calls from 8 threads open on one client.
void ParallelFigures() {
  const int delay_ms = g_quick ? 20 : 50;
  emulator::ServiceOptions slow;
  slow.faults = {"latency,ms=" + std::to_string(delay_ms)};
  emulator::BudgetService service(slow);
  emulator::Server server(service);
  const std::string base = "http://127.0.0.1:" + std::to_string(server.Start("127.0.0.1", 0));
  const std::size_t id_count = g_quick ? 1000 : 5000;
  std::vector<std::int64_t> ids;
  for (std::size_t i = 0; i < id_count; ++i)
    ids.push_back(9007199254740993LL + static_cast<std::int64_t>(i % 5));
  const int accounts = g_quick ? 10 : 50;
  std::string account_list;
  for (int a = 0; a < accounts; ++a) account_list += (a ? "," : "") + std::to_string(5000001 + a);
  for (const int concurrency : {1, 0}) {
    const int effective = concurrency == 0 ? 4 : concurrency;
    const std::string label = concurrency == 0 ? "default" : "concurrency_1";
    auto floor_ms = [&](std::size_t calls) {
      return static_cast<double>((calls + static_cast<std::size_t>(effective) - 1) /
                                 static_cast<std::size_t>(effective)) *
             delay_ms;
    };
    ClientOptions options = EmulatorClient(base, Protocol::kRest);
    options.max_concurrency = concurrency;
    const BudgetClient client(options);
    auto start = Clock::now();
    const auto result = client.GetBudgetsByIds(ids);
    const double get_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    if (result.Budgets.size() != ids.size() || !result.PartialErrors.empty())
      Failure("parallel: wrong GetBudgetsByIds result");
    const std::size_t calls = (id_count + 99) / 100;
    Emit("parallel_get_" + std::to_string(id_count) + "_ms_" + label, get_ms, "ms",
         floor_ms(calls));

    std::vector<std::string> args = {"--endpoint", base, "--accounts", account_list};
    if (concurrency > 0) args.insert(args.end(), {"--parallel", std::to_string(concurrency)});
    args.push_back("get");
    std::istringstream in;
    std::ostringstream out, err;
    const auto env = [](const char* name) -> const char* {
      const std::string n = name;
      if (n == "BINGADS_DEVELOPER_TOKEN" || n == "BINGADS_ACCESS_TOKEN") return "bench";
      if (n == "BINGADS_CUSTOMER_ID") return "1";
      return nullptr;
    };
    start = Clock::now();
    const int status = cli::Run(args, env, in, out, err);
    const double fan_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    const std::string text = out.str();
    if (status != 0 || std::count(text.begin(), text.end(), '\n') != accounts)
      Failure("parallel: the fan-out did not write one line per account: " + err.str());
    Emit("fanout_" + std::to_string(accounts) + "_accounts_ms_" + label, fan_ms, "ms",
         floor_ms(static_cast<std::size_t>(accounts)));
  }

  emulator::BudgetService quick_service;
  emulator::Server quick_server(quick_service);
  const std::string quick_base =
      "http://127.0.0.1:" + std::to_string(quick_server.Start("127.0.0.1", 0));
  ClientOptions options = EmulatorClient(quick_base, Protocol::kRest);
  auto meter = std::make_shared<Meter>(MakeCurlTransport(options.transport_options));
  options.transport = meter;
  const BudgetClient shared(options);
  std::vector<std::thread> threads;
  std::atomic<int> errors{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < (g_quick ? 25 : 125); ++i) {
        try {
          if (shared.GetBudgetsByIds({9007199254740993LL}).Budgets.size() != 1) ++errors;
        } catch (const std::exception&) {
          ++errors;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const int connections = meter->connections;
  Emit("tcp_connections_1000_calls_8_threads", connections, "connections", 0);
  if (connections > 8 || errors != 0)
    Failure("parallel: " + std::to_string(connections) + " connections, " +
            std::to_string(errors.load()) + " errors for calls from 8 threads");
}

// Emulator throughput: N parallel clients x M calls each, zero errors expected.
void EmulatorThroughput() {
  emulator::BudgetService service;
  emulator::Server server(service);
  const std::string base = "http://127.0.0.1:" + std::to_string(server.Start("127.0.0.1", 0));
  const int clients = 8, calls = g_quick ? 50 : 500;
  std::atomic<int> errors{0};
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      ClientOptions options;
      options.protocol = c % 2 ? Protocol::kSoap : Protocol::kRest;
      options.endpoint = base;
      options.credentials = {"dev", "token", "1", emulator::kDemoAccountId};
      options.retry.max_attempts = 1;
      BudgetClient client(options);
      for (int i = 0; i < calls; ++i) {
        try {
          if (client.GetBudgetsByIds({9007199254740993LL}).Budgets.size() != 1) ++errors;
        } catch (const std::exception&) {
          ++errors;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  Emit("emulator_parallel_calls_per_second", clients * calls / seconds, "calls/s", 0);
  Emit("emulator_parallel_errors", errors, "errors", 0);
  if (errors != 0)
    Failure("the emulator answered " + std::to_string(errors.load()) + " parallel calls wrongly");
}

}  // namespace

// The cost of settling writes whose answer was lost: add, update and delete of 250 budgets (three
// calls each) against an emulator that makes each first write and drops its answer, against the
// same writes with every answer arriving. The figures count calls and time; the wait before each
// read-back (RetryOptions::initial_backoff, 1 s by default) is left out (the sleep is a no-op)
// and reported apart.
void ReconcileFigures() {
  for (const Protocol protocol : {Protocol::kRest, Protocol::kSoap}) {
    double ms[2][3] = {};
    std::size_t calls[2][3] = {};
    for (const bool lost : {false, true}) {
      emulator::ServiceOptions options;
      options.empty_accounts = true;
      if (lost) options.faults = {"drop,operation=writes,once"};
      emulator::BudgetService service(options);
      emulator::Server server(service);
      ClientOptions client_options = EmulatorClient(
          "http://127.0.0.1:" + std::to_string(server.Start("127.0.0.1", 0)), protocol);
      client_options.credentials.account_id = "7000001";
      client_options.sleep = [](std::chrono::milliseconds) {};
      const auto meter = std::make_shared<Meter>(MakeCurlTransport({}));
      client_options.transport = meter;
      const BudgetClient client(client_options);
      std::vector<Budget> budgets;
      for (std::size_t i = 0; i < 250; ++i) {
        Budget b;
        b.Name = Name(i);
        b.Amount = Decimal::FromString("12.5");
        b.BudgetType = budget_type::kDailyBudgetStandard;
        budgets.push_back(b);
      }
      int counted = 0;
      auto calls_since = [&] {  // calls made since the last look
        const int now = meter->calls.load();
        const int made = now - counted;
        counted = now;
        return static_cast<std::size_t>(made);
      };
      const int k = lost ? 1 : 0;
      auto start = Clock::now();
      const AddBudgetsResult added = client.AddBudgets(budgets);
      ms[k][0] = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
      calls[k][0] = calls_since();
      std::vector<std::int64_t> ids;
      for (std::size_t i = 0; i < budgets.size(); ++i) {
        if (!added.BudgetIds[i]) Failure("reconcile: a budget was not added");
        budgets[i].Id = added.BudgetIds[i].value_or(0);
        budgets[i].Amount = Decimal::FromString("13.5");
        ids.push_back(*budgets[i].Id);
      }
      start = Clock::now();
      const auto updated = client.UpdateBudgets(budgets);
      ms[k][1] = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
      calls[k][1] = calls_since();
      start = Clock::now();
      const auto deleted = client.DeleteBudgets(ids);
      ms[k][2] = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
      calls[k][2] = calls_since();
      if (!updated.PartialErrors.empty() || !deleted.PartialErrors.empty() ||
          (lost && added.reconciliations.size() != 3))
        Failure("reconcile: the writes did not settle as asked");
      server.Stop();
    }
    const char* names[] = {"add", "update", "delete"};
    for (int op = 0; op < 3; ++op) {
      const std::string name = std::string("reconcile_") + names[op] + "_250_" + ToString(protocol);
      Emit(name + "_ms", ms[1][op], "ms", ms[0][op]);
      Emit(name + "_calls", static_cast<double>(calls[1][op]), "calls",
           static_cast<double>(calls[0][op]));
    }
  }
}

// A daily campaign performance report of `rows` rows in Microsoft's layout (header lines, quoted
// fields, the footer), as the usage client asks for it.
std::string UsageReportText(std::size_t rows) {
  std::string text =
      "\xEF\xBB\xBF\"Report Name: usage\"\r\n\"Report Time: 12/1/2026, 12/31/2026\"\r\n"
      "\"Time Zone: (GMT-08:00) Pacific Time (US & Canada); Tijuana\"\r\n\"Rows: " +
      std::to_string(rows) +
      "\"\r\n\r\n\"TimePeriod\",\"AccountId\",\"CampaignId\",\"CurrencyCode\",\"Spend\"\r\n";
  for (std::size_t i = 0; i < rows; ++i) {
    char line[160];
    std::snprintf(line, sizeof line,
                  "\"2026-12-%02zu\",\"2000002\",\"%zu\",\"USD\",\"%zu.%02zu\"\r\n", 1 + i % 31,
                  700000000000 + i / 31, (i * 7919) % 5000, i % 100);
    text += line;
  }
  return text +
         "\r\n\"\xC2\xA9"
         "2026 Microsoft Corporation. All rights reserved. \"\r\n";
}

// Budget usage: the decode of a 100,000-row report (unzip, CSV, exact amounts, rows), against
// unzip plus a plain line split of the same file; and end to end, submit to result against the
// emulator, against its generation time plus one poll interval.
void UsageFigures() {
  const std::size_t rows = g_quick ? 10000 : 100000;
  const std::string zip = emulator::ZipOneEntry("usage.csv", UsageReportText(rows));
  std::size_t seen = 0;
  const double decode = MedianNs(g_quick ? 3 : 9, 1, [&] {
    UsageReport report;
    seen = internal::ReadSpendRows(internal::UnzipFirstEntry(zip, 1u << 30), report).size();
  });
  if (seen != rows)
    Failure("usage: " + std::to_string(seen) + " rows read of " + std::to_string(rows));
  std::size_t lines = 0;
  const double floor = MedianNs(g_quick ? 3 : 9, 1, [&] {
    const std::string text = internal::UnzipFirstEntry(zip, 1u << 30);
    std::vector<std::string_view> split;
    for (std::size_t at = 0; at < text.size();) {
      const std::size_t end = std::min(text.find('\n', at), text.size());
      split.emplace_back(text.data() + at, end - at);
      at = end + 1;
    }
    lines = split.size();
  });
  if (lines < rows) Failure("usage: the line split saw fewer lines than rows");
  Emit("usage_report_decode_" + std::to_string(rows) + "_rows", decode / 1e6, "ms", floor / 1e6);
  Emit("usage_report_rows_per_second", static_cast<double>(rows) / (decode / 1e9), "rows/s", 0);
  for (const Protocol protocol : {Protocol::kRest, Protocol::kSoap}) {
    emulator::ServiceOptions options;
    options.report_pending = std::chrono::milliseconds(500);
    emulator::BudgetService service(options);
    emulator::Server server(service);
    const ClientOptions client = EmulatorClient(
        "http://127.0.0.1:" + std::to_string(server.Start("127.0.0.1", 0)), protocol);
    UsageOptions usage;  // polls after 1 s, then 2 s...
    const UsageClient usage_client(client, usage);
    const double ms = MedianNs(g_quick ? 1 : 3, 1,
                               [&] {
                                 if (usage_client.GetBudgetUsage().Usage.empty())
                                   Failure("usage: no budget in the result");
                               }) /
                      1e6;
    Emit(std::string("usage_end_to_end_ms_") + ToString(protocol), ms, "ms",
         500.0 + static_cast<double>(usage.first_poll_interval.count()));
  }
}

// Records when each exchange was answered and whether it was throttled.
class Timeline final : public HttpTransport {
 public:
  explicit Timeline(std::shared_ptr<HttpTransport> inner) : inner_(std::move(inner)) {}
  using HttpTransport::Send;
  HttpResponse Send(const HttpRequest& request, const CallContext& context) override {
    HttpResponse response = inner_->Send(request, context);
    const bool throttled =
        response.status == 429 ||
        (response.status == 500 && response.body.find(">117<") != std::string::npos);
    std::lock_guard<std::mutex> lock(mutex_);
    events.emplace_back(Clock::now(), throttled);
    return response;
  }
  std::mutex mutex_;
  std::vector<std::pair<Clock::time_point, bool>> events;

 private:
  std::shared_ptr<HttpTransport> inner_;
};

// One run against an emulator that allows 50 calls per 2 s per customer and answers after 50 ms:
// the calls per window over the limit and the throttled share, both after the first window, and
// the time over the ideal (useful calls at 25 a second).
void ThrottleRun(const std::string& name, int ceiling, bool adaptive, bool fan_out) {
  emulator::ServiceOptions service;
  service.faults = {"latency,ms=50"};
  service.rate_limit = emulator::RateLimitSpec{50, std::chrono::seconds(2)};
  emulator::BudgetService budgets(service);
  emulator::Server server(budgets);
  ClientOptions options = EmulatorClient(
      "http://127.0.0.1:" + std::to_string(server.Start("127.0.0.1", 0)), Protocol::kRest);
  options.max_concurrency = ceiling;
  options.adaptive_concurrency = adaptive;
  options.retry.max_attempts = 50;
  options.retry.max_total = std::chrono::minutes(5);
  auto timeline = std::make_shared<Timeline>(MakeCurlTransport({}));
  options.transport = timeline;
  const BudgetClient client(options);
  const int units = fan_out ? (g_quick ? 30 : 200) : (g_quick ? 30 : 200);
  const auto start = Clock::now();
  if (fan_out) {
    std::atomic<int> next{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < ceiling; ++t) {
      threads.emplace_back([&] {
        for (int a = next++; a < units; a = next++) {
          client.ForAccount(std::to_string(4000000 + a)).GetBudgetsByIds({});
        }
      });
    }
    for (auto& t : threads) t.join();
  } else {
    client.GetBudgetsByIds(std::vector<std::int64_t>(static_cast<std::size_t>(units) * 100, 5));
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  // The calls taken per window: the mean over every 2 s window that starts after the first
  // window and ends by the run's end (one every 50 ms; the service's own window never holds more
  // than the limit, so neither does this), and the throttled share of every answer after the
  // first window.
  std::vector<double> taken_at;  // seconds from the start
  std::size_t after = 0, throttled = 0;
  for (const auto& [when, was_throttled] : timeline->events) {
    const double at = std::chrono::duration<double>(when - start).count();
    if (!was_throttled) taken_at.push_back(at);
    if (at < 2) continue;
    ++after;
    throttled += was_throttled ? 1 : 0;
  }
  double windows = 0, taken = 0;
  for (double from = 2; from + 2 <= std::max(seconds, 4.0); from += 0.05, ++windows) {
    taken += static_cast<double>(std::count_if(
        taken_at.begin(), taken_at.end(), [&](double at) { return at >= from && at < from + 2; }));
  }
  Emit(name + "_calls_per_window_over_limit", taken / windows / 50, "ratio", 0);
  Emit(name + "_throttled_pct_after_first_window",
       after == 0 ? 0 : 100.0 * static_cast<double>(throttled) / static_cast<double>(after), "%",
       0);
  Emit(name + "_time_s", seconds, "s", units / 25.0);
}

// The 5,000-id read over a 50 ms link with no limit: adaptive against a fixed 4.
void NoLimitRun(bool adaptive) {
  emulator::ServiceOptions service;
  service.faults = {"latency,ms=50"};
  emulator::BudgetService budgets(service);
  emulator::Server server(budgets);
  ClientOptions options = EmulatorClient(
      "http://127.0.0.1:" + std::to_string(server.Start("127.0.0.1", 0)), Protocol::kRest);
  options.adaptive_concurrency = adaptive;
  const BudgetClient client(options);
  const std::vector<std::int64_t> ids(5000, 5);
  const double ms = MedianNs(g_quick ? 1 : 3, 1, [&] { client.GetBudgetsByIds(ids); }) / 1e6;
  Emit(std::string("no_limit_get_5000_ms_") + (adaptive ? "adaptive" : "fixed_4"), ms, "ms",
       std::ceil(50.0 / 4) * 50);
}

// What one process cost: CPU (user and system) and minor page faults, from wait4.
struct ProcessCost {
  double cpu_ms = 0;
  double faults = 0;
};

// Runs `args` (a path first) with `env`, stdout to `out` (a file path), and returns its cost.
ProcessCost Spawn(const std::vector<std::string>& args, const std::vector<std::string>& env,
                  const char* out = "/dev/null") {
  std::vector<char*> argv, envp;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  argv.push_back(nullptr);
  envp.push_back(nullptr);
  const pid_t child = fork();
  if (child == 0) {
    const int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || dup2(fd, 1) < 0) _exit(126);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  if (child < 0 || wait4(child, &status, 0, &usage) != child || !WIFEXITED(status) ||
      WEXITSTATUS(status) != 0) {
    Failure(args[0] + " failed (status " + std::to_string(status) + ")");
  }
  auto ms = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_usec) / 1e3;
  };
  return {ms(usage.ru_utime) + ms(usage.ru_stime), static_cast<double>(usage.ru_minflt)};
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Median cost of `args` over `runs` runs of each command, interleaved (the machine's noise
// falls on all of them alike).
std::vector<ProcessCost> SpawnMedians(const std::vector<std::vector<std::string>>& commands,
                                      const std::vector<std::string>& env, int runs) {
  std::vector<std::vector<double>> cpu(commands.size()), faults(commands.size());
  for (int r = 0; r < runs; ++r) {
    for (std::size_t c = 0; c < commands.size(); ++c) {
      const ProcessCost cost = Spawn(commands[c], env);
      cpu[c].push_back(cost.cpu_ms);
      faults[c].push_back(cost.faults);
    }
  }
  std::vector<ProcessCost> medians;
  for (std::size_t c = 0; c < commands.size(); ++c)
    medians.push_back({Median(cpu[c]), Median(faults[c])});
  return medians;
}

// The in-process part of the CLI's read: decode of the response bytes and output of the result,
// in ms (median of 9).
std::pair<double, double> DecodeAndOutput(const std::string& base, Protocol protocol,
                                          std::size_t count) {
  ClientOptions options = EmulatorClient(base, protocol);
  HttpResponse captured;
  struct Capture final : HttpTransport {
    std::shared_ptr<HttpTransport> inner = MakeCurlTransport({});
    HttpResponse* into = nullptr;
    using HttpTransport::Send;
    HttpResponse Send(const HttpRequest& request, const CallContext& context) override {
      return *into = inner->Send(request, context);
    }
  };
  auto capture = std::make_shared<Capture>();
  capture->into = &captured;
  options.transport = capture;
  BudgetClient(options).GetBudgetsByIds();
  auto codec = protocol == Protocol::kSoap ? internal::MakeSoapCodec() : internal::MakeRestCodec();
  GetBudgetsByIdsResult result;
  const double decode =
      MedianNs(9, 1, [&] { result = codec->DecodeGetBudgetsByIds(captured); }) / 1e6;
  if (result.Budgets.size() != count) Failure("e2e: the decode gave another count");
  std::ofstream null("/dev/null");
  const double output = MedianNs(9, 1, [&] { ToJson(result, null); }) / 1e6;
  return {decode, output};
}

// `bingads-budgets get` of every budget of an 11,000-budget account (1,000 with --quick), process
// for process against bingads-e2e-floor (the same libraries, the same exchange, the raw body
// written): CPU and page faults, medians of interleaved runs; and the split: start-up
// (--version; the floor started with no work), the exchange (the floor less its start-up),
// decode and output (in process, on the same bytes).
void EndToEndProcessFigures(const std::string& self) {
  emulator::BudgetService service;
  emulator::Server server(service);
  const std::string base = "http://127.0.0.1:" + std::to_string(server.Start("127.0.0.1", 0));
  const std::size_t count = g_quick ? 1000 : emulator::kMaxBudgetsPerAccount;
  FillAccount(base, count);
  const std::string dir = self.substr(0, self.rfind('/') + 1);
  const std::string cli = dir + "bingads-budgets", floor = dir + "bingads-e2e-floor";
  const std::vector<std::string> env = {
      "BINGADS_DEVELOPER_TOKEN=dev", "BINGADS_ACCESS_TOKEN=token", "BINGADS_CUSTOMER_ID=1",
      std::string("BINGADS_ACCOUNT_ID=") + emulator::kDemoAccountId};
  const int runs = g_quick ? 5 : 21;
  const auto start = SpawnMedians({{cli, "--version"}, {floor}}, env, runs);
  Emit("e2e_start_cpu_ms", start[0].cpu_ms, "ms", start[1].cpu_ms);
  for (const Protocol protocol : {Protocol::kRest, Protocol::kSoap}) {
    const std::string name = protocol == Protocol::kSoap ? "soap" : "rest";
    // The CLI's output is checked once: every budget, in order.
    const std::string check = "/tmp/bingads-bench-e2e-" + std::to_string(getpid());
    Spawn({cli, "--endpoint", base, "--protocol", name, "get"}, env, check.c_str());
    std::ifstream printed(check);
    const std::string text((std::istreambuf_iterator<char>(printed)), {});
    std::remove(check.c_str());
    std::size_t ids = 0;
    for (auto at = text.find("\"Id\":"); at != std::string::npos; at = text.find("\"Id\":", at + 1))
      ++ids;
    if (ids != count) Failure("e2e: the CLI printed " + std::to_string(ids) + " budgets");
    const auto cost = SpawnMedians(
        {{cli, "--endpoint", base, "--protocol", name, "get"}, {floor, name, base}}, env, runs);
    Emit("e2e_cpu_ms_" + name, cost[0].cpu_ms, "ms", cost[1].cpu_ms);
    Emit("e2e_page_faults_" + name, cost[0].faults, "faults", cost[1].faults);
    const auto [decode, output] = DecodeAndOutput(base, protocol, count);
    Emit("e2e_split_exchange_ms_" + name, cost[1].cpu_ms - start[1].cpu_ms, "ms", 0);
    Emit("e2e_split_decode_ms_" + name, decode, "ms", 0);
    Emit("e2e_split_output_ms_" + name, output, "ms", 0);
    Emit("e2e_split_rest_ms_" + name,
         cost[0].cpu_ms - start[0].cpu_ms - (cost[1].cpu_ms - start[1].cpu_ms) - decode - output,
         "ms", 0);
  }
}

void ThrottleFigures() {
  for (const bool fan_out : {true, false}) {
    const std::string what = fan_out ? "throttle_fanout_200" : "throttle_get_20000";
    ThrottleRun(what + "_fixed_4", 4, false, fan_out);
    ThrottleRun(what + "_fixed_16", 16, false, fan_out);
    ThrottleRun(what + "_adaptive_16", 16, true, fan_out);
  }
  NoLimitRun(false);
  NoLimitRun(true);
}

int main(int argc, char** argv) {
  std::string only;  // a group: decode, encode, memory, call, emulator, wire, parallel, reconcile,
                     // usage, throttle, e2e
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--quick") {
      g_quick = true;
    } else if (arg == "--only" && i + 1 < argc) {
      only = argv[++i];
    } else {
      std::fprintf(stderr,
                   "usage: bingads-bench [--quick] [--only "
                   "decode|encode|memory|call|emulator|wire|parallel|reconcile|usage|"
                   "throttle|e2e]\n");
      return 2;
    }
  }
  // Every figure's buffers come from a heap that is neither handed back to the system nor mapped
  // afresh between repetitions: a floor whose memory was faulted in again on every repetition
  // swung 5x between runs (pugixml's parse of 11,000 budgets read 5 ms in one run, 27 in another).
  // (32 MiB is glibc's largest threshold; a sanitizer's allocator refuses both: figures are then
  // not worth comparing anyway, and nothing is wrong with the results.)
  if (mallopt(M_MMAP_THRESHOLD, 32 << 20) != 1 || mallopt(M_TRIM_THRESHOLD, 256 << 20) != 1) {
    std::fprintf(stderr, "bingads-bench: note: the allocator refused the bench's settings\n");
  }
  rlimit files{};  // the idle-connections figure holds over 2,000 descriptors
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }
  auto wanted = [&only](const char* group) { return only.empty() || only == group; };
  if (wanted("decode")) {
    DecodeFigures(100);
    RestPeerFigures(DecodeFigures(11000));
  }
  if (wanted("encode")) EncodeFigures();
  if (wanted("memory")) {
    MemoryFigure(11000, true);
    MemoryFigure(11000, false);
  }
  if (wanted("call")) EndToEndFigures();
  if (wanted("emulator")) {
    EmulatorThroughput();
    IdleConnectionsFigure();
  }
  if (wanted("wire")) WireFigures();
  if (wanted("parallel")) ParallelFigures();
  if (wanted("reconcile")) ReconcileFigures();
  if (wanted("usage")) UsageFigures();
  if (wanted("throttle")) ThrottleFigures();
  if (wanted("e2e")) EndToEndProcessFigures(std::filesystem::canonical("/proc/self/exe").string());
  return g_failures == 0 ? 0 : 1;
}
