// The Reporting service over SOAP. Its gSOAP stubs are being generated from the project's
// reporting WSDL; until the codec is written, usage over SOAP is refused before anything is sent.
#include <bingads/errors.h>

#include "reporting/reporting_codec.h"

namespace bingads::internal {

std::unique_ptr<ReportingCodec> MakeSoapReportingCodec() {
  throw Error(ErrorKind::kUsage,
              "budget usage over SOAP is not available in this version; use REST "
              "(Protocol::kRest, CLI --protocol rest)",
              0, true);
}

}  // namespace bingads::internal
