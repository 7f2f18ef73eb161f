#include "faults.h"

#include <bingads/client.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "text.h"

namespace bingads::emulator {
namespace {

struct KindName {
  const char* name;
  FaultKind kind;
};
constexpr KindName kKinds[] = {{"latency", FaultKind::kLatency},
                               {"dribble", FaultKind::kDribble},
                               {"reset", FaultKind::kReset},
                               {"empty", FaultKind::kEmpty},
                               {"drop", FaultKind::kDrop},
                               {"error-500", FaultKind::kError500},
                               {"error-503", FaultKind::kError503},
                               {"truncate", FaultKind::kTruncate},
                               {"malformed", FaultKind::kMalformed},
                               {"throttle", FaultKind::kThrottle},
                               {"internal-error", FaultKind::kInternalError}};

constexpr const char* kReads[] = {"GetBudgetsByIds", "GetCampaignIdsByBudgetIds"};
constexpr const char* kWrites[] = {"AddBudgets", "UpdateBudgets", "DeleteBudgets"};
constexpr const char* kReporting[] = {"SubmitGenerateReport", "PollGenerateReport"};

[[noreturn]] void Bad(std::string_view spec, const std::string& why) {
  throw std::invalid_argument("--fault '" + std::string(spec) + "': " + why);
}

std::uint64_t Number(std::string_view spec, std::string_view key, std::string_view value,
                     std::uint64_t max) {
  const auto n = internal::ParseWhole<std::int64_t>(value);
  if (!n || *n < 0 || static_cast<std::uint64_t>(*n) > max) {
    Bad(spec, std::string(key) + " must be a whole number from 0 to " + std::to_string(max));
  }
  return static_cast<std::uint64_t>(*n);
}

double Probability(std::string_view spec, std::string_view value) {
  // A decimal fraction from 0 to 1, read exactly enough: digits only, no exponent.
  const std::string text(value);
  if (text.empty() || text.find_first_not_of("0123456789.") != std::string::npos ||
      text.find('.') != text.rfind('.')) {
    Bad(spec, "probability must be a number from 0 to 1, e.g. 0.1");
  }
  const double p = std::stod(text);
  if (p < 0.0 || p > 1.0) Bad(spec, "probability must be a number from 0 to 1, e.g. 0.1");
  return p;
}

void Operations(FaultSpec& f, std::string_view spec, std::string_view value) {
  for (std::size_t start = 0; start <= value.size();) {
    const std::size_t bar = std::min(value.find('|', start), value.size());
    const std::string name(value.substr(start, bar - start));
    start = bar + 1;
    if (name == "reads") {
      f.operations.insert(std::begin(kReads), std::end(kReads));
    } else if (name == "writes") {
      f.operations.insert(std::begin(kWrites), std::end(kWrites));
    } else if (std::find(std::begin(kReads), std::end(kReads), name) != std::end(kReads) ||
               std::find(std::begin(kWrites), std::end(kWrites), name) != std::end(kWrites) ||
               std::find(std::begin(kReporting), std::end(kReporting), name) !=
                   std::end(kReporting)) {
      f.operations.insert(name);
    } else {
      Bad(spec, "unknown operation '" + name + "' (an operation name, reads or writes)");
    }
  }
}

// One key=value of a spec.
void Option(FaultSpec& f, std::string_view spec, std::string_view key, std::string_view value) {
  if (key == "probability") {
    f.probability = Probability(spec, value);
  } else if (key == "every") {
    f.every = Number(spec, key, value, 1'000'000'000);
    if (f.every == 0) Bad(spec, "every must be 1 or more");
  } else if (key == "protocol") {
    if (value != "soap" && value != "rest") Bad(spec, "protocol must be soap or rest");
    f.protocol = value;
  } else if (key == "operation") {
    Operations(f, spec, value);
  } else if (key == "ms") {
    f.ms = std::chrono::milliseconds(Number(spec, key, value, 600'000));
  } else if (key == "jitter-ms") {
    f.jitter = std::chrono::milliseconds(Number(spec, key, value, 600'000));
  } else if (key == "bytes") {
    f.bytes = Number(spec, key, value, 1 << 20);
    if (f.bytes == 0) Bad(spec, "bytes must be 1 or more");
  } else if (key == "retry-after") {
    f.retry_after_seconds = static_cast<int>(Number(spec, key, value, 3600));
  } else {
    Bad(spec, "unknown key '" + std::string(key) + "'");
  }
}

// SplitMix64: a well-mixed 64-bit value from any 64-bit input.
std::uint64_t Mix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

std::uint64_t Hash(std::string_view text, std::uint64_t h = 0xCBF29CE484222325ULL) {
  for (const char c : text) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001B3ULL;
  return h;
}

// A number in [0, 1) from a draw.
double Unit(std::uint64_t draw) { return static_cast<double>(draw >> 11) * 0x1.0p-53; }

const char* NameOf(FaultKind kind) {
  for (const KindName& k : kKinds)
    if (k.kind == kind) return k.name;
  return "";
}

}  // namespace

FaultSpec ParseFaultSpec(std::string_view text) {
  FaultSpec f;
  f.text = text;
  std::size_t start = 0;
  bool first = true;
  bool probability = false;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string_view item = text.substr(start, comma - start);
    start = comma + 1;
    if (first) {
      first = false;
      const auto it = std::find_if(std::begin(kKinds), std::end(kKinds),
                                   [&](const KindName& k) { return item == k.name; });
      if (it == std::end(kKinds)) Bad(text, "unknown fault '" + std::string(item) + "'");
      f.kind = it->kind;
      continue;
    }
    if (item == "once") {
      f.once = true;
      continue;
    }
    const std::size_t eq = item.find('=');
    if (eq == std::string_view::npos) Bad(text, "'" + std::string(item) + "' is not key=value");
    const std::string_view key = item.substr(0, eq);
    probability = probability || key == "probability";
    Option(f, text, key, item.substr(eq + 1));
  }
  if (probability && f.every != 0) Bad(text, "give probability or every, not both");
  if (f.kind == FaultKind::kDribble && f.ms.count() == 0) f.ms = std::chrono::milliseconds(10);
  return f;
}

FaultModel::FaultModel(const std::vector<std::string>& specs, std::uint64_t seed) : seed_(seed) {
  Replace(specs, seed);
}

void FaultModel::Replace(const std::vector<std::string>& specs, std::optional<std::uint64_t> seed) {
  std::vector<Active> parsed;
  for (const std::string& spec : specs) {
    Active active;
    active.spec = ParseFaultSpec(spec);
    parsed.push_back(std::move(active));
  }
  std::lock_guard<std::mutex> lock(mutex_);
  faults_ = std::move(parsed);
  if (seed) seed_ = *seed;
  calls_ = 0;
}

bool FaultModel::Hits(std::size_t index, Active& fault, std::string_view account,
                      std::uint64_t print, bool taken) {
  // Every matching call counts (every=N counts calls, not calls left over by other faults).
  ++fault.matched;
  const std::uint64_t nth = ++fault.per_account[std::string(account)];
  bool hit = fault.spec.every != 0 ? fault.matched % fault.spec.every == 0
                                   : Unit(Mix(seed_ ^ Mix(index + 1) ^ Hash(account) ^ Mix(nth))) <
                                         fault.spec.probability;
  if (taken) return false;  // the call has its outcome already
  if (hit && fault.spec.once) {
    if (fault.seen.size() >= 1'000'000) fault.seen.clear();  // bounded memory
    hit = fault.seen.insert(print).second;
  }
  if (hit) ++fault.served;
  return hit;
}

FaultPlan FaultModel::Decide(std::string_view protocol, std::string_view operation,
                             std::string_view account, std::string_view body) {
  FaultPlan plan;
  std::lock_guard<std::mutex> lock(mutex_);
  ++calls_;
  const std::uint64_t print = Hash(body, Hash(account, Hash(operation, Hash(protocol))));
  for (std::size_t i = 0; i < faults_.size(); ++i) {
    Active& fault = faults_[i];
    const FaultSpec& spec = fault.spec;
    if (!spec.protocol.empty() && spec.protocol != protocol) continue;
    if (!spec.operations.empty() && !spec.operations.count(std::string(operation))) continue;
    const bool modifier = spec.kind == FaultKind::kLatency || spec.kind == FaultKind::kDribble;
    // One outcome per call: the first that hits.
    if (!Hits(i, fault, account, print, !modifier && plan.outcome)) continue;
    if (spec.kind == FaultKind::kLatency) {
      const std::uint64_t jitter = static_cast<std::uint64_t>(spec.jitter.count());
      plan.delay +=
          spec.ms + std::chrono::milliseconds(
                        jitter == 0 ? 0 : Mix(seed_ ^ Mix(calls_) ^ print) % (jitter + 1));
    } else if (spec.kind == FaultKind::kDribble) {
      plan.dribble_bytes = spec.bytes;
      plan.dribble_every = spec.ms;
    } else {
      plan.outcome = spec.kind;
      plan.retry_after_seconds = spec.retry_after_seconds;
    }
  }
  return plan;
}

std::string FaultModel::StateJson() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::ostringstream out;
  out << "{\"seed\":" << seed_ << ",\"faults\":[";
  for (std::size_t i = 0; i < faults_.size(); ++i) {
    const Active& f = faults_[i];
    out << (i ? "," : "") << "{\"spec\":" << internal::JsonQuoted(f.spec.text) << ",\"kind\":\""
        << NameOf(f.spec.kind) << "\",\"matched\":" << f.matched << ",\"served\":" << f.served
        << "}";
  }
  out << "],\"calls\":" << calls_ << "}";
  return std::move(out).str();
}

std::pair<std::vector<std::string>, std::optional<std::uint64_t>> ReadFaultRequest(
    std::string_view body) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(body.data(),
                                                                                    body.size());
  const auto faults =
      doc.IsObject() ? doc.FindMember("faults") : rapidjson::Value::MemberIterator();
  if (doc.HasParseError() || !doc.IsObject() || faults == doc.MemberEnd() ||
      !faults->value.IsArray()) {
    throw std::invalid_argument(R"(expected {"faults":["SPEC",...],"seed":N})");
  }
  std::vector<std::string> specs;
  for (const auto& item : faults->value.GetArray()) {
    if (!item.IsString()) throw std::invalid_argument("every fault must be a spec string");
    specs.emplace_back(item.GetString(), item.GetStringLength());
  }
  std::optional<std::uint64_t> seed;
  if (const auto it = doc.FindMember("seed"); it != doc.MemberEnd()) {
    if (!it->value.IsUint64()) throw std::invalid_argument("seed must be a whole number");
    seed = it->value.GetUint64();
  }
  return {std::move(specs), seed};
}

std::string OperationOf(std::string_view method, std::string_view path,
                        std::string_view soap_action) {
  if (path == kSoapServicePath || path == "/Api/Advertiser/Reporting/v13/ReportingService.svc") {
    std::string action(soap_action);
    if (action.size() >= 2 && action.front() == '"' && action.back() == '"')
      action = action.substr(1, action.size() - 2);
    return action;
  }
  if (path == "/Reporting/v13/GenerateReport/Submit") return "SubmitGenerateReport";
  if (path == "/Reporting/v13/GenerateReport/Poll") return "PollGenerateReport";
  if (path.rfind(kRestPrefix, 0) != 0) return "";
  const std::string_view resource = path.substr(kRestPrefix.size());
  if (resource == "/Budgets/QueryByIds" && method == "POST") return "GetBudgetsByIds";
  if (resource == "/CampaignIds/QueryByBudgetIds" && method == "POST") {
    return "GetCampaignIdsByBudgetIds";
  }
  if (resource == "/Budgets") {
    if (method == "POST") return "AddBudgets";
    if (method == "PUT") return "UpdateBudgets";
    if (method == "DELETE") return "DeleteBudgets";
  }
  return "";
}

}  // namespace bingads::emulator
