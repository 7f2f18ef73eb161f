#include <bingads/decimal.h>
#include <bingads/model.h>
#include <doctest/doctest.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <utility>

#include "text.h"

using bingads::Decimal;

TEST_CASE("decimal: xs:decimal text is kept verbatim and compared by value") {
  const auto d = Decimal::Parse(" 0012345678901234567.8900 \n");
  REQUIRE(d.has_value());
  CHECK(d->Text() == "0012345678901234567.8900");
  CHECK(d->Canonical() == "12345678901234567.89");
  CHECK(*d == Decimal::FromString("12345678901234567.89"));
  CHECK(Decimal::FromString("50.00") == Decimal::FromString("50"));
  CHECK_FALSE(Decimal::FromString("50.01") == Decimal::FromString("50"));
  CHECK(Decimal::FromString("-0.0").Canonical() == "0");
  CHECK(Decimal::FromString("+.5").Canonical() == "0.5");
  CHECK(Decimal::FromString("-7.").Canonical() == "-7");
  // 2^53 + 1 and 0.1 + 0.2 style values that a double would round.
  CHECK(Decimal::FromString("9007199254740993").Canonical() == "9007199254740993");
  CHECK(Decimal::FromString("0.30000000000000000001").Canonical() == "0.30000000000000000001");
}

TEST_CASE("decimal: anything that is not xs:decimal is refused") {
  for (const char* bad : {"", " ", "1e5", "1E-2", "NaN", "INF", "0x10", "1,5", "1.2.3", "--1", "+",
                          ".", "1 2", "12abc", "\xef\xbc\x91"}) {
    CAPTURE(bad);
    CHECK_FALSE(Decimal::Parse(bad).has_value());
  }
  CHECK_THROWS_WITH_AS(Decimal::FromString("12abc"), "not a decimal number: '12abc'",
                       std::invalid_argument);
}

TEST_CASE("decimal: JSON numbers, exponents included, convert exactly") {
  CHECK(Decimal::FromJsonNumber("1234567890123456.789")->Text() == "1234567890123456.789");
  CHECK(Decimal::FromJsonNumber("1.5E2")->Text() == "150");
  CHECK(Decimal::FromJsonNumber("-25e-4")->Text() == "-0.0025");
  CHECK(Decimal::FromJsonNumber("0.10")->Text() == "0.10");
  CHECK(Decimal::FromJsonNumber("1e0")->Text() == "1");
  // Canonical forms, whether or not the text already was one.
  for (auto [text, canonical] : {std::pair{"0", "0"},
                                 {"-0", "0"},
                                 {"-0.0", "0"},
                                 {"0.5", "0.5"},
                                 {"-12.5", "-12.5"},
                                 {"-12.50", "-12.5"},
                                 {"10.0", "10"},
                                 {"1E-2", "0.01"},
                                 {"-0e5", "0"},
                                 {"120e-1", "12"}}) {
    CAPTURE(text);
    const auto d = Decimal::FromJsonNumber(text);
    REQUIRE(d.has_value());
    CHECK(d->Canonical() == canonical);
    CHECK(*d == Decimal::FromString(canonical));
  }
  CHECK_FALSE(*Decimal::FromJsonNumber("-12.5") == *Decimal::FromJsonNumber("12.5"));
  for (const char* bad : {"01", "+1", ".5", "1.", "1e", "1e+", "--1", "1e1001", "", "-"}) {
    CAPTURE(bad);
    CHECK_FALSE(Decimal::FromJsonNumber(bad).has_value());
  }
}

TEST_CASE("decimal: JsonText is valid JSON even when the xs:decimal text is not") {
  CHECK(Decimal::FromString("0.50").JsonText() == "0.50");
  CHECK(Decimal::FromString("+1.25").JsonText() == "1.25");
  CHECK(Decimal::FromString(".5").JsonText() == "0.5");
  CHECK(Decimal::FromString("007").JsonText() == "7");
  CHECK(Decimal::FromString("5.").JsonText() == "5");
  CHECK(Decimal::FromString("-0.75").JsonText() == "-0.75");
}

TEST_CASE("whole numbers: 64-bit ids and 32-bit counts parse exactly, to the last value") {
  using bingads::internal::ParseWhole;
  CHECK(ParseWhole<std::int64_t>("9223372036854775807") == INT64_MAX);
  CHECK(ParseWhole<std::int64_t>("-9223372036854775808") == INT64_MIN);
  CHECK(ParseWhole<std::int64_t>("9007199254740993") == 9007199254740993LL);  // 2^53 + 1
  CHECK(ParseWhole<std::int64_t>("-0") == 0);
  CHECK(ParseWhole<std::int64_t>("0000000000000000000000042") == 42);  // zeros are not digits
  CHECK(ParseWhole<std::int64_t>("-1234567890123456789") == -1234567890123456789LL);
  CHECK(ParseWhole<std::int64_t>("12345678") == 12345678);
  CHECK(ParseWhole<std::int64_t>("9876543210") == 9876543210LL);
  CHECK(ParseWhole<std::int32_t>("2147483647") == INT32_MAX);
  CHECK(ParseWhole<std::int32_t>("-2147483648") == INT32_MIN);
  for (const char* bad : {"9223372036854775808", "-9223372036854775809", "18446744073709551616",
                          "99999999999999999999", "", "-", "+1", " 1", "1 ", "1.0", "1e3", "0x10",
                          "12a", "--1", "\xef\xbc\x91", "1234567:12345678", "12345678/2345678",
                          "123456781234567\x80", "1234 5678"}) {
    CAPTURE(bad);
    CHECK_FALSE(ParseWhole<std::int64_t>(bad).has_value());
  }
  for (const char* bad : {"2147483648", "-2147483649", "4294967296", "9223372036854775807"}) {
    CAPTURE(bad);
    CHECK_FALSE(ParseWhole<std::int32_t>(bad).has_value());
  }
}

TEST_CASE("budget types: known values are recognised, others kept verbatim, text compares") {
  using bingads::BudgetLimitType;
  const BudgetLimitType standard = bingads::budget_type::kDailyBudgetStandard;
  CHECK(standard.IsKnown());
  CHECK(standard.Text() == "DailyBudgetStandard");
  CHECK(standard == "DailyBudgetStandard");
  CHECK_FALSE(standard == "dailybudgetstandard");  // the wire value is case-sensitive
  const BudgetLimitType future(std::string("FutureBudgetType"));
  CHECK_FALSE(future.IsKnown());
  CHECK(future.Text() == "FutureBudgetType");
  CHECK(future == BudgetLimitType(std::string_view("FutureBudgetType")));
  CHECK_FALSE(future == standard);
  const BudgetLimitType empty("");
  CHECK_FALSE(empty.IsKnown());
  CHECK(empty.Text().empty());
  std::optional<BudgetLimitType> field;
  field = "LifetimeBudgetStandard";
  CHECK(field == "LifetimeBudgetStandard");
  CHECK(field->IsKnown());
  CHECK(bingads::budget_type::IsKnown("DailyBudgetAccelerated"));
  CHECK_FALSE(bingads::budget_type::IsKnown("Daily"));
  // An unknown value's text is its own: copies keep it after the original is gone or changed.
  auto original = std::make_unique<BudgetLimitType>(std::string("FutureBudgetType"));
  BudgetLimitType copy = *original;
  BudgetLimitType assigned = standard;
  assigned = *original;
  *original = standard;
  CHECK(original->Text() == "DailyBudgetStandard");
  original.reset();
  CHECK(copy.Text() == "FutureBudgetType");
  CHECK(assigned.Text() == "FutureBudgetType");
  const BudgetLimitType& same = assigned;
  assigned = same;  // self-assignment keeps it
  CHECK(assigned.Text() == "FutureBudgetType");
  BudgetLimitType moved = std::move(copy);
  CHECK(moved.Text() == "FutureBudgetType");
  CHECK_FALSE(moved.IsKnown());
  // A slot stays small: the unknown text lives behind a pointer.
  CHECK(sizeof(BudgetLimitType) <= 2 * sizeof(void*));
}
