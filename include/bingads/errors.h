/// @file
/// bingads-budgets: the errors a call can end with. Partial errors are data, not exceptions.
#pragma once

#include <bingads/export.h>
#include <bingads/model.h>

#include <cstdint>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace bingads {

/// What kind of failure an Error is; the CLI maps these to exit codes.
enum class ErrorKind {
  kUsage,              ///< The caller's input was refused before any call.
  kTransport,          ///< No usable HTTP response (connection, TLS, DNS...).
  kTimeout,            ///< A connect timeout or the call deadline expired.
  kMalformedResponse,  ///< A response arrived but is neither the expected document nor a fault.
  kApiFault,           ///< The service answered with a fault.
  kAuthentication,     ///< A fault saying the credentials were refused (e.g. 105, 106, 109).
  /// A response grew past TransportOptions::max_response_bytes (counted after decompression), so
  /// reading stopped. A transport-level failure (CLI exit 5), never retried.
  kResponseTooLarge,
  /// The caller stopped the exchange (CallContext::cancelled). Never retried.
  kCancelled,
};

/// Base of every error thrown by the library. what() is one line naming the cause.
class BINGADS_EXPORT Error : public std::runtime_error {
 public:
  /// `message` becomes what(); `unsent` marks a request that surely never reached the service.
  Error(ErrorKind kind, const std::string& message, int http_status = 0, bool unsent = false);
  ErrorKind Kind() const { return kind_; }  ///< What kind of failure this is.
  /// HTTP status of the response, 0 when there was none.
  int HttpStatus() const { return http_status_; }
  /// True when the request surely never reached the service (connection refused, DNS failure,
  /// connect timeout), so even a write may be sent again.
  bool Unsent() const { return unsent_; }
  /// TrackingIds of every attempt the call made before giving up (retries and resends
  /// included), oldest first.
  const std::vector<std::string>& AttemptTrackingIds() const { return attempt_tracking_ids_; }
  /// Set by the client before it throws; see AttemptTrackingIds().
  void SetAttemptTrackingIds(std::vector<std::string> ids) {
    attempt_tracking_ids_ = std::move(ids);
  }
  /// Appends `note` to what(); the client adds context this way (e.g. SOAP's retirement).
  void AppendNote(const std::string& note) {
    std::runtime_error::operator=(std::runtime_error(std::string(what()) + note));
  }

 private:
  ErrorKind kind_;
  int http_status_;
  bool unsent_;
  std::vector<std::string> attempt_tracking_ids_;
};

/// AdApiError, an entry of AdApiFaultDetail.Errors (note the singular "Detail").
struct BINGADS_EXPORT AdApiError {
  std::int32_t Code = 0;                 ///< Numeric error code, e.g. 105.
  std::optional<std::string> Detail;     ///< Further details, when the service gives any.
  std::optional<std::string> ErrorCode;  ///< Symbolic code, e.g. "InvalidCredentials".
  std::optional<std::string> Message;    ///< Human-readable description.
  bool operator==(const AdApiError&) const = default;  ///< Field by field.
};

/// OperationError, an entry of ApiFaultDetail.OperationErrors.
struct BINGADS_EXPORT OperationError {
  std::int32_t Code = 0;                 ///< Numeric error code, e.g. 4916.
  std::optional<std::string> Details;    ///< Further details, when the service gives any.
  std::optional<std::string> ErrorCode;  ///< Symbolic code, e.g. "CampaignServiceBudgetIdInvalid".
  std::optional<std::string> Message;    ///< Human-readable description.
  bool operator==(const OperationError&) const = default;  ///< Field by field.
};

/// A decoded fault, whichever protocol carried it.
struct BINGADS_EXPORT FaultDetail {
  /// "AdApiFaultDetail", "ApiFaultDetail", or the name of an undeclared detail kept as RawDetail.
  std::string Type;
  std::string TrackingId;                 ///< The failed call's TrackingId (give it to support).
  std::vector<AdApiError> Errors;         ///< AdApiFaultDetail
  std::vector<PartialError> BatchErrors;  ///< ApiFaultDetail
  std::vector<OperationError> OperationErrors;  ///< ApiFaultDetail
  std::string FaultString;                      ///< SOAP faultstring, when there is one.
  std::string RawDetail;                        ///< Text of a detail that is none of the above.
};

/// The service answered with a fault. what() names every code, ErrorCode and the TrackingId.
class BINGADS_EXPORT ApiFault : public Error {
 public:
  /// Kind() is kAuthentication when an error has code 105, 106, 108 or 109, else kApiFault.
  ApiFault(FaultDetail detail, int http_status);
  const FaultDetail& Detail() const { return detail_; }  ///< The decoded fault.

 private:
  FaultDetail detail_;
};

/// A batch the client split into calls of at most 100 items failed part-way: the calls before the
/// failing one did their work (for writes: budgets were added, updated or deleted). Result() holds
/// what those calls returned, positions referring to the caller's list and covering exactly the
/// first CompletedItems() items; Cause() rethrows the failing call's own error. Kind(),
/// HttpStatus() and what() follow that error, what() adding which call failed.
template <typename R>
class BINGADS_EXPORT BatchInterrupted : public Error {
 public:
  /// `partial` covers the first `completed_items` of `total_items`; `cause` is the failing call's
  /// exception and `error` the same exception as an Error.
  BatchInterrupted(R partial, std::size_t completed_items, std::size_t total_items,
                   std::exception_ptr cause, const Error& error)
      : Error(error.Kind(),
              std::string(error.what()) + " [batch interrupted: items " +
                  std::to_string(completed_items) + " to " + std::to_string(total_items - 1) +
                  " were not processed; items 0 to " + std::to_string(completed_items - 1) +
                  " were, and their results are kept]",
              error.HttpStatus()),
        partial_(std::move(partial)),
        completed_(completed_items),
        cause_(std::move(cause)) {}
  const R& Result() const { return partial_; }               ///< What the earlier calls returned.
  std::size_t CompletedItems() const { return completed_; }  ///< Items those calls covered.
  /// Rethrows the failing call's own exception (ApiFault, Error...).
  [[noreturn]] void RethrowCause() const { std::rethrow_exception(cause_); }

 private:
  R partial_;
  std::size_t completed_;
  std::exception_ptr cause_;
};

}  // namespace bingads
