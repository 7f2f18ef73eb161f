// Domain values in the REST JSON shapes (ToJson, for output) and budget files (BudgetsFromJson),
// both through the REST mapping (rest_mapping.h).
#include <bingads/json.h>
#include <bingads/usage.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <ostream>
#include <string>
#include <vector>

#include "rest_mapping.h"
#include "text.h"

namespace bingads {
namespace {

using internal::rest::BudgetShape;
using internal::rest::WriteBudget;
using internal::rest::WritePartialErrors;
using internal::rest::WriteString;

template <typename Writer>
void WriteNullableIds(Writer& w, const std::vector<std::optional<std::int64_t>>& ids) {
  w.StartArray();
  for (const auto& id : ids) {
    if (id) {
      const std::string text = std::to_string(*id);
      WriteString(w, text);
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
  for (const auto& b : result.Budgets) {
    if (b) {
      WriteBudget(w, *b, BudgetShape::kAnswer);
    } else {
      w.Null();
    }
  }
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

template <typename Writer>
void WriteMoney(Writer& w, const char* key, const std::optional<Decimal>& value) {
  w.Key(key);
  if (value) {
    // RawValue, not RawNumber: RapidJSON 1.1's PrettyWriter writes a RawNumber as a string.
    const std::string& text = value->JsonText();
    w.RawValue(text.data(), text.size(), rapidjson::kNumberType);
  } else {
    w.Null();
  }
}

template <typename Writer>
void WriteDays(Writer& w, const std::vector<DaySpend>& days) {
  w.Key("Days");
  w.StartArray();
  for (const DaySpend& d : days) {
    w.StartObject();
    WriteString(w, "Date", std::optional(d.date.ToString()));
    WriteMoney(w, "Spend", d.spend);
    w.EndObject();
  }
  w.EndArray();
}

template <typename Writer>
void WriteUsage(Writer& w, const BudgetUsage& u) {
  w.StartObject();
  WriteString(w, "BudgetId", std::optional(std::to_string(u.budget_id)));
  WriteString(w, "Name", u.name);
  WriteMoney(w, "Amount", u.amount);
  WriteString(w, "BudgetType",
              u.budget_type ? std::optional(std::string(u.budget_type->Text())) : std::nullopt);
  WriteString(w, "Currency", std::optional(u.currency));
  WriteMoney(w, "SpendToday", u.spend_today);
  WriteMoney(w, "MonthToDate", u.month_to_date);
  WriteMoney(w, "PercentOfDailyAmount", u.percent_of_daily_amount);
  WriteDays(w, u.days);
  w.Key("Campaigns");
  w.StartArray();
  for (const CampaignUsage& c : u.campaigns) {
    w.StartObject();
    WriteString(w, "CampaignId", std::optional(std::to_string(c.campaign_id)));
    WriteDays(w, c.days);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

template <typename Writer>
void WritePayload(Writer& w, const BudgetUsageResult& result) {
  w.Key("Usage");
  w.StartArray();
  for (const auto& u : result.Usage) {
    if (u) {
      WriteUsage(w, *u);
    } else {
      w.Null();
    }
  }
  w.EndArray();
  const UsageReport& r = result.report;
  w.Key("Report");
  w.StartObject();
  WriteString(w, "ReportRequestId", std::optional(r.report_request_id));
  const auto day = [](const std::optional<Date>& d) {
    return d ? std::optional(d->ToString()) : std::nullopt;
  };
  WriteString(w, "FirstDay", day(r.first_day));
  WriteString(w, "LastDay", day(r.last_day));
  WriteString(w, "TimeZone", std::optional(r.time_zone));
  WriteString(w, "ReportTime", std::optional(r.report_time));
  WriteString(w, "LastCompletedAvailableDay", std::optional(r.last_completed_day));
  w.Key("PotentiallyIncomplete");
  w.Bool(r.potentially_incomplete);
  w.Key("Rows");
  w.Uint64(r.rows);
  w.Key("Empty");
  w.Bool(r.empty);
  w.EndObject();
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
    WriteString(w, "Operation", std::optional(r.operation));
    count("FirstItem", r.first_item);
    count("Items", r.items);
    WriteString(w, "Cause", std::optional(r.cause));
    w.Key("ReadTrackingIds");
    w.StartArray();
    for (const auto& id : r.read_tracking_ids) WriteString(w, id);
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
      WriteString(w, "TrackingId", std::optional(result.TrackingIds.front()));
    } else {
      w.Key("TrackingIds");
      w.StartArray();
      for (const auto& id : result.TrackingIds) WriteString(w, id);
      w.EndArray();
    }
  }
  WritePayload(w, result);
  WritePartialErrors(w, "PartialErrors", result.PartialErrors);
  if (!result.reconciliations.empty()) WriteReconciliations(w, result.reconciliations);
  w.EndObject();
}

// A RapidJSON output stream onto a std::ostream, through a buffer of its own (on the heap: the
// caller's stack may be small). Flush writes what is buffered; nothing is written on destruction,
// so an exception from the stream is never thrown twice.
class StreamOut {
 public:
  using Ch = char;
  explicit StreamOut(std::ostream& out) : out_(out), buffer_(kSize) {}
  void Put(char c) {
    if (used_ == kSize) Flush();
    buffer_[used_++] = c;
  }
  void Flush() {
    out_.write(buffer_.data(), static_cast<std::streamsize>(used_));
    used_ = 0;
  }

 private:
  static constexpr std::size_t kSize = 64 * 1024;
  std::ostream& out_;
  std::vector<char> buffer_;
  std::size_t used_ = 0;
};

template <typename Result, typename Stream>
void Write(const Result& result, const JsonStyle& style, Stream& stream) {
  if (style.pretty) {
    rapidjson::PrettyWriter<Stream> w(stream);
    w.SetIndent(' ', 2);
    WriteResult(w, result, style.with_tracking_id);
  } else {
    rapidjson::Writer<Stream> w(stream);
    WriteResult(w, result, style.with_tracking_id);
  }
}

template <typename Result>
std::string Write(const Result& result, const JsonStyle& style) {
  rapidjson::StringBuffer buffer;
  Write(result, style, buffer);
  return {buffer.GetString(), buffer.GetSize()};
}

template <typename Result>
void Write(const Result& result, std::ostream& out, const JsonStyle& style) {
  StreamOut stream(out);
  Write(result, style, stream);
  stream.Flush();
}

[[noreturn]] void Refuse(const std::string& path, const std::string& problem) {
  throw Error(ErrorKind::kUsage, "budgets JSON: " + path + ": " + problem);
}

}  // namespace

std::string ToJson(const GetBudgetsByIdsResult& r, const JsonStyle& s) { return Write(r, s); }
std::string ToJson(const AddBudgetsResult& r, const JsonStyle& s) { return Write(r, s); }
std::string ToJson(const UpdateBudgetsResult& r, const JsonStyle& s) { return Write(r, s); }
std::string ToJson(const DeleteBudgetsResult& r, const JsonStyle& s) { return Write(r, s); }
std::string ToJson(const BudgetUsageResult& r, const JsonStyle& s) { return Write(r, s); }
std::string ToJson(const GetCampaignIdsByBudgetIdsResult& r, const JsonStyle& s) {
  return Write(r, s);
}
void ToJson(const GetBudgetsByIdsResult& r, std::ostream& o, const JsonStyle& s) { Write(r, o, s); }
void ToJson(const AddBudgetsResult& r, std::ostream& o, const JsonStyle& s) { Write(r, o, s); }
void ToJson(const UpdateBudgetsResult& r, std::ostream& o, const JsonStyle& s) { Write(r, o, s); }
void ToJson(const DeleteBudgetsResult& r, std::ostream& o, const JsonStyle& s) { Write(r, o, s); }
void ToJson(const BudgetUsageResult& r, std::ostream& o, const JsonStyle& s) { Write(r, o, s); }
void ToJson(const GetCampaignIdsByBudgetIdsResult& r, std::ostream& o, const JsonStyle& s) {
  Write(r, o, s);
}

std::vector<Budget> BudgetsFromJson(std::string_view json) {
  using internal::rest::Path;
  if (auto bad = internal::InvalidUtf8(json)) {
    Refuse("$", "not JSON: invalid UTF-8 at offset " + std::to_string(*bad));
  }
  std::string buffer(json);  // parsed in situ (see rest_mapping.h)
  rapidjson::Document doc;
  doc.ParseInsitu<internal::rest::kParseFlags>(buffer.data());
  if (doc.HasParseError()) {
    Refuse("$", std::string("not JSON: ") + rapidjson::GetParseError_En(doc.GetParseError()) +
                    " at offset " + std::to_string(doc.GetErrorOffset()));
  }
  if (!doc.IsObject()) Refuse("$", "expected an object {\"Budgets\":[...]}");
  for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
    if (std::string_view(it->name.GetString()) != "Budgets") {
      Refuse("$." + std::string(it->name.GetString()), "unknown member (expected only Budgets)");
    }
  }
  if (!doc.HasMember("Budgets") || !doc["Budgets"].IsArray())
    Refuse("$.Budgets", "expected an array");
  const internal::rest::Reader reader(internal::rest::Source::kUser,
                                      [](const std::string& problem) {
                                        throw Error(ErrorKind::kUsage, "budgets JSON: " + problem);
                                      });
  const auto& items = doc["Budgets"];
  const Path list{&internal::rest::kRoot, "Budgets", 0};
  std::vector<Budget> budgets(items.Size());
  for (rapidjson::SizeType i = 0; i < items.Size(); ++i) {
    reader.ReadBudget(items[i], Path{&list, nullptr, i}, budgets[i]);
  }
  return budgets;
}

std::string ToJson(const FaultDetail& d) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  internal::rest::WriteFault(w, d);
  return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace bingads
