// A strict whole-number parser shared by the library, the CLI and the emulator.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <type_traits>

namespace bingads::internal {

/// The whole of `text` as a decimal integer of type T: digits with an optional leading '-', no
/// spaces, no '+', no overflow. nullopt otherwise.
template <typename T>
std::optional<T> ParseWhole(std::string_view text) {
  static_assert(std::is_integral_v<T> && std::is_signed_v<T> && sizeof(T) <= 8);
  const char* p = text.data();
  const char* const end = p + text.size();
  const bool negative = p != end && *p == '-';
  if (negative) ++p;
  if (p == end) return std::nullopt;
  while (p + 1 < end && *p == '0') ++p;  // leading zeros, keeping the last digit
  // Up to 19 digits fit in 64 unsigned bits, so the loop needs no overflow check of its own.
  if (end - p > 19) return std::nullopt;
  std::uint64_t value = 0;
  for (; p != end; ++p) {
    const unsigned digit = static_cast<unsigned char>(*p) - unsigned{'0'};
    if (digit > 9) return std::nullopt;
    value = value * 10 + digit;
  }
  // The magnitude may reach max + 1 for a negative number (the minimum).
  const std::uint64_t limit =
      static_cast<std::uint64_t>(std::numeric_limits<T>::max()) + (negative ? 1U : 0U);
  if (value > limit) return std::nullopt;
  // Unsigned negation wraps, and the conversion back is modular (C++20): -limit is the minimum.
  return static_cast<T>(negative ? 0U - value : value);
}

}  // namespace bingads::internal
