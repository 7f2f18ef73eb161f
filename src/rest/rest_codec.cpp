// REST codec: hand-written JSON over the shared HTTP transport, RapidJSON inside this file only.
// Numbers are read as text (kParseNumbersAsStringsFlag) so amounts and 64-bit ids keep every digit.
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>
#include <string_view>

#include "codec.h"
#include "fast_scan.h"
#include "internal.h"
#include "text.h"

namespace bingads::internal {
namespace {

constexpr const char* kProtocol = "REST";
// UTF-8 is checked before parsing (InvalidUtf8, much faster than RapidJSON's own per-character
// check, which also turns off its fast string scan), so the parser is not asked to validate again.
// The iterative parser keeps nesting on the heap: a body of a million '[' is an error, not a stack
// overflow.
constexpr unsigned kParseFlags =
    rapidjson::kParseNumbersAsStringsFlag | rapidjson::kParseIterativeFlag;

using Value = rapidjson::Value;

// A JSON path built on the stack as the reader descends, turned into text only for an error
// message: the happy path allocates nothing for it.
struct Path {
  const Path* parent = nullptr;
  const char* name = nullptr;  // a member name, or nullptr for an array index
  std::size_t index = 0;
  std::string Str() const {
    std::string out = parent != nullptr ? parent->Str() : std::string();
    if (name != nullptr) {
      if (parent != nullptr) out += '.';
      out += name;
    } else {
      out += "[" + std::to_string(index) + "]";
    }
    return out;
  }
};

const Path kRoot{nullptr, "$", 0};

// Reads typed fields out of the DOM; every mistake names its JSON path.
class Reader {
 public:
  explicit Reader(const HttpResponse& response) : response_(response) {}

  [[noreturn]] void Fail(const Path& path, const std::string& problem) const {
    ThrowMalformed(kProtocol, response_, path.Str() + ": " + problem);
  }

  static const Value* Member(const Value& object, const char* name) {
    auto it = object.FindMember(name);
    if (it == object.MemberEnd() || it->value.IsNull()) return nullptr;
    return &it->value;
  }

  // The text of a string or number (the parser hands numbers over as their exact text), without
  // copying it: it points into the parsed buffer. The body was checked to be UTF-8, but an escape
  // of a lone surrogate (\udc00) unescapes to bytes that are not; such text is refused.
  std::optional<std::string_view> View(const Value* v, const char* name, const Path& path,
                                       const char* expected) const {
    if (v == nullptr || v->IsNull()) return std::nullopt;
    if (!v->IsString()) Fail(Path{&path, name, 0}, std::string("expected ") + expected);
    const std::string_view text(v->GetString(), v->GetStringLength());
    if (InvalidUtf8(text)) {
      Fail(Path{&path, name, 0}, "not UTF-8 once unescaped (a lone surrogate escape)");
    }
    return text;
  }

  std::optional<std::string> String(const Value* v, const char* name, const Path& path) const {
    auto text = View(v, name, path, "a string");
    if (!text) return std::nullopt;
    return std::string(*text);
  }
  std::optional<std::string> String(const Value& object, const char* name, const Path& path) const {
    return String(Member(object, name), name, path);
  }

  // Ids are JSON strings on this API; a plain number is accepted too.
  std::optional<std::int64_t> Int64(const Value* v, const char* name, const Path& path) const {
    auto text = View(v, name, path, "a 64-bit integer");
    if (!text) return std::nullopt;
    auto value = ParseInt64(*text);
    if (!value) Fail(Path{&path, name, 0}, "not a 64-bit integer: '" + Excerpt(*text, 40) + "'");
    return value;
  }

  std::optional<std::int32_t> Int32(const Value* v, const char* name, const Path& path) const {
    auto text = View(v, name, path, "a 32-bit integer");
    if (!text) return std::nullopt;
    auto value = ParseInt32(*text);
    if (!value) Fail(Path{&path, name, 0}, "not a 32-bit integer: '" + Excerpt(*text, 40) + "'");
    return value;
  }
  std::optional<std::int32_t> Int32(const Value& object, const char* name, const Path& path) const {
    return Int32(Member(object, name), name, path);
  }

  std::optional<bool> Bool(const Value& object, const char* name, const Path& path) const {
    const Value* v = Member(object, name);
    if (v == nullptr) return std::nullopt;
    if (v->IsBool()) return v->GetBool();
    if (v->IsString()) {  // the documentation's template quotes it
      const std::string_view s(v->GetString(), v->GetStringLength());
      if (s == "true") return true;
      if (s == "false") return false;
    }
    Fail(Path{&path, name, 0}, "expected true or false");
  }

  std::optional<Decimal> Amount(const Value* v, const Path& path) const {
    auto text = View(v, "Amount", path, "a decimal number");
    if (!text) return std::nullopt;
    auto value = Decimal::FromJsonNumber(*text);
    if (!value) value = Decimal::Parse(*text);
    if (!value)
      Fail(Path{&path, "Amount", 0}, "not a decimal number: '" + Excerpt(*text, 60) + "'");
    return value;
  }

  const Value* Array(const Value& object, const char* name, const Path& path) const {
    const Value* v = Member(object, name);
    if (v != nullptr && !v->IsArray()) Fail(Path{&path, name, 0}, "expected an array or null");
    return v;
  }

  // An array of ids (strings or numbers) whose items may be null; null or absent gives [].
  std::vector<std::optional<std::int64_t>> NullableIds(const Value& object, const char* name,
                                                       const Path& path) const {
    std::vector<std::optional<std::int64_t>> out;
    const Value* list = Array(object, name, path);
    if (list == nullptr) return out;
    out.reserve(list->Size());
    for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
      const Value& item = (*list)[i];
      const Path list_path{&path, name, 0};
      const Path where{&list_path, nullptr, i};
      if (item.IsNull()) {
        out.emplace_back();
        continue;
      }
      if (!item.IsString()) Fail(where, "expected a 64-bit integer or null");
      auto id = ParseInt64(std::string_view(item.GetString(), item.GetStringLength()));
      if (!id) Fail(where, "not a 64-bit integer: '" + Excerpt(item.GetString(), 40) + "'");
      out.push_back(id);
    }
    return out;
  }

  // One pass over the members (a budget has five; looking each up by name would scan them all
  // five times). Of a repeated member the last one counts (RFC 8259 leaves that to the reader).
  // Fills `b` in place (the caller's slot), so no Budget is built twice.
  void ReadBudget(const Value& v, const Path& path, Budget& b) const {
    if (!v.IsObject()) Fail(path, "expected a Budget object or null");
    for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m) {
      const std::string_view key(m->name.GetString(), m->name.GetStringLength());
      const Value* value = &m->value;
      if (key == "Amount") {
        b.Amount = Amount(value, path);
      } else if (key == "AssociationCount") {
        b.AssociationCount = Int32(value, "AssociationCount", path);
      } else if (key == "BudgetType") {
        const auto text = View(value, "BudgetType", path, "a string");
        b.BudgetType = text ? std::optional<BudgetLimitType>(*text) : std::nullopt;
      } else if (key == "Id") {
        b.Id = Int64(value, "Id", path);
      } else if (key == "Name") {
        b.Name = String(value, "Name", path);
      }
    }
  }

  BatchError ReadBatchErrorFields(const Value& v, const Path& path) const {
    BatchError e;
    e.Code = Int32(v, "Code", path).value_or(0);
    e.Details = String(v, "Details", path);
    e.ErrorCode = String(v, "ErrorCode", path);
    e.FieldPath = String(v, "FieldPath", path);
    if (const Value* map = Array(v, "ForwardCompatibilityMap", path)) {
      for (rapidjson::SizeType i = 0; i < map->Size(); ++i) {
        const Path map_path{&path, "ForwardCompatibilityMap", 0};
        const Path entry_path{&map_path, nullptr, i};
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

  PartialError ReadPartialError(const Value& v, const Path& path) const {
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
                                              const Path& path) const {
    std::vector<PartialError> out;
    if (const Value* list = Array(object, name, path)) {
      out.reserve(list->Size());
      for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
        if ((*list)[i].IsNull()) continue;
        const Path list_path{&path, name, 0};
        out.push_back(ReadPartialError((*list)[i], Path{&list_path, nullptr, i}));
      }
    }
    return out;
  }

  // A fault body: {"Type":...} or {"ApplicationFault":{"Type":...}}.
  FaultDetail ReadFault(const Value& root) const {
    const Value* fault = &root;
    const Path wrapper{&kRoot, "ApplicationFault", 0};
    const Path* where = &kRoot;
    if (const Value* wrapped = Member(root, "ApplicationFault"); wrapped && wrapped->IsObject()) {
      fault = wrapped;
      where = &wrapper;
    }
    const Path& path = *where;
    FaultDetail d;
    d.Type = String(*fault, "Type", path).value_or("");
    d.TrackingId = String(*fault, "TrackingId", path).value_or("");
    if (const Value* errors = Array(*fault, "Errors", path)) {
      for (rapidjson::SizeType i = 0; i < errors->Size(); ++i) {
        const Path errors_path{&path, "Errors", 0};
        const Path p{&errors_path, nullptr, i};
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
        const Path ops_path{&path, "OperationErrors", 0};
        const Path p{&ops_path, nullptr, i};
        const Value& e = (*ops)[i];
        if (e.IsNull()) continue;
        if (!e.IsObject()) Fail(p, "expected an OperationError object");
        d.OperationErrors.push_back({Int32(e, "Code", p).value_or(0), String(e, "Details", p),
                                     String(e, "ErrorCode", p), String(e, "Message", p)});
      }
    }
    if (d.TrackingId.empty()) d.TrackingId = response_.Header("TrackingId").value_or("");
    if (d.Errors.empty() && d.BatchErrors.empty() && d.OperationErrors.empty()) {
      d.RawDetail = Excerpt(response_.body, 400);
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

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void WriteString(JsonWriter& w, std::string_view value) {
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

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
    for (std::int64_t id : ids) WriteString(w, std::to_string(id));
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
  for (const Budget& b : budgets) {
    w.StartObject();
    if (b.Amount) {
      w.Key("Amount");
      const std::string& text = b.Amount->JsonText();
      w.RawValue(text.data(), text.size(), rapidjson::kNumberType);
    }
    if (b.BudgetType) {
      w.Key("BudgetType");
      WriteString(w, b.BudgetType->Text());
    }
    if (with_id && b.Id) {
      w.Key("Id");
      WriteString(w, std::to_string(*b.Id));
    }
    if (b.Name) {
      w.Key("Name");
      WriteString(w, *b.Name);
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

// A DOM parsed in situ: its strings point into `buffer`, our own copy of the body.
struct JsonBody : rapidjson::Document {
  std::string buffer;
};

class RestCodec final : public Codec {
 public:
  explicit RestCodec(bool fast_path) : fast_path_(fast_path) {}

  HttpRequest EncodeGetBudgetsByIds(const CallTarget& target, Ids ids) override {
    return MakeRequest(target, "POST", "/Budgets/QueryByIds", IdsBody(ids));
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
    Reader reader(response);
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
    return MakeRequest(target, "POST", "/Budgets", BudgetsBody(budgets, false));
  }

  AddBudgetsResult DecodeAddBudgets(const HttpResponse& response) override {
    JsonBody doc;
    Reader reader(response);
    auto result = Common<AddBudgetsResult>(response, doc, reader);
    result.BudgetIds = reader.NullableIds(doc, "BudgetIds", kRoot);
    return result;
  }

  HttpRequest EncodeUpdateBudgets(const CallTarget& target, Budgets budgets) override {
    return MakeRequest(target, "PUT", "/Budgets", BudgetsBody(budgets, true));
  }

  UpdateBudgetsResult DecodeUpdateBudgets(const HttpResponse& response) override {
    JsonBody doc;
    Reader reader(response);
    return Common<UpdateBudgetsResult>(response, doc, reader);
  }

  HttpRequest EncodeDeleteBudgets(const CallTarget& target, Ids ids) override {
    return MakeRequest(target, "DELETE", "/Budgets", IdsBody(ids));
  }

  DeleteBudgetsResult DecodeDeleteBudgets(const HttpResponse& response) override {
    JsonBody doc;
    Reader reader(response);
    return Common<DeleteBudgetsResult>(response, doc, reader);
  }

  HttpRequest EncodeGetCampaignIdsByBudgetIds(const CallTarget& target, Ids ids) override {
    return MakeRequest(target, "POST", "/CampaignIds/QueryByBudgetIds", IdsBody(ids));
  }

  GetCampaignIdsByBudgetIdsResult DecodeGetCampaignIdsByBudgetIds(
      const HttpResponse& response) override {
    JsonBody doc;
    Reader reader(response);
    auto result = Common<GetCampaignIdsByBudgetIdsResult>(response, doc, reader);
    if (const Value* list = reader.Array(doc, "CampaignIdCollection", kRoot)) {
      for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
        const Value& item = (*list)[i];
        const Path list_path{&kRoot, "CampaignIdCollection", 0};
        const Path path{&list_path, nullptr, i};
        if (item.IsNull()) {
          result.CampaignIdCollection.emplace_back();
        } else if (!item.IsObject()) {
          reader.Fail(path, "expected an IdCollection object or null");
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
  static Result Common(const HttpResponse& response, JsonBody& doc, const Reader& reader) {
    Parse(response, doc);
    Result result;
    result.PartialErrors = reader.ReadPartialErrors(doc, "PartialErrors", kRoot);
    result.TrackingIds.push_back(response.Header("TrackingId").value_or(""));
    return result;
  }

  static HttpRequest MakeRequest(const CallTarget& target, const char* method, const char* path,
                                 std::string body) {
    HttpRequest request;
    request.method = method;
    request.url = target.base_url + std::string(kRestPrefix) + path;
    request.headers = {{"Authorization", "Bearer " + target.credentials.access_token},
                       {"DeveloperToken", target.credentials.developer_token},
                       {"CustomerId", target.credentials.customer_id},
                       {"CustomerAccountId", target.credentials.account_id},
                       {"Content-Type", "application/json"},
                       {"Accept", "application/json"}};
    request.body = std::move(body);
    return request;
  }

  // Parses the body; throws ApiFault for a fault and Error for anything that is not a JSON object.
  static void Parse(const HttpResponse& response, JsonBody& doc) {
    const bool success = response.status >= 200 && response.status <= 299;
    if (response.body.empty()) ThrowMalformed(kProtocol, response, "empty body");
    if (auto bad = InvalidUtf8(response.body)) {
      ThrowMalformed(kProtocol, response,
                     "not JSON: invalid UTF-8 at offset " + std::to_string(*bad));
    }
    doc.buffer = response.body;
    doc.ParseInsitu<kParseFlags>(doc.buffer.data());
    if (doc.HasParseError()) {
      // Anything but whitespace after the document is an error too (root not singular).
      ThrowMalformed(kProtocol, response,
                     std::string("not JSON: ") + rapidjson::GetParseError_En(doc.GetParseError()) +
                         " at offset " + std::to_string(doc.GetErrorOffset()));
    }
    if (!doc.IsObject()) ThrowMalformed(kProtocol, response, "expected a JSON object");
    if (LooksLikeFault(doc)) throw ApiFault(Reader(response).ReadFault(doc), response.status);
    if (!success)
      ThrowMalformed(kProtocol, response, "a non-success HTTP status without a fault body");
  }
};

}  // namespace

std::unique_ptr<Codec> MakeRestCodec(bool fast_path) {
  return std::make_unique<RestCodec>(fast_path);
}

}  // namespace bingads::internal
