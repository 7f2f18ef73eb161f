// The emulator's Reporting front over REST: POST /Reporting/v13/GenerateReport/Submit and /Poll.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <stdexcept>

#include "fronts.h"
#include "reporting.h"
#include "text.h"

namespace bingads::emulator {
namespace {

using rapidjson::Value;

[[noreturn]] void Refuse(const std::string& message) { throw std::invalid_argument(message); }

const Value* Member(const Value& object, const char* name) {
  const auto it = object.FindMember(name);
  return it == object.MemberEnd() || it->value.IsNull() ? nullptr : &it->value;
}

std::string String(const Value& object, const char* name, const std::string& path) {
  return JsonText(object, name, path).value_or("");
}

bool Bool(const Value& object, const char* name, const std::string& path) {
  const Value* v = Member(object, name);
  if (v == nullptr) return false;
  if (!v->IsBool()) Refuse(path + "." + name + " must be true or false");
  return v->GetBool();
}

std::int64_t Id(const Value& v, const std::string& path) {
  if (!v.IsString()) Refuse(path + " must be an id");
  const auto id = internal::ParseWhole<std::int64_t>({v.GetString(), v.GetStringLength()});
  if (!id) Refuse(path + " is not a 64-bit integer");
  return *id;
}

std::optional<Date> ReadDate(const Value& time, const char* name) {
  const Value* v = Member(time, name);
  if (v == nullptr) return std::nullopt;
  const std::string path = std::string("ReportRequest.Time.") + name;
  if (!v->IsObject()) Refuse(path + " must be a Date object");
  int parts[3] = {0, 0, 0};
  const char* names[3] = {"Year", "Month", "Day"};
  for (int i = 0; i < 3; ++i) {
    const Value* p = Member(*v, names[i]);
    const auto n = p != nullptr && p->IsString()
                       ? internal::ParseWhole<int>({p->GetString(), p->GetStringLength()})
                       : std::nullopt;
    if (!n) Refuse(path + "." + names[i] + " must be an int");
    parts[i] = *n;
  }
  const auto date = Date::Parse(Date{parts[0], parts[1], parts[2]}.ToString());
  if (!date) Refuse(path + " is no calendar day");
  return date;
}

void ReadScope(const Value& request, ReportRequest& r) {
  const Value* scope = Member(request, "Scope");
  if (scope == nullptr) return;
  if (!scope->IsObject()) Refuse("ReportRequest.Scope must be an object");
  if (const Value* ids = Member(*scope, "AccountIds")) {
    if (!ids->IsArray()) Refuse("ReportRequest.Scope.AccountIds must be an array");
    for (const auto& id : ids->GetArray()) r.AccountIds.push_back(Id(id, "Scope.AccountIds[]"));
  }
  if (const Value* list = Member(*scope, "Campaigns")) {
    if (!list->IsArray()) Refuse("ReportRequest.Scope.Campaigns must be an array");
    for (const auto& c : list->GetArray()) {
      if (!c.IsObject()) Refuse("Scope.Campaigns[] must be CampaignReportScope objects");
      const Value* a = Member(c, "AccountId");
      const Value* id = Member(c, "CampaignId");
      if (a == nullptr || id == nullptr) Refuse("Scope.Campaigns[] needs AccountId and CampaignId");
      r.Campaigns.emplace_back(Id(*a, "Scope.Campaigns[].AccountId"),
                               Id(*id, "Scope.Campaigns[].CampaignId"));
    }
  }
}

SubmittedReport ReadSubmit(const Value& root) {
  SubmittedReport s;
  const Value* request = Member(root, "ReportRequest");
  if (request == nullptr) return s;
  if (!request->IsObject()) Refuse("ReportRequest must be an object");
  s.present = true;
  const std::string path = "ReportRequest";
  ReportRequest& r = s.request;
  r.Type = String(*request, "Type", path);
  r.ReportName = String(*request, "ReportName", path);
  r.Aggregation = String(*request, "Aggregation", path);
  s.format = String(*request, "Format", path);
  if (s.format.empty()) s.format = "Csv";
  s.exclude_column_headers = Bool(*request, "ExcludeColumnHeaders", path);
  s.exclude_report_footer = Bool(*request, "ExcludeReportFooter", path);
  s.exclude_report_header = Bool(*request, "ExcludeReportHeader", path);
  s.return_only_complete_data = Bool(*request, "ReturnOnlyCompleteData", path);
  if (const Value* columns = Member(*request, "Columns")) {
    if (!columns->IsArray()) Refuse("ReportRequest.Columns must be an array");
    for (const auto& c : columns->GetArray()) {
      if (!c.IsString()) Refuse("ReportRequest.Columns[] must be strings");
      r.Columns.emplace_back(c.GetString(), c.GetStringLength());
    }
  }
  ReadScope(*request, r);
  if (const Value* time = Member(*request, "Time")) {
    if (!time->IsObject()) Refuse("ReportRequest.Time must be an object");
    r.CustomDateRangeEnd = ReadDate(*time, "CustomDateRangeEnd");
    r.CustomDateRangeStart = ReadDate(*time, "CustomDateRangeStart");
    r.PredefinedTime = String(*time, "PredefinedTime", path + ".Time");
    r.ReportTimeZone = String(*time, "ReportTimeZone", path + ".Time");
  }
  return s;
}

Reply Json(const std::string& body, const std::string& tracking_id) {
  return {200, "application/json", body, tracking_id, {}};
}

}  // namespace

Reply HandleRestReporting(BudgetService& service, std::string_view operation,
                          const RequestContext& context, const rapidjson::Value& root,
                          const std::string& base_url, const std::string& tracking_id) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  if (operation == "Submit") {
    const auto outcome = service.Reports().Submit(context, ReadSubmit(root), tracking_id);
    if (const auto* fault = std::get_if<Fault>(&outcome)) return RestServiceFault(*fault);
    w.Key("ReportRequestId");
    w.String(std::get<std::string>(outcome).c_str());
  } else {
    const std::string id = String(root, "ReportRequestId", "");
    const auto outcome = service.Reports().Poll(context, id, base_url, tracking_id);
    if (const auto* fault = std::get_if<Fault>(&outcome)) return RestServiceFault(*fault);
    const PollAnswer& answer = std::get<PollAnswer>(outcome);
    w.Key("ReportRequestStatus");
    w.StartObject();
    w.Key("ReportDownloadUrl");
    if (answer.download_url) {
      w.String(answer.download_url->c_str());
    } else {
      w.Null();
    }
    w.Key("Status");
    w.String(answer.status.c_str());
    w.EndObject();
  }
  w.EndObject();
  return Json(buffer.GetString(), tracking_id);
}

}  // namespace bingads::emulator
