// The emulator's HTTP/1.1 request parser, differentially: the same bytes fed all at once and fed
// in pieces (sizes taken from the first input byte) must end the same way: the same request and
// the same bytes left over, the same refusal status, or both still waiting for more. Limits are
// small so that the fuzzer reaches them. Any disagreement, crash or other exception aborts.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "fuzz.h"
#include "http_request.h"

namespace {

using bingads::emulator::ParseError;
using bingads::emulator::RequestParser;

// Feeds `bytes` in pieces of `step` (0: all at once) and describes how parsing ended.
std::string Outcome(const std::string& bytes, std::size_t step) {
  RequestParser parser(256, 512);
  std::string in;
  std::size_t fed = 0;
  try {
    while (true) {
      const std::size_t piece = step == 0 ? bytes.size() : step;
      in.append(bytes, fed, piece);
      fed = std::min(bytes.size(), fed + piece);
      if (parser.Advance(in)) {
        const auto& r = parser.Request();
        std::string out = "request " + r.method + " " + r.path + " keep-alive " +
                          std::to_string(r.keep_alive) + "\n";
        for (const auto& [name, value] : r.headers) out += name + ": " + value + "\n";
        return out + "body " + r.body + "\nleft " + in + bytes.substr(fed);  // and what is unfed
      }
      if (fed == bytes.size()) return "incomplete";
    }
  } catch (const ParseError& e) {
    return "refused " + std::to_string(e.status);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const bingads::fuzz::Input input = bingads::fuzz::Split(data, size);
  const std::string whole = Outcome(input.body, 0);
  const std::string pieces = Outcome(input.body, 1 + input.selector % 7);
  if (whole != pieces) {
    std::fprintf(stderr, "whole and piecewise parsing disagree\n whole:  %s\n pieces: %s\n",
                 whole.c_str(), pieces.c_str());
    std::abort();
  }
  return 0;
}
