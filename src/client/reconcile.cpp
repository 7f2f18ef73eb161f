#include "reconcile.h"

#include <map>
#include <string>

#include "text.h"

namespace bingads::internal {
namespace {

std::string Folded(const std::string& name) {
  std::string out(name);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

BatchError Conflict(std::size_t index) {
  BatchError e;
  e.Code = kReconcileConflictCode;
  e.ErrorCode = "ReconcileNameHeldWithOtherValues";
  e.Message =
      "The answer to AddBudgets was lost, and the account now holds this name with other values: "
      "whether the call made it cannot be told, so it was not sent again.";
  e.FieldPath = "Name";
  e.Index = static_cast<std::int32_t>(index);
  e.Type = "BatchError";
  return e;
}

}  // namespace

bool HoldsAsSent(const Budget& held, const Budget& sent) {
  if (sent.Name && held.Name != sent.Name) return false;
  if (sent.Amount && (!held.Amount || !(*held.Amount == *sent.Amount))) return false;
  if (sent.BudgetType && held.BudgetType != sent.BudgetType) return false;
  return true;
}

Settlement SettleAdds(std::span<const Budget> sent,
                      const std::vector<std::optional<Budget>>& account) {
  std::map<std::string, const Budget*> by_name;
  for (const auto& slot : account) {
    if (slot && slot->Name && slot->Id) by_name.emplace(Folded(*slot->Name), &*slot);
  }
  Settlement s;
  s.ids.resize(sent.size());
  for (std::size_t i = 0; i < sent.size(); ++i) {
    const auto it = sent[i].Name ? by_name.find(Folded(*sent[i].Name)) : by_name.end();
    if (it == by_name.end() || it->second == nullptr) {
      s.resend.push_back(i);  // absent, or taken by an earlier item of the call: sent again
    } else if (HoldsAsSent(*it->second, sent[i])) {
      s.ids[i] = *it->second->Id;
      ++s.settled;
      it->second = nullptr;
    } else {
      s.conflicts.emplace_back(Conflict(i));
      it->second = nullptr;
    }
  }
  return s;
}

Settlement SettleUpdates(std::span<const Budget> sent,
                         const std::vector<std::optional<Budget>>& read) {
  Settlement s;
  std::size_t slot = 0;
  for (std::size_t i = 0; i < sent.size(); ++i) {
    if (!sent[i].Id) {
      s.resend.push_back(i);  // the service refuses it again, naming it
      continue;
    }
    const auto& held = slot < read.size() ? read[slot] : std::nullopt;
    ++slot;
    if (held && HoldsAsSent(*held, sent[i])) {
      ++s.settled;
    } else {
      s.resend.push_back(i);
    }
  }
  return s;
}

Settlement SettleDeletes(std::span<const std::int64_t> sent,
                         const std::vector<std::optional<Budget>>& read) {
  Settlement s;
  for (std::size_t i = 0; i < sent.size(); ++i) {
    if (i < read.size() && !read[i]) {
      ++s.settled;
    } else {
      s.resend.push_back(i);
    }
  }
  return s;
}

}  // namespace bingads::internal
