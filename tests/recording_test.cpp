// Record and replay: a recording made against the emulator answers the same commands offline,
// byte for byte, and holds no secret.
#include <bingads/recording.h>
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli.h"
#include "support.h"

using namespace bingads;

namespace {

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::filesystem::path TempDir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("bingads-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  return dir;
}

std::string Slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("recording: every command replays offline with byte-identical output, TrackingIds too") {
  const auto dir = TempDir("recording");
  const std::string add_file = (dir.string() + "-add.json"),
                    update_file = dir.string() + "-up.json";
  std::ofstream(add_file) << R"({"Budgets":[{"Name":"Recorded \u00e9t\u00e9 <&>","Amount":12.34,)"
                          << R"("BudgetType":"DailyBudgetStandard"}]})";
  const std::string ids =
      std::to_string(testing::kDemoId) + ",5," + std::to_string(testing::kDemoId + 2);
  std::vector<std::vector<std::string>> commands;
  for (const char* protocol : {"soap", "rest"}) {
    commands.push_back({"--protocol", protocol, "get"});
    commands.push_back({"--protocol", protocol, "get", "--ids", ids});
    commands.push_back({"--protocol", protocol, "campaigns", "--ids", ids});
  }
  std::vector<std::string> recorded;
  std::string endpoint;
  {
    testing::Emulator emulator;
    endpoint = emulator.BaseUrl();
    auto run = [&](std::vector<std::string> args, const std::string& input = "") {
      args.insert(args.begin(), {"--endpoint", endpoint, "--record", dir.string()});
      const auto r = testing::RunCli(args, testing::CliTestEnv(), input);
      CHECK(r.status == cli::kExitOk);
      return r.out;
    };
    for (const auto& command : commands) recorded.push_back(run(command));
    // Writes: the ids they made come back from the recording too.
    const std::string added = run({"--protocol", "rest", "add", "--file", add_file});
    const std::string id =
        added.substr(added.find("[\"") + 2, added.find("\"]") - added.find("[\"") - 2);
    std::ofstream(update_file) << R"({"Budgets":[{"Id":")" << id << R"(","Amount":99.5}]})";
    commands.push_back({"--protocol", "rest", "add", "--file", add_file});
    recorded.push_back(added);
    commands.push_back({"--protocol", "soap", "update", "--file", update_file});
    recorded.push_back(run(commands.back()));
    commands.push_back({"--protocol", "soap", "delete", "--ids", id});
    recorded.push_back(run(commands.back()));
  }  // the emulator is gone

  for (std::size_t i = 0; i < commands.size(); ++i) {
    std::vector<std::string> args = commands[i];
    CAPTURE(args.back());
    args.insert(args.begin(), {"--endpoint", endpoint, "--replay", dir.string()});
    const auto replayed = testing::RunCli(args);
    CHECK(replayed.status == cli::kExitOk);
    CHECK(replayed.out == recorded[i]);
  }
  // Another request for the same ids (another order of protocols' clients, other bytes) matches;
  // a request for other ids names the nearest recorded one.
  ClientOptions options;
  options.endpoint = endpoint;
  options.credentials = testing::TestCredentials();
  options.transport = MakeReplayTransport(dir.string());
  options.retry.max_attempts = 1;
  const auto same =
      BudgetClient(options).GetBudgetsByIds({testing::kDemoId, 5, testing::kDemoId + 2});
  CHECK(same.Budgets.size() == 3);
  try {
    BudgetClient(options).GetBudgetsByIds({testing::kDemoId, 6});
    FAIL("an unrecorded request was answered");
  } catch (const Error& e) {
    CHECK(e.Kind() == ErrorKind::kTransport);
    CHECK(Contains(e.what(), "no recorded rest GetBudgetsByIds asks ids 9007199254740993,6"));
    CHECK(Contains(e.what(), "nearest is exchange"));
  }
  CHECK(testing::RunCli({"--replay", (dir / "missing").string(), "get"}).status == cli::kExitUsage);

  // The recording is readable, and holds none of the secrets.
  CHECK(std::filesystem::exists(dir / "index.jsonl"));
  CHECK(std::filesystem::exists(dir / "0001-soap-GetBudgetsByIds.request.xml"));
  CHECK(std::filesystem::exists(dir / "0004-rest-GetBudgetsByIds.response.json"));
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    ++files;
    const std::string text = Slurp(entry.path());
    CAPTURE(entry.path().string());
    for (const auto& secret :
         {testing::TestCredentials().developer_token, testing::TestCredentials().access_token}) {
      CHECK_FALSE(Contains(text, secret));
    }
  }
  CHECK(files == 2 * 9 + 1);
  const std::string soap_request = Slurp(dir / "0001-soap-GetBudgetsByIds.request.xml");
  CHECK(Contains(soap_request, "AuthenticationToken>***</"));
  CHECK(Contains(Slurp(dir / "index.jsonl"), R"(["Authorization","Bearer ***"])"));
  std::filesystem::remove_all(dir);
  std::filesystem::remove(add_file);
  std::filesystem::remove(update_file);
}

TEST_CASE("recording: compare over a recording reproduces its parity report offline") {
  const auto dir = TempDir("recording-compare");
  std::string endpoint, recorded;
  const std::vector<std::string> compare = {"compare", "--json", "get", "--ids",
                                            std::to_string(testing::kDemoId + 2) + ",7"};
  auto verdict = [](const std::string& json) {
    return json.substr(json.find("\"verdict\""),
                       json.find("\"comparisons\"") - json.find("\"verdict\""));
  };
  {
    testing::DivergingServer diverging;
    endpoint = diverging.BaseUrl();
    std::vector<std::string> args = {"--endpoint", endpoint, "--record", dir.string()};
    args.insert(args.end(), compare.begin(), compare.end());
    const auto r = testing::RunCli(args);
    CHECK(r.status == cli::kExitMismatch);
    recorded = r.out;
  }
  std::vector<std::string> args = {"--endpoint", endpoint, "--replay", dir.string()};
  args.insert(args.end(), compare.begin(), compare.end());
  const auto replayed = testing::RunCli(args);
  CHECK(replayed.status == cli::kExitMismatch);
  CHECK(verdict(replayed.out) == verdict(recorded));
  CHECK(Contains(replayed.out, R"("where": "Budgets[0].Amount",)"));
  CHECK(Contains(replayed.out, R"("rest": "500.01")"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("recording: migrate-check over a recording reproduces its parity matrix offline") {
  const auto dir = TempDir("recording-migrate");
  std::string endpoint, recorded;
  // The matrix without the cost columns: every comparison and its verdict.
  auto matrix = [](const std::string& table) {
    std::istringstream lines(table);
    std::string out;
    for (std::string line; std::getline(lines, line);) out += line.substr(0, 55) + "\n";
    return out;
  };
  {
    testing::Emulator emulator;
    endpoint = emulator.BaseUrl();
    const auto r =
        testing::RunCli({"--endpoint", endpoint, "--record", dir.string(), "migrate-check"});
    CHECK(r.status == cli::kExitOk);
    recorded = r.out;
  }
  const auto replayed =
      testing::RunCli({"--endpoint", endpoint, "--replay", dir.string(), "migrate-check"});
  CHECK(replayed.status == cli::kExitOk);
  CHECK(matrix(replayed.out) == matrix(recorded));
  CHECK(Contains(replayed.out, "AddBudgets"));
  std::filesystem::remove_all(dir);
}
