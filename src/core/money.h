// Exact sums and ratios of Decimal amounts (never through a binary double). Not installed.
#pragma once

#include <bingads/decimal.h>

#include <optional>
#include <string_view>

namespace bingads::internal {

/// a + b, exactly. Throws Error(kMalformedResponse) past 30 significant digits.
Decimal Add(const Decimal& a, const Decimal& b);

/// part / whole × 100, rounded half up to two decimals; nullopt when whole is zero.
std::optional<Decimal> Percent(const Decimal& part, const Decimal& whole);

/// An amount as a report writes it: "1234.50", "1,234.50" (thousands separators), "--" or ""
/// (no value: zero). nullopt for anything else.
std::optional<Decimal> ParseReportAmount(std::string_view text);

}  // namespace bingads::internal
