// Many calls at once: one client shared by threads, parallel chunks of a read (with throttling),
// many accounts through one client and the CLI's fan-out, ids from files, and the emulator's
// accounts. ThreadSanitizer runs the tests whose names say "parallel" or "concurrent".
#include <bingads/client.h>
#include <doctest/doctest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "cli.h"
#include "support.h"

using namespace bingads;

namespace {

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Watches a transport: connections opened, calls in flight at once, throttled answers, and which
// TrackingId answered the call whose request body holds which first id.
class Watch final : public HttpTransport {
 public:
  explicit Watch(std::shared_ptr<HttpTransport> inner) : inner_(std::move(inner)) {}
  HttpResponse Send(const HttpRequest& request, const CallContext& context) override {
    const int now = ++in_flight_;
    int seen = max_in_flight.load();
    while (now > seen && !max_in_flight.compare_exchange_weak(seen, now)) {
    }
    HttpResponse response;
    ExchangeCost cost;
    try {
      response = SendMetered(*inner_, request, context, cost);
    } catch (...) {
      --in_flight_;
      throw;
    }
    --in_flight_;
    connections += cost.new_connections;
    ++calls;
    if (response.status == 429 || Contains(response.body, ">117<")) ++throttled;
    return response;
  }
  std::atomic<int> connections{0}, calls{0}, throttled{0}, max_in_flight{0};

 private:
  std::shared_ptr<HttpTransport> inner_;
  std::atomic<int> in_flight_{0};
};

ClientOptions Watched(const testing::Emulator& emulator, Protocol protocol,
                      std::shared_ptr<Watch>& watch) {
  ClientOptions options = emulator.Options(protocol);
  watch = std::make_shared<Watch>(MakeCurlTransport(options.transport_options));
  options.transport = watch;
  return options;
}

// `count` ids: the five demo budgets spread out, the rest unknown ids (empty slots, 4916).
std::vector<std::int64_t> ManyIds(std::size_t count) {
  std::vector<std::int64_t> ids;
  for (std::size_t i = 0; i < count; ++i) {
    ids.push_back(i % 97 == 0 ? testing::kDemoId + static_cast<std::int64_t>(i / 97 % 5)
                              : static_cast<std::int64_t>(1000 + i));
  }
  return ids;
}

}  // namespace

TEST_CASE("concurrent: one client shared by 8 threads, at most 8 connections") {
  testing::Emulator emulator;
  for (const Protocol protocol : {Protocol::kSoap, Protocol::kRest}) {
    CAPTURE(ToString(protocol));
    std::shared_ptr<Watch> watch;
    const BudgetClient client(Watched(emulator, protocol, watch));
    std::atomic<int> wrong{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < 25; ++i) {
          const std::int64_t id = testing::kDemoId + (t + i) % 5;
          const auto result = client.GetBudgetsByIds({id, 5});
          if (result.Budgets.size() != 2 || !result.Budgets[0] || result.Budgets[0]->Id != id ||
              result.Budgets[1] || result.PartialErrors.size() != 1 ||
              result.TrackingIds.size() != 1) {
            ++wrong;
          }
        }
      });
    }
    for (auto& thread : threads) thread.join();
    CHECK(wrong == 0);
    CHECK(watch->calls == 200);
    CHECK(watch->connections <= 8);
    CHECK(watch->max_in_flight > 1);  // the calls did overlap
    // Sequential calls afterwards reuse one of those connections.
    const int before = watch->connections;
    for (int i = 0; i < 50; ++i) client.GetBudgetsByIds({testing::kDemoId});
    CHECK(watch->connections == before);
  }
}

TEST_CASE("parallel: chunks of a read come back stitched exactly as the sequential read") {
  emulator::ServiceOptions slow;
  slow.faults = {"latency,ms=20"};
  testing::Emulator emulator(slow);
  const std::vector<std::int64_t> ids = ManyIds(1234);  // 13 calls
  for (const Protocol protocol : {Protocol::kSoap, Protocol::kRest}) {
    CAPTURE(ToString(protocol));
    std::shared_ptr<Watch> watch;
    ClientOptions options = Watched(emulator, protocol, watch);
    options.max_concurrency = 1;
    const auto sequential = BudgetClient(options).GetBudgetsByIds(ids);
    CHECK(watch->max_in_flight == 1);
    options.max_concurrency = 0;  // the production default: 4
    const auto parallel = BudgetClient(options).GetBudgetsByIds(ids);
    CHECK(watch->max_in_flight == 4);
    CHECK(parallel.Budgets == sequential.Budgets);
    CHECK(parallel.PartialErrors == sequential.PartialErrors);
    REQUIRE(parallel.PartialErrors.size() == ids.size() - 13);
    CHECK(BaseOf(parallel.PartialErrors.back()).Index == 1233);
    CHECK(parallel.TrackingIds.size() == 13);
    const auto campaigns = BudgetClient(options).GetCampaignIdsByBudgetIds(ids);
    options.max_concurrency = 1;
    CHECK(campaigns.CampaignIdCollection ==
          BudgetClient(options).GetCampaignIdsByBudgetIds(ids).CampaignIdCollection);
  }
  // Sandbox asks for one call at a time.
  std::shared_ptr<Watch> watch;
  ClientOptions sandbox = Watched(emulator, Protocol::kRest, watch);
  sandbox.environment = Environment::kSandbox;
  BudgetClient(sandbox).GetBudgetsByIds(ids);
  CHECK(watch->max_in_flight == 1);
}

TEST_CASE("parallel: TrackingIds follow the order of the calls, not of their answers") {
  emulator::ServiceOptions slow;
  slow.faults = {"latency,ms=5"};
  testing::Emulator emulator(slow);
  // Records, per call, the first id it asked for and the TrackingId that answered it.
  struct Recorder final : HttpTransport {
    std::shared_ptr<HttpTransport> inner;
    std::mutex mutex;
    std::map<std::string, std::string> tracking_by_first_id;
    HttpResponse Send(const HttpRequest& request, const CallContext& context) override {
      HttpResponse response = inner->Send(request, context);
      // {"BudgetIds":["first",...: no std::regex here, whose locale cache races across threads.
      const std::size_t from = request.body.find("[\"") + 2;
      const std::string first = request.body.substr(from, request.body.find('"', from) - from);
      std::lock_guard<std::mutex> lock(mutex);
      tracking_by_first_id[first] = response.Header("TrackingId").value_or("");
      return response;
    }
  };
  auto recorder = std::make_shared<Recorder>();
  ClientOptions options = emulator.Options(Protocol::kRest);
  recorder->inner = MakeCurlTransport(options.transport_options);
  options.transport = recorder;
  options.max_concurrency = 8;
  std::vector<std::int64_t> ids(1000);
  for (std::size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<std::int64_t>(100000 + i);
  const auto result = BudgetClient(options).GetBudgetsByIds(ids);
  REQUIRE(result.TrackingIds.size() == 10);
  for (std::size_t k = 0; k < 10; ++k) {
    CHECK(result.TrackingIds[k] == recorder->tracking_by_first_id[std::to_string(ids[k * 100])]);
  }
}

TEST_CASE(
    "parallel: throttling lowers the concurrency and every pending call honours Retry-After") {
  emulator::ServiceOptions throttling;
  throttling.faults = {"throttle,every=4,retry-after=2"};
  const std::vector<std::int64_t> ids = ManyIds(1600);  // 16 calls
  std::map<int, int> throttled;                         // concurrency -> throttled answers
  for (const int concurrency : {1, 4}) {
    testing::Emulator emulator(throttling);
    std::shared_ptr<Watch> watch;
    ClientOptions options = Watched(emulator, Protocol::kSoap, watch);
    options.max_concurrency = concurrency;
    options.retry.max_attempts = 10;
    std::mutex mutex;
    std::vector<std::chrono::milliseconds> sleeps;
    options.sleep = [&](std::chrono::milliseconds d) {
      std::lock_guard<std::mutex> lock(mutex);
      sleeps.push_back(d);
    };
    const auto result = BudgetClient(options).GetBudgetsByIds(ids);
    CHECK(result.Budgets.size() == ids.size());
    CHECK(result.PartialErrors.size() == ids.size() - 17);
    throttled[concurrency] = watch->throttled;
    CHECK(watch->throttled > 0);
    // Every wait is the service's Retry-After (the calls that were held, and the retries).
    REQUIRE(!sleeps.empty());
    for (const auto d : sleeps) CHECK(d >= std::chrono::milliseconds(1));
    CHECK(std::count(sleeps.begin(), sleeps.end(), std::chrono::milliseconds(2000)) >=
          watch->throttled);
  }
  // A parallel run is throttled no more than a sequential one (one more at most, for a call that
  // was already in flight when the first throttle came).
  CHECK(throttled[4] <= throttled[1] + 1);
}

TEST_CASE("parallel: one client serves many accounts, which the emulator keeps apart") {
  testing::Emulator emulator;
  const BudgetClient client(emulator.Options(Protocol::kRest));
  const BudgetClient first = client.ForAccount("3000001");
  const BudgetClient second = client.ForAccount("3000002", "1234567");
  CHECK(first.Options().credentials.account_id == "3000001");
  CHECK_THROWS_AS(client.ForAccount("12\r\nX-Injected: 1"), Error);
  // Each new account holds its own copy of the demo data, under ids of its own.
  const auto mine = first.GetBudgetsByIds();
  const auto theirs = second.GetBudgetsByIds();
  const auto demo = client.GetBudgetsByIds();
  REQUIRE(mine.Budgets.size() == 5);
  REQUIRE(theirs.Budgets.size() == 5);
  std::set<std::int64_t> seen;
  for (const auto* r : {&mine, &theirs, &demo})
    for (const auto& b : r->Budgets) CHECK(seen.insert(*b->Id).second);  // unique everywhere
  CHECK(demo.Budgets[0]->Id == testing::kDemoId);
  CHECK(mine.Budgets[0]->Name == demo.Budgets[0]->Name);
  CHECK(mine.Budgets[0]->AssociationCount == 2);
  // A budget added in one account is invisible in another: its id is invalid there.
  Budget added;
  added.Name = "Only in 3000001";
  added.Amount = Decimal::FromString("12.5");
  added.BudgetType = budget_type::kDailyBudgetStandard;
  const auto id = first.AddBudgets({added}).BudgetIds.at(0).value();
  CHECK(first.GetBudgetsByIds({id}).Budgets[0]->Name == "Only in 3000001");
  const auto elsewhere = second.GetBudgetsByIds({id});
  CHECK(!elsewhere.Budgets[0]);
  CHECK(BaseOf(elsewhere.PartialErrors.at(0)).Code == 4916);
  // Names are unique per account only.
  CHECK(second.AddBudgets({added}).PartialErrors.empty());
  // Accounts in parallel on the one client.
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      const auto result = client.ForAccount(std::to_string(4000000 + t)).GetBudgetsByIds();
      if (result.Budgets.size() != 5) ++wrong;
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(wrong == 0);
}

TEST_CASE("emulator: accounts in the state file, older state files, and empty new accounts") {
  const auto dir =
      std::filesystem::temp_directory_path() / ("bingads-accounts-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string state = (dir / "state.json").string();
  std::int64_t added_id = 0;
  {
    emulator::ServiceOptions options;
    options.state_file = state;
    testing::Emulator emulator(options);
    const BudgetClient client = BudgetClient(emulator.Options(Protocol::kSoap)).ForAccount("55");
    Budget b;
    b.Name = "Kept";
    b.Amount = Decimal::FromString("1");
    b.BudgetType = budget_type::kDailyBudgetStandard;
    added_id = client.AddBudgets({b}).BudgetIds.at(0).value();
  }
  {
    emulator::ServiceOptions options;
    options.state_file = state;
    testing::Emulator emulator(options);
    const BudgetClient client(emulator.Options(Protocol::kRest));
    CHECK(client.ForAccount("55").GetBudgetsByIds().Budgets.size() == 6);
    CHECK(client.ForAccount("55").GetBudgetsByIds({added_id}).Budgets[0]->Name == "Kept");
    CHECK(client.GetBudgetsByIds({testing::kDemoId}).Budgets[0].has_value());
  }
  // A file of the format before accounts: its budgets are the demo account's.
  std::ofstream(state, std::ios::trunc)
      << R"({"NextId":"9007199254741100","Campaigns":[{"Id":"700000000001","BudgetId":"9007199254741000"}],)"
      << R"("Budgets":[{"Id":"9007199254741000","Name":"Old","Amount":3,"BudgetType":"DailyBudgetStandard"}]})";
  {
    emulator::ServiceOptions options;
    options.state_file = state;
    options.empty_accounts = true;
    testing::Emulator emulator(options);
    const BudgetClient client(emulator.Options(Protocol::kRest));
    const auto old = client.GetBudgetsByIds();
    REQUIRE(old.Budgets.size() == 1);
    CHECK(old.Budgets[0]->Name == "Old");
    CHECK(old.Budgets[0]->AssociationCount == 1);
    CHECK(client.ForAccount("77").GetBudgetsByIds().Budgets.empty());  // --empty-accounts
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("parallel: --accounts writes one ordered JSON line per account, failures included") {
  testing::Emulator emulator;
  const std::string base = emulator.BaseUrl();
  std::string accounts;
  for (int i = 1; i <= 50; ++i) accounts += (i > 1 ? "," : "") + std::to_string(3100000 + i);
  // A budget added in the first account only.
  auto added = testing::RunCli(
      {"--endpoint", base, "--account-id", "3100001", "add", "--file", "-"}, testing::CliTestEnv(),
      R"({"Budgets":[{"Name":"Fan-out only here","Amount":7,)"
      R"("BudgetType":"DailyBudgetStandard"}]})");
  REQUIRE(added.status == cli::kExitOk);
  auto run =
      testing::RunCli({"--endpoint", base, "--parallel", "8", "--accounts", accounts, "get"});
  CHECK(run.status == cli::kExitOk);
  std::istringstream lines(run.out);
  std::string line;
  int n = 0;
  while (std::getline(lines, line)) {
    ++n;
    CAPTURE(line);
    CHECK(line.rfind("{\"AccountId\":\"" + std::to_string(3100000 + n) + "\",\"TrackingId\":", 0) ==
          0);
    CHECK(Contains(line, "Fan-out only here") == (n == 1));
    CHECK(Contains(line, "Lifetime launch"));
  }
  CHECK(n == 50);

  // From a file, with a failing account: its own line names the error; the status says so.
  emulator::ServiceOptions failing;
  failing.faults = {"internal-error,every=3"};
  testing::Emulator flaky(failing);
  const auto file = std::filesystem::temp_directory_path() /
                    ("bingads-accounts-" + std::to_string(::getpid()) + ".txt");
  std::ofstream(file) << "3200001\n3200002 3200003,3200004\n";
  run = testing::RunCli({"--endpoint", flaky.BaseUrl(), "--max-attempts", "1", "--accounts",
                         "@" + file.string(), "campaigns", "--ids", "1"});
  CHECK(run.status == cli::kExitApiFault);
  CHECK(std::count(run.out.begin(), run.out.end(), '\n') == 4);
  CHECK(std::regex_search(
      run.out,
      std::regex(
          R"(\{"AccountId":"320000[1-4]","Error":\{"Kind":"api_fault","Message":"[^"]*InternalError[^"]*","TrackingIds":\["[0-9a-f-]{36}"\]\}\})")));
  std::ofstream(file, std::ios::trunc) << "3200001\n3200002\nabc\n";
  run = testing::RunCli({"--endpoint", flaky.BaseUrl(), "--accounts", "@" + file.string(), "get"});
  CHECK(run.status == cli::kExitUsage);
  CHECK(Contains(run.err, "--accounts @" + file.string() + " line 3: 'abc' is not a number"));
  std::filesystem::remove(file);
}

TEST_CASE("cli: 11,000 ids go in through --ids @FILE and --ids -") {
  testing::Emulator emulator;
  std::string text;
  for (int i = 0; i < 11000; ++i) {
    text += std::to_string(i == 5000 ? testing::kDemoId : 500000 + i);
    text += i % 3 == 0 ? "\n" : i % 3 == 1 ? "," : " ";
  }
  text.back() = '\n';  // a list may end with a newline, not with a comma
  const auto file = std::filesystem::temp_directory_path() /
                    ("bingads-ids-" + std::to_string(::getpid()) + ".txt");
  std::ofstream(file) << text;
  const auto from_file =
      testing::RunCli({"--endpoint", emulator.BaseUrl(), "get", "--ids", "@" + file.string()});
  const auto from_stdin = testing::RunCli({"--endpoint", emulator.BaseUrl(), "get", "--ids", "-"},
                                          testing::CliTestEnv(), text);
  CHECK(from_file.status == cli::kExitOk);
  CHECK(from_stdin.status == cli::kExitOk);
  for (const auto* run : {&from_file, &from_stdin}) {
    CHECK(std::count(run->out.begin(), run->out.end(), '{') > 11000);  // every partial error
    CHECK(Contains(run->out, "\"Index\":10999,"));
    CHECK(Contains(run->out, "\"Id\":\"9007199254740993\""));
  }
  // One call at a time gives the same document, TrackingIds aside.
  const auto one_by_one = testing::RunCli(
      {"--endpoint", emulator.BaseUrl(), "--parallel", "1", "get", "--ids", "@" + file.string()});
  const std::regex tracking(R"("TrackingIds":\[[^\]]*\])");
  CHECK(std::regex_replace(one_by_one.out, tracking, "") ==
        std::regex_replace(from_file.out, tracking, ""));
  std::ofstream(file, std::ios::trunc) << "1,2\n3\n4,x5\n";
  const auto bad =
      testing::RunCli({"--endpoint", emulator.BaseUrl(), "get", "--ids", "@" + file.string()});
  CHECK(bad.status == cli::kExitUsage);
  CHECK(Contains(bad.err, "line 3: 'x5' is not a number"));
  CHECK(testing::RunCli({"get", "--ids", "@/nonexistent/ids"}).status == cli::kExitUsage);
  std::filesystem::remove(file);
}

TEST_CASE("parallel: a failed chunk keeps exactly the chunks before it, as a sequential read") {
  emulator::ServiceOptions failing;
  failing.faults = {"internal-error,every=3"};  // the third call to arrive fails
  testing::Emulator emulator(failing);
  ClientOptions options = emulator.Options(Protocol::kRest);
  options.retry.max_attempts = 1;
  const std::vector<std::int64_t> ids = ManyIds(1000);
  try {
    BudgetClient(options).GetBudgetsByIds(ids);
    FAIL("a chunk should have failed");
  } catch (const BatchInterrupted<GetBudgetsByIdsResult>& e) {
    const std::size_t done = e.CompletedItems();
    CHECK(done % 100 == 0);
    CHECK(done >= 100);  // the third call to arrive: usually one of the first four chunks, but
    CHECK(done <= 900);  // a worker that finished early may have sent a later one first
    CHECK(e.Result().Budgets.size() == done);
    CHECK(e.Result().TrackingIds.size() == done / 100);
    CHECK(e.Kind() == ErrorKind::kApiFault);
  } catch (const ApiFault& e) {
    CHECK(Contains(e.what(), "InternalError"));  // the first chunk was the third call
  }
}
