// Writes domain values in the REST JSON shapes (used by the CLI's output and the emulator).
#include <bingads/json.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "text.h"

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
  String(w, "BudgetType", internal::TypeText(budget->BudgetType));
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
    // "Key" and "Value", as Microsoft's REST SDKs (PHP, Python, .NET) read them; the
    // documentation's lowercase is a template artifact. Both spellings are read.
    for (const auto& kv : e.ForwardCompatibilityMap) {
      w.StartObject();
      String(w, "Key", kv.Key);
      String(w, "Value", kv.Value);
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
void WriteNullableIds(Writer& w, const std::vector<std::optional<std::int64_t>>& ids) {
  w.StartArray();
  for (const auto& id : ids) {
    if (id) {
      const std::string text = std::to_string(*id);
      w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
    } else {
      w.Null();
    }
  }
  w.EndArray();
}

template <typename Writer>
void WritePayload(Writer& w, const GetBudgetsByIdsResult& result) {
  w.Key("Budgets");
  w.StartArray();
  for (const auto& b : result.Budgets) WriteBudget(w, b);
  w.EndArray();
}

template <typename Writer>
void WritePayload(Writer& w, const AddBudgetsResult& result) {
  w.Key("BudgetIds");
  WriteNullableIds(w, result.BudgetIds);
}

template <typename Writer>
void WritePayload(Writer&, const BatchResult&) {}

template <typename Writer>
void WritePayload(Writer& w, const GetCampaignIdsByBudgetIdsResult& result) {
  w.Key("CampaignIdCollection");
  w.StartArray();
  for (const auto& collection : result.CampaignIdCollection) {
    if (!collection) {
      w.Null();
      continue;
    }
    w.StartObject();
    w.Key("Ids");
    WriteNullableIds(w, collection->Ids);
    w.EndObject();
  }
  w.EndArray();
}

// Write calls whose answer was lost and that were settled by reading back (not the service's
// shape: only when there are any).
template <typename Writer>
void WriteReconciliations(Writer& w, const std::vector<Reconciliation>& list) {
  const auto count = [&w](const char* key, std::size_t value) {
    w.Key(key);
    w.Uint64(value);
  };
  w.Key("Reconciliations");
  w.StartArray();
  for (const Reconciliation& r : list) {
    w.StartObject();
    String(w, "Operation", std::optional(r.operation));
    count("FirstItem", r.first_item);
    count("Items", r.items);
    String(w, "Cause", std::optional(r.cause));
    w.Key("ReadTrackingIds");
    w.StartArray();
    for (const auto& id : r.read_tracking_ids)
      w.String(id.data(), static_cast<rapidjson::SizeType>(id.size()));
    w.EndArray();
    count("Settled", r.settled);
    count("Resent", r.resent);
    count("Conflicts", r.conflicts);
    w.EndObject();
  }
  w.EndArray();
}

template <typename Writer, typename Result>
void WriteResult(Writer& w, const Result& result, bool with_tracking_id) {
  w.StartObject();
  if (with_tracking_id) {
    if (result.TrackingIds.size() == 1) {
      String(w, "TrackingId", std::optional(result.TrackingIds.front()));
    } else {
      w.Key("TrackingIds");
      w.StartArray();
      for (const auto& id : result.TrackingIds)
        w.String(id.data(), static_cast<rapidjson::SizeType>(id.size()));
      w.EndArray();
    }
  }
  WritePayload(w, result);
  WritePartialErrors(w, "PartialErrors", result.PartialErrors);
  if (!result.reconciliations.empty()) WriteReconciliations(w, result.reconciliations);
  w.EndObject();
}

template <typename Result>
std::string Write(const Result& result, const JsonStyle& style) {
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

[[noreturn]] void Refuse(const std::string& path, const std::string& problem) {
  throw Error(ErrorKind::kUsage, "budgets JSON: " + path + ": " + problem);
}

}  // namespace

std::string ToJson(const GetBudgetsByIdsResult& r, const JsonStyle& s) { return Write(r, s); }
std::string ToJson(const AddBudgetsResult& r, const JsonStyle& s) { return Write(r, s); }
std::string ToJson(const UpdateBudgetsResult& r, const JsonStyle& s) { return Write(r, s); }
std::string ToJson(const DeleteBudgetsResult& r, const JsonStyle& s) { return Write(r, s); }
std::string ToJson(const GetCampaignIdsByBudgetIdsResult& r, const JsonStyle& s) {
  return Write(r, s);
}

std::vector<Budget> BudgetsFromJson(std::string_view json) {
  // Parsed twice: once to see real JSON types (a quoted amount is refused), once with numbers
  // kept as text so that Amount and Id keep every digit.
  rapidjson::Document typed;
  typed.Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag>(json.data(),
                                                                                      json.size());
  if (typed.HasParseError()) {
    Refuse("$", std::string("not JSON: ") + rapidjson::GetParseError_En(typed.GetParseError()) +
                    " at offset " + std::to_string(typed.GetErrorOffset()));
  }
  rapidjson::Document text;
  text.Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseNumbersAsStringsFlag |
             rapidjson::kParseIterativeFlag>(json.data(), json.size());
  if (!typed.IsObject()) Refuse("$", "expected an object {\"Budgets\":[...]}");
  for (auto it = typed.MemberBegin(); it != typed.MemberEnd(); ++it) {
    if (std::string_view(it->name.GetString()) != "Budgets") {
      Refuse("$." + std::string(it->name.GetString()), "unknown member (expected only Budgets)");
    }
  }
  if (!typed.HasMember("Budgets") || !typed["Budgets"].IsArray())
    Refuse("$.Budgets", "expected an array");
  const auto& items = typed["Budgets"];
  const auto& texts = text["Budgets"];
  std::vector<Budget> budgets;
  budgets.reserve(items.Size());
  for (rapidjson::SizeType i = 0; i < items.Size(); ++i) {
    const std::string path = "$.Budgets[" + std::to_string(i) + "]";
    const auto& item = items[i];
    if (!item.IsObject()) Refuse(path, "expected a Budget object");
    Budget b;
    for (auto m = item.MemberBegin(); m != item.MemberEnd(); ++m) {
      const std::string name(m->name.GetString(), m->name.GetStringLength());
      const std::string where = path + "." + name;
      const auto& v = m->value;
      const auto& raw = texts[i][m->name];
      if (v.IsNull()) continue;
      if (name == "Amount") {
        if (!v.IsNumber()) Refuse(where, "expected a JSON number");
        b.Amount =
            Decimal::FromJsonNumber(std::string_view(raw.GetString(), raw.GetStringLength()));
        if (!b.Amount) Refuse(where, "not a decimal number: " + std::string(raw.GetString()));
      } else if (name == "AssociationCount") {
        if (!v.IsInt()) Refuse(where, "expected a 32-bit integer");
        b.AssociationCount = v.GetInt();
      } else if (name == "BudgetType") {
        if (!v.IsString()) Refuse(where, "expected a string");
        if (!budget_type::IsKnown(v.GetString())) {
          Refuse(where,
                 "unknown BudgetType '" + std::string(v.GetString()) +
                     "' (DailyBudgetAccelerated, DailyBudgetStandard or LifetimeBudgetStandard)");
        }
        b.BudgetType = v.GetString();
      } else if (name == "Id") {
        const auto id = internal::ParseWhole<std::int64_t>(
            std::string_view(raw.GetString(), raw.GetStringLength()));
        if (!(v.IsString() || v.IsNumber()) || !id || *id <= 0) {
          Refuse(where, "expected a positive 64-bit id, as a string or an integer");
        }
        b.Id = id;
      } else if (name == "Name") {
        if (!v.IsString()) Refuse(where, "expected a string");
        b.Name = std::string(v.GetString(), v.GetStringLength());
        // The file was checked to be UTF-8, but an escaped lone surrogate (\udc00) unescapes to
        // bytes that are not.
        if (internal::InvalidUtf8(*b.Name))
          Refuse(where, "not UTF-8 once unescaped (a lone surrogate escape)");
      } else {
        Refuse(where, "unknown member (Budget has Amount, AssociationCount, BudgetType, Id, Name)");
      }
    }
    budgets.push_back(std::move(b));
  }
  return budgets;
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
