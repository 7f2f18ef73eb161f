#include <bingads/client.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <random>
#include <span>
#include <string>
#include <thread>
#include <type_traits>

#include "call_loop.h"
#include "codec.h"
#include "internal.h"
#include "reconcile.h"

namespace bingads {

std::optional<Protocol> ParseProtocol(std::string_view text) {
  if (text == "soap") return Protocol::kSoap;
  if (text == "rest") return Protocol::kRest;
  return std::nullopt;
}

std::optional<Environment> ParseEnvironment(std::string_view text) {
  if (text == "production") return Environment::kProduction;
  if (text == "sandbox") return Environment::kSandbox;
  return std::nullopt;
}

const char* ToString(Protocol protocol) { return protocol == Protocol::kSoap ? "soap" : "rest"; }

std::string DefaultBaseUrl(Environment environment) {
  return environment == Environment::kSandbox ? "https://campaign.api.sandbox.bingads.microsoft.com"
                                              : "https://campaign.api.bingads.microsoft.com";
}

int ReadConcurrency(const ClientOptions& options) {
  if (options.max_concurrency > 0) return options.max_concurrency;
  return options.environment == Environment::kSandbox ? 1 : 4;
}

namespace {

// What every connection made from one (ForAccount) shares: the service-neutral core (transport,
// tokens, log, jitter) and a pool of codecs. Thread-safe.

struct BudgetShared {
  explicit BudgetShared(const ClientOptions& options) : core(options), protocol(options.protocol) {}

  // A codec for one call: codecs are not thread-safe, so each call takes one of its own from a
  // pool (or a new one) and gives it back.
  std::unique_ptr<internal::Codec> TakeCodec() {
    std::lock_guard<std::mutex> lock(codec_mutex);
    if (codecs.empty()) {
      return protocol == Protocol::kSoap ? internal::MakeSoapCodec() : internal::MakeRestCodec();
    }
    std::unique_ptr<internal::Codec> codec = std::move(codecs.back());
    codecs.pop_back();
    return codec;
  }
  void ReturnCodec(std::unique_ptr<internal::Codec> codec) {
    std::lock_guard<std::mutex> lock(codec_mutex);
    codecs.push_back(std::move(codec));
  }

  internal::ServiceCore core;
  const Protocol protocol;
  std::mutex codec_mutex;
  std::vector<std::unique_ptr<internal::Codec>> codecs;
};

// The real BudgetConnection: batching, parallel reads, retries and reconciled writes over the
// codec of one protocol and one transport. ForAccount connections share everything but the
// account.
class Connection final : public BudgetConnection {
 public:
  Connection(ClientOptions o, std::shared_ptr<BudgetShared> s)
      : options(internal::Checked(o, DefaultBaseUrl(o.environment))),
        shared(s ? std::move(s) : std::make_shared<BudgetShared>(options)),
        loop(options, shared->core,
             internal::TargetOf(options, DefaultBaseUrl(options.environment))) {}

  // True when every position 0..count-1 has at least one partial error.
  static bool Explained(const std::vector<PartialError>& errors, std::size_t count) {
    std::vector<bool> seen(count, false);
    for (const PartialError& e : errors) {
      const std::int32_t index = BaseOf(e).Index;
      if (index >= 0 && static_cast<std::size_t>(index) < count) {
        seen[static_cast<std::size_t>(index)] = true;
      }
    }
    return std::all_of(seen.begin(), seen.end(), [](bool b) { return b; });
  }

  // Each chunk's result or error, from RunChunks; a chunk after the first failure in order may
  // be left empty.
  template <typename Result>
  struct Parts {
    explicit Parts(std::size_t chunks) : results(chunks), failures(chunks) {}
    std::vector<std::optional<Result>> results;
    std::vector<std::exception_ptr> failures;
  };

  // Runs an operation over `items` in calls of at most kMaxItemsPerCall and stitches the results
  // in order. `call(chunk)` does one chunk; `slots` is the result's positional list (a
  // member pointer), or nullptr for operations without one. An empty list is sent as one call.
  // Reads run up to ReadConcurrency(options) chunks at once; writes one at a time, in order.
  template <typename Result, typename Item, typename ChunkCall, typename Slots>
  Result Batched(const std::vector<Item>& items, ChunkCall call, Slots slots,
                 Idempotency idempotency) const {
    const std::span<const Item> all(items);
    const std::size_t size = all.size();
    const std::size_t step = BudgetClient::kMaxItemsPerCall;
    const std::size_t chunks = size == 0 ? 1 : (size + step - 1) / step;
    auto chunk_at = [&](std::size_t k) {
      const std::size_t offset = k * step;
      return all.subspan(std::min(offset, size), std::min(step, size - std::min(offset, size)));
    };
    const int concurrency = idempotency == Idempotency::kRead
                                ? static_cast<int>(std::min<std::size_t>(
                                      static_cast<std::size_t>(ReadConcurrency(options)), chunks))
                                : 1;
    Parts<Result> parts(chunks);
    RunChunks(parts, concurrency, [&](std::size_t k) { return call(chunk_at(k)); });
    Result total;
    for (std::size_t k = 0; k < chunks; ++k) {
      const std::size_t offset = k * step;
      if (parts.failures[k]) {  // the first failure in order; every chunk before it has its part
        try {
          std::rethrow_exception(parts.failures[k]);
        } catch (const Error& e) {
          if (offset == 0) throw;
          throw BatchInterrupted<Result>(std::move(total), offset, size, parts.failures[k], e);
        }
      }
      Stitch(total, std::move(parts.results[k].value()), chunk_at(k).size(), offset, slots);
    }
    return total;
  }

  // Runs `run(k)` for every chunk k: in order, one at a time (stopping at the first failure), or
  // from `concurrency` threads, whose sends the customer's adaptive limit paces.
  template <typename Result, typename RunChunk>
  void RunChunks(Parts<Result>& parts, int concurrency, RunChunk run) const {
    const std::size_t chunks = parts.results.size();
    if (concurrency <= 1) {
      for (std::size_t k = 0; k < chunks; ++k) {
        try {
          parts.results[k] = run(k);
        } catch (const Error&) {
          parts.failures[k] = std::current_exception();
          return;
        }
      }
      return;
    }
    std::atomic<std::size_t> next{0};
    std::atomic<std::size_t> first_failure{chunks};
    auto work = [&] {
      while (true) {
        const std::size_t k = next.fetch_add(1);
        if (k >= chunks || k > first_failure.load()) return;
        try {
          parts.results[k] = run(k);
        } catch (...) {  // nothing may escape a thread; rethrown by Batched, in order
          parts.failures[k] = std::current_exception();
          std::size_t seen = first_failure.load();
          while (k < seen && !first_failure.compare_exchange_weak(seen, k)) {
          }
        }
      }
    };
    std::vector<std::thread> helpers;
    for (int t = 1; t < concurrency; ++t) helpers.emplace_back(work);
    work();
    for (auto& helper : helpers) helper.join();
  }

  // Adds one chunk's result (`count` items from position `offset`) to `total`: its slots, checked
  // to be one per item; its partial errors, their Index remapped; its TrackingIds and
  // reconciliations.
  template <typename Result, typename Slots>
  static void Stitch(Result& total, Result part, std::size_t count, std::size_t offset,
                     Slots slots) {
    if constexpr (!std::is_same_v<Slots, std::nullptr_t>) {
      auto& list = part.*slots;
      // One slot per item. A missing or empty list stands for "none of them" only when a partial
      // error explains every position; otherwise something was lost on the way (e.g. items in an
      // unexpected namespace) and pretending nothing happened would be a silent wrong answer.
      if (count > 0 && list.empty() && Explained(part.PartialErrors, count)) list.resize(count);
      if (count > 0 && list.size() != count) {
        throw Error(
            ErrorKind::kMalformedResponse,
            "the service returned " + std::to_string(list.size()) + " slots for " +
                std::to_string(count) + " items, so positions cannot be trusted" +
                (part.TrackingIds.empty() ? "" : " (TrackingId " + part.TrackingIds.back() + ")"));
      }
      auto& out = total.*slots;
      out.insert(out.end(), std::make_move_iterator(list.begin()),
                 std::make_move_iterator(list.end()));
    }
    for (PartialError& error : part.PartialErrors) {
      BatchError& base = BaseOf(error);
      // Index is the position within this call; an index outside it is left as sent.
      if (base.Index >= 0 && static_cast<std::size_t>(base.Index) < count) {
        base.Index += static_cast<std::int32_t>(offset);
      }
      total.PartialErrors.push_back(std::move(error));
    }
    total.TrackingIds.insert(total.TrackingIds.end(), part.TrackingIds.begin(),
                             part.TrackingIds.end());
    total.reconciliations.insert(total.reconciliations.end(), part.reconciliations.begin(),
                                 part.reconciliations.end());
  }

  // Batched + Call for one operation: `encode(target, chunk)` and `decode(response)` are the
  // codec's member functions for it.
  template <typename Result, typename Item, typename Slots>
  Result Run(const char* operation, Idempotency idempotency, const std::vector<Item>& items,
             HttpRequest (internal::Codec::*encode)(const internal::CallTarget&,
                                                    std::span<const Item>),
             Result (internal::Codec::*decode)(const HttpResponse&), Slots slots) const {
    auto send = [&](std::span<const Item> chunk) {
      std::unique_ptr<internal::Codec> codec = shared->TakeCodec();
      struct GiveBack {
        BudgetShared& shared;
        std::unique_ptr<internal::Codec>& codec;
        ~GiveBack() { shared.ReturnCodec(std::move(codec)); }
      } give_back{*shared, codec};
      return loop.Call<Result>(
          operation, idempotency,
          [&](const internal::CallTarget& t) { return (codec.get()->*encode)(t, chunk); },
          [&](const HttpResponse& r) { return (codec.get()->*decode)(r); });
    };
    return Batched<Result>(
        items,
        [&](std::span<const Item> chunk) {
          if (idempotency == Idempotency::kRead) return send(chunk);
          const WriteCall<Result, Item> call{
              operation, static_cast<std::size_t>(chunk.data() - items.data()), loop.Now(),
              [&](std::span<const Item> part) { return send(part); }};
          return Write(call, chunk);
        },
        slots, idempotency);
  }

  // One write call of Batched: what it is, where its items start in the caller's list, when it
  // was first sent, and how to send (some of) its items.
  template <typename Result, typename Item>
  struct WriteCall {
    const char* operation;
    std::size_t first;
    std::chrono::steady_clock::time_point start;
    std::function<Result(std::span<const Item>)> send;
  };

  // Sends a write call. When its answer is lost (WriteOutcomeUnknown), settles it by reading
  // back (reconcile_writes), or says which items are unknown.
  template <typename Result, typename Item>
  Result Write(const WriteCall<Result, Item>& call, std::span<const Item> items) const {
    std::vector<std::size_t> positions(items.size());
    for (std::size_t i = 0; i < items.size(); ++i) positions[i] = call.first + i;
    try {
      return call.send(items);
    } catch (Error& e) {
      if (!WriteOutcomeUnknown(e)) throw;
      if (!options.reconcile_writes) {
        e.AppendNote(" [" + std::string(call.operation) + " " + Positions(positions) +
                     ": outcome unknown, the answer was lost; they may or may not have been " +
                     "done (reconcile_writes, CLI without --no-reconcile, settles them)]");
        throw;
      }
      return Reconcile(call, items, positions, e, 1);
    }
  }

  // Settles the items of a write call whose answer was lost: reads the account back, counts what
  // it shows done, and sends the rest again (settling again if that answer is lost too), within
  // the retry policy's attempts and time. `positions` are the items' places in the caller's list.
  template <typename Result, typename Item>
  Result Reconcile(const WriteCall<Result, Item>& call, std::span<const Item> items,
                   const std::vector<std::size_t>& positions, const Error& cause, int round) const {
    Reconciliation record;
    record.operation = call.operation;
    record.first_item = positions.front();
    record.items = items.size();
    record.cause = cause.what();
    loop.Sleep(options.retry.initial_backoff);  // a service slow to answer may still be at it
    internal::Settlement settled;
    try {
      settled = ReadAndSettle<Result>(items, record.read_tracking_ids);
    } catch (const Error& e) {
      throw Unsettled(call, positions, cause,
                      "reading the account back failed: " + std::string(e.what()), nullptr);
    }
    Result result = SettledResult<Result>(settled, cause.AttemptTrackingIds());
    record.settled = settled.settled;
    record.conflicts = settled.conflicts.size();
    record.resent = settled.resend.size();
    result.reconciliations.push_back(std::move(record));
    if (settled.resend.empty()) return result;
    if (round >= options.retry.max_attempts || loop.Now() - call.start >= options.retry.max_total) {
      throw Unsettled(call, positions, cause, "no attempts or time left to send them again",
                      &settled);
    }
    std::vector<Item> again;
    std::vector<std::size_t> again_positions;
    for (const std::size_t i : settled.resend) {
      again.push_back(items[i]);
      again_positions.push_back(positions[i]);
    }
    Result part;
    try {
      part = call.send(again);
    } catch (Error& e) {
      const std::string known = Known(positions, settled);
      if (!WriteOutcomeUnknown(e)) {
        if (!known.empty()) e.AppendNote(" [" + known + "]");
        throw;
      }
      try {
        part = Reconcile(call, std::span<const Item>(again), again_positions, e, round + 1);
      } catch (Error& deeper) {
        if (!known.empty()) deeper.AppendNote("; " + known);
        throw;
      }
    }
    MergeResent(result, std::move(part), settled.resend);
    return result;
  }

  // Reads back what a write call's items should have changed and settles them.
  template <typename Result, typename Item>
  internal::Settlement ReadAndSettle(std::span<const Item> items,
                                     std::vector<std::string>& tracking) const {
    std::vector<std::int64_t> ids;  // AddBudgets: none, so every budget of the account
    if constexpr (std::is_same_v<Item, Budget>) {
      if constexpr (std::is_same_v<Result, UpdateBudgetsResult>) {
        for (const Budget& b : items)
          if (b.Id) ids.push_back(*b.Id);
      }
    } else {
      ids.assign(items.begin(), items.end());
    }
    const GetBudgetsByIdsResult read =
        Run("GetBudgetsByIds", Idempotency::kRead, ids, &internal::Codec::EncodeGetBudgetsByIds,
            &internal::Codec::DecodeGetBudgetsByIds, &GetBudgetsByIdsResult::Budgets);
    tracking = read.TrackingIds;
    if constexpr (std::is_same_v<Result, AddBudgetsResult>) {
      return internal::SettleAdds(items, read.Budgets);
    } else if constexpr (std::is_same_v<Result, UpdateBudgetsResult>) {
      return internal::SettleUpdates(items, read.Budgets);
    } else {
      return internal::SettleDeletes(items, read.Budgets);
    }
  }

  // The result of a settled call, before its resent items are merged in.
  template <typename Result>
  static Result SettledResult(const internal::Settlement& settled,
                              const std::vector<std::string>& lost_tracking) {
    Result result;
    if constexpr (std::is_same_v<Result, AddBudgetsResult>) result.BudgetIds = settled.ids;
    result.PartialErrors = settled.conflicts;
    result.TrackingIds = lost_tracking;
    return result;
  }

  // Puts the answer to the resent items (positions `resend` of the call) into `result`.
  template <typename Result>
  static void MergeResent(Result& result, Result part, const std::vector<std::size_t>& resend) {
    if constexpr (std::is_same_v<Result, AddBudgetsResult>) {
      if (!part.BudgetIds.empty() && part.BudgetIds.size() != resend.size()) {
        throw Error(ErrorKind::kMalformedResponse,
                    "the service returned " + std::to_string(part.BudgetIds.size()) +
                        " slots for " + std::to_string(resend.size()) +
                        " items sent again, so positions cannot be trusted");
      }
      for (std::size_t j = 0; j < part.BudgetIds.size(); ++j)
        result.BudgetIds[resend[j]] = part.BudgetIds[j];
    }
    for (PartialError& error : part.PartialErrors) {
      BatchError& base = BaseOf(error);
      if (base.Index >= 0 && static_cast<std::size_t>(base.Index) < resend.size()) {
        base.Index = static_cast<std::int32_t>(resend[static_cast<std::size_t>(base.Index)]);
      }
      result.PartialErrors.push_back(std::move(error));
    }
    result.TrackingIds.insert(result.TrackingIds.end(), part.TrackingIds.begin(),
                              part.TrackingIds.end());
    result.reconciliations.insert(result.reconciliations.end(), part.reconciliations.begin(),
                                  part.reconciliations.end());
  }

  // The error of a write call that could not be settled: which items are known, which not.
  template <typename Result, typename Item>
  static Error Unsettled(const WriteCall<Result, Item>& call,
                         const std::vector<std::size_t>& positions, const Error& cause,
                         const std::string& why, const internal::Settlement* settled) {
    std::string known = settled != nullptr ? Known(positions, *settled) : "";
    std::vector<std::size_t> unknown = positions;
    if (settled != nullptr) {
      unknown.clear();
      for (const std::size_t i : settled->resend) unknown.push_back(positions[i]);
    }
    Error error(cause.Kind(),
                std::string(call.operation) + ": the answer was lost (" + cause.what() + ") and " +
                    why + "; " + Positions(unknown) + ": outcome unknown" +
                    (known.empty() ? "" : "; " + known),
                cause.HttpStatus());
    error.SetAttemptTrackingIds(cause.AttemptTrackingIds());
    return error;
  }

  // What the read-back settled, by the caller's positions.
  static std::string Known(const std::vector<std::size_t>& positions,
                           const internal::Settlement& settled) {
    std::vector<std::size_t> done;
    std::vector<bool> resent(positions.size(), false);
    for (const std::size_t i : settled.resend) resent[i] = true;
    for (const PartialError& e : settled.conflicts)
      resent[static_cast<std::size_t>(BaseOf(e).Index)] = true;
    for (std::size_t i = 0; i < positions.size(); ++i)
      if (!resent[i]) done.push_back(positions[i]);
    std::string text = done.empty() ? "" : Positions(done) + ": done (read back)";
    if (!settled.conflicts.empty()) {
      std::vector<std::size_t> conflicts;
      for (const PartialError& e : settled.conflicts)
        conflicts.push_back(positions[static_cast<std::size_t>(BaseOf(e).Index)]);
      text += (text.empty() ? "" : "; ") + Positions(conflicts) +
              ": held with other values than were sent";
    }
    return text;
  }

  // "items 3, 4, 7" of the caller's list, runs shortened ("items 100 to 199").
  static std::string Positions(const std::vector<std::size_t>& positions) {
    std::string text = positions.size() == 1 ? "item " : "items ";
    for (std::size_t i = 0; i < positions.size();) {
      std::size_t j = i;
      while (j + 1 < positions.size() && positions[j + 1] == positions[j] + 1) ++j;
      text += (i ? ", " : "") + std::to_string(positions[i]) +
              (j > i ? " to " + std::to_string(positions[j]) : "");
      i = j + 1;
    }
    return text;
  }

  GetBudgetsByIdsResult GetBudgetsByIds(const std::vector<std::int64_t>& budget_ids) override {
    return Run("GetBudgetsByIds", Idempotency::kRead, budget_ids,
               &internal::Codec::EncodeGetBudgetsByIds, &internal::Codec::DecodeGetBudgetsByIds,
               &GetBudgetsByIdsResult::Budgets);
  }

  AddBudgetsResult AddBudgets(const std::vector<Budget>& budgets) override {
    return Run("AddBudgets", Idempotency::kWrite, budgets, &internal::Codec::EncodeAddBudgets,
               &internal::Codec::DecodeAddBudgets, &AddBudgetsResult::BudgetIds);
  }

  UpdateBudgetsResult UpdateBudgets(const std::vector<Budget>& budgets) override {
    return Run("UpdateBudgets", Idempotency::kWrite, budgets, &internal::Codec::EncodeUpdateBudgets,
               &internal::Codec::DecodeUpdateBudgets, nullptr);
  }

  DeleteBudgetsResult DeleteBudgets(const std::vector<std::int64_t>& budget_ids) override {
    return Run("DeleteBudgets", Idempotency::kWrite, budget_ids,
               &internal::Codec::EncodeDeleteBudgets, &internal::Codec::DecodeDeleteBudgets,
               nullptr);
  }

  GetCampaignIdsByBudgetIdsResult GetCampaignIdsByBudgetIds(
      const std::vector<std::int64_t>& budget_ids) override {
    return Run("GetCampaignIdsByBudgetIds", Idempotency::kRead, budget_ids,
               &internal::Codec::EncodeGetCampaignIdsByBudgetIds,
               &internal::Codec::DecodeGetCampaignIdsByBudgetIds,
               &GetCampaignIdsByBudgetIdsResult::CampaignIdCollection);
  }

  std::shared_ptr<BudgetConnection> ForAccount(const std::string& account_id,
                                               const std::string& customer_id) override {
    return std::make_shared<Connection>(
        internal::OptionsForAccount(options, account_id, customer_id), shared);
  }

  const ClientOptions& Options() const override { return options; }

  Pacing CurrentPacing() const override {
    const internal::AdaptiveLimit::State now = loop.Limit().Snapshot();
    return Pacing{now.limit, now.rate, now.throttled};
  }

  const ClientOptions options;
  const std::shared_ptr<BudgetShared> shared;
  const internal::CallLoop loop;
};

}  // namespace

std::shared_ptr<BudgetConnection> BudgetConnection::ForAccount(const std::string&,
                                                               const std::string&) {
  throw Error(ErrorKind::kUsage, "this BudgetConnection serves one account (no ForAccount)", 0,
              true);
}

const ClientOptions& BudgetConnection::Options() const {
  static const ClientOptions kDefaults;
  return kDefaults;
}

Pacing BudgetConnection::CurrentPacing() const { return {}; }

std::shared_ptr<BudgetConnection> MakeBudgetConnection(ClientOptions options) {
  return std::make_shared<Connection>(std::move(options), nullptr);
}

BudgetClient::BudgetClient(ClientOptions options)
    : connection_(MakeBudgetConnection(std::move(options))) {}
BudgetClient::BudgetClient(std::shared_ptr<BudgetConnection> connection)
    : connection_(std::move(connection)) {
  if (!connection_) throw Error(ErrorKind::kUsage, "BudgetClient: the connection is null", 0, true);
}
BudgetClient::~BudgetClient() = default;
BudgetClient::BudgetClient(const BudgetClient&) = default;
BudgetClient& BudgetClient::operator=(const BudgetClient&) = default;
BudgetClient::BudgetClient(BudgetClient&&) noexcept = default;
BudgetClient& BudgetClient::operator=(BudgetClient&&) noexcept = default;

BudgetClient BudgetClient::ForAccount(std::string account_id, std::string customer_id) const {
  return BudgetClient(connection_->ForAccount(account_id, customer_id));
}

const ClientOptions& BudgetClient::Options() const { return connection_->Options(); }

Pacing BudgetClient::CurrentPacing() const { return connection_->CurrentPacing(); }

const std::shared_ptr<BudgetConnection>& BudgetClient::Connection() const { return connection_; }

GetBudgetsByIdsResult BudgetClient::GetBudgetsByIds(
    const std::vector<std::int64_t>& budget_ids) const {
  return connection_->GetBudgetsByIds(budget_ids);
}

AddBudgetsResult BudgetClient::AddBudgets(const std::vector<Budget>& budgets) const {
  return connection_->AddBudgets(budgets);
}

UpdateBudgetsResult BudgetClient::UpdateBudgets(const std::vector<Budget>& budgets) const {
  return connection_->UpdateBudgets(budgets);
}

DeleteBudgetsResult BudgetClient::DeleteBudgets(const std::vector<std::int64_t>& budget_ids) const {
  return connection_->DeleteBudgets(budget_ids);
}

GetCampaignIdsByBudgetIdsResult BudgetClient::GetCampaignIdsByBudgetIds(
    const std::vector<std::int64_t>& budget_ids) const {
  return connection_->GetCampaignIdsByBudgetIds(budget_ids);
}

}  // namespace bingads
