// The SOAP GetBudgetsByIds fast path (src/soap/fast_reader.h): it takes the usual response shapes,
// declines the rest, and whatever it takes it reads exactly as the gSOAP reader does.
#include <bingads/json.h>
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "codec.h"
#include "internal.h"
#include "soap/fast_reader.h"
#include "support.h"

using namespace bingads;

namespace {

// A document of fuzz/seeds/soap/ (answers the emulator gave), the differential target's seeds.
std::string Seed(const std::string& name) {
  const auto path = std::filesystem::path(BINGADS_SOURCE_DIR) / "fuzz" / "seeds" / "soap" / name;
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot read " << path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

HttpResponse Ok(std::string body) {
  HttpResponse r;
  r.status = 200;
  r.headers = {{"Content-Type", "text/xml; charset=utf-8"}};
  r.body = std::move(body);
  return r;
}

bool FastPathTakes(const std::string& body) {
  GetBudgetsByIdsResult result;
  return internal::FastSoapGetBudgetsByIds(Ok(body), result);
}

// Decodes with and without the fast path: both must end alike.
void CheckAgreement(const std::string& body) {
  testing::CheckSameDecoding(*internal::MakeSoapCodec(true), *internal::MakeSoapCodec(false),
                             Ok(body));
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE_MESSAGE(at != std::string::npos, from);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("soap fast path: takes the usual shapes and reads them as the gSOAP reader does") {
  for (const char* name : {"get_budgets_all.xml", "get_budgets_invalid_id.xml"}) {
    CAPTURE(name);
    const std::string body = Seed(name);
    CHECK(FastPathTakes(body));
    CheckAgreement(body);
  }
  // Escapes, character references, whitespace kept in names, nil fields, 64-bit limits.
  std::string body = Seed("get_budgets_invalid_id.xml");
  body =
      Replace(body, "<Name>Everyday search</Name>",
              "<Name>  Caf&#233; &amp; &lt;Bistro&gt; &quot;S&#xFC;d&quot; \xe6\x9d\xb1  </Name>");
  body = Replace(body, "<Amount>500</Amount>", "<Amount>1234567890123456.789</Amount>");
  body = Replace(body, "<Id>9007199254740995</Id>", "<Id>9223372036854775807</Id>");
  body =
      Replace(body, "<AssociationCount>1</AssociationCount>", "<AssociationCount i:nil=\"true\"/>");
  body = Replace(body, "<Name>Accelerated holiday push</Name>", "<Name>   </Name>");
  CHECK(FastPathTakes(body));
  CheckAgreement(body);
}

TEST_CASE("soap fast path: declines what it does not read, and the gSOAP reader decides") {
  const std::string usual = Seed("get_budgets_invalid_id.xml");
  const std::vector<std::pair<std::string, std::string>> tricky = {
      {"<Amount>25.5</Amount>", "<Amount>25.5</Amount><FutureField>x</FutureField>"},
      {"<Amount>25.5</Amount>", "<Amount>25.5</Amount><Amount>1</Amount>"},
      {"<Id>9007199254740993</Id>", "<Id> 9007199254740993</Id>"},
      {"<Id>9007199254740993</Id>", "<Id>9007199254740993x</Id>"},
      {"<Amount>25.5</Amount>", "<Amount>12,50</Amount>"},
      {"<Budget><Amount>25.5", "<Budget xmlns=\"urn:other\"><Amount>25.5"},
      {"<Name>Everyday search</Name>", "<Name><![CDATA[Every]]>day search</Name>"},
      {"<Name>Everyday search</Name>", "<Name>Every&nbsp;day</Name>"},
      {"<BatchError>", "<BatchError i:type=\"EditorialError\">"},
      {"<ForwardCompatibilityMap xmlns:a=\"http://schemas.datacontract.org/2004/07/"
       "System.Collections.Generic\"/>",
       "<ForwardCompatibilityMap xmlns:a=\"http://schemas.datacontract.org/2004/07/"
       "System.Collections.Generic\"><a:KeyValuePairOfstringstring><a:key>k</a:key><a:value>v"
       "</a:value></a:KeyValuePairOfstringstring></ForwardCompatibilityMap>"},
      {"<s:Envelope", "<!DOCTYPE x><s:Envelope"},
      {"<s:Envelope", "<?xml version=\"1.0\" encoding=\"utf-8\"?><s:Envelope"},
      {"http://schemas.xmlsoap.org/soap/envelope/", "http://www.w3.org/2003/05/soap-envelope"},
      {"GetBudgetsByIdsResponse xmlns", "GetCampaignIdsByBudgetIdsResponse xmlns"},
      {"<Budget i:nil=\"true\"/>", "<Budget i:nil=\"yes\"/>"},
  };
  for (const auto& [from, to] : tricky) {
    CAPTURE(to);
    const std::string body = Replace(usual, from, to);
    CHECK_FALSE(FastPathTakes(body));
    CheckAgreement(body);
  }
  // Faults are the gSOAP reader's.
  CHECK_FALSE(FastPathTakes(testing::Fixture("soap/fault_adapi_105.xml")));
  CHECK_FALSE(FastPathTakes(testing::Fixture("soap/get_budgets_mixed.xml")));
  CheckAgreement(testing::Fixture("soap/get_budgets_mixed.xml"));
}

TEST_CASE("soap fast path: every truncation of a realistic body ends as the gSOAP reader's") {
  const std::string full = Seed("get_budgets_invalid_id.xml");
  for (std::size_t cut = 0; cut <= full.size(); cut += 3) {
    CAPTURE(cut);
    CheckAgreement(full.substr(0, cut));
  }
}

TEST_CASE("soap fast path: UpdateBudgets and DeleteBudgets answers read as the gSOAP reader does") {
  const auto fast = internal::MakeSoapCodec(true), general = internal::MakeSoapCodec(false);
  const std::string update = testing::Fixture("soap/update_budgets.xml"),
                    remove = testing::Fixture("soap/delete_budgets.xml");
  UpdateBudgetsResult taken_update;
  DeleteBudgetsResult taken_delete;
  CHECK(internal::FastSoapUpdateBudgets(Ok(update), taken_update));
  CHECK(internal::FastSoapDeleteBudgets(Ok(remove), taken_delete));
  CHECK_FALSE(taken_delete.PartialErrors.empty());
  // Each reads its own response only, and both agree with gSOAP, partial errors and TrackingId.
  CHECK_FALSE(internal::FastSoapDeleteBudgets(Ok(update), taken_delete));
  CHECK_FALSE(internal::FastSoapUpdateBudgets(Ok(remove), taken_update));
  // What a decode gave, or the error it ended with.
  const auto outcome = [](auto decode) -> std::string {
    try {
      return ToJson(decode());
    } catch (const Error& e) {
      return std::string("error: ") + e.what();
    }
  };
  for (const std::string& body :
       {update, remove, Replace(remove, "<Index>1</Index>", "<Index>1</Index><Extra/>"),
        Replace(remove, "<BatchError>", "<BatchError i:type=\"EditorialError\">"),
        Replace(
            update, "<ForwardCompatibilityMap i:nil=\"true\"/>",
            "<ForwardCompatibilityMap><KeyValuePairOfstringstring/></ForwardCompatibilityMap>")}) {
    CHECK(outcome([&] { return fast->DecodeDeleteBudgets(Ok(body)); }) ==
          outcome([&] { return general->DecodeDeleteBudgets(Ok(body)); }));
    CHECK(outcome([&] { return fast->DecodeUpdateBudgets(Ok(body)); }) ==
          outcome([&] { return general->DecodeUpdateBudgets(Ok(body)); }));
  }
}
