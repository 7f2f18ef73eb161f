#include <bingads/decimal.h>

#include <cctype>
#include <stdexcept>
#include <string>

#include "text.h"

namespace bingads {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Canonical text from sign, integer digits and fraction digits (all validated), or an empty string
// when `text` already is exactly that (the common case, which then allocates nothing).
std::string MakeCanonical(std::string_view text, bool negative, std::string_view int_digits,
                          std::string_view frac_digits) {
  while (!int_digits.empty() && int_digits.front() == '0') int_digits.remove_prefix(1);
  while (!frac_digits.empty() && frac_digits.back() == '0') frac_digits.remove_suffix(1);
  if (int_digits.empty() && frac_digits.empty()) return text == "0" ? "" : "0";
  const std::string_view sign = negative ? "-" : "";
  const std::string_view whole = int_digits.empty() ? "0" : int_digits;
  const std::string_view point = frac_digits.empty() ? "" : ".";
  if (text.size() == sign.size() + whole.size() + point.size() + frac_digits.size() &&
      text.substr(0, sign.size()) == sign && text.substr(sign.size(), whole.size()) == whole &&
      text.substr(sign.size() + whole.size(), point.size()) == point &&
      text.substr(sign.size() + whole.size() + point.size()) == frac_digits) {
    return "";
  }
  std::string out;
  out.reserve(sign.size() + whole.size() + point.size() + frac_digits.size());
  out.append(sign).append(whole).append(point).append(frac_digits);
  return out;
}

}  // namespace

Decimal::Decimal() : text_("0") {}
Decimal::Decimal(std::string_view canonical_json) : text_(canonical_json) {}
Decimal::Decimal(std::string text, std::string canonical) : text_(std::move(text)) {
  if (!canonical.empty()) canonical_ = std::make_shared<const std::string>(std::move(canonical));
  // JSON forbids '+', a leading '.', a trailing '.' and leading zeros such as "007".
  const std::string_view t = text_;
  const std::string_view digits = t.substr(!t.empty() && t.front() == '-' ? 1 : 0);
  json_text_ok_ = !digits.empty() && IsDigit(digits.front()) && IsDigit(t.back()) &&
                  !(digits.size() > 1 && digits[0] == '0' && digits[1] != '.');
}

std::optional<Decimal> Decimal::Parse(std::string_view text) {
  const std::string_view s = internal::TrimXmlSpace(text);
  std::size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  const std::size_t int_begin = i;
  while (i < s.size() && IsDigit(s[i])) ++i;
  const std::string_view int_digits = s.substr(int_begin, i - int_begin);
  std::string_view frac_digits;
  if (i < s.size() && s[i] == '.') {
    const std::size_t frac_begin = ++i;
    while (i < s.size() && IsDigit(s[i])) ++i;
    frac_digits = s.substr(frac_begin, i - frac_begin);
  }
  if (i != s.size() || (int_digits.empty() && frac_digits.empty())) return std::nullopt;
  return Decimal(std::string(s), MakeCanonical(s, negative, int_digits, frac_digits));
}

std::optional<Decimal> Decimal::FromJsonNumber(std::string_view s) {
  // JSON: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
  std::size_t i = 0;
  bool negative = false;
  if (i < s.size() && s[i] == '-') {
    negative = true;
    ++i;
  }
  const std::size_t int_begin = i;
  if (i < s.size() && s[i] == '0') {
    ++i;
  } else {
    while (i < s.size() && IsDigit(s[i])) ++i;
  }
  if (i == int_begin) return std::nullopt;
  const std::string_view int_digits = s.substr(int_begin, i - int_begin);
  std::string_view frac_digits;
  if (i < s.size() && s[i] == '.') {
    const std::size_t frac_begin = ++i;
    while (i < s.size() && IsDigit(s[i])) ++i;
    if (i == frac_begin) return std::nullopt;
    frac_digits = s.substr(frac_begin, i - frac_begin);
  }
  if (i == s.size()) {
    // JSON leaves out leading zeros, so the text is canonical unless its fraction ends in a zero
    // or it is "-0": then it is valid JSON text with a different canonical form.
    if ((frac_digits.empty() || frac_digits.back() != '0') && s != "-0") return Decimal(s);
    return Decimal(std::string(s), MakeCanonical(s, negative, int_digits, frac_digits));
  }
  if (s[i] != 'e' && s[i] != 'E') return std::nullopt;
  // An exponent: move the decimal point through the digits.
  ++i;
  bool exp_negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) exp_negative = s[i++] == '-';
  const std::size_t exp_begin = i;
  long exponent = 0;
  while (i < s.size() && IsDigit(s[i])) {
    exponent = exponent * 10 + (s[i] - '0');
    if (exponent > 1000) return std::nullopt;
    ++i;
  }
  if (i == exp_begin || i != s.size()) return std::nullopt;
  std::string digits(int_digits);
  digits.append(frac_digits);
  long point = static_cast<long>(int_digits.size()) + (exp_negative ? -exponent : exponent);
  if (point < 0) {
    digits.insert(0, static_cast<std::size_t>(-point), '0');
    point = 0;
  } else if (point > static_cast<long>(digits.size())) {
    digits.append(static_cast<std::size_t>(point) - digits.size(), '0');
  }
  const std::string_view all(digits);
  const auto split = static_cast<std::size_t>(point);
  // The text kept is the canonical form: an exponent is no xs:decimal.
  return Decimal(MakeCanonical({}, negative, all.substr(0, split), all.substr(split)), {});
}

Decimal Decimal::FromString(std::string_view text) {
  auto parsed = Parse(text);
  if (!parsed) throw std::invalid_argument("not a decimal number: '" + std::string(text) + "'");
  return *parsed;
}

}  // namespace bingads
