// bingads-emulator: the two wire fronts over BudgetService.
#pragma once

#include <bingads/client.h>
#include <rapidjson/document.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "service.h"

namespace bingads::emulator {

/// The Reporting service's SOAP endpoint and REST prefix below the base URL.
inline constexpr std::string_view kReportingSoapPath =
    "/Api/Advertiser/Reporting/v13/ReportingService.svc";
inline constexpr std::string_view kReportingRestPrefix = "/Reporting/v13/GenerateReport/";
/// Either service's SOAP endpoint.
inline bool IsSoapPath(std::string_view path) {
  return path == kSoapServicePath || path == kReportingSoapPath;
}

/// An HTTP reply to send.
struct Reply {
  int status = 200;
  std::string content_type;
  std::string body;
  std::string tracking_id;  ///< Also sent as the TrackingId HTTP header.
  std::vector<std::pair<std::string, std::string>> headers;  ///< e.g. Retry-After
};

/// The string member `name` of a request's JSON object, nullopt when absent or null; throws
/// std::invalid_argument naming `path` for another type or text that is not UTF-8 once unescaped.
std::optional<std::string> JsonText(const rapidjson::Value& object, const char* name,
                                    const std::string& path);

/// Reads {"Budgets":[...]} from a DOM parsed with kParseNumbersAsStringsFlag: amounts and ids keep
/// their digits; Id may be a string or a number. Throws std::invalid_argument naming the JSON path.
BudgetList ReadBudgetsJson(const rapidjson::Value& root);

/// SOAP 1.1 (WCF BasicHttpBinding style): parses with pugixml, writes WCF-shaped envelopes.
Reply HandleSoap(BudgetService& service, std::string_view content_type,
                 std::string_view soap_action, const std::string& body);

/// The Reporting service over SOAP 1.1 (SubmitGenerateReport, PollGenerateReport); download URLs
/// point at `base_url`.
Reply HandleSoapReporting(BudgetService& service, std::string_view content_type,
                          std::string_view soap_action, const std::string& body,
                          const std::string& base_url);

/// A SOAP 1.1 fault (HTTP 500) with this faultcode and faultstring and no detail, as the SOAP
/// front writes its own.
Reply SoapFault(const std::string& faultcode, const std::string& faultstring);

/// A service fault as each front sends it: a SOAP fault (HTTP 500, or 200 with `with_200`), or
/// the REST JSON fault with its status; Retry-After when the fault has one.
Reply SoapServiceFault(const Fault& fault, bool with_200);
Reply RestServiceFault(const Fault& fault);

/// The Reporting service's REST operations ("Submit", "Poll") on a parsed body; download URLs
/// point at `base_url`.
Reply HandleRestReporting(BudgetService& service, std::string_view operation,
                          const RequestContext& context, const rapidjson::Value& root,
                          const std::string& base_url, const std::string& tracking_id);

/// The base URL a request reached (http:// and its Host header when that is a plain host[:port],
/// else http://127.0.0.1), for the download URLs a poll gives.
std::string BaseUrlOf(const std::function<std::string(const char*)>& header);

/// REST JSON with RapidJSON. `header` returns a request header's value or "".
Reply HandleRest(BudgetService& service, std::string_view method, std::string_view path,
                 const std::function<std::string(const char*)>& header, const std::string& body);

}  // namespace bingads::emulator
