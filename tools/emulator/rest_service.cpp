// The emulator's REST front: RapidJSON in both directions.
#include <bingads/json.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <charconv>

#include "fronts.h"

namespace bingads::emulator {
namespace {

constexpr const char* kJson = "application/json; charset=utf-8";

struct BadRequest {
  std::string message;
};

Reply FaultReply(const Fault& fault) {
  return {fault.rest_status, kJson, ToJson(fault.detail), fault.detail.TrackingId};
}

// {"BudgetIds": null | [ "id" | id, ... ]}; absent means null.
std::optional<std::vector<std::int64_t>> ReadIds(const rapidjson::Value& root, const char* name) {
  auto it = root.FindMember(name);
  if (it == root.MemberEnd() || it->value.IsNull()) return std::nullopt;
  if (!it->value.IsArray()) throw BadRequest{std::string(name) + " must be an array of ids"};
  std::vector<std::int64_t> ids;
  for (const auto& item : it->value.GetArray()) {
    const std::string where = std::string(name) + "[" + std::to_string(ids.size()) + "]";
    if (!item.IsString()) throw BadRequest{where + " must be an id (a string or an integer)"};
    const std::string_view text(item.GetString(), item.GetStringLength());
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
      throw BadRequest{where + " is not a 64-bit integer: '" + std::string(text.substr(0, 40)) +
                       "'"};
    }
    ids.push_back(value);
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

}  // namespace

Reply HandleRest(BudgetService& service, std::string_view method, std::string_view path,
                 const std::function<std::string(const char*)>& header, const std::string& body) {
  const std::string tracking_id = BudgetService::NewTrackingId();
  try {
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseNumbersAsStringsFlag | rapidjson::kParseValidateEncodingFlag>(
        body.data(), body.size());
    if (doc.HasParseError()) {
      throw BadRequest{std::string("the request body is not JSON: ") +
                       rapidjson::GetParseError_En(doc.GetParseError()) + " at offset " +
                       std::to_string(doc.GetErrorOffset())};
    }
    if (!doc.IsObject()) throw BadRequest{"the request body must be a JSON object"};
    const RequestContext context = ContextFrom(header);

    if (method == "POST" && path == "/CampaignManagement/v13/Budgets/QueryByIds") {
      auto outcome = service.GetBudgetsByIds(context, ReadIds(doc, "BudgetIds"), tracking_id);
      if (auto* fault = std::get_if<Fault>(&outcome)) return FaultReply(*fault);
      return {200, kJson,
              ToJson(std::get<GetBudgetsByIdsResult>(outcome), {.with_tracking_id = false}),
              tracking_id};
    }
    Fault fault = BudgetService::RequestFault(
        tracking_id, 0, "NotFound",
        "no operation at " + std::string(method) + " " + std::string(path));
    fault.rest_status = 404;
    return FaultReply(fault);
  } catch (const BadRequest& bad) {
    return FaultReply(BudgetService::RequestFault(tracking_id, 100, "InvalidRequest", bad.message));
  }
}

}  // namespace bingads::emulator
