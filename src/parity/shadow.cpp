// Shadow reads: the primary answers the caller; a sampled share of reads is repeated on the other
// protocol by one background thread from a bounded queue, and compared.
#include <bingads/shadow.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <random>
#include <thread>

namespace bingads {
namespace {

ClientOptions OtherProtocol(ClientOptions options) {
  options.protocol = options.protocol == Protocol::kSoap ? Protocol::kRest : Protocol::kSoap;
  return options;
}

std::chrono::microseconds Since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                               start);
}

}  // namespace

struct ShadowConnection::Impl {
  Impl(BudgetClient p, BudgetClient s, ShadowOptions o)
      : options(std::move(o)), primary(std::move(p)), shadow(std::move(s)) {
    if (!(options.sample >= 0.0 && options.sample <= 1.0)) {
      throw Error(ErrorKind::kUsage, "ShadowOptions::sample must be from 0 to 1", 0, true);
    }
    worker = std::thread([this] { Work(); });
  }

  ~Impl() {
    {
      std::lock_guard<std::mutex> lock(mutex);
      stopping = true;
      jobs.clear();
    }
    ready.notify_all();
    worker.join();
  }

  bool Sampled() {
    if (options.sample <= 0.0) return false;
    std::lock_guard<std::mutex> lock(mutex);
    const double r =
        options.random ? options.random() : std::uniform_real_distribution<double>(0, 1)(rng);
    return r < options.sample;
  }

  // Never blocks beyond taking the lock: a full queue skips the comparison.
  void Enqueue(std::function<void()> job) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (jobs.size() >= options.queue_capacity) {
        ++counters.skipped;
        return;
      }
      jobs.push_back(std::move(job));
    }
    ready.notify_one();
  }

  void Work() {
    std::unique_lock<std::mutex> lock(mutex);
    while (true) {
      ready.wait(lock, [this] { return stopping || !jobs.empty(); });
      if (stopping) return;
      std::function<void()> job = std::move(jobs.front());
      jobs.pop_front();
      busy = true;
      lock.unlock();
      job();
      lock.lock();
      busy = false;
      idle.notify_all();
    }
  }

  void Record(const ShadowComparison& c) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      ++counters.compared;
      if (!c.shadow_error.empty()) {
        ++counters.shadow_errors;
      } else if (c.report.Parity()) {
        ++counters.matched;
      } else {
        ++counters.mismatched;
      }
    }
    if (options.on_comparison) {
      try {
        options.on_comparison(c);
      } catch (...) {  // the caller's callback must not take the shadow thread down
      }
    }
  }

  // Runs `call` on `client`, and fills the shadow side of `c`; the result when it succeeded.
  template <typename Result, typename Call>
  std::optional<Result> RunShadow(const BudgetClient& client, const Call& call,
                                  ShadowComparison& c) {
    const auto start = std::chrono::steady_clock::now();
    try {
      Result result = call(client);
      c.shadow_latency = Since(start);
      c.shadow_tracking_ids = result.TrackingIds;
      return result;
    } catch (const Error& e) {
      c.shadow_error = e.what();
      c.shadow_tracking_ids = e.AttemptTrackingIds();
    } catch (const std::exception& e) {
      c.shadow_error = e.what();
    }
    c.shadow_latency = Since(start);
    return std::nullopt;
  }

  template <typename Result>
  void Compare(ShadowComparison& c, const Result& primary_result, const Result& shadow_result) {
    c.report = c.primary == Protocol::kSoap ? CompareResults(primary_result, shadow_result)
                                            : CompareResults(shadow_result, primary_result);
  }

  // The primary's answer to the caller; a sampled call is repeated on the shadow in the
  // background. `call(client)` runs the read on a client.
  template <typename Result, typename Call>
  Result Read(const char* operation, Call call) {
    const auto start = std::chrono::steady_clock::now();
    Result result = call(primary);  // its error, if any, is the caller's, and nothing is shadowed
    const auto latency = Since(start);
    if (Sampled()) {
      Enqueue([this, operation, call, result, latency] {
        ShadowComparison c;
        c.operation = operation;
        c.primary = primary.Options().protocol;
        c.primary_latency = latency;
        c.primary_tracking_ids = result.TrackingIds;
        if (auto other = RunShadow<Result>(shadow, call, c)) Compare(c, result, *other);
        Record(c);
      });
    }
    return result;
  }

  // After a write, reads `ids` back on both protocols in the background and compares them.
  void ReadBack(std::vector<std::int64_t> ids) {
    if (!options.read_back_writes || ids.empty()) return;
    Enqueue([this, ids] {
      auto read = [&ids](const BudgetClient& client) { return client.GetBudgetsByIds(ids); };
      ShadowComparison c;
      c.operation = "GetBudgetsByIds";
      c.primary = primary.Options().protocol;
      std::optional<GetBudgetsByIdsResult> mine;
      {
        ShadowComparison own;  // the primary side, read in the background too
        mine = RunShadow<GetBudgetsByIdsResult>(primary, read, own);
        c.primary_latency = own.shadow_latency;
        c.primary_tracking_ids = own.shadow_tracking_ids;
        if (!mine) c.shadow_error = "reading back on the primary failed: " + own.shadow_error;
      }
      if (mine) {
        if (auto other = RunShadow<GetBudgetsByIdsResult>(shadow, read, c)) {
          Compare(c, *mine, *other);
        }
      }
      Record(c);
    });
  }

  ShadowOptions options;
  const BudgetClient primary;
  const BudgetClient shadow;
  mutable std::mutex mutex;
  std::condition_variable ready, idle;
  std::deque<std::function<void()>> jobs;
  bool stopping = false;
  bool busy = false;
  ShadowCounters counters;
  std::mt19937_64 rng{std::random_device{}()};
  std::thread worker;
};

ShadowConnection::ShadowConnection(BudgetClient primary, BudgetClient shadow, ShadowOptions options)
    : impl_(std::make_unique<Impl>(std::move(primary), std::move(shadow), std::move(options))) {}
ShadowConnection::~ShadowConnection() = default;

GetBudgetsByIdsResult ShadowConnection::GetBudgetsByIds(
    const std::vector<std::int64_t>& budget_ids) {
  return impl_->Read<GetBudgetsByIdsResult>(
      "GetBudgetsByIds",
      [budget_ids](const BudgetClient& client) { return client.GetBudgetsByIds(budget_ids); });
}

GetCampaignIdsByBudgetIdsResult ShadowConnection::GetCampaignIdsByBudgetIds(
    const std::vector<std::int64_t>& budget_ids) {
  return impl_->Read<GetCampaignIdsByBudgetIdsResult>(
      "GetCampaignIdsByBudgetIds", [budget_ids](const BudgetClient& client) {
        return client.GetCampaignIdsByBudgetIds(budget_ids);
      });
}

AddBudgetsResult ShadowConnection::AddBudgets(const std::vector<Budget>& budgets) {
  AddBudgetsResult result = impl_->primary.AddBudgets(budgets);
  std::vector<std::int64_t> ids;
  for (const auto& id : result.BudgetIds)
    if (id) ids.push_back(*id);
  impl_->ReadBack(std::move(ids));
  return result;
}

UpdateBudgetsResult ShadowConnection::UpdateBudgets(const std::vector<Budget>& budgets) {
  UpdateBudgetsResult result = impl_->primary.UpdateBudgets(budgets);
  std::vector<std::int64_t> ids;
  for (const auto& b : budgets)
    if (b.Id) ids.push_back(*b.Id);
  impl_->ReadBack(std::move(ids));
  return result;
}

DeleteBudgetsResult ShadowConnection::DeleteBudgets(const std::vector<std::int64_t>& budget_ids) {
  DeleteBudgetsResult result = impl_->primary.DeleteBudgets(budget_ids);
  impl_->ReadBack(budget_ids);
  return result;
}

const ClientOptions& ShadowConnection::Options() const { return impl_->primary.Options(); }

Pacing ShadowConnection::CurrentPacing() const { return impl_->primary.CurrentPacing(); }

bool ShadowConnection::Drain(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(impl_->mutex);
  return impl_->idle.wait_for(lock, timeout,
                              [this] { return impl_->jobs.empty() && !impl_->busy; });
}

ShadowCounters ShadowConnection::Counters() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->counters;
}

const BudgetClient& ShadowConnection::Primary() const { return impl_->primary; }
const BudgetClient& ShadowConnection::Shadow() const { return impl_->shadow; }

ShadowClient::ShadowClient(ShadowOptions options) {
  BudgetClient primary(options.client);
  BudgetClient shadow(OtherProtocol(options.client));
  connection_ =
      std::make_shared<ShadowConnection>(std::move(primary), std::move(shadow), std::move(options));
}
ShadowClient::~ShadowClient() = default;

GetBudgetsByIdsResult ShadowClient::GetBudgetsByIds(const std::vector<std::int64_t>& budget_ids) {
  return connection_->GetBudgetsByIds(budget_ids);
}
GetCampaignIdsByBudgetIdsResult ShadowClient::GetCampaignIdsByBudgetIds(
    const std::vector<std::int64_t>& budget_ids) {
  return connection_->GetCampaignIdsByBudgetIds(budget_ids);
}
AddBudgetsResult ShadowClient::AddBudgets(const std::vector<Budget>& budgets) {
  return connection_->AddBudgets(budgets);
}
UpdateBudgetsResult ShadowClient::UpdateBudgets(const std::vector<Budget>& budgets) {
  return connection_->UpdateBudgets(budgets);
}
DeleteBudgetsResult ShadowClient::DeleteBudgets(const std::vector<std::int64_t>& budget_ids) {
  return connection_->DeleteBudgets(budget_ids);
}
bool ShadowClient::Drain(std::chrono::milliseconds timeout) { return connection_->Drain(timeout); }
ShadowCounters ShadowClient::Counters() const { return connection_->Counters(); }
const BudgetClient& ShadowClient::Primary() const { return connection_->Primary(); }
const BudgetClient& ShadowClient::Shadow() const { return connection_->Shadow(); }
const std::shared_ptr<ShadowConnection>& ShadowClient::Connection() const { return connection_; }

}  // namespace bingads
