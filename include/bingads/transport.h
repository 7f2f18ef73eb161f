/// @file
/// bingads-budgets: the one HTTP seam that carries both protocols.
#pragma once

#include <bingads/export.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bingads {

/// HTTP header fields in order, as (name, value); names keep the case they were sent with.
using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

/// An HTTP request as the protocol layers build it.
struct BINGADS_EXPORT HttpRequest {
  std::string method;   ///< "POST", "PUT", "DELETE"...
  std::string url;      ///< Absolute URL, e.g. https://campaign.api.bingads.microsoft.com/...
  HttpHeaders headers;  ///< Request headers; the transport adds Host, Content-Length and such.
  std::string body;     ///< Request body, sent as is (empty for none).
  /// Whether the request may be sent twice without changing the outcome (reads). A request that
  /// is not (a write) must leave at most once by the transport's own doing: the libcurl transport
  /// sends it on a fresh connection, since libcurl silently sends a request again when a
  /// kept-alive connection it reused turns out closed before any answer.
  bool idempotent = true;
};

/// An HTTP response. Any status counts as a response; the protocol layer decides what it means.
struct BINGADS_EXPORT HttpResponse {
  int status = 0;       ///< HTTP status code, e.g. 200 or 500.
  HttpHeaders headers;  ///< Response headers, in the order received.
  std::string body;     ///< Response body, decompressed when it came gzip-encoded.
  /// First header of that name, compared case-insensitively.
  std::optional<std::string> Header(std::string_view name) const;
};

/// What one exchange cost on the wire, as far as the transport counts it.
struct BINGADS_EXPORT ExchangeCost {
  int new_connections = 0;           ///< Connections opened; 0 means an open one was reused.
  std::uint64_t request_bytes = 0;   ///< Request headers and body as written to the socket.
  std::uint64_t response_bytes = 0;  ///< Response headers and body as received (compressed).
};

/// The call an exchange belongs to. The client fills operation and attempt; deadline and
/// cancelled are for a caller that wraps the transport or calls it directly. The libcurl transport
/// honours every member.
struct BINGADS_EXPORT CallContext {
  std::string_view operation;  ///< The service operation, e.g. "GetBudgetsByIds"; may be empty.
  int attempt = 1;             ///< 1 for a request's first send, 2 for its first retry, ...
  /// The exchange ends by then (Error kTimeout), or by TransportOptions::request_timeout when
  /// that comes first. A deadline already past fails at once, with nothing sent.
  std::optional<std::chrono::steady_clock::time_point> deadline;
  /// Once this reads true the exchange stops (Error kCancelled) within about a second; when it is
  /// true before the send, nothing is sent.
  const std::atomic<bool>* cancelled = nullptr;
  /// When set, the transport adds what the exchange cost (a meter's way in: counting the
  /// request's bytes costs the libcurl transport a little, so it counts only when asked).
  ExchangeCost* cost = nullptr;
};

/// Moves bytes. Implementations throw bingads::Error (kTransport, kTimeout or kCancelled) when no
/// response arrived. Send may be called from several threads at once (a client's calls run
/// concurrently). Decorators (metering, recording, faults) wrap another transport and pass the
/// context on.
class BINGADS_EXPORT HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  /// Sends `request` and returns the response whatever its status; throws bingads::Error when
  /// none arrived (kTimeout when a timeout or the deadline expired, kCancelled when cancelled,
  /// kTransport otherwise).
  virtual HttpResponse Send(const HttpRequest& request, const CallContext& context) = 0;
  /// Sends with an empty context (no deadline of its own, not cancellable, not metered).
  HttpResponse Send(const HttpRequest& request) { return Send(request, CallContext{}); }
};

/// A meter's step: sends `request` through `transport` and adds what the exchange cost to `cost`,
/// and to context.cost as well when the caller asked for it too (a meter in a chain of
/// decorators takes nothing from the one above it).
BINGADS_EXPORT HttpResponse SendMetered(HttpTransport& transport, const HttpRequest& request,
                                        const CallContext& context, ExchangeCost& cost);

/// Default TransportOptions::max_response_bytes: 64 MiB. The largest legitimate reply is
/// GetCampaignIdsByBudgetIds for 100 budgets shared by up to 10,000 campaigns each over SOAP:
/// 1,000,000 ids of up to 19 digits in elements of about 20 bytes of markup, some 40 MB.
inline constexpr std::size_t kDefaultMaxResponseBytes = std::size_t{64} << 20;
/// Most bytes of header and trailer lines one response may have, all lines together (after
/// 100-continue and such, the lines of every interim response count too): 256 KiB. Real replies
/// send under 2 KiB; libcurl caps one line but neither the count of lines nor trailers. Past it
/// Send throws Error(kResponseTooLarge), as for a body past max_response_bytes.
inline constexpr std::size_t kMaxResponseHeaderBytes = std::size_t{256} << 10;
/// Default limit for OAuth token responses (a few KiB in practice): 1 MiB.
inline constexpr std::size_t kDefaultMaxTokenResponseBytes = std::size_t{1} << 20;

/// Settings of the libcurl transport. All waits are finite by default.
///
/// Requests are refused before any byte is sent (Error of kind kUsage) when a header name or value
/// holds a control character (CR, LF, NUL...), when the URL is neither http:// nor https://, and
/// when it is http:// to a host that is not loopback (127.0.0.0/8, ::1, localhost) unless
/// allow_insecure_http. Only http and https are spoken, and redirects are never followed.
struct BINGADS_EXPORT TransportOptions {
  std::chrono::milliseconds connect_timeout{10'000};   ///< TCP + TLS connect; default 10 s.
  std::chrono::milliseconds request_timeout{120'000};  ///< Whole call; default 120 s.
  bool verify_tls = true;                              ///< Peer and host verification.
  std::string ca_file;                                 ///< Extra CA bundle (PEM); empty = system.
  std::string ca_path;                                 ///< CA directory; empty = system.
  /// Proxy URL; empty means libcurl's standard environment variables (https_proxy, no_proxy...).
  std::string proxy;
  std::string user_agent;  ///< Empty means "bingads-budgets/<version>".
  /// Ask for gzip-compressed responses (Accept-Encoding: gzip); bodies are decompressed before
  /// they reach the protocol layer. Default on: max_response_bytes bounds what they inflate to.
  bool accept_gzip = true;
  /// Most bytes one response body may have, counted as they arrive and after decompression (a
  /// declared Content-Length above it is refused at once). Past it reading stops and Send throws
  /// Error(kResponseTooLarge) naming the limit and the HTTP status. Memory stays near this.
  std::size_t max_response_bytes = kDefaultMaxResponseBytes;
  /// Allow http:// URLs to hosts that are not loopback, sending credentials in clear text.
  bool allow_insecure_http = false;
  /// Connections (libcurl handles, each kept alive) at most: calls beyond it from more threads
  /// wait for one, at most connect_timeout. Sequential calls reuse one connection.
  std::size_t max_connections = 16;
};

/// The default transport: libcurl, a pool of handles kept alive so connections are reused across
/// calls and calls from several threads run at once. Thread-safe.
BINGADS_EXPORT std::shared_ptr<HttpTransport> MakeCurlTransport(const TransportOptions& options);

}  // namespace bingads
