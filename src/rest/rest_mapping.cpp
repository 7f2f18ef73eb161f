// The REST reading rules of the client (see rest_mapping.h for what each source may send).
#include "rest_mapping.h"

#include <rapidjson/error/en.h>

#include <utility>

#include "internal.h"

namespace bingads::internal::rest {
namespace {

// In an in-situ DOM a string's text starts right after its opening quote; a number read as text
// (kParseNumbersAsStringsFlag) starts at its first character, after ':', ',', '[' or space.
bool Quoted(const Value& v) { return v.IsString() && v.GetString()[-1] == '"'; }

}  // namespace

std::string Path::Str() const {
  std::string out = parent != nullptr ? parent->Str() : std::string();
  if (name != nullptr) {
    if (parent != nullptr) out += '.';
    out += name;
  } else {
    out += "[" + std::to_string(index) + "]";
  }
  return out;
}

const Path kRoot{nullptr, "$", 0};

void Reader::Failed(const Path& path, const std::string& problem) const {
  fail_(path.Str() + ": " + problem);
  throw Error(ErrorKind::kMalformedResponse, path.Str() + ": " + problem);  // fail_ throws
}

const Value* Reader::Member(const Value& object, const char* name) {
  auto it = object.FindMember(name);
  if (it == object.MemberEnd() || it->value.IsNull()) return nullptr;
  return &it->value;
}

// The text of a string or number, without copying it: it points into the parsed buffer. The
// body was checked to be UTF-8, but an escape of a lone surrogate (\udc00) unescapes to bytes
// that are not; such text is refused.
std::optional<std::string_view> Reader::View(const Value* v, const char* name, const Path& path,
                                             const char* expected) const {
  if (v == nullptr || v->IsNull()) return std::nullopt;
  if (!v->IsString()) Failed(Path{&path, name, 0}, std::string("expected ") + expected);
  const std::string_view text(v->GetString(), v->GetStringLength());
  if (InvalidUtf8(text)) {
    Failed(Path{&path, name, 0}, "not UTF-8 once unescaped (a lone surrogate escape)");
  }
  return text;
}

std::optional<std::string> Reader::String(const Value* v, const char* name,
                                          const Path& path) const {
  if (source_ == Source::kUser && v != nullptr && !v->IsNull() && !Quoted(*v)) {
    Failed(Path{&path, name, 0}, "expected a string");
  }
  auto text = View(v, name, path, "a string");
  if (!text) return std::nullopt;
  return std::string(*text);
}

std::optional<std::string> Reader::String(const Value& object, const char* name,
                                          const Path& path) const {
  return String(Member(object, name), name, path);
}

// Ids are JSON strings on this API; a plain number is accepted too.
std::optional<std::int64_t> Reader::Int64(const Value* v, const char* name,
                                          const Path& path) const {
  auto text = View(v, name, path, "a 64-bit integer");
  if (!text) return std::nullopt;
  auto value = ParseInt64(*text);
  if (!value) Failed(Path{&path, name, 0}, "not a 64-bit integer: '" + Excerpt(*text, 40) + "'");
  return value;
}

std::optional<std::int32_t> Reader::Int32(const Value* v, const char* name,
                                          const Path& path) const {
  if (source_ == Source::kUser && v != nullptr && (v->IsString() && Quoted(*v))) {
    Failed(Path{&path, name, 0}, "expected a 32-bit integer");
  }
  auto text = View(v, name, path, "a 32-bit integer");
  if (!text) return std::nullopt;
  auto value = ParseInt32(*text);
  if (!value) Failed(Path{&path, name, 0}, "not a 32-bit integer: '" + Excerpt(*text, 40) + "'");
  return value;
}

std::optional<std::int32_t> Reader::Int32(const Value& object, const char* name,
                                          const Path& path) const {
  return Int32(Member(object, name), name, path);
}

std::optional<bool> Reader::Bool(const Value& object, const char* name, const Path& path) const {
  const Value* v = Member(object, name);
  if (v == nullptr) return std::nullopt;
  if (v->IsBool()) return v->GetBool();
  if (v->IsString()) {  // the documentation's template quotes it
    const std::string_view s(v->GetString(), v->GetStringLength());
    if (s == "true") return true;
    if (s == "false") return false;
  }
  Failed(Path{&path, name, 0}, "expected true or false");
}

std::optional<Decimal> Reader::Amount(const Value* v, const Path& path) const {
  const bool user = source_ == Source::kUser;
  if (user && v != nullptr && !v->IsNull() && (!v->IsString() || Quoted(*v))) {
    Failed(Path{&path, "Amount", 0}, "expected a JSON number");
  }
  auto text = View(v, "Amount", path, "a decimal number");
  if (!text) return std::nullopt;
  auto value = Decimal::FromJsonNumber(*text);
  if (!value && !user) value = Decimal::Parse(*text);
  if (!value)
    Failed(Path{&path, "Amount", 0}, "not a decimal number: '" + Excerpt(*text, 60) + "'");
  return value;
}

std::optional<BudgetLimitType> Reader::Type(const Value* v, const Path& path) const {
  const auto text = String(v, "BudgetType", path);
  if (!text) return std::nullopt;
  BudgetLimitType type(*text);
  if (source_ == Source::kUser && !type.IsKnown()) {
    Failed(Path{&path, "BudgetType", 0},
           "unknown BudgetType '" + Excerpt(*text, 60) +
               "' (DailyBudgetAccelerated, DailyBudgetStandard or LifetimeBudgetStandard)");
  }
  return type;
}

std::optional<std::int64_t> Reader::Id(const Value* v, const Path& path) const {
  if (source_ == Source::kService) return Int64(v, "Id", path);
  if (v == nullptr || v->IsNull()) return std::nullopt;
  const auto id = v->IsString() ? ParseInt64(std::string_view(v->GetString(), v->GetStringLength()))
                                : std::nullopt;
  if (!id || *id <= 0) {
    Failed(Path{&path, "Id", 0}, "expected a positive 64-bit id, as a string or an integer");
  }
  return id;
}

const Value* Reader::Array(const Value& object, const char* name, const Path& path) const {
  const Value* v = Member(object, name);
  if (v != nullptr && !v->IsArray()) Failed(Path{&path, name, 0}, "expected an array or null");
  return v;
}

std::vector<std::optional<std::int64_t>> Reader::NullableIds(const Value& object, const char* name,
                                                             const Path& path) const {
  std::vector<std::optional<std::int64_t>> out;
  const Value* list = Array(object, name, path);
  if (list == nullptr) return out;
  out.reserve(list->Size());
  const Path list_path{&path, name, 0};
  for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
    const Value& item = (*list)[i];
    const Path where{&list_path, nullptr, i};
    if (item.IsNull()) {
      out.emplace_back();
      continue;
    }
    if (!item.IsString()) Failed(where, "expected a 64-bit integer or null");
    const std::string_view text(item.GetString(), item.GetStringLength());
    auto id = ParseInt64(text);
    if (!id) Failed(where, "not a 64-bit integer: '" + Excerpt(text, 40) + "'");
    out.push_back(id);
  }
  return out;
}

// One pass over the members (a budget has five; looking each up by name would scan them all five
// times).
void Reader::ReadBudget(const Value& v, const Path& path, Budget& b) const {
  if (!v.IsObject()) {
    Failed(path, source_ == Source::kUser ? "expected a Budget object"
                                          : "expected a Budget object or null");
  }
  for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m) {
    const std::string_view key(m->name.GetString(), m->name.GetStringLength());
    const Value* value = &m->value;
    if (key == "Amount") {
      b.Amount = Amount(value, path);
    } else if (key == "AssociationCount") {
      b.AssociationCount = Int32(value, "AssociationCount", path);
    } else if (key == "BudgetType") {
      b.BudgetType = Type(value, path);
    } else if (key == "Id") {
      b.Id = Id(value, path);
    } else if (key == "Name") {
      b.Name = String(value, "Name", path);
    } else if (source_ == Source::kUser) {
      Failed(Path{&path, m->name.GetString(), 0},
             "unknown member (Budget has Amount, AssociationCount, BudgetType, Id, Name)");
    }
  }
}

BatchError Reader::ReadBatchErrorFields(const Value& v, const Path& path) const {
  BatchError e;
  e.Code = Int32(v, "Code", path).value_or(0);
  e.Details = String(v, "Details", path);
  e.ErrorCode = String(v, "ErrorCode", path);
  e.FieldPath = String(v, "FieldPath", path);
  if (const Value* map = Array(v, "ForwardCompatibilityMap", path)) {
    const Path map_path{&path, "ForwardCompatibilityMap", 0};
    for (rapidjson::SizeType i = 0; i < map->Size(); ++i) {
      const Path entry_path{&map_path, nullptr, i};
      const Value& kv = (*map)[i];
      if (!kv.IsObject()) Failed(entry_path, "expected a key/value object");
      // The documentation writes key/value; the SDK models write Key/Value.
      auto key =
          kv.HasMember("key") ? String(kv, "key", entry_path) : String(kv, "Key", entry_path);
      auto value =
          kv.HasMember("value") ? String(kv, "value", entry_path) : String(kv, "Value", entry_path);
      e.ForwardCompatibilityMap.push_back({std::move(key), std::move(value)});
    }
  }
  e.Index = Int32(v, "Index", path).value_or(0);
  e.Message = String(v, "Message", path);
  e.Type = String(v, "Type", path);
  return e;
}

PartialError Reader::ReadPartialError(const Value& v, const Path& path) const {
  if (!v.IsObject()) Failed(path, "expected a BatchError object");
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

std::vector<PartialError> Reader::ReadPartialErrors(const Value& object, const char* name,
                                                    const Path& path) const {
  std::vector<PartialError> out;
  if (const Value* list = Array(object, name, path)) {
    out.reserve(list->Size());
    const Path list_path{&path, name, 0};
    for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
      if ((*list)[i].IsNull()) continue;
      out.push_back(ReadPartialError((*list)[i], Path{&list_path, nullptr, i}));
    }
  }
  return out;
}

// A fault's list of {Code, Detail or Details, ErrorCode, Message}: AdApiError or OperationError.
template <typename Item>
std::vector<Item> Reader::ReadCodes(const Value& fault, const char* name, const char* type,
                                    const char* detail_key, const Path& path) const {
  std::vector<Item> out;
  if (const Value* list = Array(fault, name, path)) {
    const Path list_path{&path, name, 0};
    for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
      const Path p{&list_path, nullptr, i};
      const Value& e = (*list)[i];
      if (e.IsNull()) continue;
      if (!e.IsObject()) Failed(p, std::string("expected an ") + type + " object");
      out.push_back({Int32(e, "Code", p).value_or(0), String(e, detail_key, p),
                     String(e, "ErrorCode", p), String(e, "Message", p)});
    }
  }
  return out;
}

FaultDetail Reader::ReadFault(const Value& root, const HttpResponse& response) const {
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
  d.Errors = ReadCodes<AdApiError>(*fault, "Errors", "AdApiError", "Detail", path);
  d.BatchErrors = ReadPartialErrors(*fault, "BatchErrors", path);
  d.OperationErrors =
      ReadCodes<OperationError>(*fault, "OperationErrors", "OperationError", "Details", path);
  if (d.TrackingId.empty()) d.TrackingId = response.Header("TrackingId").value_or("");
  if (d.Errors.empty() && d.BatchErrors.empty() && d.OperationErrors.empty()) {
    d.RawDetail = Excerpt(response.body, 400);
  }
  return d;
}

bool LooksLikeFault(const Value& root) {
  return root.IsObject() && (root.HasMember("ApplicationFault") ||
                             (root.HasMember("Type") &&
                              (root.HasMember("Errors") || root.HasMember("BatchErrors") ||
                               root.HasMember("OperationErrors") || root.HasMember("TrackingId"))));
}

HttpRequest MakeRequest(const CallTarget& target, std::string_view prefix, const char* method,
                        const char* path, std::string body) {
  HttpRequest request;
  request.method = method;
  request.url = target.base_url + std::string(prefix) + path;
  request.headers = {{"Authorization", "Bearer " + target.credentials.access_token},
                     {"DeveloperToken", target.credentials.developer_token},
                     {"CustomerId", target.credentials.customer_id},
                     {"CustomerAccountId", target.credentials.account_id},
                     {"Content-Type", "application/json"},
                     {"Accept", "application/json"}};
  request.body = std::move(body);
  return request;
}

Reader AnswerReader(const HttpResponse& response) {
  return Reader(Source::kService, [&response](const std::string& problem) {
    ThrowMalformed("REST", response, problem);
  });
}

void ParseAnswer(const HttpResponse& response, JsonBody& doc) {
  constexpr const char* kProtocol = "REST";
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
  if (LooksLikeFault(doc)) {
    throw ApiFault(AnswerReader(response).ReadFault(doc, response), response.status);
  }
  if (!success)
    ThrowMalformed(kProtocol, response, "a non-success HTTP status without a fault body");
}

}  // namespace bingads::internal::rest
