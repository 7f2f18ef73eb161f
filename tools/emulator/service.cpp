#include "service.h"

#include <bingads/json.h>
#include <fcntl.h>
#include <rapidjson/document.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <tuple>

#include "fronts.h"
#include "reporting.h"
#include "text.h"

namespace bingads::emulator {
namespace {

// Demo ids start above 2^53 so that any client passing ids through a double shows it at once.
constexpr std::int64_t kFirstDemoId = 9007199254740993;
constexpr std::int64_t kFirstCampaignId = 700000000001;

Budget Demo(std::int64_t id, const char* name, const char* amount, const char* type) {
  Budget b;
  b.Id = id;
  b.Name = name;
  b.Amount = Decimal::FromString(amount);
  b.BudgetType = type;
  return b;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::size_t CodePoints(std::string_view utf8) {
  return static_cast<std::size_t>(std::count_if(utf8.begin(), utf8.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

BatchError Item(std::int32_t code, const char* error_code, const char* message, std::size_t index,
                const char* field = nullptr) {
  BatchError e;
  e.Code = code;
  e.ErrorCode = error_code;
  e.Message = message;
  e.Index = static_cast<std::int32_t>(index);
  e.Type = "BatchError";
  if (field != nullptr) e.FieldPath = field;
  return e;
}

bool Positive(const Decimal& amount) {
  return amount.Canonical() != "0" && amount.Canonical().front() != '-';
}

bool Blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

// The rules on the fields themselves that add and update share; on add, Name, BudgetType and
// Amount are required, on update only what is sent is checked.
std::optional<BatchError> FieldError(const Budget& in, std::size_t i, bool adding) {
  if (adding ? !in.Name || Blank(*in.Name) : in.Name && Blank(*in.Name)) {
    return Item(4904, "CampaignServiceBudgetNameMissing", "The budget name is missing.", i, "Name");
  }
  if (in.Name && CodePoints(*in.Name) > kMaxNameLength) {
    return Item(4905, "CampaignServiceBudgetNameTooLong", "The budget name is too long.", i,
                "Name");
  }
  if (adding && !in.BudgetType) {
    return Item(4908, "CampaignServiceBudgetTypeCannotBeNullOnAdd",
                "The budget type cannot be null on add.", i, "BudgetType");
  }
  if (adding && !in.Amount) {
    return Item(4910, "CampaignServiceBudgetAmountMissing", "The budget amount is missing.", i,
                "Amount");
  }
  if (in.Amount && !Positive(*in.Amount)) {
    return Item(4912, "CampaignServiceBudgetAmountIsBelowLimit",
                "The budget amount is below the minimum.", i, "Amount");
  }
  return std::nullopt;
}

EditorialError Editorial(const std::string& term, std::size_t i) {
  EditorialError e;
  static_cast<BatchError&>(e) =
      Item(1042, "CampaignServiceEditorialValidationError",
           "The specified entity did not pass editorial validation.", i, "Name");
  e.Type = "EditorialError";
  e.Appealable = true;
  e.DisapprovedText = term;
  e.Location = "Name";
  e.PublisherCountry = "US";
  e.ReasonCode = 17;
  return e;
}

// The five demo budgets, with ids from `first` on: a unicode and markup-laden name, a 19-digit
// amount, every budget type.
std::vector<Budget> DemoBudgets(std::int64_t first) {
  return {
      Demo(first, "Everyday search", "25.5", budget_type::kDailyBudgetStandard),
      Demo(first + 1, "Brand \xe2\x80\x94 M\xc3\xbcnchen & <Caf\xc3\xa9> \"quoted\"",
           "1234567890123456.789", budget_type::kDailyBudgetStandard),
      Demo(first + 2, "Accelerated holiday push", "500", budget_type::kDailyBudgetAccelerated),
      Demo(first + 3, "Lifetime launch \xe6\x97\xa5\xe6\x9c\xac", "10000.05",
           budget_type::kLifetimeBudgetStandard),
      Demo(first + 4, "Pennies", "0.01", budget_type::kDailyBudgetStandard),
  };
}

}  // namespace

BudgetService::BudgetService(ServiceOptions options)
    : options_(std::move(options)),
      faults_(options_.faults, options_.fault_seed),
      rates_(options_.rate_limit, options_.max_in_flight, options_.clock) {
  ReportingOptions reporting;
  reporting.pending = options_.report_pending;
  reporting.clock = options_.clock;
  reporting.today = options_.today;
  reports_ = std::make_unique<ReportingService>(*this, std::move(reporting));
  for (auto& term : options_.disapproved_terms) term = Lower(term);
  refresh_tokens_.insert(options_.refresh_token);
  if (!options_.state_file.empty() && std::filesystem::exists(options_.state_file)) {
    store_ = ReadState(options_.state_file, kDemoAccountId);
    return;
  }
  Account& demo = store_.accounts[kDemoAccountId];
  for (const Budget& b : DemoBudgets(kFirstDemoId)) demo.budgets.emplace(*b.Id, b);
  // Two campaigns share the first budget, one the third.
  demo.campaigns = {{kFirstCampaignId, kFirstDemoId},
                    {kFirstCampaignId + 1, kFirstDemoId},
                    {kFirstCampaignId + 2, kFirstDemoId + 2}};
  store_.next_id = kFirstDemoId + 5;
  Save();
}

BudgetService::~BudgetService() = default;

BudgetService::Account& BudgetService::AccountOf(const RequestContext& context, bool& made) {
  const std::string id = context.account_id.empty() ? kDemoAccountId : context.account_id;
  auto [it, inserted] = store_.accounts.try_emplace(id);
  made = inserted;
  if (inserted && !options_.empty_accounts) {
    // The demo data under ids of this account's own: five budgets, three campaigns on two.
    const std::int64_t first = store_.next_id;
    for (const Budget& b : DemoBudgets(first)) it->second.budgets.emplace(*b.Id, b);
    it->second.campaigns = {{first + 5, first}, {first + 6, first}, {first + 7, first + 2}};
    store_.next_id = first + 8;
  }
  return it->second;
}

BudgetService::Account& BudgetService::ReadAccount(const RequestContext& context) {
  bool made = false;
  Account& account = AccountOf(context, made);
  if (made && !options_.state_file.empty()) {
    try {
      Save();
    } catch (...) {
      store_.accounts.erase(context.account_id.empty() ? kDemoAccountId : context.account_id);
      throw;
    }
  }
  return account;
}

std::string BudgetService::NewTrackingId() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const std::uint64_t hi = rng();
  const std::uint64_t lo = rng();
  char text[37];
  std::snprintf(text, sizeof text, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xffff), static_cast<unsigned>(hi & 0x0fff),
                static_cast<unsigned>(((lo >> 48) & 0x3fff) | 0x8000),
                static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return text;
}

Fault BudgetService::RequestFault(const std::string& tracking_id, std::int32_t code,
                                  const std::string& error_code, const std::string& message) {
  Fault fault;
  fault.detail.Type = "ApiFaultDetail";
  fault.detail.TrackingId = tracking_id;
  fault.detail.OperationErrors.push_back({code, std::nullopt, error_code, message});
  fault.rest_status = 400;
  return fault;
}

std::chrono::steady_clock::time_point BudgetService::Now() const {
  return options_.clock ? options_.clock() : std::chrono::steady_clock::now();
}

namespace {

Fault AdApiFault(const std::string& tracking_id, std::int32_t code, const char* error_code,
                 const char* message, int rest_status) {
  Fault fault;
  fault.detail.Type = "AdApiFaultDetail";
  fault.detail.TrackingId = tracking_id;
  fault.detail.Errors.push_back(
      {code, std::nullopt, std::string(error_code), std::string(message)});
  fault.rest_status = rest_status;
  return fault;
}

constexpr std::string_view kIssuedPrefix = "emu-at-";

}  // namespace

Fault BudgetService::ThrottleFault(const std::string& tracking_id, int retry_after_seconds) {
  Fault fault = AdApiFault(tracking_id, 117, "CallRateExceeded",
                           "You have exceeded the number of calls that you are allowed to make in "
                           "a given time period.",
                           429);
  fault.retry_after_seconds = retry_after_seconds;
  return fault;
}

Fault BudgetService::InternalErrorFault(const std::string& tracking_id) {
  return AdApiFault(tracking_id, 0, "InternalError", "An internal error has occurred.", 500);
}

std::optional<Fault> BudgetService::Admit(const RequestContext& context,
                                          const std::string& tracking_id) {
  if (context.authentication_token.empty() || context.developer_token.empty()) {
    return AdApiFault(tracking_id, 105, "InvalidCredentials",
                      "Authentication failed. Either supplied credentials are invalid or the "
                      "account is inactive.",
                      401);
  }
  // Tokens this emulator issued are checked; any other non-empty token is a static demo token.
  if (std::string_view(context.authentication_token).substr(0, kIssuedPrefix.size()) ==
      kIssuedPrefix) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = access_tokens_.find(context.authentication_token);
    if (it == access_tokens_.end()) {
      return AdApiFault(tracking_id, 105, "InvalidCredentials",
                        "Authentication failed. The access token was not issued here.", 401);
    }
    if (Now() >= it->second) {
      return AdApiFault(tracking_id, 109, "AuthenticationTokenExpired",
                        "The OAuth access token has expired. Refresh it and try again.", 401);
    }
  }
  return std::nullopt;
}

namespace {

std::string FormValue(const std::string& body, const std::string& name) {
  std::size_t start = 0;
  while (start <= body.size()) {
    const std::size_t end = std::min(body.find('&', start), body.size());
    const std::string pair = body.substr(start, end - start);
    const auto eq = pair.find('=');
    if (eq != std::string::npos && pair.substr(0, eq) == name) {
      std::string out;
      const std::string raw = pair.substr(eq + 1);
      for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '+') {
          out += ' ';
        } else if (raw[i] == '%' && i + 2 < raw.size() &&
                   std::isxdigit(static_cast<unsigned char>(raw[i + 1])) &&
                   std::isxdigit(static_cast<unsigned char>(raw[i + 2]))) {
          out += static_cast<char>(std::stoi(raw.substr(i + 1, 2), nullptr, 16));
          i += 2;
        } else {
          out += raw[i];
        }
      }
      return out;
    }
    start = end + 1;
  }
  return {};
}

TokenReply TokenError(const char* error, const std::string& description) {
  return {400, std::string(R"({"error":")") + error + R"(","error_description":")" + description +
                   R"("})"};
}

}  // namespace

TokenReply BudgetService::Token(const std::string& form_body) {
  const std::string grant = FormValue(form_body, "grant_type");
  if (grant != "refresh_token") {
    return TokenError("unsupported_grant_type", "Only the refresh_token grant is supported here.");
  }
  if (FormValue(form_body, "client_id").empty()) {
    return TokenError("invalid_request", "client_id is missing.");
  }
  const std::string refresh = FormValue(form_body, "refresh_token");
  std::lock_guard<std::mutex> lock(mutex_);
  if (refresh_tokens_.erase(refresh) == 0) {
    return TokenError("invalid_grant", "The refresh token is invalid, expired or already used.");
  }
  const std::string access = std::string(kIssuedPrefix) + NewTrackingId();
  const std::string next_refresh = "emu-rt-" + NewTrackingId();
  refresh_tokens_.insert(next_refresh);
  access_tokens_[access] = Now() + options_.token_ttl;
  return {
      200,
      R"({"token_type":"Bearer","scope":"https://ads.microsoft.com/msads.manage offline_access",)"
      R"("expires_in":)" +
          std::to_string(options_.token_ttl.count()) + R"(,"access_token":")" + access +
          R"(","refresh_token":")" + next_refresh + R"("})"};
}

namespace {

// The checks every list-taking operation shares: credentials, then the list's presence and size.
template <typename List>
std::optional<Fault> CheckList(const List& list, bool empty_allowed,
                               const std::string& tracking_id) {
  if (!empty_allowed && (!list || list->empty())) {
    return BudgetService::RequestFault(tracking_id, 4901, "CampaignServiceBudgetsNullOrEmpty",
                                       "The budget list is null or empty.");
  }
  if (list && list->size() > kMaxItemsPerCall) {
    return BudgetService::RequestFault(tracking_id, 4913, "CampaignServiceBudgetBatchLimitExceeded",
                                       "The budget list exceeds the maximum batch size of " +
                                           std::to_string(kMaxItemsPerCall) + " (got " +
                                           std::to_string(list->size()) + ").");
  }
  return std::nullopt;
}

}  // namespace

// What every write shares: admission and a non-empty list, then, under the lock, a change that
// is saved before it is acknowledged. `change` fills the result and says whether the store
// changed; when the state file cannot be written the change is undone in memory and the error
// goes on (the server answers 500).
template <typename Result, typename List, typename Change>
Outcome<Result> BudgetService::Write(const RequestContext& context, const List& list,
                                     const std::string& tracking_id, Change change) {
  if (auto fault = Admit(context, tracking_id)) return *fault;
  if (auto fault = CheckList(list, false, tracking_id)) return *fault;
  std::lock_guard<std::mutex> lock(mutex_);
  const std::int64_t next_before = store_.next_id;
  bool made = false;
  Account& account = AccountOf(context, made);
  // The account before the change, kept only when there is a state file to write.
  std::optional<Account> before;
  if (!options_.state_file.empty() && !made) before = account;
  Result result;
  result.TrackingIds = {tracking_id};
  if (!change(account, result) && !made) return result;
  try {
    Save();
  } catch (...) {
    // Not written, so not acknowledged: the change must not show in later answers either.
    if (made) {
      store_.accounts.erase(context.account_id.empty() ? kDemoAccountId : context.account_id);
    } else if (before) {
      account = std::move(*before);
    }
    store_.next_id = next_before;
    throw;
  }
  return result;
}

Budget BudgetService::WithAssociationCount(const Account& account, const Budget& stored) {
  Budget b = stored;
  b.AssociationCount = static_cast<std::int32_t>(
      std::count_if(account.campaigns.begin(), account.campaigns.end(),
                    [&](const auto& c) { return c.second == *stored.Id; }));
  return b;
}

bool BudgetService::IdInUse(std::int64_t id) const {
  return std::any_of(store_.accounts.begin(), store_.accounts.end(), [id](const auto& entry) {
    return entry.second.budgets.count(id) != 0 || entry.second.campaigns.count(id) != 0;
  });
}

std::optional<std::int64_t> BudgetService::NameOwner(const Account& account,
                                                     const std::string& name) {
  for (const auto& [id, b] : account.budgets) {
    if (b.Name && internal::EqualsIgnoreCase(*b.Name, name)) return id;  // ASCII, as Lower
  }
  return std::nullopt;
}

std::optional<std::string> BudgetService::DisapprovedTerm(const std::string& name) const {
  const std::string lowered = Lower(name);
  for (const auto& term : options_.disapproved_terms) {
    if (!term.empty() && lowered.find(term) != std::string::npos) return term;
  }
  return std::nullopt;
}

Outcome<GetBudgetsByIdsResult> BudgetService::GetBudgetsByIds(const RequestContext& context,
                                                              const IdList& ids,
                                                              const std::string& tracking_id) {
  if (auto fault = Admit(context, tracking_id)) return *fault;
  if (auto fault = CheckList(ids, true, tracking_id)) return *fault;
  std::lock_guard<std::mutex> lock(mutex_);
  const Account& account = ReadAccount(context);
  GetBudgetsByIdsResult result;
  result.TrackingIds = {tracking_id};
  if (!ids || ids->empty()) {
    for (const auto& [id, budget] : account.budgets)
      result.Budgets.emplace_back(WithAssociationCount(account, budget));
    return result;
  }
  for (std::size_t i = 0; i < ids->size(); ++i) {
    auto it = account.budgets.find((*ids)[i]);
    if (it != account.budgets.end()) {
      result.Budgets.emplace_back(WithAssociationCount(account, it->second));
    } else {
      result.Budgets.emplace_back();
      result.PartialErrors.emplace_back(
          Item(4916, "CampaignServiceBudgetIdInvalid", "The budget id is invalid.", i));
    }
  }
  return result;
}

Outcome<AddBudgetsResult> BudgetService::AddBudgets(const RequestContext& context,
                                                    const BudgetList& budgets,
                                                    const std::string& tracking_id) {
  return Write<AddBudgetsResult>(
      context, budgets, tracking_id, [&](Account& account, AddBudgetsResult& result) {
        bool changed = false;
        for (std::size_t i = 0; i < budgets->size(); ++i) {
          const auto& in = (*budgets)[i];
          std::optional<PartialError> error;
          if (!in) {
            error = Item(4902, "CampaignServiceBudgetIsNull", "The budget is null.", i);
          } else if (in->Id) {
            error = Item(4903, "CampaignServiceBudgetIdShouldBeNullOnAdd",
                         "The budget id must be null on add.", i, "Id");
          } else if (auto field = FieldError(*in, i, true)) {
            error = std::move(*field);
          } else if (NameOwner(account, *in->Name)) {
            error = Item(4907, "CampaignServiceDuplicateBudgetName",
                         "The budget name already exists in the account.", i, "Name");
          } else if (account.budgets.size() >= kMaxBudgetsPerAccount) {
            error = Item(4914, "CampaignServiceBudgetEntityLimitExceeded",
                         "The number of budgets for the account has been exceeded.", i);
          } else if (auto term = DisapprovedTerm(*in->Name)) {
            error = Editorial(*term, i);
          } else if (IdInUse(store_.next_id)) {
            // Never, with a store ReadState accepted; if it happens, the add fails and says so
            // rather than report a budget it did not store.
            error = Item(0, "InternalError",
                         "The budget could not be stored: its new id is in use.", i);
          }
          if (error) {
            result.BudgetIds.emplace_back();
            result.PartialErrors.push_back(std::move(*error));
            continue;
          }
          Budget stored;
          stored.Id = store_.next_id++;
          stored.Name = in->Name;
          stored.Amount = Decimal::FromString(in->Amount->Canonical());
          stored.BudgetType = in->BudgetType;
          account.budgets.emplace(*stored.Id, stored);
          result.BudgetIds.emplace_back(*stored.Id);
          changed = true;
        }
        return changed;
      });
}

Outcome<UpdateBudgetsResult> BudgetService::UpdateBudgets(const RequestContext& context,
                                                          const BudgetList& budgets,
                                                          const std::string& tracking_id) {
  return Write<UpdateBudgetsResult>(
      context, budgets, tracking_id, [&](Account& account, UpdateBudgetsResult& result) {
        std::set<std::int64_t> seen;
        bool changed = false;
        for (std::size_t i = 0; i < budgets->size(); ++i) {
          const auto& in = (*budgets)[i];
          std::optional<PartialError> error;
          auto stored = in && in->Id ? account.budgets.find(*in->Id) : account.budgets.end();
          if (!in) {
            error = Item(4902, "CampaignServiceBudgetIsNull", "The budget is null.", i);
          } else if (!in->Id || stored == account.budgets.end()) {
            error =
                Item(4916, "CampaignServiceBudgetIdInvalid", "The budget id is invalid.", i, "Id");
          } else if (!seen.insert(*in->Id).second) {
            error = Item(4915, "CampaignServiceDuplicateBudgetId",
                         "The budget list contains duplicate budget ids.", i, "Id");
          } else if (auto field = FieldError(*in, i, false)) {
            error = std::move(*field);
          } else if (auto owner = in->Name ? NameOwner(account, *in->Name) : std::nullopt;
                     owner && *owner != *in->Id) {
            error = Item(4907, "CampaignServiceDuplicateBudgetName",
                         "The budget name already exists in the account.", i, "Name");
          } else if (auto term = in->Name ? DisapprovedTerm(*in->Name) : std::nullopt) {
            error = Editorial(*term, i);
          }
          if (error) {
            result.PartialErrors.push_back(std::move(*error));
            continue;
          }
          Budget& b = stored->second;
          if (in->Name) b.Name = in->Name;
          if (in->Amount) b.Amount = Decimal::FromString(in->Amount->Canonical());
          if (in->BudgetType) b.BudgetType = in->BudgetType;
          changed = true;
        }
        return changed;
      });
}

Outcome<DeleteBudgetsResult> BudgetService::DeleteBudgets(const RequestContext& context,
                                                          const IdList& ids,
                                                          const std::string& tracking_id) {
  return Write<DeleteBudgetsResult>(
      context, ids, tracking_id, [&](Account& account, DeleteBudgetsResult& result) {
        std::set<std::int64_t> seen;
        bool changed = false;
        for (std::size_t i = 0; i < ids->size(); ++i) {
          const std::int64_t id = (*ids)[i];
          if (!seen.insert(id).second) {
            result.PartialErrors.emplace_back(Item(4915, "CampaignServiceDuplicateBudgetId",
                                                   "The budget list contains duplicate budget ids.",
                                                   i));
          } else if (account.budgets.find(id) == account.budgets.end()) {
            result.PartialErrors.emplace_back(
                Item(4916, "CampaignServiceBudgetIdInvalid", "The budget id is invalid.", i));
          } else if (WithAssociationCount(account, account.budgets.at(id)).AssociationCount > 0) {
            result.PartialErrors.emplace_back(Item(
                4918, "CampaignServiceBudgetIsSharedWithCampaigns",
                "The budget is shared with at least one campaign, therefore it can't be deleted.",
                i));
          } else {
            account.budgets.erase(id);
            changed = true;
          }
        }
        return changed;
      });
}

Outcome<GetCampaignIdsByBudgetIdsResult> BudgetService::GetCampaignIdsByBudgetIds(
    const RequestContext& context, const IdList& ids, const std::string& tracking_id) {
  if (auto fault = Admit(context, tracking_id)) return *fault;
  if (auto fault = CheckList(ids, false, tracking_id)) return *fault;
  std::lock_guard<std::mutex> lock(mutex_);
  const Account& account = ReadAccount(context);
  GetCampaignIdsByBudgetIdsResult result;
  result.TrackingIds = {tracking_id};
  for (std::size_t i = 0; i < ids->size(); ++i) {
    const std::int64_t id = (*ids)[i];
    if (account.budgets.find(id) == account.budgets.end()) {
      result.CampaignIdCollection.emplace_back();
      result.PartialErrors.emplace_back(
          Item(4916, "CampaignServiceBudgetIdInvalid", "The budget id is invalid.", i));
      continue;
    }
    IdCollection collection;
    for (const auto& [campaign, budget] : account.campaigns) {
      if (budget == id) collection.Ids.emplace_back(campaign);
    }
    result.CampaignIdCollection.emplace_back(std::move(collection));
  }
  return result;
}

Outcome<std::map<std::string, StoredAccount>> BudgetService::ReportAccounts(
    const RequestContext& context, const std::vector<std::string>& account_ids,
    const std::string& tracking_id) {
  if (auto fault = Admit(context, tracking_id)) return *fault;
  std::lock_guard<std::mutex> lock(mutex_);
  std::map<std::string, StoredAccount> accounts;
  const std::string own = context.account_id.empty() ? kDemoAccountId : context.account_id;
  for (const std::string& id : account_ids) {
    if (id == own) {
      accounts.emplace(id, ReadAccount(context));
    } else if (auto it = store_.accounts.find(id); it != store_.accounts.end()) {
      accounts.emplace(id, it->second);
    } else {
      return RequestFault(tracking_id, 2003, "ReportingServiceAccountNotAuthorized",
                          "The account " + id + " is not accessible.");
    }
  }
  return accounts;
}

// ---- state file ---------------------------------------------------------------------------------

void BudgetService::Save() const {
  if (!options_.state_file.empty()) WriteState(options_.state_file, store_);
}

}  // namespace bingads::emulator
