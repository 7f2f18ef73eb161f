#include "internal.h"

#include <cstdio>

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

}  // namespace bingads::internal
