#include "money.h"

#include <bingads/errors.h>

#include <algorithm>
#include <string>

namespace bingads::internal {
namespace {

__extension__ typedef __int128 Int;  // 38 digits: room for 30-digit amounts scaled
constexpr int kMaxDigits = 30;

// A decimal as an integer count of 10^-scale.
struct Fixed {
  Int units = 0;
  int scale = 0;
};

Fixed ToFixed(const Decimal& d) {
  const std::string& text = d.Canonical();  // no '+', no exponent, no trailing fraction zeros
  Fixed f;
  bool negative = false;
  int digits = 0;
  for (char c : text) {
    if (c == '-') {
      negative = true;
    } else if (c == '.') {
      f.scale = static_cast<int>(text.size() - text.find('.') - 1);
    } else if (++digits > kMaxDigits) {
      throw Error(ErrorKind::kMalformedResponse, "amount " + text + " has too many digits");
    } else {
      f.units = f.units * 10 + (c - '0');
    }
  }
  if (negative) f.units = -f.units;
  return f;
}

Int Pow10(int n) {
  Int p = 1;
  while (n-- > 0) p *= 10;
  return p;
}

std::string ToText(Int units, int scale) {
  const bool negative = units < 0;
  if (negative) units = -units;
  std::string digits;
  do {
    digits += static_cast<char>('0' + static_cast<int>(units % 10));
    units /= 10;
  } while (units != 0);
  while (static_cast<int>(digits.size()) <= scale) digits += '0';
  std::reverse(digits.begin(), digits.end());
  if (scale > 0) digits.insert(digits.size() - static_cast<std::size_t>(scale), ".");
  return (negative ? "-" : "") + digits;
}

}  // namespace

Decimal Add(const Decimal& a, const Decimal& b) {
  Fixed x = ToFixed(a);
  Fixed y = ToFixed(b);
  const int scale = std::max(x.scale, y.scale);
  const Int sum = x.units * Pow10(scale - x.scale) + y.units * Pow10(scale - y.scale);
  return Decimal::FromString(ToText(sum, scale));
}

std::optional<Decimal> Percent(const Decimal& part, const Decimal& whole) {
  const Fixed p = ToFixed(part);
  const Fixed w = ToFixed(whole);
  if (w.units == 0) return std::nullopt;
  // part/whole × 100 × 100 (two decimals), with both brought to one scale.
  const int scale = std::max(p.scale, w.scale);
  Int numerator = p.units * Pow10(scale - p.scale) * 10000;
  Int denominator = w.units * Pow10(scale - w.scale);
  if (denominator < 0) {
    numerator = -numerator;
    denominator = -denominator;
  }
  const bool negative = numerator < 0;
  const Int magnitude = (negative ? -numerator : numerator);
  const Int rounded = (magnitude * 2 + denominator) / (denominator * 2);
  return Decimal::FromString(ToText(negative ? -rounded : rounded, 2));
}

std::optional<Decimal> ParseReportAmount(std::string_view text) {
  if (text.empty() || text == "--") return Decimal();
  if (text.find(',') == std::string_view::npos) return Decimal::Parse(text);
  std::string plain;
  std::size_t since_comma = std::string::npos;  // digits since the last thousands separator
  for (char c : text) {
    if (c == ',') {
      if (since_comma != std::string::npos && since_comma != 3) return std::nullopt;
      if (plain.empty() || plain.find('.') != std::string::npos) return std::nullopt;
      since_comma = 0;
      continue;
    }
    if (c == '.' && since_comma != std::string::npos && since_comma != 3) return std::nullopt;
    if (c == '.') since_comma = std::string::npos;
    if (c >= '0' && c <= '9' && since_comma != std::string::npos) ++since_comma;
    plain += c;
  }
  if (since_comma != std::string::npos && since_comma != 3) return std::nullopt;
  return Decimal::Parse(plain);
}

}  // namespace bingads::internal
