/// @file
/// bingads-budgets: access tokens: a fixed one, your own provider, or the OAuth refresh-token flow
/// of the Microsoft identity platform.
#pragma once

#include <bingads/errors.h>
#include <bingads/export.h>
#include <bingads/transport.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace bingads {

/// Supplies OAuth access tokens to a client. Implementations must be thread-safe: clients on
/// several threads may share one provider.
class BINGADS_EXPORT TokenProvider {
 public:
  virtual ~TokenProvider() = default;
  /// A token to send now (refreshing first if it is about to expire). Throws Error on failure.
  virtual std::string AccessToken() = 0;
  /// The service refused `rejected` as expired or invalid (code 109, HTTP 401). Returns true when
  /// a different token is now available, so that the call is worth sending once more.
  virtual bool Invalidate(const std::string& rejected) = 0;
};

/// A fixed token (e.g. obtained elsewhere); Invalidate returns false.
BINGADS_EXPORT std::shared_ptr<TokenProvider> MakeStaticTokenProvider(std::string access_token);

/// The token endpoint refused the request (e.g. error "invalid_grant": the refresh token was
/// revoked or expired). Kind() is kAuthentication.
class BINGADS_EXPORT OAuthError : public Error {
 public:
  /// `error` and `description` are the endpoint's "error" and "error_description".
  OAuthError(std::string error, std::string description, int http_status);
  const std::string& Code() const { return error_; }               ///< e.g. "invalid_grant"
  const std::string& Description() const { return description_; }  ///< error_description.

 private:
  std::string error_;
  std::string description_;
};

/// Default token URL of the Microsoft identity platform (tenant "common").
inline constexpr const char* kDefaultTokenUrl =
    "https://login.microsoftonline.com/common/oauth2/v2.0/token";
/// Scope for the production environment.
inline constexpr const char* kProductionScope =
    "https://ads.microsoft.com/msads.manage offline_access";
/// Scope for the sandbox environment.
inline constexpr const char* kSandboxScope =
    "https://si.ads.microsoft.com/msads.manage offline_access";

/// TransportOptions for token calls: the defaults with a 30 s request timeout and responses of at
/// most kDefaultMaxTokenResponseBytes.
inline TransportOptions TokenCallTransport() {
  TransportOptions options;
  options.request_timeout = std::chrono::seconds(30);
  options.max_response_bytes = kDefaultMaxTokenResponseBytes;
  return options;
}

/// Settings of the refresh-token flow.
struct BINGADS_EXPORT OAuthOptions {
  std::string client_id;      ///< Required.
  std::string client_secret;  ///< Only for web apps; left out of the request when empty.
  std::string refresh_token;  ///< Required: the long-lived token from the consent flow.
  std::string token_url = kDefaultTokenUrl;  ///< Token endpoint; another tenant's, or a test's.
  std::string scope = kProductionScope;      ///< kSandboxScope for sandbox.
  /// Refresh when less than this is left of the access token's life; default 2 minutes.
  std::chrono::seconds refresh_margin{120};
  /// The service returned a new refresh token: store it, the old one may stop working.
  std::function<void(const std::string& refresh_token)> on_refresh_token;
  /// Transport for the token calls: null means libcurl with `transport_options`, whose
  /// request_timeout (default here 30 s) bounds each token call.
  std::shared_ptr<HttpTransport> transport;
  TransportOptions transport_options = TokenCallTransport();  ///< Used when transport is null.
  /// Exchange log, as ClientOptions::log (secrets redacted).
  std::function<void(std::string_view)> log;
  /// Test hook: the clock that decides expiry. Null means std::chrono::steady_clock.
  std::function<std::chrono::steady_clock::time_point()> clock;
};

/// The OAuth refresh-token flow: refreshes before expiry (refresh_margin) and when the service
/// rejects the token; concurrent callers share one refresh. Throws OAuthError when the endpoint
/// refuses, Error for transport failures.
BINGADS_EXPORT std::shared_ptr<TokenProvider> MakeOAuthTokenProvider(OAuthOptions options);

}  // namespace bingads
