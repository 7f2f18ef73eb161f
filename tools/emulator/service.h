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
inline constexpr std::size_t kMaxIdsPerCall = 100;

class BudgetService {
 public:
  /// Starts with the demo budgets.
  BudgetService();

  /// A new GUID-shaped tracking id.
  static std::string NewTrackingId();

  /// A fault with one OperationError, for malformed or refused requests.
  static Fault RequestFault(const std::string& tracking_id, std::int32_t code,
                            const std::string& error_code, const std::string& message);

  /// GetBudgetsByIds; nullopt or empty ids means every budget of the account.
  Outcome<GetBudgetsByIdsResult> GetBudgetsByIds(
      const RequestContext& context, const std::optional<std::vector<std::int64_t>>& ids,
      const std::string& tracking_id);

 private:
  std::optional<Fault> Authenticate(const RequestContext& context,
                                    const std::string& tracking_id) const;

  std::mutex mutex_;
  std::map<std::int64_t, Budget> budgets_;
};

}  // namespace bingads::emulator
