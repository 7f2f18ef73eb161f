// Settling write calls whose answer was lost: what a read-back of the account says about each
// item sent. Pure functions; the client reads, settles, and sends the unsettled items again.
#pragma once

#include <bingads/model.h>

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace bingads::internal {

/// What a read-back says of the items of one lost write call.
struct Settlement {
  std::vector<std::size_t> resend;      ///< Positions (in the call) to send again, in order.
  std::vector<PartialError> conflicts;  ///< Index = position in the call.
  std::vector<std::optional<std::int64_t>> ids;  ///< AddBudgets: the id of each settled item.
  std::size_t settled = 0;                       ///< Items found done as asked.
};

/// AddBudgets: `account` is every budget of the account. An item whose name (ASCII
/// case-insensitively, as the service compares) is held with the values sent is added (each
/// budget settles one item at most); with other values, a conflict; absent, resent.
Settlement SettleAdds(std::span<const Budget> sent,
                      const std::vector<std::optional<Budget>>& account);

/// UpdateBudgets: `read` holds the budgets read back by the items' ids, in the items' order
/// (items without an Id are not read and have no slot). An item whose every field sent reads
/// back as sent is updated; the others are resent.
Settlement SettleUpdates(std::span<const Budget> sent,
                         const std::vector<std::optional<Budget>>& read);

/// DeleteBudgets: `read` holds the budgets read back by the ids, in order. An id that reads back
/// empty is deleted; the others are resent.
Settlement SettleDeletes(std::span<const std::int64_t> sent,
                         const std::vector<std::optional<Budget>>& read);

/// Whether budget `held` has every field of `sent` that is set (Amount by value).
bool HoldsAsSent(const Budget& held, const Budget& sent);

}  // namespace bingads::internal
