// Shared pieces of the libFuzzer targets. Each target feeds arbitrary bytes to one decoder or
// parser; the documented failure (bingads::Error and its subclasses, or the emulator's fault reply)
// is the expected way out, and anything else (a crash, a sanitizer report, any other exception)
// is a bug.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace bingads::fuzz {

/// The first input byte picks a variant (operation, status); the rest is the document.
struct Input {
  std::uint8_t selector = 0;
  std::string body;
};

inline Input Split(const std::uint8_t* data, std::size_t size) {
  Input in;
  if (size == 0) return in;
  in.selector = data[0];
  in.body.assign(reinterpret_cast<const char*>(data + 1), size - 1);
  return in;
}

}  // namespace bingads::fuzz
