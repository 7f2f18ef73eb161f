// The comparison harness: runs each operation over SOAP and REST against the same endpoint and
// account, compares the domain results and measures latency, bytes and client CPU per protocol.
#include <bingads/parity.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <mutex>

namespace bingads {
namespace {

// What crossed the wire so far.
struct Bytes {
  std::uint64_t request = 0, response_wire = 0, response = 0;
};

// Counts what crosses the wire for the calls made through it (a read's chunks may run at once).
class Meter final : public HttpTransport {
 public:
  explicit Meter(std::shared_ptr<HttpTransport> inner) : inner_(std::move(inner)) {}
  HttpResponse Send(const HttpRequest& request, const CallContext& context) override {
    ExchangeCost cost;
    HttpResponse response = SendMetered(*inner_, request, context, cost);
    std::lock_guard<std::mutex> lock(mutex_);
    // A transport that counts nothing: the bodies stand in.
    bytes_.request += cost.request_bytes != 0 ? cost.request_bytes : request.body.size();
    bytes_.response_wire += cost.response_bytes != 0 ? cost.response_bytes : response.body.size();
    bytes_.response += response.body.size();
    return response;
  }
  Bytes Counted() {
    std::lock_guard<std::mutex> lock(mutex_);
    return bytes_;
  }

 private:
  std::shared_ptr<HttpTransport> inner_;
  std::mutex mutex_;
  Bytes bytes_;
};

double ThreadCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

// The result of one call, or how it failed.
template <typename R>
struct Outcome {
  std::optional<R> value;
  std::string failure;  // e.g. "fault AdApiFaultDetail 105 InvalidCredentials"
  bool transport = false;
  std::string message;
};

std::string FaultCodes(const FaultDetail& d) {
  std::string out = "fault " + d.Type;
  for (const auto& e : d.Errors)
    out += " " + std::to_string(e.Code) + " " + e.ErrorCode.value_or("");
  for (const auto& e : d.OperationErrors)
    out += " " + std::to_string(e.Code) + " " + e.ErrorCode.value_or("");
  for (const auto& e : d.BatchErrors)
    out += " [" + std::to_string(BaseOf(e).Index) + "] " + std::to_string(BaseOf(e).Code);
  return out;
}

struct Side {
  Side(ClientOptions options, Protocol protocol, bool gzip) {
    options.protocol = protocol;
    options.transport_options.accept_gzip = gzip;
    meter = std::make_shared<Meter>(
        options.transport ? options.transport : MakeCurlTransport(options.transport_options));
    options.transport = meter;
    client = std::make_unique<BudgetClient>(std::move(options));
  }

  // Runs `call` (not measured when `measured` is false) and records its cost.
  template <typename R, typename Call>
  Outcome<R> Run(Call call, bool measured = true) {
    const Bytes before = meter->Counted();
    const double cpu = ThreadCpuMs();
    const auto start = std::chrono::steady_clock::now();
    Outcome<R> outcome;
    try {
      outcome.value = call(*client);
    } catch (const ApiFault& e) {
      outcome.failure = FaultCodes(e.Detail());
      outcome.message = e.what();
    } catch (const Error& e) {
      outcome.failure = "error";
      outcome.transport = true;
      outcome.message = e.what();
    }
    if (measured) {
      cost.latencies_ms.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count());
      cost.cpu_ms += ThreadCpuMs() - cpu;
      const Bytes after = meter->Counted();
      cost.request_bytes += after.request - before.request;
      cost.response_wire_bytes += after.response_wire - before.response_wire;
      cost.response_bytes += after.response - before.response;
      ++cost.calls;
    }
    return outcome;
  }

  ProtocolCost Finish() {
    auto sorted = cost.latencies_ms;
    std::sort(sorted.begin(), sorted.end());
    auto rank = [&sorted](double p) {
      if (sorted.empty()) return 0.0;
      const auto k = static_cast<std::size_t>(std::ceil(p * static_cast<double>(sorted.size())));
      return sorted[std::min(sorted.size() - 1, k == 0 ? 0 : k - 1)];
    };
    cost.p50_ms = rank(0.50);
    cost.p95_ms = rank(0.95);
    cost.max_ms = sorted.empty() ? 0.0 : sorted.back();
    return cost;
  }

  std::shared_ptr<Meter> meter;
  std::unique_ptr<BudgetClient> client;
  ProtocolCost cost;
};

// Compares two outcomes: two results field by field, two faults by their codes.
template <typename R>
void CompareOutcomes(Comparison& c, const Outcome<R>& soap, const Outcome<R>& rest,
                     const CompareRules& rules, const std::string& prefix = "") {
  if (soap.transport || rest.transport) {
    c.error = soap.transport ? "SOAP: " + soap.message : "REST: " + rest.message;
    c.transport_failure = true;
  }
  ParityReport report;
  if (soap.value && rest.value) {
    report = CompareResults(*soap.value, *rest.value, rules);
  } else if (soap.failure != rest.failure) {
    report.differences.push_back(
        {"outcome", soap.value ? "success" : soap.failure, rest.value ? "success" : rest.failure});
  }
  for (auto& d : report.differences) {
    d.where = prefix + d.where;
    c.parity.differences.push_back(std::move(d));
  }
}

std::string Tag(const CompareOptions& o) {
  if (!o.tag.empty()) return o.tag;
  return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count());
}

std::string Suffix(const char* protocol, const std::string& tag, int run) {
  return std::string(" [") + protocol + "-" + tag + "-" + std::to_string(run) + "]";
}

std::vector<Budget> Copies(const std::vector<Budget>& budgets, const std::string& suffix) {
  std::vector<Budget> out = budgets;
  for (Budget& b : out) {
    b.Id.reset();
    b.AssociationCount.reset();
    if (b.Name) *b.Name += suffix;
  }
  return out;
}

std::vector<std::int64_t> Present(const std::vector<std::optional<std::int64_t>>& ids) {
  std::vector<std::int64_t> out;
  for (const auto& id : ids) {
    if (id) out.push_back(*id);
  }
  return out;
}

// Deletes what a write comparison created, unless asked to keep it.
void Cleanup(const CompareOptions& o, Side& side, const std::vector<std::int64_t>& ids) {
  if (o.keep || ids.empty()) return;
  side.Run<DeleteBudgetsResult>([&](BudgetClient& c) { return c.DeleteBudgets(ids); }, false);
}

void Progress(const CompareOptions& o, int done) {
  if (o.progress) o.progress(done, o.repeat);
}

// Reads run the same call on both sides; the first run is compared, every run is measured.
template <typename R, typename Call>
Comparison CompareRead(const CompareOptions& o, const char* operation, std::string label,
                       Call call) {
  Side soap(o.soap, Protocol::kSoap, o.gzip), rest(o.rest, Protocol::kRest, o.gzip);
  Comparison c{operation, std::move(label), {}, {}, {}, {}};
  for (int run = 0; run < std::max(1, o.repeat); ++run) {
    // Alternate which protocol goes first, so that neither always meets a warm cache.
    Outcome<R> s, r;
    if (run % 2 == 0) {
      s = soap.Run<R>(call);
      r = rest.Run<R>(call);
    } else {
      r = rest.Run<R>(call);
      s = soap.Run<R>(call);
    }
    if (run == 0) CompareOutcomes(c, s, r, {});
    Progress(o, run + 1);
  }
  c.soap = soap.Finish();
  c.rest = rest.Finish();
  return c;
}

std::string IdList(const std::vector<std::int64_t>& ids) {
  if (ids.empty()) return "(all)";
  std::string out;
  for (std::size_t i = 0; i < ids.size() && i < 5; ++i)
    out += (i ? "," : "") + std::to_string(ids[i]);
  if (ids.size() > 5) out += ",... (" + std::to_string(ids.size()) + " ids)";
  return out;
}

// Reads back what each side wrote, by position, and compares with names and ids set aside.
void ReadBack(Comparison& c, Side& soap, Side& rest, const std::vector<std::int64_t>& soap_ids,
              const std::vector<std::int64_t>& rest_ids, const CompareRules& rules) {
  const auto s = soap.Run<GetBudgetsByIdsResult>(
      [&](BudgetClient& b) { return b.GetBudgetsByIds(soap_ids); }, false);
  const auto r = rest.Run<GetBudgetsByIdsResult>(
      [&](BudgetClient& b) { return b.GetBudgetsByIds(rest_ids); }, false);
  CompareOutcomes(c, s, r, rules, "readback.");
}

}  // namespace

Comparison CompareGetBudgetsByIds(const CompareOptions& o, const std::vector<std::int64_t>& ids) {
  return CompareRead<GetBudgetsByIdsResult>(
      o, "GetBudgetsByIds", "get --ids " + IdList(ids),
      [&](BudgetClient& c) { return c.GetBudgetsByIds(ids); });
}

Comparison CompareGetCampaignIdsByBudgetIds(const CompareOptions& o,
                                            const std::vector<std::int64_t>& ids) {
  return CompareRead<GetCampaignIdsByBudgetIdsResult>(
      o, "GetCampaignIdsByBudgetIds", "campaigns --ids " + IdList(ids),
      [&](BudgetClient& c) { return c.GetCampaignIdsByBudgetIds(ids); });
}

Comparison CompareBudgetUsage(const CompareOptions& o, const std::vector<std::int64_t>& ids,
                              const UsagePeriod& period, const UsageOptions& usage) {
  return CompareRead<BudgetUsageResult>(
      o, "BudgetUsage", "usage --ids " + IdList(ids), [&](BudgetClient& c) {
        const UsageClient client(c, MakeReportingConnection(c.Options(), usage.max_report_bytes),
                                 usage);
        return client.GetBudgetUsage(ids, period);
      });
}

Comparison CompareAddBudgets(const CompareOptions& o, const std::vector<Budget>& budgets) {
  Side soap(o.soap, Protocol::kSoap, o.gzip), rest(o.rest, Protocol::kRest, o.gzip);
  Comparison c{"AddBudgets", "add " + std::to_string(budgets.size()) + " budgets", {}, {}, {}, {}};
  const std::string tag = Tag(o);
  for (int run = 0; run < std::max(1, o.repeat); ++run) {
    const std::string ss = Suffix("soap", tag, run), rs = Suffix("rest", tag, run);
    const auto s = soap.Run<AddBudgetsResult>(
        [&](BudgetClient& b) { return b.AddBudgets(Copies(budgets, ss)); });
    const auto r = rest.Run<AddBudgetsResult>(
        [&](BudgetClient& b) { return b.AddBudgets(Copies(budgets, rs)); });
    const CompareRules rules{true, ss, rs};
    if (run == 0) {
      CompareOutcomes(c, s, r, rules);
      if (s.value && r.value)
        ReadBack(c, soap, rest, Present(s.value->BudgetIds), Present(r.value->BudgetIds), rules);
    }
    if (s.value) Cleanup(o, soap, Present(s.value->BudgetIds));
    if (r.value) Cleanup(o, rest, Present(r.value->BudgetIds));
    Progress(o, run + 1);
  }
  c.soap = soap.Finish();
  c.rest = rest.Finish();
  return c;
}

namespace {

// For update and delete: copies of the existing budgets among `ids`, one set per side. Returns,
// per position, the copy's id or the original id where there was nothing to copy.
struct CopySet {
  std::vector<std::int64_t> soap, rest;
  std::vector<std::int64_t> soap_created, rest_created;
};

CopySet MakeCopies(Comparison& c, Side& soap, Side& rest, const std::vector<std::int64_t>& ids,
                   const std::string& ss, const std::string& rs) {
  CopySet set{ids, ids, {}, {}};
  const auto originals = rest.Run<GetBudgetsByIdsResult>(
      [&](BudgetClient& b) { return b.GetBudgetsByIds(ids); }, false);
  if (!originals.value) {
    c.error = "reading the budgets to copy failed: " + originals.message;
    c.transport_failure = originals.transport;
    return set;
  }
  std::vector<Budget> found;
  std::vector<std::size_t> positions;
  for (std::size_t i = 0; i < originals.value->Budgets.size() && i < ids.size(); ++i) {
    if (originals.value->Budgets[i]) {
      found.push_back(*originals.value->Budgets[i]);
      positions.push_back(i);
    }
  }
  if (found.empty()) return set;
  for (auto [side, suffix, out, created] : {std::tuple{&soap, &ss, &set.soap, &set.soap_created},
                                            std::tuple{&rest, &rs, &set.rest, &set.rest_created}}) {
    const std::string& name_suffix =
        *suffix;  // (a structured binding cannot be captured before clang 16)
    const auto added = side->template Run<AddBudgetsResult>(
        [&](BudgetClient& b) { return b.AddBudgets(Copies(found, name_suffix)); }, false);
    if (!added.value) {
      c.error = "copying the budgets failed: " + added.message;
      c.transport_failure = c.transport_failure || added.transport;
      continue;
    }
    for (std::size_t k = 0; k < positions.size() && k < added.value->BudgetIds.size(); ++k) {
      if (added.value->BudgetIds[k]) {
        (*out)[positions[k]] = *added.value->BudgetIds[k];
        created->push_back(*added.value->BudgetIds[k]);
      }
    }
  }
  return set;
}

}  // namespace

Comparison CompareUpdateBudgets(const CompareOptions& o, const std::vector<Budget>& updates) {
  Side soap(o.soap, Protocol::kSoap, o.gzip), rest(o.rest, Protocol::kRest, o.gzip);
  Comparison c{
      "UpdateBudgets", "update " + std::to_string(updates.size()) + " budgets", {}, {}, {}, {}};
  const std::string tag = Tag(o);
  std::vector<std::int64_t> ids;
  for (const Budget& u : updates) ids.push_back(u.Id.value_or(0));
  for (int run = 0; run < std::max(1, o.repeat) && c.error.empty(); ++run) {
    const std::string ss = Suffix("soap", tag, run), rs = Suffix("rest", tag, run);
    const CopySet copies = MakeCopies(c, soap, rest, ids, ss, rs);
    auto retarget = [&](const std::vector<std::int64_t>& targets, const std::string& suffix) {
      std::vector<Budget> out = updates;
      for (std::size_t i = 0; i < out.size(); ++i) {
        out[i].Id = targets[i];
        if (out[i].Name) *out[i].Name += suffix;
      }
      return out;
    };
    const auto s = soap.Run<UpdateBudgetsResult>(
        [&](BudgetClient& b) { return b.UpdateBudgets(retarget(copies.soap, ss)); });
    const auto r = rest.Run<UpdateBudgetsResult>(
        [&](BudgetClient& b) { return b.UpdateBudgets(retarget(copies.rest, rs)); });
    const CompareRules rules{true, ss, rs};
    if (run == 0) {
      CompareOutcomes(c, s, r, rules);
      ReadBack(c, soap, rest, copies.soap, copies.rest, rules);
    }
    Cleanup(o, soap, copies.soap_created);
    Cleanup(o, rest, copies.rest_created);
    Progress(o, run + 1);
  }
  c.soap = soap.Finish();
  c.rest = rest.Finish();
  return c;
}

Comparison CompareDeleteBudgets(const CompareOptions& o, const std::vector<std::int64_t>& ids) {
  Side soap(o.soap, Protocol::kSoap, o.gzip), rest(o.rest, Protocol::kRest, o.gzip);
  Comparison c{"DeleteBudgets", "delete copies of --ids " + IdList(ids), {}, {}, {}, {}};
  const std::string tag = Tag(o);
  for (int run = 0; run < std::max(1, o.repeat) && c.error.empty(); ++run) {
    const std::string ss = Suffix("soap", tag, run), rs = Suffix("rest", tag, run);
    const CopySet copies = MakeCopies(c, soap, rest, ids, ss, rs);
    const auto s = soap.Run<DeleteBudgetsResult>(
        [&](BudgetClient& b) { return b.DeleteBudgets(copies.soap); });
    const auto r = rest.Run<DeleteBudgetsResult>(
        [&](BudgetClient& b) { return b.DeleteBudgets(copies.rest); });
    const CompareRules rules{true, ss, rs};
    if (run == 0) {
      CompareOutcomes(c, s, r, rules);
      ReadBack(c, soap, rest, copies.soap, copies.rest, rules);
    }
    // Copies the service refused to delete are removed now (keep applies to them too).
    if (s.value && !s.value->PartialErrors.empty()) Cleanup(o, soap, copies.soap_created);
    if (r.value && !r.value->PartialErrors.empty()) Cleanup(o, rest, copies.rest_created);
    Progress(o, run + 1);
  }
  c.soap = soap.Finish();
  c.rest = rest.Finish();
  return c;
}

std::vector<Comparison> MigrateCheck(const CompareOptions& options) {
  CompareOptions o = options;
  o.repeat = 1;
  o.progress = nullptr;  // progress counts cases here, not runs
  const std::string tag = Tag(options);
  constexpr int kCases = 11;
  std::vector<Comparison> out;
  auto labelled = [&out, &options](Comparison c, const std::string& label) {
    c.label = label;
    out.push_back(std::move(c));
    if (options.progress) options.progress(static_cast<int>(out.size()), kCases);
  };
  // Seed budgets that the read cases use, created once and deleted at the end.
  Budget seed_a, seed_b;
  seed_a.Name = "migrate-check A " + tag;
  seed_b.Name = "migrate-check B " + tag;
  for (Budget* b : {&seed_a, &seed_b}) {
    b->Amount = Decimal::FromString("12.34");
    b->BudgetType = budget_type::kDailyBudgetStandard;
  }
  ClientOptions seeding = options.rest;
  seeding.protocol = Protocol::kRest;
  BudgetClient seeder(seeding);
  const auto seeds = seeder.AddBudgets({seed_a, seed_b});
  const std::int64_t a = seeds.BudgetIds.at(0).value_or(1), b = seeds.BudgetIds.at(1).value_or(1);
  constexpr std::int64_t kInvalid = 1;

  labelled(CompareGetBudgetsByIds(o, {}), "GetBudgetsByIds: all budgets");
  labelled(CompareGetBudgetsByIds(o, {a, kInvalid, b}), "GetBudgetsByIds: an invalid id");
  std::vector<std::int64_t> many;
  for (int i = 0; i < 150; ++i) many.push_back(i % 3 == 2 ? kInvalid + 1 : (i % 2 ? a : b));
  labelled(CompareGetBudgetsByIds(o, many), "GetBudgetsByIds: more than 100 ids");
  labelled(CompareGetCampaignIdsByBudgetIds(o, {a, kInvalid}),
           "GetCampaignIdsByBudgetIds: an invalid id");

  Budget fresh = seed_a;
  fresh.Name = "migrate-check new " + tag;
  labelled(CompareAddBudgets(o, {fresh}), "AddBudgets: one budget");
  Budget twin = fresh;
  twin.Name = "MIGRATE-CHECK new " + tag;  // the same name but for case
  fresh.Name = "migrate-check new " + tag;
  labelled(CompareAddBudgets(o, {fresh, twin}), "AddBudgets: duplicate name");
  Budget editorial = seed_a;
  editorial.Name = "migrate-check casino " + tag;
  labelled(CompareAddBudgets(o, {editorial}), "AddBudgets: EditorialError");

  Budget raise;
  raise.Id = a;
  raise.Amount = Decimal::FromString("99.99");
  labelled(CompareUpdateBudgets(o, {raise}), "UpdateBudgets: change an amount");
  Budget unknown = raise;
  unknown.Id = kInvalid;
  labelled(CompareUpdateBudgets(o, {unknown}), "UpdateBudgets: an invalid id");
  labelled(CompareDeleteBudgets(o, {b, kInvalid}), "DeleteBudgets: a budget and an invalid id");

  CompareOptions refused = o;
  for (ClientOptions* side : {&refused.soap, &refused.rest}) {
    side->token_provider = nullptr;
    side->credentials.access_token = "emu-at-not-a-valid-token";
    side->retry.max_attempts = 1;
  }
  labelled(CompareGetBudgetsByIds(refused, {a}), "a fault: invalid access token");

  if (!options.keep) seeder.DeleteBudgets({a, b});
  return out;
}

}  // namespace bingads
