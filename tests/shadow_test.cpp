// Shadow reads: the caller gets the primary's answer, exactly and without waiting; the other
// protocol repeats a sampled share of reads in the background and every difference is reported.
#include <bingads/shadow.h>
#include <doctest/doctest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "cli.h"
#include "support.h"

using namespace bingads;

namespace {

bool IsSoap(const HttpRequest& request) { return request.url.find(".svc") != std::string::npos; }

// Lets a test change requests' fate by protocol: `before` may throw or block, `after` may edit.
struct Rigged final : HttpTransport {
  explicit Rigged(std::shared_ptr<HttpTransport> t) : inner(std::move(t)) {}
  HttpResponse Send(const HttpRequest& request, const CallContext& context) override {
    (IsSoap(request) ? soap_calls : rest_calls)++;
    if (before) before(request);
    HttpResponse response = inner->Send(request, context);
    if (after) after(request, response);
    return response;
  }
  std::shared_ptr<HttpTransport> inner;
  std::function<void(const HttpRequest&)> before;
  std::function<void(const HttpRequest&, HttpResponse&)> after;
  std::atomic<int> soap_calls{0}, rest_calls{0};
};

// REST answers 500.01 where the store says 500.
void Diverge(const HttpRequest& request, HttpResponse& response) {
  if (IsSoap(request)) return;
  const auto at = response.body.find("\"Amount\":500,");
  if (at != std::string::npos) response.body.replace(at, 13, "\"Amount\":500.01,");
}

struct Fixture {
  explicit Fixture(Protocol primary) {
    options.client = emulator.Options(primary);
    rigged = std::make_shared<Rigged>(MakeCurlTransport(options.client.transport_options));
    options.client.transport = rigged;
    options.on_comparison = [this](const ShadowComparison& c) {
      std::lock_guard<std::mutex> lock(mutex);
      seen.push_back(c);
    };
  }
  testing::Emulator emulator;
  std::shared_ptr<Rigged> rigged;
  ShadowOptions options;
  std::mutex mutex;
  std::vector<ShadowComparison> seen;
};

}  // namespace

TEST_CASE("shadow: a difference is reported by position and field, the caller gets the primary") {
  for (const Protocol primary : {Protocol::kSoap, Protocol::kRest}) {
    CAPTURE(ToString(primary));
    Fixture f(primary);
    f.rigged->after = Diverge;
    ShadowClient client(f.options);
    const auto result = client.GetBudgetsByIds({testing::kDemoId, testing::kDemoId + 2});
    // Exactly what the primary alone returns.
    CHECK(result.Budgets[1]->Amount->Text() == (primary == Protocol::kSoap ? "500" : "500.01"));
    REQUIRE(client.Drain(std::chrono::seconds(20)));
    REQUIRE(f.seen.size() == 1);
    const ShadowComparison& c = f.seen[0];
    CHECK(c.operation == "GetBudgetsByIds");
    CHECK(c.primary == primary);
    CHECK(c.report.differences == std::vector<Difference>{{"Budgets[1].Amount", "500", "500.01"}});
    CHECK(c.primary_tracking_ids == result.TrackingIds);
    CHECK(c.shadow_tracking_ids.size() == 1);
    CHECK(c.shadow_tracking_ids != c.primary_tracking_ids);
    const auto counters = client.Counters();
    CHECK(counters.compared == 1);
    CHECK(counters.mismatched == 1);
    CHECK(counters.matched == 0);
    // Campaigns agree.
    client.GetCampaignIdsByBudgetIds({testing::kDemoId});
    REQUIRE(client.Drain(std::chrono::seconds(20)));
    CHECK(client.Counters().matched == 1);
  }
}

TEST_CASE("shadow: a failing or stuck shadow never reaches the caller, and a full queue skips") {
  Fixture f(Protocol::kRest);
  f.rigged->before = [](const HttpRequest& request) {
    if (IsSoap(request)) throw Error(ErrorKind::kTransport, "transport error: shadow down");
  };
  {
    ShadowClient client(f.options);
    const auto result = client.GetBudgetsByIds({testing::kDemoId});
    CHECK(result.Budgets[0]->Id == testing::kDemoId);
    REQUIRE(client.Drain(std::chrono::seconds(20)));
    CHECK(client.Counters().shadow_errors == 1);
    REQUIRE(f.seen.size() == 1);
    CHECK(f.seen[0].shadow_error.find("shadow down") != std::string::npos);
  }

  // A shadow that hangs: the caller's calls return while it is stuck; past the queue's capacity
  // sampled reads are skipped, never waited for.
  std::mutex mutex;
  std::condition_variable changed;
  bool released = false;
  std::atomic<int> stuck{0};
  f.rigged->before = [&](const HttpRequest& request) {
    if (!IsSoap(request)) return;
    ++stuck;
    std::unique_lock<std::mutex> lock(mutex);
    changed.wait_for(lock, std::chrono::seconds(20), [&] { return released; });
  };
  f.options.queue_capacity = 1;
  ShadowClient client(f.options);
  for (int i = 0; i < 5; ++i) {
    CHECK(client.GetBudgetsByIds({testing::kDemoId}).Budgets[0].has_value());
  }
  // One shadow call is stuck, one waits in the queue, three were skipped: all five returned.
  CHECK(client.Counters().skipped >= 3);
  {
    std::lock_guard<std::mutex> lock(mutex);
    released = true;
  }
  changed.notify_all();
  REQUIRE(client.Drain(std::chrono::seconds(20)));
  CHECK(client.Counters().compared + client.Counters().skipped == 5);
  CHECK(stuck >= 1);
}

TEST_CASE("shadow: sampling, and writes that go to the primary only, read back on both") {
  Fixture f(Protocol::kSoap);
  f.options.sample = 0.5;
  std::atomic<int> draw{0};
  f.options.random = [&draw] { return draw++ % 2 == 0 ? 0.25 : 0.75; };
  f.options.read_back_writes = true;
  ShadowClient client(f.options);
  for (int i = 0; i < 4; ++i) client.GetBudgetsByIds({testing::kDemoId});
  REQUIRE(client.Drain(std::chrono::seconds(20)));
  CHECK(client.Counters().compared == 2);
  CHECK(f.rigged->rest_calls == 2);

  const int soap_before = f.rigged->soap_calls, rest_before = f.rigged->rest_calls;
  Budget b;
  b.Name = "Shadowed write";
  b.Amount = Decimal::FromString("42.42");
  b.BudgetType = budget_type::kDailyBudgetStandard;
  const auto added = client.AddBudgets({b});
  REQUIRE(added.BudgetIds.at(0));
  REQUIRE(client.Drain(std::chrono::seconds(20)));
  // One write, on the primary; then one read back on each protocol, compared.
  CHECK(f.rigged->soap_calls - soap_before == 2);
  CHECK(f.rigged->rest_calls - rest_before == 1);
  REQUIRE(f.seen.size() == 3);
  CHECK(f.seen.back().report.Parity());
  CHECK(f.seen.back().shadow_error.empty());
  CHECK(client.Counters().matched == 3);
}

TEST_CASE("shadow: --shadow prints the primary's result and each difference on stderr") {
  testing::DivergingServer diverging;
  const std::string base = diverging.BaseUrl();
  const std::string ids =
      std::to_string(testing::kDemoId) + "," + std::to_string(testing::kDemoId + 2);
  const auto body = [](const std::string& out) { return out.substr(out.find(",\"Budgets\"")); };
  for (const char* primary : {"soap", "rest"}) {
    CAPTURE(primary);
    const auto plain =
        testing::RunCli({"--endpoint", base, "--protocol", primary, "get", "--ids", ids});
    const auto shadowed = testing::RunCli(
        {"--endpoint", base, "--protocol", primary, "--shadow", "get", "--ids", ids});
    CHECK(shadowed.status == cli::kExitOk);  // the primary's status
    CHECK(body(shadowed.out) == body(plain.out));
    CHECK(shadowed.err.find("shadow: Budgets[1].Amount: SOAP 500 | REST 500.01\n") !=
          std::string::npos);
    CHECK(shadowed.err.find("shadow: 1 compared, 0 matched, 1 mismatched, 0 skipped, 0 shadow "
                            "errors") != std::string::npos);
    const auto strict = testing::RunCli({"--endpoint", base, "--protocol", primary, "--shadow",
                                         "--shadow-strict", "get", "--ids", ids});
    CHECK(strict.status == cli::kExitMismatch);
    CHECK(body(strict.out) == body(plain.out));
  }
  const auto same = testing::RunCli(
      {"--endpoint", base, "--shadow", "--shadow-strict", "campaigns", "--ids", ids});
  CHECK(same.status == cli::kExitOk);
  CHECK(same.err.find("shadow: 1 compared, 1 matched") != std::string::npos);
  // With --accounts: each account's lines, its differences named with it, one summary.
  const auto accounts = testing::RunCli(
      {"--endpoint", base, "--shadow", "--shadow-strict", "--accounts", "2000002,3300001", "get"});
  CHECK(accounts.status == cli::kExitMismatch);
  CHECK(accounts.out.rfind("{\"AccountId\":\"2000002\"", 0) == 0);
  CHECK(accounts.out.find("\n{\"AccountId\":\"3300001\"") != std::string::npos);
  CHECK(accounts.err.find("shadow: account 2000002: Budgets[2].Amount: SOAP 500 | REST 500.01") !=
        std::string::npos);
  CHECK(accounts.err.find("shadow: account 3300001: Budgets[2].Amount: SOAP 500 | REST 500.01") !=
        std::string::npos);
  CHECK(accounts.err.find("shadow: 2 compared, 0 matched, 2 mismatched") != std::string::npos);
  CHECK(testing::RunCli({"--endpoint", base, "--shadow", "delete", "--ids", "1"}).status ==
        cli::kExitUsage);
  CHECK(testing::RunCli({"--endpoint", base, "--shadow-strict", "get"}).status == cli::kExitUsage);
}

TEST_CASE("shadow: the decorator over two connections serves as any client's connection") {
  Fixture f(Protocol::kRest);
  f.rigged->after = Diverge;
  ClientOptions soap = f.options.client;
  soap.protocol = Protocol::kSoap;
  const auto shadow = std::make_shared<ShadowConnection>(BudgetClient(f.options.client),
                                                         BudgetClient(soap), f.options);
  const BudgetClient client(shadow);  // code that takes a BudgetClient needs no change
  const auto result = client.GetBudgetsByIds({testing::kDemoId + 2});
  CHECK(result.Budgets.at(0)->Amount->Text() == "500.01");  // the primary's (REST) answer
  REQUIRE(shadow->Drain(std::chrono::seconds(20)));
  CHECK(shadow->Counters().mismatched == 1);
  std::lock_guard<std::mutex> lock(f.mutex);
  REQUIRE(f.seen.size() == 1);
  CHECK(f.seen[0].report.differences.at(0).where == "Budgets[0].Amount");
  CHECK(client.Options().protocol == Protocol::kRest);
}
