// The Reporting service's codecs: SubmitGenerateReport and PollGenerateReport over one protocol.
// Only the reporting connection sees this. Not installed.
#pragma once

#include <bingads/usage.h>

#include <memory>
#include <string>
#include <vector>

#include "internal.h"

namespace bingads::internal {

/// SubmitGenerateReport's answer.
struct SubmitAnswer {
  std::string ReportRequestId;
  std::vector<std::string> TrackingIds;
};

/// One protocol's encoders and decoders. Decoders throw ApiFault for a fault and Error for
/// anything undecodable. Not thread-safe: the connection serialises its use.
class ReportingCodec {
 public:
  virtual ~ReportingCodec() = default;
  virtual HttpRequest EncodeSubmit(const CallTarget& target, const ReportRequest& request) = 0;
  virtual SubmitAnswer DecodeSubmit(const HttpResponse& response) = 0;
  virtual HttpRequest EncodePoll(const CallTarget& target, const std::string& id) = 0;
  virtual ReportRequestStatus DecodePoll(const HttpResponse& response) = 0;
};

/// Whether `name` is a ReportTimeZone value of the contract (checked against its generated
/// enumeration, so the list is the WSDL's).
bool IsReportTimeZone(const std::string& name);

/// Over SOAP: the gSOAP stubs of wsdl/ReportingService.usage.wsdl (src/soap/soap_reporting.cpp).
std::unique_ptr<ReportingCodec> MakeSoapReportingCodec();
/// Over REST: POST /Reporting/v13/GenerateReport/Submit and /Poll with JSON bodies.
std::unique_ptr<ReportingCodec> MakeRestReportingCodec();

}  // namespace bingads::internal
