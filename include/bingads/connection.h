/// @file
/// bingads-budgets: the seam between BudgetClient and the wire. A BudgetConnection does the five
/// operations in domain types; MakeBudgetConnection gives the real one, and a test of your own
/// can put a fake in its place without any HTTP (examples/fake_connection.cpp).
#pragma once

#include <bingads/export.h>
#include <bingads/model.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace bingads {

struct ClientOptions;

/// How fast a client sends to its customer now: the adaptive limit of
/// ClientOptions::adaptive_concurrency, shared by the client, its copies and ForAccount clients
/// of the same customer. For progress lines; a snapshot, which the next answer may change.
struct Pacing {
  int concurrency = 0;          ///< Calls at once the limit allows now (0: not known).
  double calls_per_second = 0;  ///< The send rate; 0 while no throttle was seen (no rate).
  long throttled = 0;           ///< Throttled answers (HTTP 429, code 117) seen.
};

/// One virtual per operation, domain types in and out; BudgetClient calls it. The real one
/// (MakeBudgetConnection) splits past 100 items, runs reads in parallel, retries, reconciles
/// writes whose answer was lost, and is thread-safe; decorators (shadow reads) wrap one.
class BINGADS_EXPORT BudgetConnection {
 public:
  virtual ~BudgetConnection() = default;
  /// GetBudgetsByIds; an empty list asks for every budget of the account.
  virtual GetBudgetsByIdsResult GetBudgetsByIds(const std::vector<std::int64_t>& budget_ids) = 0;
  /// AddBudgets: the new ids, one slot per budget.
  virtual AddBudgetsResult AddBudgets(const std::vector<Budget>& budgets) = 0;
  /// UpdateBudgets: partial errors only.
  virtual UpdateBudgetsResult UpdateBudgets(const std::vector<Budget>& budgets) = 0;
  /// DeleteBudgets: partial errors only.
  virtual DeleteBudgetsResult DeleteBudgets(const std::vector<std::int64_t>& budget_ids) = 0;
  /// GetCampaignIdsByBudgetIds: one slot per budget id.
  virtual GetCampaignIdsByBudgetIdsResult GetCampaignIdsByBudgetIds(
      const std::vector<std::int64_t>& budget_ids) = 0;
  /// A connection for another account (and customer, when given) sharing this one's resources.
  /// The default refuses with Error(kUsage): a fake serves the account it was made for.
  virtual std::shared_ptr<BudgetConnection> ForAccount(const std::string& account_id,
                                                       const std::string& customer_id);
  /// The options it was made with; the default is ClientOptions' defaults.
  virtual const ClientOptions& Options() const;
  /// How fast it sends to its customer now; the default knows nothing (all zero).
  virtual Pacing CurrentPacing() const;
};

/// The real connection: libcurl (or options.transport), the codec of options.protocol, retries,
/// parallel reads, reconciled writes. Throws Error(kUsage) for options that cannot be sent, as
/// BudgetClient's constructor does.
BINGADS_EXPORT std::shared_ptr<BudgetConnection> MakeBudgetConnection(ClientOptions options);

}  // namespace bingads
