// REST codec: hand-written JSON over the shared HTTP transport, RapidJSON inside this file only.
// Numbers are read as text (kParseNumbersAsStringsFlag) so amounts and 64-bit ids keep every digit.
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>

#include "internal.h"

namespace bingads::internal {
namespace {

constexpr const char* kProtocol = "REST";
constexpr unsigned kParseFlags =
    rapidjson::kParseNumbersAsStringsFlag | rapidjson::kParseValidateEncodingFlag;

using Value = rapidjson::Value;

// Reads typed fields out of the DOM; every mistake names its JSON path.
class Reader {
 public:
  explicit Reader(const HttpResponse& response) : response_(response) {}

  [[noreturn]] void Fail(const std::string& path, const std::string& problem) const {
    ThrowMalformed(kProtocol, response_, path + ": " + problem);
  }

  static const Value* Member(const Value& object, const char* name) {
    auto it = object.FindMember(name);
    if (it == object.MemberEnd() || it->value.IsNull()) return nullptr;
    return &it->value;
  }

  // Strings, and numbers (which the parser hands over as their exact text).
  std::optional<std::string> Text(const Value& object, const char* name, const std::string& path,
                                  const char* expected) const {
    const Value* v = Member(object, name);
    if (v == nullptr) return std::nullopt;
    if (!v->IsString()) Fail(path + "." + name, std::string("expected ") + expected);
    return std::string(v->GetString(), v->GetStringLength());
  }

  std::optional<std::string> String(const Value& object, const char* name,
                                    const std::string& path) const {
    return Text(object, name, path, "a string");
  }

  std::optional<std::int64_t> Int64(const Value& object, const char* name,
                                    const std::string& path) const {
    // Ids are JSON strings on this API; a plain number is accepted too.
    auto text = Text(object, name, path, "a 64-bit integer");
    if (!text) return std::nullopt;
    auto value = ParseInt64(*text);
    if (!value) Fail(path + "." + name, "not a 64-bit integer: '" + Excerpt(*text, 40) + "'");
    return value;
  }

  std::optional<std::int32_t> Int32(const Value& object, const char* name,
                                    const std::string& path) const {
    auto text = Text(object, name, path, "a 32-bit integer");
    if (!text) return std::nullopt;
    auto value = ParseInt32(*text);
    if (!value) Fail(path + "." + name, "not a 32-bit integer: '" + Excerpt(*text, 40) + "'");
    return value;
  }

  std::optional<bool> Bool(const Value& object, const char* name, const std::string& path) const {
    const Value* v = Member(object, name);
    if (v == nullptr) return std::nullopt;
    if (v->IsBool()) return v->GetBool();
    if (v->IsString()) {  // the documentation's template quotes it
      const std::string_view s(v->GetString(), v->GetStringLength());
      if (s == "true") return true;
      if (s == "false") return false;
    }
    Fail(path + "." + name, "expected true or false");
  }

  std::optional<Decimal> Amount(const Value& object, const std::string& path) const {
    auto text = Text(object, "Amount", path, "a decimal number");
    if (!text) return std::nullopt;
    auto value = Decimal::FromJsonNumber(*text);
    if (!value) value = Decimal::Parse(*text);
    if (!value) Fail(path + ".Amount", "not a decimal number: '" + Excerpt(*text, 60) + "'");
    return value;
  }

  const Value* Array(const Value& object, const char* name, const std::string& path) const {
    const Value* v = Member(object, name);
    if (v != nullptr && !v->IsArray()) Fail(path + "." + name, "expected an array or null");
    return v;
  }

  Budget ReadBudget(const Value& v, const std::string& path) const {
    if (!v.IsObject()) Fail(path, "expected a Budget object or null");
    Budget b;
    b.Amount = Amount(v, path);
    b.AssociationCount = Int32(v, "AssociationCount", path);
    b.BudgetType = String(v, "BudgetType", path);
    b.Id = Int64(v, "Id", path);
    b.Name = String(v, "Name", path);
    return b;
  }

  BatchError ReadBatchErrorFields(const Value& v, const std::string& path) const {
    BatchError e;
    e.Code = Int32(v, "Code", path).value_or(0);
    e.Details = String(v, "Details", path);
    e.ErrorCode = String(v, "ErrorCode", path);
    e.FieldPath = String(v, "FieldPath", path);
    if (const Value* map = Array(v, "ForwardCompatibilityMap", path)) {
      for (rapidjson::SizeType i = 0; i < map->Size(); ++i) {
        const std::string entry_path = path + ".ForwardCompatibilityMap[" + std::to_string(i) + "]";
        const Value& kv = (*map)[i];
        if (!kv.IsObject()) Fail(entry_path, "expected a key/value object");
        // The documentation writes key/value; the SDK models write Key/Value.
        auto key =
            kv.HasMember("key") ? String(kv, "key", entry_path) : String(kv, "Key", entry_path);
        auto value = kv.HasMember("value") ? String(kv, "value", entry_path)
                                           : String(kv, "Value", entry_path);
        e.ForwardCompatibilityMap.push_back({std::move(key), std::move(value)});
      }
    }
    e.Index = Int32(v, "Index", path).value_or(0);
    e.Message = String(v, "Message", path);
    e.Type = String(v, "Type", path);
    return e;
  }

  PartialError ReadPartialError(const Value& v, const std::string& path) const {
    if (!v.IsObject()) Fail(path, "expected a BatchError object");
    BatchError base = ReadBatchErrorFields(v, path);
    if (base.Type != "EditorialError") return base;  // unknown Type falls back to BatchError
    EditorialError e;
    static_cast<BatchError&>(e) = std::move(base);
    e.Appealable = Bool(v, "Appealable", path);
    e.DisapprovedText = String(v, "DisapprovedText", path);
    e.Location = String(v, "Location", path);
    e.PublisherCountry = String(v, "PublisherCountry", path);
    e.ReasonCode = Int32(v, "ReasonCode", path).value_or(0);
    return e;
  }

  std::vector<PartialError> ReadPartialErrors(const Value& object, const char* name,
                                              const std::string& path) const {
    std::vector<PartialError> out;
    if (const Value* list = Array(object, name, path)) {
      out.reserve(list->Size());
      for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
        if ((*list)[i].IsNull()) continue;
        out.push_back(
            ReadPartialError((*list)[i], path + "." + name + "[" + std::to_string(i) + "]"));
      }
    }
    return out;
  }

  // A fault body: {"Type":...} or {"ApplicationFault":{"Type":...}}.
  FaultDetail ReadFault(const Value& root) const {
    const Value* fault = &root;
    std::string path = "$";
    if (const Value* wrapped = Member(root, "ApplicationFault"); wrapped && wrapped->IsObject()) {
      fault = wrapped;
      path = "$.ApplicationFault";
    }
    FaultDetail d;
    d.Type = String(*fault, "Type", path).value_or("");
    d.TrackingId = String(*fault, "TrackingId", path).value_or("");
    if (const Value* errors = Array(*fault, "Errors", path)) {
      for (rapidjson::SizeType i = 0; i < errors->Size(); ++i) {
        const std::string p = path + ".Errors[" + std::to_string(i) + "]";
        const Value& e = (*errors)[i];
        if (e.IsNull()) continue;
        if (!e.IsObject()) Fail(p, "expected an AdApiError object");
        d.Errors.push_back({Int32(e, "Code", p).value_or(0), String(e, "Detail", p),
                            String(e, "ErrorCode", p), String(e, "Message", p)});
      }
    }
    d.BatchErrors = ReadPartialErrors(*fault, "BatchErrors", path);
    if (const Value* ops = Array(*fault, "OperationErrors", path)) {
      for (rapidjson::SizeType i = 0; i < ops->Size(); ++i) {
        const std::string p = path + ".OperationErrors[" + std::to_string(i) + "]";
        const Value& e = (*ops)[i];
        if (e.IsNull()) continue;
        if (!e.IsObject()) Fail(p, "expected an OperationError object");
        d.OperationErrors.push_back({Int32(e, "Code", p).value_or(0), String(e, "Details", p),
                                     String(e, "ErrorCode", p), String(e, "Message", p)});
      }
    }
    if (d.TrackingId.empty()) d.TrackingId = response_.Header("TrackingId").value_or("");
    if (d.Errors.empty() && d.BatchErrors.empty() && d.OperationErrors.empty()) {
      d.RawDetail = Excerpt(response_.Body, 400);
    }
    return d;
  }

 private:
  const HttpResponse& response_;
};

bool LooksLikeFault(const Value& root) {
  return root.IsObject() && (root.HasMember("ApplicationFault") ||
                             (root.HasMember("Type") &&
                              (root.HasMember("Errors") || root.HasMember("BatchErrors") ||
                               root.HasMember("OperationErrors") || root.HasMember("TrackingId"))));
}

class RestCodec final : public Codec {
 public:
  HttpRequest EncodeGetBudgetsByIds(const CallTarget& target,
                                    const std::vector<std::int64_t>& ids) override {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    writer.StartObject();
    writer.Key("BudgetIds");
    if (ids.empty()) {
      writer.Null();  // nil: every budget of the account
    } else {
      writer.StartArray();
      for (std::int64_t id : ids) {
        const std::string text = std::to_string(id);
        writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
      }
      writer.EndArray();
    }
    writer.EndObject();
    return MakeRequest(target, "POST", "/Budgets/QueryByIds",
                       std::string(buffer.GetString(), buffer.GetSize()));
  }

  GetBudgetsByIdsResult DecodeGetBudgetsByIds(const HttpResponse& response) override {
    rapidjson::Document doc;
    const Value& root = Parse(response, doc);
    Reader reader(response);
    GetBudgetsByIdsResult result;
    result.TrackingId = response.Header("TrackingId").value_or("");
    if (const Value* budgets = reader.Array(root, "Budgets", "$")) {
      result.Budgets.reserve(budgets->Size());
      for (rapidjson::SizeType i = 0; i < budgets->Size(); ++i) {
        const Value& item = (*budgets)[i];
        if (item.IsNull()) {
          result.Budgets.emplace_back();
        } else {
          result.Budgets.emplace_back(
              reader.ReadBudget(item, "$.Budgets[" + std::to_string(i) + "]"));
        }
      }
    }
    result.PartialErrors = reader.ReadPartialErrors(root, "PartialErrors", "$");
    return result;
  }

 private:
  static HttpRequest MakeRequest(const CallTarget& target, const char* method, const char* path,
                                 std::string body) {
    HttpRequest request;
    request.Method = method;
    request.Url = target.base_url + std::string(kRestPrefix) + path;
    request.Headers = {{"Authorization", "Bearer " + target.credentials.access_token},
                       {"DeveloperToken", target.credentials.developer_token},
                       {"CustomerId", target.credentials.customer_id},
                       {"CustomerAccountId", target.credentials.account_id},
                       {"Content-Type", "application/json"},
                       {"Accept", "application/json"}};
    request.Body = std::move(body);
    return request;
  }

  // Parses the body; throws ApiFault for a fault and Error for anything that is not the expected
  // JSON object. Returns the root object of a success response.
  static const Value& Parse(const HttpResponse& response, rapidjson::Document& doc) {
    const bool success = response.Status >= 200 && response.Status <= 299;
    if (response.Body.empty()) ThrowMalformed(kProtocol, response, "empty body");
    doc.Parse<kParseFlags>(response.Body.data(), response.Body.size());
    if (doc.HasParseError()) {
      const std::size_t offset = doc.GetErrorOffset();
      // Anything but whitespace after the document is an error too (root not singular).
      ThrowMalformed(kProtocol, response,
                     std::string("not JSON: ") + rapidjson::GetParseError_En(doc.GetParseError()) +
                         " at offset " + std::to_string(offset));
    }
    if (!doc.IsObject()) ThrowMalformed(kProtocol, response, "expected a JSON object");
    if (LooksLikeFault(doc) || !success) {
      if (!LooksLikeFault(doc)) {
        ThrowMalformed(kProtocol, response, "a non-success HTTP status without a fault body");
      }
      throw ApiFault(Reader(response).ReadFault(doc), response.Status);
    }
    return doc;
  }
};

}  // namespace

std::unique_ptr<Codec> MakeRestCodec() { return std::make_unique<RestCodec>(); }

}  // namespace bingads::internal
