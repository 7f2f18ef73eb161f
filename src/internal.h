// Internal helpers shared by the protocol codecs and the client. Not installed.
#pragma once

#include <bingads/client.h>
#include <bingads/errors.h>
#include <bingads/transport.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "checks.h"

namespace bingads::internal {

/// Throws Error(kMalformedResponse) naming the protocol, the problem, the status and an excerpt.
[[noreturn]] void ThrowMalformed(std::string_view protocol, const HttpResponse& response,
                                 const std::string& problem);

/// True when `error` is an ApiFault with `code` among its errors or operation errors.
bool HasFaultCode(const Error& error, std::int32_t code);

/// Where and as whom a call goes.
struct CallTarget {
  std::string base_url;  ///< Without a trailing slash.
  Credentials credentials;
};

/// A stand-in for tests: sees each libcurl option the transport sets and what libcurl answered,
/// and returns the answer to act on (another code makes the option fail).
using CurlOptionHook = std::function<int(int option, int code)>;
/// MakeCurlTransport with such a hook.
std::shared_ptr<HttpTransport> MakeCurlTransport(const TransportOptions& options,
                                                 CurlOptionHook hook);

}  // namespace bingads::internal
