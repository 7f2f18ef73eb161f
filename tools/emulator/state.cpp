#include "state.h"

#include <bingads/json.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <set>
#include <sstream>
#include <stdexcept>

#include "checks.h"
#include "files.h"
#include "fronts.h"
#include "service.h"
#include "text.h"

namespace bingads::emulator {
namespace {

[[noreturn]] void Refuse(const std::string& why) { throw std::runtime_error(why); }

// Members of `object` must be among `known`.
void OnlyMembers(const rapidjson::Value& object, std::initializer_list<std::string_view> known,
                 const std::string& where) {
  for (const auto& m : object.GetObject()) {
    const std::string_view name(m.name.GetString(), m.name.GetStringLength());
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      Refuse(where + " has an unknown member '" + std::string(name.substr(0, 40)) + "'");
    }
  }
}

// A positive id written as a string of digits.
std::int64_t IdOf(const rapidjson::Value& object, const char* name, const std::string& where) {
  const auto it = object.FindMember(name);
  if (it == object.MemberEnd() || !it->value.IsString()) {
    Refuse(where + "." + name + " is not an id (a string of digits)");
  }
  const auto id = internal::ParseWhole<std::int64_t>(it->value.GetString());
  if (!id || *id <= 0) Refuse(where + "." + name + " is not a positive 64-bit id");
  return *id;
}

const rapidjson::Value& ListOf(const rapidjson::Value& object, const char* name,
                               const std::string& where) {
  const auto it = object.FindMember(name);
  if (it == object.MemberEnd() || !it->value.IsArray())
    Refuse(where + "." + name + " is not a list");
  return it->value;
}

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Reads one account's budgets and campaigns, checking the store's rules; `ids` holds every id
// seen so far in any account.
StoredAccount ReadAccount(const rapidjson::Value& v, const std::string& where,
                          std::set<std::int64_t>& ids) {
  StoredAccount account;
  // The budgets are written as a GetBudgetsByIds result, whose PartialErrors is always empty.
  if (const auto it = v.FindMember("PartialErrors");
      it != v.MemberEnd() && (!it->value.IsArray() || !it->value.Empty())) {
    Refuse(where + ".PartialErrors is not an empty list");
  }
  BudgetList budgets;
  try {
    budgets = ReadBudgetsJson(v);
  } catch (const std::invalid_argument& e) {
    Refuse(where + ": " + e.what());
  }
  if (!budgets) Refuse(where + ".Budgets is not a list");
  if (budgets->size() > kMaxBudgetsPerAccount) Refuse(where + " holds more than 11,000 budgets");
  std::set<std::string> names;
  for (std::size_t i = 0; i < budgets->size(); ++i) {
    const auto& b = (*budgets)[i];
    const std::string at = where + ".Budgets[" + std::to_string(i) + "]";
    if (!b || !b->Id || *b->Id <= 0) Refuse(at + " has no positive Id");
    if (!b->Name || b->Name->empty() || !b->Amount || !b->BudgetType) {
      Refuse(at + " lacks its Name, Amount or BudgetType");
    }
    if (b->Amount->Canonical() == "0" || b->Amount->Canonical().front() == '-') {
      Refuse(at + ".Amount is not above 0");
    }
    if (!ids.insert(*b->Id).second) Refuse(at + ".Id " + std::to_string(*b->Id) + " is taken");
    if (!names.insert(LowerAscii(*b->Name)).second) Refuse(at + ".Name is taken in the account");
    Budget stored = *b;
    stored.AssociationCount.reset();  // derived, never stored
    account.budgets.emplace(*b->Id, std::move(stored));
  }
  const rapidjson::Value& campaigns = ListOf(v, "Campaigns", where);
  for (rapidjson::SizeType i = 0; i < campaigns.Size(); ++i) {
    const std::string at = where + ".Campaigns[" + std::to_string(i) + "]";
    if (!campaigns[i].IsObject()) Refuse(at + " is not an object");
    OnlyMembers(campaigns[i], {"Id", "BudgetId"}, at);
    const std::int64_t id = IdOf(campaigns[i], "Id", at);
    const std::int64_t budget = IdOf(campaigns[i], "BudgetId", at);
    if (!ids.insert(id).second) Refuse(at + ".Id " + std::to_string(id) + " is taken");
    if (!account.budgets.count(budget)) Refuse(at + ".BudgetId is no budget of the account");
    account.campaigns.emplace(id, budget);
  }
  return account;
}

}  // namespace

Store ParseState(std::string_view text, const std::string& legacy_account) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseNumbersAsStringsFlag | rapidjson::kParseIterativeFlag |
            rapidjson::kParseValidateEncodingFlag>(text.data(), text.size());
  if (doc.HasParseError() || !doc.IsObject()) Refuse("not a JSON object");
  Store store;
  std::set<std::int64_t> ids;
  if (!doc.HasMember("Accounts")) {  // the format before accounts
    OnlyMembers(doc, {"NextId", "Campaigns", "Budgets", "PartialErrors"}, "the state");
    store.accounts.emplace(legacy_account, ReadAccount(doc, "the state", ids));
  } else {
    OnlyMembers(doc, {"NextId", "Accounts"}, "the state");
    const rapidjson::Value& accounts = ListOf(doc, "Accounts", "the state");
    for (rapidjson::SizeType i = 0; i < accounts.Size(); ++i) {
      const std::string at = "Accounts[" + std::to_string(i) + "]";
      const rapidjson::Value& a = accounts[i];
      if (!a.IsObject()) Refuse(at + " is not an object");
      OnlyMembers(a, {"AccountId", "Campaigns", "Budgets", "PartialErrors"}, at);
      const auto id = a.FindMember("AccountId");
      if (id == a.MemberEnd() || !id->value.IsString() || id->value.GetStringLength() == 0 ||
          id->value.GetStringLength() > 64 ||
          std::string_view(id->value.GetString(), id->value.GetStringLength())
                  .find_first_of(std::string_view("\0\r\n", 3)) != std::string_view::npos) {
        Refuse(at + ".AccountId is not an account id (a string of 1 to 64 characters)");
      }
      if (!store.accounts.emplace(id->value.GetString(), ReadAccount(a, at, ids)).second) {
        Refuse(at + ".AccountId is listed twice");
      }
    }
  }
  store.next_id = IdOf(doc, "NextId", "the state");
  if (!ids.empty() && store.next_id <= *ids.rbegin()) {
    Refuse("NextId " + std::to_string(store.next_id) + " is not above every id (the largest is " +
           std::to_string(*ids.rbegin()) + "): new budgets would take ids in use");
  }
  if (store.next_id > kMaxNextId) Refuse("NextId is above 2^62, leaving no room for new ids");
  return store;
}

std::string StateJson(const Store& store) {
  std::ostringstream text;
  text << "{\"NextId\":\"" << store.next_id << "\",\"Accounts\":[";
  bool first_account = true;
  for (const auto& [account_id, account] : store.accounts) {
    GetBudgetsByIdsResult all;
    for (const auto& [id, b] : account.budgets) all.Budgets.emplace_back(b);
    const std::string budgets = ToJson(all, {.with_tracking_id = false});
    text << (first_account ? "" : ",") << "{\"AccountId\":" << internal::JsonQuoted(account_id)
         << ",\"Campaigns\":[";
    bool first = true;
    for (const auto& [campaign, budget] : account.campaigns) {
      text << (first ? "" : ",") << "{\"Id\":\"" << campaign << "\",\"BudgetId\":\"" << budget
           << "\"}";
      first = false;
    }
    text << "]," << budgets.substr(1);  // splice into the Budgets object
    first_account = false;
  }
  text << "]}";
  return std::move(text).str();
}

Store ReadState(const std::string& path, const std::string& legacy_account) {
  try {
    return ParseState(internal::ReadRegularFile(path, kMaxStateBytes), legacy_account);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(internal::EscapeControls("cannot read state file " + path + ": " +
                                                      e.what() + " (the file is left as it is)"));
  }
}

void WriteState(const std::string& path, const Store& store) {
  try {
    internal::ReplaceFile(path, StateJson(store));
  } catch (const internal::FileError& e) {
    throw std::runtime_error(std::string("cannot write the state file: ") + e.what());
  }
}

}  // namespace bingads::emulator
