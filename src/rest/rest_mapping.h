// The REST mapping of the client: one set of rules for Budget, BatchError and faults in JSON,
// shared by the codec (request bodies, answers), the REST-shaped output (ToJson) and the budget
// files the CLI reads (BudgetsFromJson). RapidJSON stays behind src/; the emulator and the byte
// scanner keep their own copies on purpose, held to these by differential fuzz targets.
//
// What is accepted depends on who wrote the JSON, decided here once:
//  - the service (Source::kService): a quoted Amount is read (its text is exact either way), an
//    unknown BudgetType is kept as text (as the SOAP path keeps it, and as model.h promises), and
//    members the contract does not list are skipped, so an answer that grows still reads;
//  - a user (Source::kUser, budget files): Amount must be a JSON number, BudgetType a value the
//    contract lists, Name a string, and an unknown member is refused (a misspelt "Ammount" would
//    otherwise vanish), all before anything is sent.
// In both, null means unset, ids are strings or integers, and every mistake names its JSON path.
#pragma once

#include <bingads/errors.h>
#include <bingads/model.h>
#include <bingads/transport.h>
#include <rapidjson/document.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "internal.h"
#include "text.h"

namespace bingads::internal::rest {

using Value = rapidjson::Value;

// Numbers are read as their text (amounts and 64-bit ids keep every digit), on the heap (a body
// of a million '[' is an error, not a stack overflow), in situ: a DOM's strings point into its
// own copy of the text, which is what tells a quoted value from a number (see Quoted).
constexpr unsigned kParseFlags =
    rapidjson::kParseNumbersAsStringsFlag | rapidjson::kParseIterativeFlag;

// A JSON path built on the stack as a reader descends, turned into text only for an error
// message: the happy path allocates nothing for it.
struct Path {
  const Path* parent = nullptr;
  const char* name = nullptr;  // a member name, or nullptr for an array index
  std::size_t index = 0;
  std::string Str() const;
};
extern const Path kRoot;

enum class Source { kService, kUser };

// A DOM parsed in situ: its strings point into `buffer`, our own copy of the body.
struct JsonBody : rapidjson::Document {
  std::string buffer;
};

// A REST call of one service: `prefix` (e.g. /CampaignManagement/v13) and `path` below the
// target's base URL, the credential headers, a JSON body.
HttpRequest MakeRequest(const CallTarget& target, std::string_view prefix, const char* method,
                        const char* path, std::string body);
// Parses an answer into `doc`: throws ApiFault for a fault body and Error for anything that is
// not a JSON object or a non-success status without a fault.
void ParseAnswer(const HttpResponse& response, JsonBody& doc);

// Reads typed fields out of an in-situ DOM parsed with kParseFlags; `fail` gets "PATH: problem"
// and throws.
class Reader {
 public:
  using Fail = std::function<void(const std::string&)>;
  Reader(Source source, Fail fail) : source_(source), fail_(std::move(fail)) {}

  [[noreturn]] void Failed(const Path& path, const std::string& problem) const;

  static const Value* Member(const Value& object, const char* name);
  const Value* Array(const Value& object, const char* name, const Path& path) const;
  std::optional<std::string> String(const Value& object, const char* name, const Path& path) const;
  std::optional<std::int32_t> Int32(const Value& object, const char* name, const Path& path) const;
  // An array of ids (strings or numbers) whose items may be null; null or absent gives [].
  std::vector<std::optional<std::int64_t>> NullableIds(const Value& object, const char* name,
                                                       const Path& path) const;

  // Fills `b` in place (the caller's slot) in one pass over the members. Of a repeated member the
  // last one counts (RFC 8259 leaves that to the reader).
  void ReadBudget(const Value& v, const Path& path, Budget& b) const;
  std::vector<PartialError> ReadPartialErrors(const Value& object, const char* name,
                                              const Path& path) const;
  // A fault body: {"Type":...} or {"ApplicationFault":{"Type":...}}; the TrackingId header and
  // an excerpt of the body fill what the body leaves out.
  FaultDetail ReadFault(const Value& root, const HttpResponse& response) const;

 private:
  std::optional<std::string_view> View(const Value* v, const char* name, const Path& path,
                                       const char* expected) const;
  std::optional<std::string> String(const Value* v, const char* name, const Path& path) const;
  std::optional<std::int64_t> Int64(const Value* v, const char* name, const Path& path) const;
  std::optional<std::int32_t> Int32(const Value* v, const char* name, const Path& path) const;
  std::optional<bool> Bool(const Value& object, const char* name, const Path& path) const;
  std::optional<Decimal> Amount(const Value* v, const Path& path) const;
  std::optional<BudgetLimitType> Type(const Value* v, const Path& path) const;
  std::optional<std::int64_t> Id(const Value* v, const Path& path) const;
  BatchError ReadBatchErrorFields(const Value& v, const Path& path) const;
  PartialError ReadPartialError(const Value& v, const Path& path) const;
  template <typename Item>
  std::vector<Item> ReadCodes(const Value& fault, const char* name, const char* type,
                              const char* detail_key, const Path& path) const;

  Source source_;
  Fail fail_;
};

// A reader of the service's answers: a mistake is a malformed REST response naming the JSON path.
Reader AnswerReader(const HttpResponse& response);

bool LooksLikeFault(const Value& root);

// --- writing ------------------------------------------------------------------------------------

template <typename Writer>
void WriteString(Writer& w, std::string_view value) {
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

template <typename Writer>
void WriteString(Writer& w, const char* key, const std::optional<std::string>& value) {
  w.Key(key);
  if (value) {
    WriteString(w, *value);
  } else {
    w.Null();
  }
}

template <typename Writer>
void WriteInt(Writer& w, const char* key, std::int64_t value) {
  w.Key(key);
  w.Int64(value);
}

// A request sends only what the caller set (AssociationCount never, Id only on update); an
// answer has every property, null when unset.
enum class BudgetShape { kAdd, kUpdate, kAnswer };

template <typename Writer>
void WriteBudget(Writer& w, const Budget& b, BudgetShape shape) {
  const bool all = shape == BudgetShape::kAnswer;
  w.StartObject();
  if (b.Amount || all) {
    w.Key("Amount");
    if (b.Amount) {
      const std::string& text = b.Amount->JsonText();
      w.RawValue(text.data(), text.size(), rapidjson::kNumberType);
    } else {
      w.Null();
    }
  }
  if (all) {
    w.Key("AssociationCount");
    if (b.AssociationCount) {
      w.Int(*b.AssociationCount);
    } else {
      w.Null();
    }
  }
  if (b.BudgetType || all) WriteString(w, "BudgetType", TypeText(b.BudgetType));
  if ((b.Id && shape == BudgetShape::kUpdate) || all) {
    WriteString(w, "Id", b.Id ? std::optional(std::to_string(*b.Id)) : std::nullopt);
  }
  if (b.Name || all) WriteString(w, "Name", b.Name);
  w.EndObject();
}

template <typename Writer>
void WriteCodes(Writer& w, std::int32_t code, const char* detail_key,
                const std::optional<std::string>& detail,
                const std::optional<std::string>& error_code,
                const std::optional<std::string>& message) {
  w.StartObject();
  WriteInt(w, "Code", code);
  WriteString(w, detail_key, detail);
  WriteString(w, "ErrorCode", error_code);
  WriteString(w, "Message", message);
  w.EndObject();
}

template <typename Writer>
void WriteEditorialFields(Writer& w, const EditorialError& e) {
  w.Key("Appealable");
  if (e.Appealable) {
    w.Bool(*e.Appealable);
  } else {
    w.Null();
  }
  WriteString(w, "DisapprovedText", e.DisapprovedText);
  WriteString(w, "Location", e.Location);
  WriteString(w, "PublisherCountry", e.PublisherCountry);
  WriteInt(w, "ReasonCode", e.ReasonCode);
}

template <typename Writer>
void WritePartialErrors(Writer& w, const char* key, const std::vector<PartialError>& errors) {
  w.Key(key);
  w.StartArray();
  for (const PartialError& pe : errors) {
    const BatchError& e = BaseOf(pe);
    w.StartObject();
    WriteInt(w, "Code", e.Code);
    WriteString(w, "Details", e.Details);
    WriteString(w, "ErrorCode", e.ErrorCode);
    WriteString(w, "FieldPath", e.FieldPath);
    w.Key("ForwardCompatibilityMap");
    w.StartArray();
    // "Key" and "Value", as Microsoft's REST SDKs (PHP, Python, .NET) read them; the
    // documentation's lowercase is a template artifact. Both spellings are read.
    for (const auto& kv : e.ForwardCompatibilityMap) {
      w.StartObject();
      WriteString(w, "Key", kv.Key);
      WriteString(w, "Value", kv.Value);
      w.EndObject();
    }
    w.EndArray();
    WriteInt(w, "Index", e.Index);
    WriteString(w, "Message", e.Message);
    WriteString(w, "Type", e.Type);
    if (const auto* ed = std::get_if<EditorialError>(&pe)) WriteEditorialFields(w, *ed);
    w.EndObject();
  }
  w.EndArray();
}

// {"TrackingId","Type","Errors"} for AdApiFaultDetail, {"TrackingId","Type","BatchErrors",
// "OperationErrors"} otherwise.
template <typename Writer>
void WriteFault(Writer& w, const FaultDetail& d) {
  w.StartObject();
  WriteString(w, "TrackingId", std::optional(d.TrackingId));
  WriteString(w, "Type", std::optional(d.Type));
  if (d.Type == "AdApiFaultDetail") {
    w.Key("Errors");
    w.StartArray();
    for (const auto& e : d.Errors)
      WriteCodes(w, e.Code, "Detail", e.Detail, e.ErrorCode, e.Message);
    w.EndArray();
  } else {
    WritePartialErrors(w, "BatchErrors", d.BatchErrors);
    w.Key("OperationErrors");
    w.StartArray();
    for (const auto& e : d.OperationErrors)
      WriteCodes(w, e.Code, "Details", e.Details, e.ErrorCode, e.Message);
    w.EndArray();
  }
  w.EndObject();
}

}  // namespace bingads::internal::rest
