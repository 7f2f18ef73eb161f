// The Reporting service over REST (REPORTING-FACTS §3.2): the polymorphic ReportRequest carries
// its derived type in "Type", ids are JSON strings, Day/Month/Year JSON integers, unset fields
// null.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "reporting/reporting_codec.h"
#include "rest/rest_mapping.h"

namespace bingads::internal {
namespace {

constexpr std::string_view kPrefix = "/Reporting/v13";
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

using rest::WriteString;

// Ids are JSON strings, as PROTOCOL-FACTS §3.3 has them for every long.
void Id(Writer& w, std::int64_t id) { WriteString(w, std::to_string(id)); }

// An enumeration value, or null for the service's default.
void NullableText(Writer& w, const std::string& text) {
  if (text.empty()) {
    w.Null();
  } else {
    WriteString(w, text);
  }
}

void WriteDate(Writer& w, const std::optional<Date>& date) {
  if (!date) {
    w.Null();
    return;
  }
  w.StartObject();
  w.Key("Day");
  w.Int(date->Day);
  w.Key("Month");
  w.Int(date->Month);
  w.Key("Year");
  w.Int(date->Year);
  w.EndObject();
}

void WriteScope(Writer& w, const ReportRequest& r) {
  w.Key("Scope");
  w.StartObject();
  w.Key("AccountIds");
  if (r.AccountIds.empty()) {
    w.Null();
  } else {
    w.StartArray();
    for (std::int64_t id : r.AccountIds) Id(w, id);
    w.EndArray();
  }
  w.Key("Campaigns");
  if (r.Campaigns.empty()) {
    w.Null();
  } else {
    w.StartArray();
    for (const auto& [account, campaign] : r.Campaigns) {
      w.StartObject();
      w.Key("AccountId");
      Id(w, account);
      w.Key("CampaignId");
      Id(w, campaign);
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
}

void WriteTime(Writer& w, const ReportRequest& r) {
  w.Key("Time");
  w.StartObject();
  w.Key("CustomDateRangeEnd");
  WriteDate(w, r.CustomDateRangeEnd);
  w.Key("CustomDateRangeStart");
  WriteDate(w, r.CustomDateRangeStart);
  w.Key("PredefinedTime");
  NullableText(w, r.PredefinedTime);
  w.Key("ReportTimeZone");
  NullableText(w, r.ReportTimeZone);
  w.EndObject();
}

std::string SubmitBody(const ReportRequest& r) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("ReportRequest");
  w.StartObject();
  w.Key("ExcludeColumnHeaders");
  w.Bool(false);
  w.Key("ExcludeReportFooter");
  w.Bool(false);
  w.Key("ExcludeReportHeader");
  w.Bool(false);
  w.Key("Format");
  w.String("Csv");
  w.Key("FormatVersion");
  w.String("2.0");
  w.Key("ReportName");
  WriteString(w, r.ReportName);
  w.Key("ReturnOnlyCompleteData");
  w.Bool(false);
  if (r.Type == "CampaignPerformanceReportRequest") {
    w.Key("Aggregation");
    WriteString(w, r.Aggregation);
  }
  w.Key("Columns");
  w.StartArray();
  for (const std::string& c : r.Columns) WriteString(w, c);
  w.EndArray();
  WriteScope(w, r);
  WriteTime(w, r);
  w.Key("Type");
  WriteString(w, r.Type);
  w.EndObject();
  w.EndObject();
  return buffer.GetString();
}

class RestReportingCodec final : public ReportingCodec {
 public:
  HttpRequest EncodeSubmit(const CallTarget& target, const ReportRequest& request) override {
    return rest::MakeRequest(target, kPrefix, "POST", "/GenerateReport/Submit",
                             SubmitBody(request));
  }

  SubmitAnswer DecodeSubmit(const HttpResponse& response) override {
    rest::JsonBody doc;
    rest::ParseAnswer(response, doc);
    const rest::Reader reader = rest::AnswerReader(response);
    SubmitAnswer answer;
    auto id = reader.String(doc, "ReportRequestId", rest::kRoot);
    if (!id || id->empty()) reader.Failed(rest::kRoot, "no ReportRequestId");
    answer.ReportRequestId = std::move(*id);
    answer.TrackingIds.push_back(response.Header("TrackingId").value_or(""));
    return answer;
  }

  HttpRequest EncodePoll(const CallTarget& target, const std::string& id) override {
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartObject();
    w.Key("ReportRequestId");
    WriteString(w, id);
    w.EndObject();
    return rest::MakeRequest(target, kPrefix, "POST", "/GenerateReport/Poll", buffer.GetString());
  }

  ReportRequestStatus DecodePoll(const HttpResponse& response) override {
    rest::JsonBody doc;
    rest::ParseAnswer(response, doc);
    const rest::Reader reader = rest::AnswerReader(response);
    const rest::Path path{&rest::kRoot, "ReportRequestStatus", 0};
    const rest::Value* status = rest::Reader::Member(doc, "ReportRequestStatus");
    if (status == nullptr || !status->IsObject()) {
      reader.Failed(path, "expected a ReportRequestStatus object");
    }
    ReportRequestStatus answer;
    answer.Status = reader.String(*status, "Status", path).value_or("");
    if (answer.Status.empty()) reader.Failed(path, "no Status");
    answer.ReportDownloadUrl = reader.String(*status, "ReportDownloadUrl", path);
    answer.TrackingIds.push_back(response.Header("TrackingId").value_or(""));
    return answer;
  }
};

}  // namespace

std::unique_ptr<ReportingCodec> MakeRestReportingCodec() {
  return std::make_unique<RestReportingCodec>();
}

}  // namespace bingads::internal
