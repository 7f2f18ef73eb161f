// A strict whole-number parser shared by the library, the CLI and the emulator.
#pragma once

#include <charconv>
#include <optional>
#include <string_view>

namespace bingads::internal {

/// The whole of `text` as a decimal integer of type T: digits with an optional leading '-', no
/// spaces, no '+', no overflow. nullopt otherwise.
template <typename T>
std::optional<T> ParseWhole(std::string_view text) {
  T value{};
  if (text.empty() || text.front() == '+') return std::nullopt;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace bingads::internal
