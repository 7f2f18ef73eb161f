// The REST GetBudgetsByIds fast path (src/rest/fast_scan.h): it takes the usual response shapes,
// declines the rest, and whatever it takes it reads exactly as the general reader does.
#include <bingads/json.h>
#include <doctest/doctest.h>

#include <climits>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "codec.h"
#include "internal.h"
#include "rest/fast_scan.h"
#include "support.h"

using namespace bingads;

namespace {

// A document of fuzz/seeds/budgets/, the differential fuzz target's seeds.
std::string Seed(const std::string& name) {
  const auto path = std::filesystem::path(BINGADS_SOURCE_DIR) / "fuzz" / "seeds" / "budgets" / name;
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot read " << path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool FastPathTakes(const std::string& body) {
  GetBudgetsByIdsResult result;
  return internal::ScanGetBudgetsByIds(body, result);
}

HttpResponse Ok(std::string body) {
  HttpResponse r;
  r.status = 200;
  r.headers = {{"Content-Type", "application/json"}, {"TrackingId", "t-1"}};
  r.body = std::move(body);
  return r;
}

// Decodes with and without the fast path: both must end alike.
void CheckAgreement(const std::string& body) {
  testing::CheckSameDecoding(*internal::MakeRestCodec(true), *internal::MakeRestCodec(false),
                             Ok(body));
}

}  // namespace

TEST_CASE("rest fast path: takes the usual shapes and reads them as the general reader does") {
  // The mixed fixture has an amount with an exponent, which the fast path leaves to the general
  // reader; without it, the fast path takes the rest (unknown members, a future error type...).
  const std::string fixture = testing::Fixture("rest/get_budgets_mixed.json");
  CHECK_FALSE(FastPathTakes(fixture));
  CheckAgreement(fixture);
  std::string plain = fixture;
  REQUIRE(plain.find("1E2") != std::string::npos);
  plain.replace(plain.find("1E2"), 3, "100");
  for (const std::string& body : {plain, Seed("mixed_escapes.json"), Seed("nulls.json"),
                                  Seed("empty_object.json"), Seed("errors_variants.json")}) {
    CAPTURE(body);
    CHECK(FastPathTakes(body));
    CheckAgreement(body);
  }
  auto fast = internal::MakeRestCodec(true);
  const auto r = fast->DecodeGetBudgetsByIds(Ok(Seed("mixed_escapes.json")));
  REQUIRE(r.Budgets.size() == 5);
  REQUIRE(r.Budgets[0].has_value());
  CHECK(r.Budgets[0]->Name == std::string("Quote \" backslash \\ slash / controls \b\f\n\r\t "
                                          "e-acute \xc3\xa9 grin \xf0\x9f\x98\x80 nul ") +
                                  '\0' + " end");
  CHECK(r.Budgets[0]->Amount->Text() == "12.50");
  CHECK(r.Budgets[0]->Id == 9007199254740993LL);
  CHECK(r.Budgets[0]->AssociationCount == 3);
  CHECK_FALSE(r.Budgets[1].has_value());
  CHECK(r.Budgets[2]->Name == "second wins");     // the last of a repeated member counts
  CHECK_FALSE(r.Budgets[2]->Amount.has_value());  // null after a value unsets it
  CHECK(r.Budgets[2]->Id == LLONG_MIN);
  CHECK(r.Budgets[3] == Budget{});
  CHECK(r.Budgets[4]->Amount->Text() == "-0");
  CHECK(r.Budgets[4]->Amount->Canonical() == "0");
  CHECK(r.Budgets[4]->Name == "\xe6\x9d\xb1\xe4\xba\xac caf\xc3\xa9 \xf0\x9f\x98\x80 na\xc3\xafve");
  CHECK(r.Budgets[4]->Id == 42);
  REQUIRE(r.PartialErrors.size() == 2);
  CHECK(std::holds_alternative<EditorialError>(r.PartialErrors[1]));
  CHECK(BaseOf(r.PartialErrors[0]).ForwardCompatibilityMap.at(0).Value == "v \xc3\xa9");
}

TEST_CASE("rest fast path: partial errors keep their subtype and the general reader's rules") {
  auto fast = internal::MakeRestCodec(true);
  const auto r = fast->DecodeGetBudgetsByIds(Ok(Seed("errors_variants.json")));
  REQUIRE(r.PartialErrors.size() == 3);
  REQUIRE(std::holds_alternative<EditorialError>(r.PartialErrors[0]));
  const auto& editorial = std::get<EditorialError>(r.PartialErrors[0]);
  CHECK(editorial.Appealable == true);  // quoted, as the documentation's template has it
  CHECK(editorial.ReasonCode == 17);
  CHECK(editorial.Code == 1042);
  REQUIRE(editorial.ForwardCompatibilityMap.size() == 3);
  CHECK(editorial.ForwardCompatibilityMap[0] == KeyValuePair{"k", "v"});  // lower case wins
  CHECK(editorial.ForwardCompatibilityMap[1] == KeyValuePair{"only upper", "V"});
  CHECK(editorial.ForwardCompatibilityMap[2] == KeyValuePair{});
  REQUIRE(std::holds_alternative<BatchError>(r.PartialErrors[1]));  // editorial fields ignored
  CHECK(BaseOf(r.PartialErrors[1]).Message == "M \xc3\xbc");
  CHECK(BaseOf(r.PartialErrors[2]) == BatchError{});  // nulls give the defaults
}

TEST_CASE("rest fast path: declines what it does not read, and the general reader decides") {
  for (const char* name :
       {"exponent_amount.json", "lone_low_surrogate.json", "duplicate_budgets.json",
        "trailing_text.json", "fault_body.json", "bad_id.json", "escaped_key.json",
        "raw_control.json", "count_overflow.json", "leading_zero.json", "errors_repeated_code.json",
        "errors_null_map_entry.json", "errors_bad_appealable.json"}) {
    CAPTURE(name);
    const std::string body = Seed(name);
    CHECK_FALSE(FastPathTakes(body));
    CheckAgreement(body);
  }
}

TEST_CASE("rest: a lone surrogate escape is refused by both readers, naming the field") {
  for (bool fast_path : {true, false}) {
    CAPTURE(fast_path);
    auto codec = internal::MakeRestCodec(fast_path);
    CHECK_THROWS_WITH_AS(codec->DecodeGetBudgetsByIds(Ok(Seed("lone_low_surrogate.json"))),
                         doctest::Contains("$.Budgets[0].Name: not UTF-8 once unescaped"), Error);
  }
  CHECK_THROWS_WITH_AS(BudgetsFromJson(R"({"Budgets":[{"Name":"a\udc00b"}]})"),
                       doctest::Contains("$.Budgets[0].Name: not UTF-8 once unescaped"), Error);
}

TEST_CASE("rest fast path: every truncation of a realistic body ends as the general reader's") {
  const std::string full = Seed("mixed_escapes.json");
  for (std::size_t cut = 0; cut <= full.size(); ++cut) {
    CAPTURE(cut);
    CheckAgreement(full.substr(0, cut));
  }
}
