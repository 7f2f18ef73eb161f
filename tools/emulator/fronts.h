// bingads-emulator: the two wire fronts over BudgetService.
#pragma once

#include <rapidjson/document.h>

#include <functional>
#include <string>
#include <string_view>

#include "service.h"

namespace bingads::emulator {

/// An HTTP reply to send.
struct Reply {
  int status = 200;
  std::string content_type;
  std::string body;
  std::string tracking_id;  ///< Also sent as the TrackingId HTTP header.
  std::vector<std::pair<std::string, std::string>> headers;  ///< e.g. Retry-After
};

/// Reads {"Budgets":[...]} from a DOM parsed with kParseNumbersAsStringsFlag: amounts and ids keep
/// their digits; Id may be a string or a number. Throws std::invalid_argument naming the JSON path.
BudgetList ReadBudgetsJson(const rapidjson::Value& root);

/// SOAP 1.1 (WCF BasicHttpBinding style): parses with pugixml, writes WCF-shaped envelopes.
Reply HandleSoap(BudgetService& service, std::string_view content_type,
                 std::string_view soap_action, const std::string& body);

/// A SOAP 1.1 fault (HTTP 500) with this faultcode and faultstring and no detail, as the SOAP
/// front writes its own.
Reply SoapFault(const std::string& faultcode, const std::string& faultstring);

/// A service fault as each front sends it: a SOAP fault (HTTP 500, or 200 with `with_200`), or
/// the REST JSON fault with its status; Retry-After when the fault has one.
Reply SoapServiceFault(const Fault& fault, bool with_200);
Reply RestServiceFault(const Fault& fault);

/// REST JSON with RapidJSON. `header` returns a request header's value or "".
Reply HandleRest(BudgetService& service, std::string_view method, std::string_view path,
                 const std::function<std::string(const char*)>& header, const std::string& body);

}  // namespace bingads::emulator
