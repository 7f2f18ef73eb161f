// bingads-emulator: the store and its state file. A state file may come from another machine, so
// it is read as input from outside: size-capped, a regular file, every field type-checked and the
// store's rules (unique ids and names, NextId above every id) checked before it is used.
#pragma once

#include <bingads/model.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace bingads::emulator {

/// One account's store; AssociationCount is derived, not stored.
struct StoredAccount {
  std::map<std::int64_t, Budget> budgets;
  std::map<std::int64_t, std::int64_t> campaigns;  ///< campaign id -> budget id
};

/// Every account, by CustomerAccountId, and the next id to give (budget and campaign ids are
/// unique over all accounts).
struct Store {
  std::int64_t next_id = 0;
  std::map<std::string, StoredAccount> accounts;
};

/// Largest state file read: 64 MiB, some forty accounts of 11,000 budgets.
inline constexpr std::size_t kMaxStateBytes = std::size_t{64} << 20;
/// Largest NextId taken, 2^62: far above any id the service gives, and the ids after it cannot
/// overflow.
inline constexpr std::int64_t kMaxNextId = std::int64_t{1} << 62;

/// The store in a state file's text:
/// {"NextId":"...","Accounts":[{"AccountId":"...","Campaigns":[{"Id":"...","BudgetId":"..."}],
///  "Budgets":[REST-shaped budgets]}]}, or the format before accounts ({"NextId","Campaigns",
/// "Budgets"} at the top, loaded into `legacy_account`). Refused (std::runtime_error naming the
/// problem): anything but that shape, an unknown member, a budget without Id, Name, Amount (above
/// 0) or BudgetType, more than 11,000 budgets in an account, an id twice (across accounts too), a
/// name twice in an account (case-insensitively), an account twice, a campaign sharing a budget
/// of no such id in its account, a NextId not above every id or above kMaxNextId.
Store ParseState(std::string_view text, const std::string& legacy_account);

/// The state file's text for `store`.
std::string StateJson(const Store& store);

/// ParseState of the file at `path`, read as a regular file of at most kMaxStateBytes; throws
/// std::runtime_error naming the file and the problem (the file is never changed).
Store ReadState(const std::string& path, const std::string& legacy_account);

/// Replaces the file at `path` with the store, atomically and owner-only (see ReplaceFile);
/// throws std::runtime_error when it cannot.
void WriteState(const std::string& path, const Store& store);

}  // namespace bingads::emulator
