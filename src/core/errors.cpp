#include <bingads/errors.h>

#include <string>

#include "internal.h"

namespace bingads {
namespace {

bool IsAuthenticationCode(std::int32_t code) {
  // 105 InvalidCredentials, 106 UserIsNotAuthorized, 108 UserCompromised, 109 token expired.
  return code == 105 || code == 106 || code == 108 || code == 109;
}

ErrorKind KindOf(const FaultDetail& d) {
  for (const auto& e : d.Errors) {
    if (IsAuthenticationCode(e.Code)) return ErrorKind::kAuthentication;
  }
  return ErrorKind::kApiFault;
}

void AppendCode(std::string& out, std::int32_t code, const std::optional<std::string>& error_code,
                const std::optional<std::string>& message) {
  out += ' ';
  out += std::to_string(code);
  if (error_code) out += " " + *error_code;
  if (message && !message->empty()) out += " (" + *message + ")";
  out += ';';
}

std::string Describe(const FaultDetail& d, int http_status) {
  std::string out = "service fault " + (d.Type.empty() ? std::string("(no detail)") : d.Type) + ":";
  for (const auto& e : d.Errors) AppendCode(out, e.Code, e.ErrorCode, e.Message);
  for (const auto& e : d.OperationErrors) AppendCode(out, e.Code, e.ErrorCode, e.Message);
  for (const auto& pe : d.BatchErrors) {
    const BatchError& e = BaseOf(pe);
    out += " [index " + std::to_string(e.Index) + "]";
    AppendCode(out, e.Code, e.ErrorCode, e.Message);
  }
  if (d.Errors.empty() && d.OperationErrors.empty() && d.BatchErrors.empty()) {
    out += ' ';
    out += d.FaultString.empty() ? (d.RawDetail.empty() ? "no error codes" : d.RawDetail)
                                 : d.FaultString;
    out += ';';
  }
  out += " TrackingId: " + (d.TrackingId.empty() ? std::string("(none)") : d.TrackingId);
  if (http_status != 0) out += "; HTTP " + std::to_string(http_status);
  return out;
}

}  // namespace

// Messages carry server text (fault fields, headers, body excerpts, TrackingIds): escaped here,
// once for every error, so that none reaches a terminal or a log raw.
Error::Error(ErrorKind kind, const std::string& message, int http_status, bool unsent)
    : std::runtime_error(internal::EscapeControls(message)),
      kind_(kind),
      http_status_(http_status),
      unsent_(unsent) {}

ApiFault::ApiFault(FaultDetail detail, int http_status)
    : Error(KindOf(detail), Describe(detail, http_status), http_status),
      detail_(std::move(detail)) {}

}  // namespace bingads
