// bingads-emulator: an incremental HTTP/1.1 request parser for the emulator's front. It takes
// bytes as they arrive, in any split, and holds every limit: header bytes, body bytes, framing.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bingads::emulator {

/// A request as it arrived; header names are lower-cased, values trimmed.
struct HttpRequestIn {
  std::string method;
  std::string path;  ///< Without the query.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  ///< Content-Length or chunked, decoded.
  bool keep_alive = true;
  /// The first header of that (lower-case) name, or "".
  std::string Header(std::string_view lower_name) const;
};

/// Why a request is refused: the HTTP status to answer and a reason for a person.
struct ParseError {
  int status;
  std::string why;
};

/// Reads one request at a time. Feed it what arrived; it consumes what it parsed.
class RequestParser {
 public:
  RequestParser(std::size_t max_header_bytes, std::size_t max_body_bytes)
      : max_header_bytes_(max_header_bytes), max_body_bytes_(max_body_bytes) {}
  /// Parses and consumes what `in` holds; true once a whole request is in Request() (bytes of the
  /// next one stay in `in`). Throws ParseError for a request that must be refused.
  bool Advance(std::string& in);
  /// True once any part of the request line has been parsed.
  bool Started() const { return phase_ != Phase::kHeaders; }
  /// True once, after headers that asked for `Expect: 100-continue` before their body came.
  bool TakeContinue() { return std::exchange(wants_continue_, false); }
  HttpRequestIn& Request() { return request_; }  ///< The request being read, or the whole one.
  const HttpRequestIn& Request() const { return request_; }  ///< As above.
  /// Forgets the request, to read the next one.
  void Reset() { *this = RequestParser(max_header_bytes_, max_body_bytes_); }

 private:
  enum class Phase { kHeaders, kBody, kChunkSize, kChunkData, kChunkEnd, kTrailers, kDone };
  void ParseHead(std::string_view head);

  std::size_t max_header_bytes_;
  std::size_t max_body_bytes_;
  Phase phase_ = Phase::kHeaders;
  std::size_t scanned_ = 0;    // where the search for the end of the headers resumes
  std::size_t body_left_ = 0;  // Content-Length or chunk bytes still to come
  bool wants_continue_ = false;
  HttpRequestIn request_;
};

}  // namespace bingads::emulator
