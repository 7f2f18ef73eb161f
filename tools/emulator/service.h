// bingads-emulator: protocol-neutral budget service over one in-memory store. The SOAP and REST
// fronts decode requests into these calls and encode the results; both see the same data.
#pragma once

#include <bingads/errors.h>
#include <bingads/model.h>

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace bingads::emulator {

/// Header values a request carried, whichever protocol.
struct RequestContext {
  std::string authentication_token;  ///< SOAP AuthenticationToken or the REST Bearer token.
  std::string developer_token;
  std::string customer_id;
  std::string account_id;
};

/// A fault to send instead of a response body.
struct Fault {
  FaultDetail detail;
  int rest_status = 400;  ///< HTTP status of the REST response (SOAP faults use 500).
};

template <typename T>
using Outcome = std::variant<T, Fault>;

/// Limits the documentation states.
inline constexpr std::size_t kMaxItemsPerCall = 100;
inline constexpr std::size_t kMaxBudgetsPerAccount = 11000;
inline constexpr std::size_t kMaxNameLength = 255;

/// A list in a request: nullopt when nil or absent; items may be nil.
using IdList = std::optional<std::vector<std::int64_t>>;
using BudgetList = std::optional<std::vector<std::optional<Budget>>>;

struct ServiceOptions {
  /// Budget names containing one of these (case-insensitively) fail editorial review.
  std::vector<std::string> disapproved_terms = {"casino", "miracle cure"};
  /// When set, the store is loaded from this file at start (if it exists) and written back,
  /// atomically, after every change.
  std::string state_file;
};

class BudgetService {
 public:
  /// Starts from options.state_file when it exists, else with the demo budgets and campaigns.
  /// Throws std::runtime_error when the state file cannot be read (it is never overwritten then).
  explicit BudgetService(ServiceOptions options = {});

  /// A new GUID-shaped tracking id.
  static std::string NewTrackingId();

  /// A fault with one OperationError, for malformed or refused requests.
  static Fault RequestFault(const std::string& tracking_id, std::int32_t code,
                            const std::string& error_code, const std::string& message);

  Outcome<GetBudgetsByIdsResult> GetBudgetsByIds(const RequestContext& context, const IdList& ids,
                                                 const std::string& tracking_id);
  Outcome<AddBudgetsResult> AddBudgets(const RequestContext& context, const BudgetList& budgets,
                                       const std::string& tracking_id);
  Outcome<UpdateBudgetsResult> UpdateBudgets(const RequestContext& context,
                                             const BudgetList& budgets,
                                             const std::string& tracking_id);
  Outcome<DeleteBudgetsResult> DeleteBudgets(const RequestContext& context, const IdList& ids,
                                             const std::string& tracking_id);
  Outcome<GetCampaignIdsByBudgetIdsResult> GetCampaignIdsByBudgetIds(
      const RequestContext& context, const IdList& ids, const std::string& tracking_id);

 private:
  std::optional<Fault> Authenticate(const RequestContext& context,
                                    const std::string& tracking_id) const;
  Budget WithAssociationCount(const Budget& stored) const;
  std::optional<std::int64_t> NameOwner(const std::string& name) const;
  std::optional<std::string> DisapprovedTerm(const std::string& name) const;
  void Save() const;
  void Load();

  ServiceOptions options_;
  mutable std::mutex mutex_;
  std::map<std::int64_t, Budget> budgets_;          // AssociationCount is derived, not stored
  std::map<std::int64_t, std::int64_t> campaigns_;  // campaign id -> budget id
  std::int64_t next_id_ = 0;
};

}  // namespace bingads::emulator
