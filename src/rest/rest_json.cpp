// Writes domain values in the REST JSON shapes (used by the CLI's output and the emulator).
#include <bingads/json.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace bingads {
namespace {

template <typename Writer>
void String(Writer& w, const char* key, const std::optional<std::string>& value) {
  w.Key(key);
  if (value) {
    w.String(value->data(), static_cast<rapidjson::SizeType>(value->size()));
  } else {
    w.Null();
  }
}

template <typename Writer>
void Int(Writer& w, const char* key, std::int64_t value) {
  w.Key(key);
  w.Int64(value);
}

template <typename Writer>
void WriteBudget(Writer& w, const std::optional<Budget>& budget) {
  if (!budget) {
    w.Null();
    return;
  }
  w.StartObject();
  w.Key("Amount");
  if (budget->Amount) {
    const std::string& text = budget->Amount->JsonText();
    w.RawValue(text.data(), text.size(), rapidjson::kNumberType);
  } else {
    w.Null();
  }
  w.Key("AssociationCount");
  if (budget->AssociationCount) {
    w.Int(*budget->AssociationCount);
  } else {
    w.Null();
  }
  String(w, "BudgetType", budget->BudgetType);
  String(w, "Id", budget->Id ? std::optional(std::to_string(*budget->Id)) : std::nullopt);
  String(w, "Name", budget->Name);
  w.EndObject();
}

template <typename Writer>
void WriteCodes(Writer& w, std::int32_t code, const char* detail_key,
                const std::optional<std::string>& detail,
                const std::optional<std::string>& error_code,
                const std::optional<std::string>& message) {
  w.StartObject();
  Int(w, "Code", code);
  String(w, detail_key, detail);
  String(w, "ErrorCode", error_code);
  String(w, "Message", message);
  w.EndObject();
}

template <typename Writer>
void WritePartialErrors(Writer& w, const char* key, const std::vector<PartialError>& errors) {
  w.Key(key);
  w.StartArray();
  for (const PartialError& pe : errors) {
    const BatchError& e = BaseOf(pe);
    w.StartObject();
    Int(w, "Code", e.Code);
    String(w, "Details", e.Details);
    String(w, "ErrorCode", e.ErrorCode);
    String(w, "FieldPath", e.FieldPath);
    w.Key("ForwardCompatibilityMap");
    w.StartArray();
    for (const auto& kv : e.ForwardCompatibilityMap) {
      w.StartObject();
      String(w, "key", kv.Key);
      String(w, "value", kv.Value);
      w.EndObject();
    }
    w.EndArray();
    Int(w, "Index", e.Index);
    String(w, "Message", e.Message);
    String(w, "Type", e.Type);
    if (const auto* ed = std::get_if<EditorialError>(&pe)) {
      w.Key("Appealable");
      if (ed->Appealable) {
        w.Bool(*ed->Appealable);
      } else {
        w.Null();
      }
      String(w, "DisapprovedText", ed->DisapprovedText);
      String(w, "Location", ed->Location);
      String(w, "PublisherCountry", ed->PublisherCountry);
      Int(w, "ReasonCode", ed->ReasonCode);
    }
    w.EndObject();
  }
  w.EndArray();
}

template <typename Writer>
void WriteResult(Writer& w, const GetBudgetsByIdsResult& result, bool with_tracking_id) {
  w.StartObject();
  if (with_tracking_id) String(w, "TrackingId", result.TrackingId);
  w.Key("Budgets");
  w.StartArray();
  for (const auto& b : result.Budgets) WriteBudget(w, b);
  w.EndArray();
  WritePartialErrors(w, "PartialErrors", result.PartialErrors);
  w.EndObject();
}

}  // namespace

std::string ToJson(const GetBudgetsByIdsResult& result, const JsonStyle& style) {
  rapidjson::StringBuffer buffer;
  if (style.pretty) {
    rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buffer);
    w.SetIndent(' ', 2);
    WriteResult(w, result, style.with_tracking_id);
  } else {
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    WriteResult(w, result, style.with_tracking_id);
  }
  return {buffer.GetString(), buffer.GetSize()};
}

std::string ToJson(const FaultDetail& d) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  String(w, "TrackingId", d.TrackingId);
  String(w, "Type", d.Type);
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
    for (const auto& e : d.OperationErrors) {
      WriteCodes(w, e.Code, "Details", e.Details, e.ErrorCode, e.Message);
    }
    w.EndArray();
  }
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace bingads
