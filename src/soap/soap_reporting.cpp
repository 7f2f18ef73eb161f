// The Reporting service over SOAP 1.1: the gSOAP stubs of wsdl/ReportingService.usage.wsdl, the
// derived ReportRequest written with its xsi:type. gSOAP types never leave this file.
#include <bingads/usage.h>

#include "gsoap_session.h"
#include "reporting/reporting_codec.h"

namespace bingads::internal {
namespace {

using gsoap::CallScope;
using gsoap::Checked;
using gsoap::kProtocol;

// A name the WSDL's enumeration lists, as gSOAP's value; Error(kUsage) naming it otherwise.
template <typename Enum, typename Parse>
Enum Value(struct soap* soap, const std::string& name, const char* what, Parse parse) {
  Enum value{};
  if (parse(soap, name.c_str(), &value) != SOAP_OK) {
    throw Error(ErrorKind::kUsage,
                std::string("the report's ") + what + " '" + name + "' is not one SOAP can send", 0,
                true);
  }
  return value;
}

class SoapReportingCodec final : public ReportingCodec {
 public:
  SoapReportingCodec() : session_(gsoap::Service::kReporting), soap_(session_.get()) {}

  HttpRequest EncodeSubmit(const CallTarget& target, const ReportRequest& r) override {
    CallScope scope(session_);
    _rep__SubmitGenerateReportRequest request;
    request.ReportRequest = Derived(r);
    return session_.Request(target, kReportingSoapServicePath, "SubmitGenerateReport", [&] {
      return soap_send___rep__SubmitGenerateReport(soap_, "", "SubmitGenerateReport", &request);
    });
  }

  SubmitAnswer DecodeSubmit(const HttpResponse& response) override {
    CallScope scope(session_);
    _rep__SubmitGenerateReportResponse decoded;
    session_.Receive(decoded, "rep:SubmitGenerateReportResponse", response);
    SubmitAnswer answer;
    if (decoded.ReportRequestId == nullptr || decoded.ReportRequestId->empty()) {
      ThrowMalformed(kProtocol, response, "no ReportRequestId");
    }
    answer.ReportRequestId = Checked(*decoded.ReportRequestId);
    answer.TrackingIds.push_back(session_.TrackingId());
    return answer;
  }

  HttpRequest EncodePoll(const CallTarget& target, const std::string& id) override {
    CallScope scope(session_);
    _rep__PollGenerateReportRequest request;
    std::string text = id;
    request.ReportRequestId = &text;
    return session_.Request(target, kReportingSoapServicePath, "PollGenerateReport", [&] {
      return soap_send___rep__PollGenerateReport(soap_, "", "PollGenerateReport", &request);
    });
  }

  ReportRequestStatus DecodePoll(const HttpResponse& response) override {
    CallScope scope(session_);
    _rep__PollGenerateReportResponse decoded;
    session_.Receive(decoded, "rep:PollGenerateReportResponse", response);
    const rep__ReportRequestStatus* status = decoded.ReportRequestStatus;
    if (status == nullptr || status->Status == nullptr || status->Status->empty()) {
      ThrowMalformed(kProtocol, response, "no ReportRequestStatus with a Status");
    }
    ReportRequestStatus answer;
    answer.Status = Checked(*status->Status);
    answer.ReportDownloadUrl = gsoap::Opt(status->ReportDownloadUrl);
    answer.TrackingIds.push_back(session_.TrackingId());
    return answer;
  }

 private:
  // The derived request gSOAP writes with its xsi:type, base fields first.
  rep__ReportRequest* Derived(const ReportRequest& r) {
    rep__ReportRequest* base = nullptr;
    if (r.Type == "CampaignPerformanceReportRequest") {
      auto* p = soap_new_rep__CampaignPerformanceReportRequest(soap_);
      p->Aggregation = Value<rep__ReportAggregation>(soap_, r.Aggregation, "aggregation",
                                                     soap_s2rep__ReportAggregation);
      p->Columns = soap_new_rep__ArrayOfCampaignPerformanceReportColumn(soap_);
      base = Extension(p, p->Columns->CampaignPerformanceReportColumn,
                       soap_s2rep__CampaignPerformanceReportColumn, r);
    } else if (r.Type == "BudgetSummaryReportRequest") {
      auto* b = soap_new_rep__BudgetSummaryReportRequest(soap_);
      b->Columns = soap_new_rep__ArrayOfBudgetSummaryReportColumn(soap_);
      base = Extension(b, b->Columns->BudgetSummaryReportColumn,
                       soap_s2rep__BudgetSummaryReportColumn, r);
    } else {
      throw Error(ErrorKind::kUsage, "unknown report type '" + r.Type + "'", 0, true);
    }
    base->ExcludeColumnHeaders = &false_;
    base->ExcludeReportFooter = &false_;
    base->ExcludeReportHeader = &false_;
    base->Format = soap_new_rep__ReportFormat(soap_);
    *base->Format = rep__ReportFormat__Csv;
    base->FormatVersion = soap_new_std__string(soap_);
    *base->FormatVersion = "2.0";
    base->ReportName = soap_new_std__string(soap_);
    *base->ReportName = r.ReportName;
    base->ReturnOnlyCompleteData = &false_;
    return base;
  }

  // A derived request's own part, the same for both report types: its columns (each a name of
  // the contract's enumeration, parsed by `parse`), its scope and its time.
  template <typename Derived, typename Enum, typename Parse>
  Derived* Extension(Derived* derived, std::vector<Enum>& columns, Parse parse,
                     const ReportRequest& r) {
    for (const std::string& c : r.Columns)
      columns.push_back(Value<Enum>(soap_, c, "column", parse));
    derived->Scope = Scope(r);
    derived->Time = Time(r);
    return derived;
  }

  rep__AccountThroughCampaignReportScope* Scope(const ReportRequest& r) {
    auto* scope = soap_new_rep__AccountThroughCampaignReportScope(soap_);
    if (!r.AccountIds.empty()) {
      scope->AccountIds = soap_new_arr__ArrayOflong(soap_);
      scope->AccountIds->long_.assign(r.AccountIds.begin(), r.AccountIds.end());
    }
    if (!r.Campaigns.empty()) {
      scope->Campaigns = soap_new_rep__ArrayOfCampaignReportScope(soap_);
      for (const auto& [account, campaign] : r.Campaigns) {
        auto* c = soap_new_rep__CampaignReportScope(soap_);
        c->AccountId = account;
        c->CampaignId = campaign;
        scope->Campaigns->CampaignReportScope.push_back(c);
      }
    }
    return scope;
  }

  rep__Date* NewDate(const std::optional<Date>& d) {
    if (!d) return nullptr;  // nil, never an empty <Date/> (WCF cannot parse '' as Int32)
    auto* out = soap_new_rep__Date(soap_);
    out->Day = d->Day;
    out->Month = d->Month;
    out->Year = d->Year;
    return out;
  }

  rep__ReportTime* Time(const ReportRequest& r) {
    auto* time = soap_new_rep__ReportTime(soap_);
    time->CustomDateRangeEnd = NewDate(r.CustomDateRangeEnd);
    time->CustomDateRangeStart = NewDate(r.CustomDateRangeStart);
    if (!r.PredefinedTime.empty()) {
      time->PredefinedTime = soap_new_rep__ReportTimePeriod(soap_);
      *time->PredefinedTime = Value<rep__ReportTimePeriod>(soap_, r.PredefinedTime, "period",
                                                           soap_s2rep__ReportTimePeriod);
    }
    if (!r.ReportTimeZone.empty()) {
      time->ReportTimeZone = soap_new_rep__ReportTimeZone(soap_);
      *time->ReportTimeZone = Value<rep__ReportTimeZone>(soap_, r.ReportTimeZone, "time zone",
                                                         soap_s2rep__ReportTimeZone);
    }
    return time;
  }

  gsoap::Session session_;
  struct soap* soap_;
  bool false_ = false;
};

}  // namespace

bool IsReportTimeZone(const std::string& name) {
  const gsoap::Session session(gsoap::Service::kReporting);
  rep__ReportTimeZone zone{};
  return soap_s2rep__ReportTimeZone(session.get(), name.c_str(), &zone) == SOAP_OK;
}

std::unique_ptr<ReportingCodec> MakeSoapReportingCodec() {
  return std::make_unique<SoapReportingCodec>();
}

}  // namespace bingads::internal
