// Text helpers shared by the library, the CLI and the emulator: strict whole numbers, XML
// whitespace, UTF-8 checks, a budget type as optional text.
#pragma once

#include <bingads/model.h>

#include <bit>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace bingads::internal {

/// The whole of `text` as a decimal integer of type T: digits with an optional leading '-', no
/// spaces, no '+', no overflow. nullopt otherwise.
template <typename T>
std::optional<T> ParseWhole(std::string_view text) {
  static_assert(std::is_integral_v<T> && std::is_signed_v<T> && sizeof(T) <= 8);
  static_assert(std::endian::native == std::endian::little, "the 8-digit step assumes it");
  const char* p = text.data();
  const char* const end = p + text.size();
  const bool negative = p != end && *p == '-';
  if (negative) ++p;
  if (p == end) return std::nullopt;
  while (p + 1 < end && *p == '0') ++p;  // leading zeros, keeping the last digit
  // Up to 19 digits fit in 64 unsigned bits, so the loop needs no overflow check of its own.
  if (end - p > 19) return std::nullopt;
  std::uint64_t value = 0;
  // Eight digits at a time where there are eight (ids have 16 or more): checked and combined in
  // a few word operations instead of a multiply-add chain per digit.
  while (end - p >= 8) {
    std::uint64_t chunk;
    std::memcpy(&chunk, p, 8);  // first digit in the lowest byte (little-endian)
    if ((chunk & 0xF0F0F0F0F0F0F0F0ULL) != 0x3030303030303030ULL ||
        ((chunk + 0x0606060606060606ULL) & 0xF0F0F0F0F0F0F0F0ULL) != 0x3030303030303030ULL) {
      return std::nullopt;
    }
    chunk -= 0x3030303030303030ULL;
    chunk = chunk * 10 + (chunk >> 8);  // pairs of digits
    chunk = (((chunk & 0x000000FF000000FFULL) * (100 + (1000000ULL << 32))) +
             (((chunk >> 16) & 0x000000FF000000FFULL) * (1 + (10000ULL << 32)))) >>
            32;
    value = value * 100000000ULL + chunk;
    p += 8;
  }
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

/// `s` without leading and trailing spaces and tabs (HTTP's optional whitespace).
inline std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

/// ASCII case-insensitive equality (header names, tokens, host names).
inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto x = static_cast<unsigned char>(a[i]), y = static_cast<unsigned char>(b[i]);
    if ((x | (x >= 'A' && x <= 'Z' ? 0x20 : 0)) != (y | (y >= 'A' && y <= 'Z' ? 0x20 : 0)))
      return false;
  }
  return true;
}

/// `text` as a JSON string literal, quotes included; control characters as \u00XX.
inline std::string JsonQuoted(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      static const char* const kHex = "0123456789abcdef";
      out += "\\u00";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    } else {
      out += c;
    }
  }
  return out + "\"";
}

/// `s` without leading and trailing XML whitespace (space, tab, CR, LF).
inline std::string_view TrimXmlSpace(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}
/// Strict decimal integer text with surrounding XML whitespace allowed (as xs:long and xs:int
/// are, and as ids may arrive in JSON strings).
inline std::optional<std::int64_t> ParseInt64(std::string_view text) {
  return ParseWhole<std::int64_t>(TrimXmlSpace(text));
}
inline std::optional<std::int32_t> ParseInt32(std::string_view text) {
  return ParseWhole<std::int32_t>(TrimXmlSpace(text));
}

// Length of the well-formed UTF-8 sequence that starts at p (a byte >= 0x80), or 0.
inline std::size_t Utf8Sequence(const unsigned char* p, const unsigned char* end) {
  const unsigned char c = *p;
  std::size_t len;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (static_cast<std::size_t>(end - p) < len || p[1] < lo || p[1] > hi) return 0;
  for (std::size_t k = 2; k < len; ++k) {
    if (p[k] < 0x80 || p[k] > 0xBF) return 0;
  }
  return len;
}

// UTF-8 well-formedness of the whole text (RFC 3629: no overlongs, no surrogates, at most
// U+10FFFF). Returns the offset of the first bad byte.
inline std::optional<std::size_t> InvalidUtf8(std::string_view text) {
  const auto* begin = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = begin + text.size();
  const auto* p = begin;
  while (p != end) {
    // Eight ASCII bytes at a time where it can.
    if (end - p >= 8) {
      std::uint64_t word;
      std::memcpy(&word, p, 8);
      if ((word & 0x8080808080808080ULL) == 0) {
        p += 8;
        continue;
      }
    }
    if (*p < 0x80) {
      ++p;
      continue;
    }
    const std::size_t n = Utf8Sequence(p, end);
    if (n == 0) return static_cast<std::size_t>(p - begin);
    p += n;
  }
  return std::nullopt;
}

/// Appends code point `cp` (at most 0x10FFFF) to `out` as UTF-8.
inline void AppendUtf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

/// Eight bytes at a time, for the scanners: `kEveryByte * c` repeats byte c in a word, and
/// kHighBits is each byte's top bit.
inline constexpr std::uint64_t kEveryByte = 0x0101010101010101ULL;
inline constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;
/// 0x80 in each byte of `word` that is zero, exactly (no false positives from borrows).
inline std::uint64_t ZeroBytes(std::uint64_t word) {
  return ~(((word & ~kHighBits) + ~kHighBits) | word | ~kHighBits);
}

/// A budget type as optional text, for writers that take optional strings.
inline std::optional<std::string> TypeText(const std::optional<BudgetLimitType>& type) {
  return type ? std::optional<std::string>(type->Text()) : std::nullopt;
}

}  // namespace bingads::internal
