#include "internal.h"

#include <string>

namespace bingads::internal {

void ThrowMalformed(std::string_view protocol, const HttpResponse& response,
                    const std::string& problem) {
  std::string message = std::string(protocol) + " response could not be read: " + problem +
                        " (HTTP " + std::to_string(response.status) + ", " +
                        std::to_string(response.body.size()) + " bytes";
  if (auto type = response.Header("Content-Type")) message += ", " + *type;
  message += ")";
  if (!response.body.empty()) message += "; body starts: " + Excerpt(response.body);
  // A success status with an unreadable body is a malformed response; an error status with a body
  // that is no fault (a proxy's HTML page, an empty 503) is a transport-level failure.
  const bool success = response.status >= 200 && response.status <= 299;
  throw Error(success ? ErrorKind::kMalformedResponse : ErrorKind::kTransport, message,
              response.status);
}

}  // namespace bingads::internal
