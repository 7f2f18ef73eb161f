#include "checks.h"

#include <arpa/inet.h>
#include <bingads/errors.h>
#include <curl/curl.h>

#include <cstdio>
#include <memory>

#include "text.h"

namespace bingads::internal {

namespace {

void AppendHex(std::string& out, const char* format, unsigned value) {
  char text[8];
  std::snprintf(text, sizeof text, format, value);
  out += text;
}

}  // namespace

std::string EscapeControls(std::string_view text, bool keep_newlines) {
  std::string out;
  out.reserve(text.size());
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* const end = p + text.size();
  while (p != end) {
    const unsigned char c = *p;
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
      ++p;
    } else if (c == '\t' || (c == '\n' && keep_newlines)) {
      out += static_cast<char>(c);
      ++p;
    } else if (c < 0x80) {
      AppendHex(out, "\\x%02x", c);
      ++p;
    } else if (const std::size_t n = Utf8Sequence(p, end); n == 0) {
      AppendHex(out, "\\x%02x", c);
      ++p;
    } else {
      const unsigned cp = n == 2   ? ((c & 0x1Fu) << 6) | (p[1] & 0x3Fu)
                          : n == 3 ? ((c & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu)
                                   : 0x10000;
      if (cp < 0xA0 || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)) {
        AppendHex(out, "\\u%04x", cp);
      } else {
        out.append(reinterpret_cast<const char*>(p), n);
      }
      p += n;
    }
  }
  return out;
}

std::string Excerpt(std::string_view body, std::size_t max) {
  std::string flat;
  for (std::size_t i = 0; i < body.size() && flat.size() < max; ++i) {
    const char c = body[i];
    if (c == '\n' || c == '\r' || c == '\t') {
      if (flat.empty() || flat.back() != ' ') flat += ' ';
    } else {
      flat += c;
    }
  }
  const bool cut = flat.size() >= max && body.size() > max;
  // A character cut in two at the end shows as its bytes, escaped.
  return EscapeControls(flat) + (cut ? "..." : "");
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
