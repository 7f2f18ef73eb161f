// REST codec: hand-written JSON over the shared HTTP transport; the field rules are the REST
// mapping's (rest_mapping.h). Numbers are read as text so amounts and 64-bit ids keep every digit.
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>
#include <string_view>

#include "codec.h"
#include "fast_scan.h"
#include "internal.h"
#include "rest_mapping.h"
#include "text.h"

namespace bingads::internal {
namespace {

using rest::kParseFlags;
using rest::kRoot;
using rest::Path;
using rest::Value;

using rest::AnswerReader;

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// {"BudgetIds":["id",...]} with ids as JSON strings; an empty list is sent as null.
std::string IdsBody(Ids ids) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("BudgetIds");
  if (ids.empty()) {
    w.Null();
  } else {
    w.StartArray();
    for (std::int64_t id : ids) rest::WriteString(w, std::to_string(id));
    w.EndArray();
  }
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

// {"Budgets":[...]} with only the fields the caller set; AssociationCount never, Id on update only.
std::string BudgetsBody(Budgets budgets, bool with_id) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("Budgets");
  w.StartArray();
  const auto shape = with_id ? rest::BudgetShape::kUpdate : rest::BudgetShape::kAdd;
  for (const Budget& b : budgets) rest::WriteBudget(w, b, shape);
  w.EndArray();
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

using rest::JsonBody;

class RestCodec final : public Codec {
 public:
  explicit RestCodec(bool fast_path) : fast_path_(fast_path) {}

  HttpRequest EncodeGetBudgetsByIds(const CallTarget& target, Ids ids) override {
    return rest::MakeRequest(target, kRestPrefix, "POST", "/Budgets/QueryByIds", IdsBody(ids));
  }

  GetBudgetsByIdsResult DecodeGetBudgetsByIds(const HttpResponse& response) override {
    if (fast_path_ && response.status >= 200 && response.status <= 299) {
      GetBudgetsByIdsResult result;
      if (ScanGetBudgetsByIds(response.body, result)) {
        result.TrackingIds.push_back(response.Header("TrackingId").value_or(""));
        return result;
      }
    }
    JsonBody doc;
    const rest::Reader reader = AnswerReader(response);
    auto result = Common<GetBudgetsByIdsResult>(response, doc, reader);
    const Path budgets_path{&kRoot, "Budgets", 0};
    if (const Value* budgets = reader.Array(doc, "Budgets", kRoot)) {
      result.Budgets.reserve(budgets->Size());
      for (rapidjson::SizeType i = 0; i < budgets->Size(); ++i) {
        const Value& item = (*budgets)[i];
        if (item.IsNull()) {
          result.Budgets.emplace_back();
        } else {
          reader.ReadBudget(item, Path{&budgets_path, nullptr, i},
                            result.Budgets.emplace_back(std::in_place).value());
        }
      }
    }
    return result;
  }

  HttpRequest EncodeAddBudgets(const CallTarget& target, Budgets budgets) override {
    return rest::MakeRequest(target, kRestPrefix, "POST", "/Budgets", BudgetsBody(budgets, false));
  }

  AddBudgetsResult DecodeAddBudgets(const HttpResponse& response) override {
    JsonBody doc;
    const rest::Reader reader = AnswerReader(response);
    auto result = Common<AddBudgetsResult>(response, doc, reader);
    result.BudgetIds = reader.NullableIds(doc, "BudgetIds", kRoot);
    return result;
  }

  HttpRequest EncodeUpdateBudgets(const CallTarget& target, Budgets budgets) override {
    return rest::MakeRequest(target, kRestPrefix, "PUT", "/Budgets", BudgetsBody(budgets, true));
  }

  UpdateBudgetsResult DecodeUpdateBudgets(const HttpResponse& response) override {
    JsonBody doc;
    const rest::Reader reader = AnswerReader(response);
    return Common<UpdateBudgetsResult>(response, doc, reader);
  }

  HttpRequest EncodeDeleteBudgets(const CallTarget& target, Ids ids) override {
    return rest::MakeRequest(target, kRestPrefix, "DELETE", "/Budgets", IdsBody(ids));
  }

  DeleteBudgetsResult DecodeDeleteBudgets(const HttpResponse& response) override {
    JsonBody doc;
    const rest::Reader reader = AnswerReader(response);
    return Common<DeleteBudgetsResult>(response, doc, reader);
  }

  HttpRequest EncodeGetCampaignIdsByBudgetIds(const CallTarget& target, Ids ids) override {
    return rest::MakeRequest(target, kRestPrefix, "POST", "/CampaignIds/QueryByBudgetIds",
                             IdsBody(ids));
  }

  GetCampaignIdsByBudgetIdsResult DecodeGetCampaignIdsByBudgetIds(
      const HttpResponse& response) override {
    JsonBody doc;
    const rest::Reader reader = AnswerReader(response);
    auto result = Common<GetCampaignIdsByBudgetIdsResult>(response, doc, reader);
    if (const Value* list = reader.Array(doc, "CampaignIdCollection", kRoot)) {
      for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
        const Value& item = (*list)[i];
        const Path list_path{&kRoot, "CampaignIdCollection", 0};
        const Path path{&list_path, nullptr, i};
        if (item.IsNull()) {
          result.CampaignIdCollection.emplace_back();
        } else if (!item.IsObject()) {
          reader.Failed(path, "expected an IdCollection object or null");
        } else {
          result.CampaignIdCollection.push_back(
              IdCollection{reader.NullableIds(item, "Ids", path)});
        }
      }
    }
    return result;
  }

 private:
  bool fast_path_;

  // Parses the body (faults throw) and reads what every response has: PartialErrors and the
  // TrackingId header.
  template <typename Result>
  static Result Common(const HttpResponse& response, JsonBody& doc, const rest::Reader& reader) {
    rest::ParseAnswer(response, doc);
    Result result;
    result.PartialErrors = reader.ReadPartialErrors(doc, "PartialErrors", kRoot);
    result.TrackingIds.push_back(response.Header("TrackingId").value_or(""));
    return result;
  }
};

}  // namespace

std::unique_ptr<Codec> MakeRestCodec(bool fast_path) {
  return std::make_unique<RestCodec>(fast_path);
}

}  // namespace bingads::internal
