// bingads-emulator: protocol-neutral budget service over one in-memory store, partitioned by
// account (CustomerAccountId). The SOAP and REST fronts decode requests into these calls and
// encode the results; both see the same data.
#pragma once

#include <bingads/errors.h>
#include <bingads/model.h>
#include <bingads/usage.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "faults.h"
#include "rate_limit.h"
#include "state.h"

namespace bingads::emulator {

class ReportingService;

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
  std::optional<int> retry_after_seconds;  ///< Sent as Retry-After (throttling).
};

/// A reply of the token endpoint: HTTP status and JSON body.
struct TokenReply {
  int status = 200;
  std::string body;
};

template <typename T>
using Outcome = std::variant<T, Fault>;

/// The demo account: it keeps the fixed demo ids (from 9007199254740993, above 2^53) that the
/// demo, the tests and the official-WSDL client use. Every other account gets a copy of the demo
/// data under ids of its own on its first call.
inline constexpr const char* kDemoAccountId = "2000002";

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
  /// Life of the access tokens the token endpoint issues.
  std::chrono::seconds token_ttl{3600};
  /// The refresh token accepted at start; each use returns a new one and retires the old one.
  std::string refresh_token = "emulator-refresh-token";
  /// Faults on API calls (not token calls), as specs (faults.h: ParseFaultSpec), e.g.
  /// "throttle,every=4,retry-after=2" or "drop,operation=writes,once"; the server applies them.
  std::vector<std::string> faults;
  std::uint64_t fault_seed = 1;       ///< every fault's draws come from it
  bool soap_faults_with_200 = false;  ///< SOAP faults with HTTP 200 instead of 500
  bool empty_accounts = false;        ///< accounts made by a first call start with no budgets
  /// Test hook for token expiry; null means steady_clock.
  std::function<std::chrono::steady_clock::time_point()> clock;
  /// The call-rate limit per customer (RateLimitSpec), none when unset; and the calls a customer
  /// may have in flight at once, 0 for no cap. Past either: 117 (REST 429) with Retry-After.
  std::optional<RateLimitSpec> rate_limit;
  std::size_t max_in_flight = 0;
  /// How long a submitted report stays Pending before its poll says Success.
  std::chrono::milliseconds report_pending{1500};
  /// Test hook for the reports' "today" (UTC); null means the system clock's date.
  std::function<Date()> today;
};

class BudgetService {
 public:
  /// Starts from options.state_file when it exists, else with the demo budgets and campaigns.
  /// Throws std::runtime_error when the state file cannot be read or breaks the store's rules
  /// (ReadState); it is never changed then.
  explicit BudgetService(ServiceOptions options = {});
  ~BudgetService();

  /// A new GUID-shaped tracking id.
  static std::string NewTrackingId();

  /// The faults the fault model sends without the service: code 117 CallRateExceeded (REST:
  /// HTTP 429) with Retry-After, and code 0 InternalError (REST: HTTP 500).
  static Fault ThrottleFault(const std::string& tracking_id, int retry_after_seconds);
  static Fault InternalErrorFault(const std::string& tracking_id);

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

  /// The credentials check every API call gets (a fault when they are refused).
  std::optional<Fault> Authorize(const RequestContext& context, const std::string& tracking_id) {
    return Admit(context, tracking_id);
  }

  /// The accounts a report's scope names (account ids as text), after the credentials check:
  /// copies, the caller's own made on its first call as any call makes it; code 2003 for an
  /// account the store does not hold.
  Outcome<std::map<std::string, StoredAccount>> ReportAccounts(
      const RequestContext& context, const std::vector<std::string>& account_ids,
      const std::string& tracking_id);

  /// The OAuth token endpoint: a form body with grant_type=refresh_token, client_id and
  /// refresh_token. Issues access tokens that expire after token_ttl and rotates refresh tokens.
  TokenReply Token(const std::string& form_body);

  const ServiceOptions& Options() const { return options_; }
  /// The faults in force (made from options.faults, changed at run time by the admin endpoint).
  FaultModel& Faults() { return faults_; }
  /// The call-rate limit the server applies to every API call.
  RateLimiter& Rates() { return rates_; }
  /// The Reporting service over the same store.
  ReportingService& Reports() { return *reports_; }

 private:
  // The credentials.
  std::optional<Fault> Admit(const RequestContext& context, const std::string& tracking_id);
  std::chrono::steady_clock::time_point Now() const;
  using Account = StoredAccount;
  // The caller's account (CustomerAccountId; none means the demo account), made on its first
  // call with a copy of the demo data under new ids (none with empty_accounts). Called with
  // mutex_ held; `made` says whether it was made now.
  Account& AccountOf(const RequestContext& context, bool& made);
  // AccountOf for reads: a newly made account is saved before it is answered from.
  Account& ReadAccount(const RequestContext& context);
  static Budget WithAssociationCount(const Account& account, const Budget& stored);
  // Whether a budget or campaign of any account has this id.
  bool IdInUse(std::int64_t id) const;
  static std::optional<std::int64_t> NameOwner(const Account& account, const std::string& name);
  std::optional<std::string> DisapprovedTerm(const std::string& name) const;
  template <typename Result, typename List, typename Change>
  Outcome<Result> Write(const RequestContext& context, const List& list,
                        const std::string& tracking_id, Change change);
  void Save() const;

  ServiceOptions options_;
  mutable std::mutex mutex_;
  Store store_;
  std::map<std::string, std::chrono::steady_clock::time_point> access_tokens_;  // issued ones
  std::set<std::string> refresh_tokens_;
  FaultModel faults_;
  RateLimiter rates_;
  std::unique_ptr<ReportingService> reports_;
};

}  // namespace bingads::emulator
