#include "http_request.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include "text.h"

namespace bingads::emulator {

std::string HttpRequestIn::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers)
    if (name == lower_name) return value;
  return {};
}

namespace {

// Where `terminator` ends a part of at most `max` bytes at the start of `in`: npos while it may
// still come. Throws `error` once the part is surely longer, whether it arrived whole or not, so
// that the outcome never depends on how the bytes were split.
std::size_t PartEnd(const std::string& in, std::string_view terminator, std::size_t max,
                    std::size_t from, const ParseError& error) {
  const std::size_t end = in.find(terminator, from);
  if (end == std::string::npos ? in.size() >= max + terminator.size() : end > max) throw error;
  return end;
}

}  // namespace

bool RequestParser::Advance(std::string& in) {
  while (true) {
    switch (phase_) {
      case Phase::kHeaders: {
        while (in.size() >= 2 && in[0] == '\r' && in[1] == '\n') in.erase(0, 2);
        const std::size_t from = scanned_ >= 3 ? scanned_ - 3 : 0;
        const std::size_t end =
            PartEnd(in, "\r\n\r\n", max_header_bytes_, from,
                    {431, "request headers over " + std::to_string(max_header_bytes_) + " bytes"});
        if (end == std::string::npos) {
          scanned_ = in.size();
          return false;
        }
        ParseHead(std::string_view(in).substr(0, end));
        in.erase(0, end + 4);
        scanned_ = 0;
        wants_continue_ = phase_ == Phase::kBody && body_left_ > 0 &&
                          internal::EqualsIgnoreCase(request_.Header("expect"), "100-continue");
        break;
      }
      case Phase::kBody:
      case Phase::kChunkData: {
        const std::size_t take = std::min(body_left_, in.size());
        request_.body.append(in, 0, take);
        in.erase(0, take);
        body_left_ -= take;
        if (body_left_ > 0) return false;
        phase_ = phase_ == Phase::kBody ? Phase::kDone : Phase::kChunkEnd;
        break;
      }
      case Phase::kChunkSize: {
        const std::size_t eol =
            PartEnd(in, "\r\n", 1024, 0, {400, "a chunk-size line over 1024 bytes"});
        if (eol == std::string::npos) return false;
        std::string_view line = std::string_view(in).substr(0, eol);
        line = line.substr(0, line.find(';'));  // chunk extensions are ignored
        line = internal::Trim(line);
        std::size_t size = 0;
        if (line.empty() || line.size() > 15 ||
            line.find_first_not_of("0123456789abcdefABCDEF") != std::string_view::npos)
          throw ParseError{400, "a malformed chunk size"};
        for (char ch : line)
          size = size * 16 + static_cast<std::size_t>(
                                 std::isdigit(static_cast<unsigned char>(ch))
                                     ? ch - '0'
                                     : std::tolower(static_cast<unsigned char>(ch)) - 'a' + 10);
        in.erase(0, eol + 2);
        if (request_.body.size() + size > max_body_bytes_)
          throw ParseError{413, "request body over " + std::to_string(max_body_bytes_) + " bytes"};
        body_left_ = size;
        phase_ = size == 0 ? Phase::kTrailers : Phase::kChunkData;
        break;
      }
      case Phase::kChunkEnd:
        if (in.size() < 2) return false;
        if (in.compare(0, 2, "\r\n") != 0) throw ParseError{400, "a chunk not ended by CRLF"};
        in.erase(0, 2);
        phase_ = Phase::kChunkSize;
        break;
      case Phase::kTrailers: {
        const std::size_t eol =
            PartEnd(in, "\r\n", max_header_bytes_, 0,
                    {431, "a trailer line over " + std::to_string(max_header_bytes_) + " bytes"});
        if (eol == std::string::npos) return false;
        in.erase(0, eol + 2);
        if (eol == 0) phase_ = Phase::kDone;
        break;
      }
      case Phase::kDone:
        return true;
    }
  }
}

// The request line and headers; sets how the body is framed.
void RequestParser::ParseHead(std::string_view head) {
  HttpRequestIn& r = request_;
  const std::size_t line_end = std::min(head.find("\r\n"), head.size());
  const std::string_view line = head.substr(0, line_end);
  const std::size_t sp1 = line.find(' ');
  const std::size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos)
    throw ParseError{400, "a malformed request line"};
  r.method = std::string(line.substr(0, sp1));
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string_view version = line.substr(sp2 + 1);
  if (r.method.empty() ||
      r.method.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string::npos)
    throw ParseError{400, "a malformed method"};
  if (version != "HTTP/1.1" && version != "HTTP/1.0") {
    throw ParseError{version.rfind("HTTP/", 0) == 0 ? 505 : 400, "HTTP/1.1 or HTTP/1.0 only"};
  }
  if (target.rfind("http://", 0) == 0 || target.rfind("https://", 0) == 0) {
    const std::size_t slash = target.find('/', target.find("//") + 2);
    target = slash == std::string_view::npos ? "/" : target.substr(slash);
  }
  if (target.empty() || target.front() != '/') throw ParseError{400, "a malformed request target"};
  r.path = std::string(target.substr(0, target.find('?')));
  bool close = version == "HTTP/1.0";
  std::optional<std::size_t> length;
  bool chunked = false;
  for (std::size_t pos = line_end + 2; pos < head.size();) {
    const std::size_t eol = std::min(head.find("\r\n", pos), head.size());
    const std::string_view field = head.substr(pos, eol - pos);
    pos = eol + 2;
    const std::size_t colon = field.find(':');
    if (colon == 0 || colon == std::string_view::npos || field.front() == ' ' ||
        field.front() == '\t' ||
        field.substr(0, colon).find_first_of(" \t") != std::string_view::npos)
      throw ParseError{400, "a malformed header line"};
    std::string name(field.substr(0, colon));
    for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    const std::string_view value = internal::Trim(field.substr(colon + 1));
    for (unsigned char ch : value)
      if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
        throw ParseError{400, "a control character in the " + name + " header"};
    if (name == "content-length") {
      const auto n = internal::ParseWhole<std::int64_t>(value);
      if (!n || *n < 0 || value.front() == '-' ||
          (length && *length != static_cast<std::size_t>(*n)))
        throw ParseError{400, "a malformed Content-Length"};
      if (static_cast<std::size_t>(*n) > max_body_bytes_)
        throw ParseError{413, "request body over " + std::to_string(max_body_bytes_) + " bytes"};
      length = static_cast<std::size_t>(*n);
    } else if (name == "transfer-encoding") {
      if (!internal::EqualsIgnoreCase(value, "chunked"))
        throw ParseError{501, "Transfer-Encoding other than chunked"};
      chunked = true;
    } else if (name == "connection") {
      if (internal::EqualsIgnoreCase(value, "close")) close = true;
      if (internal::EqualsIgnoreCase(value, "keep-alive")) close = false;
    }
    r.headers.emplace_back(std::move(name), std::string(value));
  }
  if (chunked && length) throw ParseError{400, "both Content-Length and Transfer-Encoding"};
  r.keep_alive = !close;
  if (chunked) {
    phase_ = Phase::kChunkSize;
  } else {
    body_left_ = length.value_or(0);
    phase_ = body_left_ > 0 ? Phase::kBody : Phase::kDone;
  }
}

}  // namespace bingads::emulator
