/// @file
/// bingads-budgets: exact decimal amounts (xs:decimal) that never pass through a binary double.
#pragma once

#include <bingads/export.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace bingads {

/// An exact decimal number, as xs:decimal defines it: an optional sign, digits and an optional
/// fraction, no exponent. The text received is kept as it came (so "50.00" stays "50.00" on the
/// way out), while equality compares values ("50.00" == "50").
class BINGADS_EXPORT Decimal {
 public:
  /// Zero.
  Decimal();

  /// Parses xs:decimal text: [+-]? (digits [. digits?] | . digits). Surrounding XML whitespace is
  /// allowed and dropped. Returns nullopt for anything else (exponents, NaN, empty, junk).
  static std::optional<Decimal> Parse(std::string_view text);

  /// Parses a JSON number (RFC 8259 grammar, exponent allowed) exactly. An exponent is applied by
  /// moving the decimal point, so "1.5E2" becomes "150". Returns nullopt for anything that is not
  /// a JSON number or whose exponent would need more than 1000 digits.
  static std::optional<Decimal> FromJsonNumber(std::string_view text);

  /// Like Parse, but throws std::invalid_argument naming the text.
  static Decimal FromString(std::string_view text);

  /// The text as received (after whitespace trimming / exponent expansion); valid xs:decimal and
  /// valid JSON number text, except that xs:decimal forms such as "+1" or ".5" are kept verbatim
  /// by Parse; use Canonical() to write JSON.
  const std::string& Text() const { return text_; }

  /// Canonical form: no '+', no leading zeros, no trailing fractional zeros, "-0" is "0".
  /// Valid both as xs:decimal and as a JSON number.
  const std::string& Canonical() const { return canonical_ ? *canonical_ : text_; }

  /// Text() when it is also valid JSON number text, Canonical() otherwise ("+1" or ".5").
  const std::string& JsonText() const { return json_text_ok_ ? text_ : Canonical(); }

  /// Value equality (compares canonical forms).
  friend bool operator==(const Decimal& a, const Decimal& b) {
    return a.Canonical() == b.Canonical();
  }

 private:
  Decimal(std::string text, std::string canonical);
  explicit Decimal(std::string_view canonical_json);  // text both canonical and valid JSON
  std::string text_;
  // Null when text_ is already canonical (the common case): moves and copies stay cheap.
  std::shared_ptr<const std::string> canonical_;
  bool json_text_ok_ = true;
};

}  // namespace bingads
