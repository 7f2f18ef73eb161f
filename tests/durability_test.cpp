// The emulator under concurrent writers and crashes: no acknowledged write is lost or duplicated.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "support.h"

extern char** environ;

namespace {

using bingads::Budget;
using bingads::BudgetClient;
using bingads::ClientOptions;
using bingads::Decimal;
using bingads::Protocol;

Budget NewBudget(const std::string& name) {
  Budget b;
  b.Name = name;
  b.Amount = Decimal::FromString("12.34");
  b.BudgetType = bingads::budget_type::kDailyBudgetStandard;
  return b;
}

// Every budget the service has, by id; fails the test on a repeated id.
std::map<std::int64_t, std::string> Everything(BudgetClient& client) {
  std::map<std::int64_t, std::string> out;
  for (const auto& slot : client.GetBudgetsByIds({}).Budgets) {
    REQUIRE(slot.has_value());
    REQUIRE(slot->Id.has_value());
    CHECK_MESSAGE(out.emplace(*slot->Id, slot->Name.value_or("")).second,
                  "id listed twice: ", *slot->Id);
  }
  return out;
}

std::filesystem::path TempPath(const std::string& stem) {
  return std::filesystem::temp_directory_path() /
         (stem + "-" + std::to_string(::getpid()) + "-" +
          std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
}

}  // namespace

TEST_CASE("emulator: concurrent writers on both protocols never lose or duplicate a budget") {
  const auto state = TempPath("bingads-concurrent") += ".json";
  bingads::emulator::ServiceOptions options;
  options.state_file = state.string();
  testing::Emulator emulator(options);
  BudgetClient reader(emulator.Options(Protocol::kRest));
  const auto initial = Everything(reader);

  constexpr int kThreads = 8, kRounds = 12;
  std::mutex mutex;
  std::map<std::int64_t, std::string> added;  // acknowledged adds
  std::set<std::int64_t> deleted;             // acknowledged deletes
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      BudgetClient client(emulator.Options(t % 2 == 0 ? Protocol::kSoap : Protocol::kRest));
      try {
        for (int r = 0; r < kRounds; ++r) {
          std::vector<Budget> batch;
          for (int k = 0; k < 3; ++k)
            batch.push_back(NewBudget("w" + std::to_string(t) + "-" + std::to_string(r) + "-" +
                                      std::to_string(k) + " é"));
          const auto result = client.AddBudgets(batch);
          if (result.BudgetIds.size() != 3 || !result.PartialErrors.empty()) ++failures;
          std::vector<std::int64_t> ids;
          {
            std::lock_guard<std::mutex> lock(mutex);
            for (std::size_t k = 0; k < result.BudgetIds.size(); ++k) {
              if (!result.BudgetIds[k]) continue;
              ids.push_back(*result.BudgetIds[k]);
              if (!added.emplace(*result.BudgetIds[k], *batch[k].Name).second) ++failures;
            }
          }
          if (ids.empty()) continue;
          // Delete the first of each batch again.
          const auto gone = client.DeleteBudgets({ids.front()});
          if (gone.PartialErrors.empty()) {
            std::lock_guard<std::mutex> lock(mutex);
            deleted.insert(ids.front());
          } else {
            ++failures;
          }
        }
      } catch (const std::exception& e) {
        ++failures;
        MESSAGE("writer ", t, " failed: ", e.what());
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(failures == 0);
  CHECK(added.size() == kThreads * kRounds * 3);
  CHECK(deleted.size() == kThreads * kRounds);

  // Both protocols see the same store: every acknowledged add that was not deleted, once.
  for (Protocol protocol : {Protocol::kSoap, Protocol::kRest}) {
    BudgetClient client(emulator.Options(protocol));
    const auto now = Everything(client);
    CHECK(now.size() == initial.size() + added.size() - deleted.size());
    for (const auto& [id, name] : added) {
      CAPTURE(id);
      if (deleted.count(id)) {
        CHECK(now.count(id) == 0);
      } else {
        REQUIRE(now.count(id) == 1);
        CHECK(now.at(id) == name);
      }
    }
  }
  // And so does a restart from the state file.
  {
    testing::Emulator restarted(options);
    BudgetClient client(restarted.Options(Protocol::kRest));
    CHECK(Everything(client).size() == initial.size() + added.size() - deleted.size());
  }
  std::filesystem::remove(state);
}

TEST_CASE("emulator: a state file that cannot be written undoes the change in memory too") {
  const auto dir = TempPath("bingads-unwritable");
  std::filesystem::create_directories(dir);
  bingads::emulator::ServiceOptions options;
  options.state_file = (dir / "state.json").string();
  testing::Emulator emulator(options);
  BudgetClient client(emulator.Options(Protocol::kRest));
  const auto kept = client.AddBudgets({NewBudget("saved before the disk went away")}).BudgetIds;
  REQUIRE(kept.size() == 1);
  REQUIRE(kept[0].has_value());
  const auto before = Everything(client);
  std::filesystem::remove_all(dir);  // the next save cannot create its temporary file

  CHECK_THROWS_AS(client.AddBudgets({NewBudget("never acknowledged")}), bingads::Error);
  CHECK_THROWS_AS(client.DeleteBudgets({*kept[0]}), bingads::Error);
  auto update = NewBudget("renamed, never acknowledged");
  update.Id = *kept[0];
  CHECK_THROWS_AS(client.UpdateBudgets({update}), bingads::Error);
  CHECK(Everything(client) == before);  // none of the three shows
}

TEST_CASE("emulator: SIGKILL mid-load with --state loses no acknowledged write") {
  const auto state = (TempPath("bingads-sigkill") += ".json").string();
  std::set<std::int64_t> acknowledged;
  std::mt19937 random(20261122);
  for (int round = 0; round < 3; ++round) {
    CAPTURE(round);
    auto emulator =
        std::make_unique<testing::EmulatorProcess>(std::vector<std::string>{"--state", state});
    std::mutex mutex;
    std::atomic<bool> stop{false};
    std::vector<std::thread> writers;
    for (int t = 0; t < 4; ++t) {
      writers.emplace_back([&, t] {
        ClientOptions options = emulator->Options(t % 2 == 0 ? Protocol::kSoap : Protocol::kRest);
        options.retry.max_attempts = 1;  // a failed call is simply not acknowledged
        options.reconcile_writes = false;
        BudgetClient client(options);
        for (int n = 0; !stop; ++n) {
          try {
            const auto result = client.AddBudgets({NewBudget(
                "k" + std::to_string(round) + "-" + std::to_string(t) + "-" + std::to_string(n))});
            std::lock_guard<std::mutex> lock(mutex);
            for (const auto& id : result.BudgetIds)
              if (id) acknowledged.insert(*id);
          } catch (const bingads::Error&) {
            return;  // the emulator is gone: this call was never acknowledged
          }
        }
      });
    }
    std::this_thread::sleep_for(
        std::chrono::milliseconds(std::uniform_int_distribution<int>(150, 450)(random)));
    emulator->Kill();
    stop = true;
    for (auto& writer : writers) writer.join();

    // A restart reads the file (it never is half written) and has every acknowledged add.
    emulator =
        std::make_unique<testing::EmulatorProcess>(std::vector<std::string>{"--state", state});
    BudgetClient client(emulator->Options(Protocol::kRest));
    const auto now = Everything(client);
    std::size_t missing = 0;
    for (std::int64_t id : acknowledged) missing += now.count(id) == 0 ? 1 : 0;
    CHECK(missing == 0);
    CHECK(acknowledged.size() > static_cast<std::size_t>(round));  // the load did run
    emulator->Kill();
  }
  for (const auto& entry :
       std::filesystem::directory_iterator(std::filesystem::path(state).parent_path())) {
    if (entry.path().string().rfind(state, 0) == 0) std::filesystem::remove(entry.path());
  }
}
