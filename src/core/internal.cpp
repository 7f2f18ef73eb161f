#include "internal.h"

#include <arpa/inet.h>
#include <curl/curl.h>

#include <cstdio>
#include <memory>

#include "text.h"

namespace bingads::internal {

std::string Excerpt(std::string_view body, std::size_t max) {
  std::string out;
  for (std::size_t i = 0; i < body.size() && out.size() < max; ++i) {
    const auto c = static_cast<unsigned char>(body[i]);
    if (c == '\n' || c == '\r' || c == '\t') {
      if (out.empty() || out.back() != ' ') out += ' ';
    } else if (c < 0x20 || c == 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    } else {
      out += static_cast<char>(c);
    }
  }
  if (out.size() >= max && body.size() > max) out += "...";
  return out;
}

void ThrowMalformed(std::string_view protocol, const HttpResponse& response,
                    const std::string& problem) {
  std::string message = std::string(protocol) + " response could not be read: " + problem +
                        " (HTTP " + std::to_string(response.Status) + ", " +
                        std::to_string(response.Body.size()) + " bytes";
  if (auto type = response.Header("Content-Type")) message += ", " + *type;
  message += ")";
  if (!response.Body.empty()) message += "; body starts: " + Excerpt(response.Body);
  // A success status with an unreadable body is a malformed response; an error status with a body
  // that is no fault (a proxy's HTML page, an empty 503) is a transport-level failure.
  const bool success = response.Status >= 200 && response.Status <= 299;
  throw Error(success ? ErrorKind::kMalformedResponse : ErrorKind::kTransport, message,
              response.Status);
}

void CheckHeaderValue(std::string_view what, std::string_view value) {
  for (const unsigned char c : value) {
    if (c < 0x20 || c == 0x7f) {
      throw Error(ErrorKind::kUsage,
                  std::string(what) +
                      " holds a control character (CR, LF, NUL or another); refused, nothing "
                      "was sent",
                  0, true);
    }
  }
}

void CheckIdValue(std::string_view what, std::string_view value) {
  CheckHeaderValue(what, value);
  const auto id = ParseWhole<std::int64_t>(value);
  if (!id || *id <= 0 || value.front() == '0') {
    throw Error(ErrorKind::kUsage,
                std::string(what) + " must be a positive decimal integer (digits only, no sign, " +
                    "no leading zero, at most 9223372036854775807); nothing was sent",
                0, true);
  }
}

bool IsLoopbackHost(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  if (EqualsIgnoreCase(host, "localhost")) return true;
  const std::string text(host);
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) return IN6_IS_ADDR_LOOPBACK(&v6);
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  return false;
}

void CheckUrl(std::string_view what, const std::string& url, bool allow_insecure_http) {
  CheckHeaderValue(what, url);
  const std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> handle(curl_url(), curl_url_cleanup);
  char* scheme = nullptr;
  char* host = nullptr;
  const bool parsed = handle &&
                      curl_url_set(handle.get(), CURLUPART_URL, url.c_str(), 0) == CURLUE_OK &&
                      curl_url_get(handle.get(), CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
                      curl_url_get(handle.get(), CURLUPART_HOST, &host, 0) == CURLUE_OK;
  const std::string scheme_text = scheme != nullptr ? scheme : "";
  const std::string host_text = host != nullptr ? host : "";
  curl_free(scheme);
  curl_free(host);
  if (!parsed || (scheme_text != "http" && scheme_text != "https")) {
    throw Error(ErrorKind::kUsage,
                std::string(what) + " must be an https:// URL (http:// only to a loopback host)", 0,
                true);
  }
  if (scheme_text == "http" && !allow_insecure_http && !IsLoopbackHost(host_text)) {
    throw Error(ErrorKind::kUsage,
                std::string(what) + " is http:// to " + host_text +
                    ", which is not loopback: credentials would travel in clear text. Use "
                    "https://, or opt in with TransportOptions::allow_insecure_http (CLI "
                    "--allow-insecure-http); nothing was sent",
                0, true);
  }
}

}  // namespace bingads::internal
