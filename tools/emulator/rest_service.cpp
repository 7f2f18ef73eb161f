// The emulator's REST front: RapidJSON in both directions.
#include <bingads/json.h>
#include <rapidjson/error/en.h>

#include <stdexcept>

#include "fronts.h"
#include "text.h"

namespace bingads::emulator {
namespace {

// Without a charset parameter (JSON is UTF-8), so that the server may gzip it when asked.
constexpr const char* kJson = "application/json";

Reply FaultReply(const Fault& fault) {
  Reply reply{fault.rest_status, kJson, ToJson(fault.detail), fault.detail.TrackingId, {}};
  if (fault.retry_after_seconds)
    reply.headers.emplace_back("Retry-After", std::to_string(*fault.retry_after_seconds));
  return reply;
}

[[noreturn]] void Refuse(const std::string& message) { throw std::invalid_argument(message); }

std::int64_t ReadId(const rapidjson::Value& item, const std::string& where) {
  if (!item.IsString()) Refuse(where + " must be an id (a string or an integer)");
  const std::string_view text(item.GetString(), item.GetStringLength());
  const auto value = internal::ParseWhole<std::int64_t>(text);
  if (!value) Refuse(where + " is not a 64-bit integer: '" + std::string(text.substr(0, 40)) + "'");
  return *value;
}

// {"BudgetIds": null | [ "id" | id, ... ]}; absent means null.
IdList ReadIds(const rapidjson::Value& root, const char* name) {
  auto it = root.FindMember(name);
  if (it == root.MemberEnd() || it->value.IsNull()) return std::nullopt;
  if (!it->value.IsArray()) Refuse(std::string(name) + " must be an array of ids");
  std::vector<std::int64_t> ids;
  for (const auto& item : it->value.GetArray()) {
    ids.push_back(ReadId(item, std::string(name) + "[" + std::to_string(ids.size()) + "]"));
  }
  return ids;
}

RequestContext ContextFrom(const std::function<std::string(const char*)>& header) {
  RequestContext context;
  const std::string authorization = header("Authorization");
  if (authorization.rfind("Bearer ", 0) == 0)
    context.authentication_token = authorization.substr(7);
  context.developer_token = header("DeveloperToken");
  context.customer_id = header("CustomerId");
  context.account_id = header("CustomerAccountId");
  return context;
}

template <typename Result>
Reply Respond(const Outcome<Result>& outcome, const std::string& tracking_id) {
  if (const auto* fault = std::get_if<Fault>(&outcome)) return FaultReply(*fault);
  return {
      200, kJson, ToJson(std::get<Result>(outcome), {.with_tracking_id = false}), tracking_id, {}};
}

}  // namespace

Reply RestServiceFault(const Fault& fault) { return FaultReply(fault); }

std::optional<std::string> JsonText(const rapidjson::Value& object, const char* name,
                                    const std::string& path) {
  auto it = object.FindMember(name);
  if (it == object.MemberEnd() || it->value.IsNull()) return std::nullopt;
  if (!it->value.IsString()) Refuse(path + "." + name + " has the wrong type");
  std::string text(it->value.GetString(), it->value.GetStringLength());
  // An escaped lone surrogate (\udc00) unescapes to bytes that are not UTF-8.
  if (internal::InvalidUtf8(text)) Refuse(path + "." + name + " is not UTF-8 once unescaped");
  return text;
}

std::string BaseUrlOf(const std::function<std::string(const char*)>& header) {
  const std::string host = header("Host");
  const bool plain = !host.empty() && host.size() <= 255 &&
                     host.find_first_not_of(
                         "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                         "0123456789.-:[]") == std::string::npos;
  return "http://" + (plain ? host : std::string("127.0.0.1"));
}

BudgetList ReadBudgetsJson(const rapidjson::Value& root) {
  auto it = root.FindMember("Budgets");
  if (it == root.MemberEnd() || it->value.IsNull()) return std::nullopt;
  if (!it->value.IsArray()) Refuse("Budgets must be an array");
  std::vector<std::optional<Budget>> budgets;
  for (const auto& item : it->value.GetArray()) {
    const std::string path = "Budgets[" + std::to_string(budgets.size()) + "]";
    if (item.IsNull()) {
      budgets.emplace_back();
      continue;
    }
    if (!item.IsObject()) Refuse(path + " must be a Budget object or null");
    Budget b;
    if (auto amount = JsonText(item, "Amount", path)) {
      b.Amount = Decimal::FromJsonNumber(*amount);
      if (!b.Amount)
        Refuse(path + ".Amount is not a decimal number: '" + amount->substr(0, 40) + "'");
    }
    if (auto count = JsonText(item, "AssociationCount", path)) {
      b.AssociationCount = internal::ParseWhole<std::int32_t>(*count);
      if (!b.AssociationCount) Refuse(path + ".AssociationCount is not an int");
    }
    if (auto type = JsonText(item, "BudgetType", path)) {
      if (!budget_type::IsKnown(*type))
        Refuse(path + ".BudgetType '" + *type + "' is not a BudgetLimitType");
      b.BudgetType = type;
    }
    if (auto id = item.FindMember("Id"); id != item.MemberEnd() && !id->value.IsNull()) {
      b.Id = ReadId(id->value, path + ".Id");
    }
    b.Name = JsonText(item, "Name", path);
    budgets.emplace_back(std::move(b));
  }
  return budgets;
}

Reply HandleRest(BudgetService& service, std::string_view method, std::string_view path,
                 const std::function<std::string(const char*)>& header, const std::string& body) {
  const std::string tracking_id = BudgetService::NewTrackingId();
  try {
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseNumbersAsStringsFlag | rapidjson::kParseValidateEncodingFlag |
              rapidjson::kParseIterativeFlag>(body.data(), body.size());
    if (doc.HasParseError()) {
      Refuse(std::string("the request body is not JSON: ") +
             rapidjson::GetParseError_En(doc.GetParseError()) + " at offset " +
             std::to_string(doc.GetErrorOffset()));
    }
    if (!doc.IsObject()) Refuse("the request body must be a JSON object");
    const RequestContext context = ContextFrom(header);
    const std::string route = std::string(method) + " " + std::string(path);
    constexpr std::string_view prefix = "/CampaignManagement/v13";
    constexpr std::string_view reporting = "/Reporting/v13/GenerateReport/";
    if (method == "POST" && path.rfind(reporting, 0) == 0) {
      const std::string_view operation = path.substr(reporting.size());
      if (operation == "Submit" || operation == "Poll") {
        return HandleRestReporting(service, operation, context, doc, BaseUrlOf(header),
                                   tracking_id);
      }
    }

    if (route == "POST " + std::string(prefix) + "/Budgets/QueryByIds") {
      return Respond(service.GetBudgetsByIds(context, ReadIds(doc, "BudgetIds"), tracking_id),
                     tracking_id);
    }
    if (route == "POST " + std::string(prefix) + "/Budgets") {
      return Respond(service.AddBudgets(context, ReadBudgetsJson(doc), tracking_id), tracking_id);
    }
    if (route == "PUT " + std::string(prefix) + "/Budgets") {
      return Respond(service.UpdateBudgets(context, ReadBudgetsJson(doc), tracking_id),
                     tracking_id);
    }
    if (route == "DELETE " + std::string(prefix) + "/Budgets") {
      return Respond(service.DeleteBudgets(context, ReadIds(doc, "BudgetIds"), tracking_id),
                     tracking_id);
    }
    if (route == "POST " + std::string(prefix) + "/CampaignIds/QueryByBudgetIds") {
      return Respond(
          service.GetCampaignIdsByBudgetIds(context, ReadIds(doc, "BudgetIds"), tracking_id),
          tracking_id);
    }
    Fault fault =
        BudgetService::RequestFault(tracking_id, 0, "NotFound", "no operation at " + route);
    fault.rest_status = 404;
    return FaultReply(fault);
  } catch (const std::invalid_argument& bad) {
    return FaultReply(BudgetService::RequestFault(tracking_id, 100, "InvalidRequest", bad.what()));
  }
}

}  // namespace bingads::emulator
