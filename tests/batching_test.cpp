// Automatic batching past 100 items: order, stitched positions, remapped indexes, every
// TrackingId, and what survives when a later call fails.
#include <bingads/client.h>
#include <doctest/doctest.h>

#include "support.h"

using namespace bingads;

namespace {

// A REST reply for `count` ids where the ids at `bad` positions are null with a 4916 error.
std::string Reply(std::size_t count, const std::vector<std::size_t>& bad) {
  std::string budgets, errors;
  for (std::size_t i = 0; i < count; ++i) {
    const bool missing = std::find(bad.begin(), bad.end(), i) != bad.end();
    budgets += std::string(i ? "," : "") +
               (missing ? "null" : R"({"Id":")" + std::to_string(i + 1) + R"("})");
    if (missing) {
      errors += std::string(errors.empty() ? "" : ",") + R"({"Code":4916,"Index":)" +
                std::to_string(i) + "}";
    }
  }
  return R"({"Budgets":[)" + budgets + R"(],"PartialErrors":[)" + errors + "]}";
}

}  // namespace

TEST_CASE("batching: 230 ids go as 100 + 100 + 30, stitched in order with remapped indexes") {
  auto transport = std::make_shared<testing::FakeTransport>();
  transport->Push(200, Reply(100, {7}), {{"TrackingId", "t1"}});
  transport->Push(200, Reply(100, {50}), {{"TrackingId", "t2"}});
  transport->Push(200, Reply(30, {29}), {{"TrackingId", "t3"}});
  BudgetClient client(testing::FakeOptions(Protocol::kRest, transport));
  std::vector<std::int64_t> ids(230);
  for (std::size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<std::int64_t>(1000 + i);
  const auto result = client.GetBudgetsByIds(ids);

  REQUIRE(transport->requests.size() == 3);
  CHECK(transport->requests[0].body.find(R"("1000")") != std::string::npos);
  CHECK(transport->requests[0].body.find(R"("1099")") != std::string::npos);
  CHECK(transport->requests[0].body.find(R"("1100")") == std::string::npos);
  CHECK(transport->requests[1].body.find(R"(["1100",)") != std::string::npos);
  CHECK(transport->requests[2].body.find(R"("1229"])") != std::string::npos);

  REQUIRE(result.Budgets.size() == 230);
  for (std::size_t i = 0; i < 230; ++i) {
    CAPTURE(i);
    CHECK(result.Budgets[i].has_value() == (i != 7 && i != 150 && i != 229));
  }
  CHECK(result.Budgets[100]->Id == 1);  // each call's own content, in the caller's order
  REQUIRE(result.PartialErrors.size() == 3);
  CHECK(BaseOf(result.PartialErrors[0]).Index == 7);
  CHECK(BaseOf(result.PartialErrors[1]).Index == 150);
  CHECK(BaseOf(result.PartialErrors[2]).Index == 229);
  CHECK(result.TrackingIds == std::vector<std::string>{"t1", "t2", "t3"});
}

TEST_CASE(
    "batching: exactly 100 items is one call, and an index outside its call is kept as sent") {
  auto transport = std::make_shared<testing::FakeTransport>();
  transport->Push(200, R"({"PartialErrors":[{"Code":4916,"Index":99},{"Code":1,"Index":-1}]})");
  BudgetClient client(testing::FakeOptions(Protocol::kRest, transport));
  const auto result = client.DeleteBudgets(std::vector<std::int64_t>(100, 5));
  CHECK(transport->requests.size() == 1);
  CHECK(BaseOf(result.PartialErrors[0]).Index == 99);
  CHECK(BaseOf(result.PartialErrors[1]).Index == -1);
}

TEST_CASE("batching: a failing later call keeps what the earlier calls did") {
  auto transport = std::make_shared<testing::FakeTransport>();
  std::string ids;
  for (int i = 0; i < 100; ++i)
    ids += std::string(i ? "," : "") + "\"" + std::to_string(500 + i) + "\"";
  transport->Push(200, R"({"BudgetIds":[)" + ids + R"(],"PartialErrors":[]})",
                  {{"TrackingId", "first"}});
  transport->Push(401, testing::Fixture("rest/fault_adapi_401.json"));
  BudgetClient client(testing::FakeOptions(Protocol::kRest, transport));
  std::vector<Budget> budgets(150);
  for (std::size_t i = 0; i < budgets.size(); ++i) budgets[i].Name = "b" + std::to_string(i);
  try {
    client.AddBudgets(budgets);
    FAIL("expected the second call to fail");
  } catch (const BatchInterrupted<AddBudgetsResult>& e) {
    CHECK(e.Kind() == ErrorKind::kAuthentication);
    CHECK(e.CompletedItems() == 100);
    REQUIRE(e.Result().BudgetIds.size() == 100);
    CHECK(e.Result().BudgetIds[0] == 500);
    CHECK(e.Result().BudgetIds[99] == 599);
    CHECK(e.Result().TrackingIds == std::vector<std::string>{"first"});
    CHECK(std::string(e.what()).find("105 InvalidCredentials") != std::string::npos);
    CHECK(std::string(e.what()).find("items 100 to 149 were not processed") != std::string::npos);
    CHECK_THROWS_AS(e.RethrowCause(), ApiFault);
  }
  // A failure in the first call is the plain error: nothing was done.
  transport->Push(401, testing::Fixture("rest/fault_adapi_401.json"));
  CHECK_THROWS_AS(client.AddBudgets(budgets), ApiFault);
}

TEST_CASE("batching: a reply with the wrong number of slots is refused, not misaligned") {
  auto transport = std::make_shared<testing::FakeTransport>();
  transport->Push(200, Reply(99, {}), {{"TrackingId", "short"}});
  BudgetClient client(testing::FakeOptions(Protocol::kRest, transport));
  CHECK_THROWS_WITH_AS(
      client.GetBudgetsByIds(std::vector<std::int64_t>(100, 1)),
      "the service returned 99 slots for 100 items, so positions cannot be trusted "
      "(TrackingId short)",
      Error);
}

TEST_CASE(
    "batching: against the emulator, 230 adds and a 230-id read with invalid ids at 7, 150, 229") {
  testing::Emulator emulator;
  for (Protocol protocol : {Protocol::kSoap, Protocol::kRest}) {
    CAPTURE(ToString(protocol));
    BudgetClient client(emulator.Options(protocol));
    std::vector<Budget> budgets(230);
    for (std::size_t i = 0; i < budgets.size(); ++i) {
      budgets[i].Name = std::string(ToString(protocol)) + " bulk " + std::to_string(i);
      budgets[i].Amount = Decimal::FromString(std::to_string(i + 1) + ".25");
      budgets[i].BudgetType = budget_type::kDailyBudgetStandard;
    }
    const auto added = client.AddBudgets(budgets);
    CHECK(added.PartialErrors.empty());
    CHECK(added.TrackingIds.size() == 3);
    REQUIRE(added.BudgetIds.size() == 230);
    std::vector<std::int64_t> ids;
    for (const auto& id : added.BudgetIds) ids.push_back(id.value_or(0));
    for (std::size_t bad : {7, 150, 229}) ids[bad] = 4242 + static_cast<std::int64_t>(bad);

    for (Protocol reader : {Protocol::kSoap, Protocol::kRest}) {
      const auto read = BudgetClient(emulator.Options(reader)).GetBudgetsByIds(ids);
      REQUIRE(read.Budgets.size() == 230);
      for (std::size_t i = 0; i < 230; ++i) {
        const bool bad = i == 7 || i == 150 || i == 229;
        CAPTURE(i);
        REQUIRE(read.Budgets[i].has_value() == !bad);
        if (!bad) {
          CHECK(read.Budgets[i]->Name == budgets[i].Name);
          CHECK(read.Budgets[i]->Amount == budgets[i].Amount);
        }
      }
      REQUIRE(read.PartialErrors.size() == 3);
      CHECK(BaseOf(read.PartialErrors[0]).Index == 7);
      CHECK(BaseOf(read.PartialErrors[1]).Index == 150);
      CHECK(BaseOf(read.PartialErrors[2]).Index == 229);
      for (const auto& e : read.PartialErrors) CHECK(BaseOf(e).Code == 4916);
      CHECK(read.TrackingIds.size() == 3);
    }
  }
}
