// The Reporting connection (submit, poll, download on the service-neutral core) and UsageClient,
// which joins Campaign Management's budgets with the Reporting service's spend.
#include <bingads/usage.h>

#include <algorithm>
#include <charconv>
#include <mutex>
#include <thread>

#include "call_loop.h"
#include "reporting/report_file.h"
#include "reporting/reporting_codec.h"
#include "reporting/usage_join.h"

namespace bingads {

std::string DefaultReportingBaseUrl(Environment environment) {
  return environment == Environment::kSandbox
             ? "https://reporting.api.sandbox.bingads.microsoft.com"
             : "https://reporting.api.bingads.microsoft.com";
}

std::shared_ptr<ReportingConnection> ReportingConnection::ForAccount(const std::string&,
                                                                     const std::string&) {
  throw Error(ErrorKind::kUsage, "this ReportingConnection serves one account (no ForAccount)", 0,
              true);
}

namespace {

class Reporting final : public ReportingConnection {
 public:
  Reporting(ClientOptions o, std::shared_ptr<internal::ServiceCore> core, std::size_t max_bytes)
      : options_(internal::Checked(o, DefaultReportingBaseUrl(o.environment))),
        core_(core ? std::move(core) : std::make_shared<internal::ServiceCore>(options_)),
        codec_(options_.protocol == Protocol::kSoap ? internal::MakeSoapReportingCodec()
                                                    : internal::MakeRestReportingCodec()),
        loop_(options_, *core_,
              internal::TargetOf(options_, DefaultReportingBaseUrl(options_.environment))),
        max_bytes_(max_bytes) {}

  std::string SubmitGenerateReport(const ReportRequest& request) override {
    std::lock_guard<std::mutex> lock(codec_mutex_);
    const auto answer = loop_.Call<internal::SubmitAnswer>(
        "SubmitGenerateReport", Idempotency::kWrite,
        [&](const internal::CallTarget& t) { return codec_->EncodeSubmit(t, request); },
        [&](const HttpResponse& r) { return codec_->DecodeSubmit(r); });
    return answer.ReportRequestId;
  }

  ReportRequestStatus PollGenerateReport(const std::string& id) override {
    std::lock_guard<std::mutex> lock(codec_mutex_);
    return loop_.Call<ReportRequestStatus>(
        "PollGenerateReport", Idempotency::kRead,
        [&](const internal::CallTarget& t) { return codec_->EncodePoll(t, id); },
        [&](const HttpResponse& r) { return codec_->DecodePoll(r); });
  }

  // A bearer URL: only https (or loopback http), and never a credential header.
  std::string DownloadReport(const std::string& url) override {
    try {
      internal::CheckUrl("the report download URL", url, false);
    } catch (const Error&) {  // the service's answer is at fault, not the caller's options
      throw Error(ErrorKind::kMalformedResponse,
                  "the service gave a report download URL that is not https (nor loopback "
                  "http): " +
                      internal::Excerpt(url.substr(0, url.find_first_of("?#")), 80));
    }
    HttpRequest request;
    request.method = "GET";
    request.url = url;
    request.idempotent = true;
    const HttpResponse response = loop_.Exchange(request, "DownloadReport", 1);
    if (response.status < 200 || response.status > 299) {
      throw Error(ErrorKind::kTransport,
                  "the report download answered HTTP " + std::to_string(response.status),
                  response.status);
    }
    if (response.body.size() > max_bytes_) {
      throw Error(ErrorKind::kResponseTooLarge,
                  "the report file is past the limit of " + std::to_string(max_bytes_) + " bytes");
    }
    return response.body;
  }

  std::shared_ptr<ReportingConnection> ForAccount(const std::string& account_id,
                                                  const std::string& customer_id) override {
    return std::make_shared<Reporting>(
        internal::OptionsForAccount(options_, account_id, customer_id), core_, max_bytes_);
  }

 private:
  const ClientOptions options_;
  const std::shared_ptr<internal::ServiceCore> core_;
  std::mutex codec_mutex_;  // the codec is not thread-safe; reporting calls are few
  const std::unique_ptr<internal::ReportingCodec> codec_;
  const internal::CallLoop loop_;
  const std::size_t max_bytes_;
};

// One transport and one token provider for both services' connections.
ClientOptions Shared(ClientOptions options) {
  if (!options.transport) options.transport = MakeCurlTransport(options.transport_options);
  if (!options.token_provider) {
    options.token_provider = MakeStaticTokenProvider(options.credentials.access_token);
  }
  return options;
}

// The waits between polls (and between submits refused with 207): from first_poll_interval
// doubling to max_poll_interval, the last one ending at report_timeout after the start.
class Waits {
 public:
  Waits(const UsageOptions& usage, const ClientOptions& options)
      : options_(options),
        deadline_(internal::ClockNow(options) + usage.report_timeout),
        wait_(usage.first_poll_interval),
        max_(usage.max_poll_interval) {}

  // Waits for the next try; false (without waiting) once the deadline has come.
  bool Next() {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline_ - internal::ClockNow(options_));
    if (left.count() <= 0) return false;
    internal::Pause(options_, std::min(wait_, left));
    wait_ = std::min(wait_ * 2, max_);
    return true;
  }

 private:
  const ClientOptions& options_;
  const std::chrono::steady_clock::time_point deadline_;
  std::chrono::milliseconds wait_;
  const std::chrono::milliseconds max_;
};

// Polls until the report is done, within report_timeout. The final status (Success), or an error
// naming the ReportRequestId.
ReportRequestStatus AwaitReport(ReportingConnection& reporting, const std::string& id,
                                const UsageOptions& usage, const ClientOptions& options,
                                std::vector<std::string>& tracking) {
  Waits waits(usage, options);
  for (int polls = 1;; ++polls) {
    ReportRequestStatus status = reporting.PollGenerateReport(id);
    tracking.insert(tracking.end(), status.TrackingIds.begin(), status.TrackingIds.end());
    if (usage.progress) usage.progress(polls, status.Status);
    if (status.Status == "Success") return status;
    if (status.Status != "Pending") {
      std::string ids;
      for (const auto& t : tracking) ids += (ids.empty() ? "" : ", ") + t;
      throw Error(ErrorKind::kApiFault, "report " + id + " ended with status '" +
                                            internal::Excerpt(status.Status, 40) +
                                            "' (TrackingIds: " + ids + "); submit it again");
    }
    if (!waits.Next()) {
      throw Error(ErrorKind::kTimeout, "report " + id + " was still Pending after " +
                                           std::to_string(polls) +
                                           " polls, at the report timeout of " +
                                           std::to_string(usage.report_timeout.count()) + " ms");
    }
  }
}

// SubmitGenerateReport; code 207 (too many reports in progress for the customer) is waited out, as
// the service asks, with the polls' waits within the report timeout.
std::string Submit(ReportingConnection& reporting, const ReportRequest& request,
                   const UsageOptions& usage, const ClientOptions& options) {
  Waits waits(usage, options);
  while (true) {
    try {
      return reporting.SubmitGenerateReport(request);
    } catch (const ApiFault& fault) {
      if (!internal::HasFaultCode(fault, 207) || !waits.Next()) throw;
    }
  }
}

// The report file; a download that fails on the way (no answer, a 5xx, a timeout) is tried again
// twice, each time with a fresh URL from another poll (a URL lives five minutes).
std::string Download(ReportingConnection& reporting, const std::string& id, std::string url,
                     std::vector<std::string>& tracking) {
  for (int attempt = 1;; ++attempt) {
    try {
      return reporting.DownloadReport(url);
    } catch (const Error& e) {
      const bool passing = e.Kind() == ErrorKind::kTransport || e.Kind() == ErrorKind::kTimeout;
      if (!passing || attempt == 3 || (e.HttpStatus() > 0 && e.HttpStatus() < 500)) throw;
    }
    ReportRequestStatus again = reporting.PollGenerateReport(id);
    tracking.insert(tracking.end(), again.TrackingIds.begin(), again.TrackingIds.end());
    if (again.Status != "Success" || !again.ReportDownloadUrl || again.ReportDownloadUrl->empty()) {
      throw Error(ErrorKind::kTransport, "report " + id +
                                             " could not be downloaded, and a new poll gave no "
                                             "URL (status '" +
                                             internal::Excerpt(again.Status, 40) + "')");
    }
    url = *again.ReportDownloadUrl;
  }
}

// The campaigns of every budget found, once each.
std::vector<std::int64_t> CampaignsOf(const GetCampaignIdsByBudgetIdsResult& campaigns) {
  std::vector<std::int64_t> all;
  for (const auto& ids : campaigns.CampaignIdCollection) {
    if (!ids) continue;
    for (const auto& id : ids->Ids) {
      if (id) all.push_back(*id);
    }
  }
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  return all;
}

}  // namespace

BudgetUsageResult UsageClient::GetBudgetUsage(const std::vector<std::int64_t>& budget_ids,
                                              const UsagePeriod& period) const {
  const ClientOptions& options = budgets_.Options();
  if (!usage_.time_zone.empty() && !internal::IsReportTimeZone(usage_.time_zone)) {
    throw Error(ErrorKind::kUsage,
                "'" + internal::Excerpt(usage_.time_zone, 60) +
                    "' is no ReportTimeZone name (e.g. PacificTimeUSCanadaTijuana; five differ "
                    "from Campaign Management's time zone names)",
                0, true);
  }
  BudgetUsageResult result;
  const GetBudgetsByIdsResult budgets = budgets_.GetBudgetsByIds(budget_ids);
  std::vector<std::int64_t> ids = budget_ids;
  if (ids.empty()) {
    for (const auto& b : budgets.Budgets) ids.push_back(b && b->Id ? *b->Id : 0);
  }
  result.PartialErrors = budgets.PartialErrors;
  result.TrackingIds = budgets.TrackingIds;
  const GetCampaignIdsByBudgetIdsResult campaigns =
      ids.empty() ? GetCampaignIdsByBudgetIdsResult{} : budgets_.GetCampaignIdsByBudgetIds(ids);
  result.TrackingIds.insert(result.TrackingIds.end(), campaigns.TrackingIds.begin(),
                            campaigns.TrackingIds.end());
  const std::string& account_text = options.credentials.account_id;
  std::int64_t account = 0;
  const auto [end, ec] =
      std::from_chars(account_text.data(), account_text.data() + account_text.size(), account);
  if (ec != std::errc() || end != account_text.data() + account_text.size() || account <= 0) {
    throw Error(ErrorKind::kUsage, "usage needs the account's id (Credentials::account_id)", 0,
                true);
  }
  const ReportRequest request =
      internal::UsageRequest(account, CampaignsOf(campaigns), period, usage_.time_zone);
  result.report.report_request_id = Submit(*reporting_, request, usage_, options);
  const ReportRequestStatus done = AwaitReport(*reporting_, result.report.report_request_id, usage_,
                                               options, result.TrackingIds);
  std::vector<internal::SpendRow> rows;
  if (!done.ReportDownloadUrl || done.ReportDownloadUrl->empty()) {
    result.report.empty = true;  // Success with no URL: no data for the period
  } else {
    const std::string zip = Download(*reporting_, result.report.report_request_id,
                                     *done.ReportDownloadUrl, result.TrackingIds);
    rows = internal::ReadSpendRows(internal::UnzipFirstEntry(zip, usage_.max_report_bytes),
                                   result.report);
  }
  internal::ResolveDays(period, rows, result.report);
  result.Usage = internal::JoinUsage(ids, budgets, campaigns, rows, period, result.report);
  return result;
}

std::shared_ptr<ReportingConnection> MakeReportingConnection(ClientOptions options,
                                                             std::size_t max_report_bytes) {
  return std::make_shared<Reporting>(std::move(options), nullptr, max_report_bytes);
}

UsageClient UsageClient::Make(ClientOptions options, UsageOptions usage) {
  options = Shared(std::move(options));
  const std::size_t max_bytes = usage.max_report_bytes;
  return UsageClient(BudgetClient(options), MakeReportingConnection(options, max_bytes),
                     std::move(usage));
}

UsageClient::UsageClient(ClientOptions options, UsageOptions usage)
    : UsageClient(Make(std::move(options), std::move(usage))) {}

UsageClient::UsageClient(BudgetClient budgets, std::shared_ptr<ReportingConnection> reporting,
                         UsageOptions usage)
    : budgets_(std::move(budgets)), reporting_(std::move(reporting)), usage_(std::move(usage)) {
  if (!reporting_) throw Error(ErrorKind::kUsage, "UsageClient: the reporting connection is null");
}

UsageClient UsageClient::ForAccount(const std::string& account_id,
                                    const std::string& customer_id) const {
  return UsageClient(budgets_.ForAccount(account_id, customer_id),
                     reporting_->ForAccount(account_id, customer_id), usage_);
}

}  // namespace bingads
