// The command-line tool, run in-process against an in-process emulator, and as a real process.
#include "cli.h"

#include <bingads/version.h>
#include <doctest/doctest.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <thread>

#include "support.h"

namespace {

using Run = testing::CliRun;
const std::map<std::string, std::string>& kTestEnv = testing::CliTestEnv();

Run CliWithInput(const std::vector<std::string>& args, const std::string& input,
                 const std::map<std::string, std::string>& env = kTestEnv) {
  return testing::RunCli(args, env, input);
}

Run Cli(const std::vector<std::string>& args,
        const std::map<std::string, std::string>& env = kTestEnv) {
  return testing::RunCli(args, env);
}

// Drops what differs between two runs by design: the TrackingId, or the list of them when a call
// was retried.
std::string WithoutTrackingId(const std::string& json) {
  const std::string one =
      std::regex_replace(json, std::regex(R"("TrackingId":"[^"]*")"), R"("TrackingId":"")");
  return std::regex_replace(one, std::regex(R"("TrackingIds":\[[^\]]*\])"), R"("TrackingId":"")");
}

// An endpoint where nothing listens: a usage error must stop the CLI before it gets there.
const std::string kNowhere = "http://127.0.0.1:9";

}  // namespace

TEST_CASE("cli: get prints the same JSON over SOAP and REST, TrackingId aside") {
  testing::Emulator emulator;
  const std::string ids =
      std::to_string(testing::kDemoId + 1) + ",5," + std::to_string(testing::kDemoId);
  const Run soap =
      Cli({"--protocol", "soap", "--endpoint", emulator.BaseUrl(), "get", "--ids", ids});
  const Run rest =
      Cli({"--endpoint", emulator.BaseUrl(), "get", "--ids", ids});  // REST is the default
  CHECK(soap.status == 0);
  CHECK(rest.status == 0);
  CHECK(soap.err == "");
  CHECK(WithoutTrackingId(soap.out) == WithoutTrackingId(rest.out));
  CHECK(soap.out != rest.out);  // two calls, two TrackingIds
  CHECK(soap.out.find(R"("Amount":1234567890123456.789)") != std::string::npos);
  CHECK(soap.out.find(R"("Id":"9007199254740994")") != std::string::npos);
  CHECK(soap.out.find(R"("Budgets":[{)") != std::string::npos);
  CHECK(soap.out.find(R"(},null,{)") != std::string::npos);
  CHECK(soap.out.find(R"("Index":1,)") != std::string::npos);
  CHECK(std::regex_search(soap.out, std::regex(R"(^\{"TrackingId":"[0-9a-f-]{36}","Budgets":\[)")));
}

TEST_CASE("cli: bad input is a usage error before any call") {
  const std::vector<std::vector<std::string>> bad = {
      {"get", "--ids", "12,abc"},
      {"get", "--ids", "-5"},
      {"get", "--ids", "0"},
      {"get", "--ids", ""},
      {"get", "--ids", "1,,2"},
      {"get", "--ids", "99999999999999999999"},
      {"get", "--ids"},
      {"get", "--bogus"},
      {"--protocol", "xml", "get"},
      {"--environment", "staging", "get"},
      {"--endpoint", "ftp://x", "get"},
      {"--timeout", "0", "get"},
      {"frobnicate"},
      {},
      {"--ids", "1", "get"},
  };
  for (auto args : bad) {
    CAPTURE(args.size() > 0 ? args.back() : std::string("(none)"));
    args.insert(args.begin(), {"--endpoint", kNowhere});
    const Run r = Cli(args);
    CHECK(r.status == bingads::cli::kExitUsage);
    CHECK(r.out == "");
    CHECK(r.err.rfind("bingads-budgets: ", 0) == 0);
  }
  const Run missing = Cli({"--endpoint", kNowhere, "get"}, {{"BINGADS_DEVELOPER_TOKEN", "x"}});
  CHECK(missing.status == bingads::cli::kExitUsage);
  CHECK(missing.err.find("missing access token (BINGADS_ACCESS_TOKEN, or OAuth") !=
        std::string::npos);
}

TEST_CASE("cli: exit statuses tell faults, authentication and transport apart") {
  testing::Emulator emulator;
  const Run fault = Cli({"--endpoint", emulator.BaseUrl(), "add", "--file",
                         testing::FixturePath("cli/empty_budgets.json")});
  CHECK(fault.status == bingads::cli::kExitApiFault);
  CHECK(fault.err.find("4901 CampaignServiceBudgetsNullOrEmpty") != std::string::npos);
  CHECK(fault.err.find("TrackingId: ") != std::string::npos);

  const Run auth =
      Cli({"--protocol", "soap", "--endpoint", emulator.BaseUrl(), "--access-token", "", "get"});
  CHECK(auth.status == bingads::cli::kExitUsage);  // empty token is refused locally
  const Run refused = Cli({"--max-attempts", "1", "--endpoint", kNowhere, "get"});
  CHECK(refused.status == bingads::cli::kExitTransport);
  CHECK(refused.err.find("transport error") != std::string::npos);
  // One line on stderr.
  CHECK(std::count(refused.err.begin(), refused.err.end(), '\n') == 1);
}

TEST_CASE("cli: --verbose shows the exchange with every secret redacted") {
  testing::Emulator emulator;
  for (const char* protocol : {"soap", "rest"}) {
    CAPTURE(protocol);
    const Run r = Cli({"--protocol", protocol, "--verbose", "--endpoint", emulator.BaseUrl(), "get",
                       "--ids", "1"});
    CHECK(r.status == 0);
    CHECK(r.err.find("> POST " + emulator.BaseUrl()) != std::string::npos);
    CHECK(r.err.find("< HTTP 200") != std::string::npos);
    CHECK(r.err.find("ACCESS-TOKEN-456") == std::string::npos);
    CHECK(r.err.find("DEV-TOKEN-123") == std::string::npos);
    CHECK(r.err.find("***") != std::string::npos);
    CHECK(r.err.find(bingads::emulator::kDemoAccountId) !=
          std::string::npos);  // ids are not secrets
  }
}

TEST_CASE("cli: the executables run as real processes") {
  // The emulator prints its address first, serves, and stops on SIGTERM. Its flags are parsed as
  // documented: throttling with Retry-After 0, a state file, disapproved terms.
  const auto state = std::filesystem::temp_directory_path() /
                     ("bingads-process-" + std::to_string(::getpid()) + ".json");
  std::filesystem::remove(state);
  FILE* emulator =
      popen((std::string(BINGADS_EMULATOR_EXE) +
             " --port 0 --throttle-every 2 --retry-after 0 --token-ttl 600 --fail-every 0"
             " --delay-ms 0 --soap-faults-http-200 --refresh-token process-rt"
             " --disapproved-terms 'forbidden,rude' --state '" +
             state.string() + "' & echo $!")
                .c_str(),
            "r");
  REQUIRE(emulator != nullptr);
  // Two lines in either order: the shell's pid of the emulator, and the emulator's first line.
  std::string pid, base;
  for (int i = 0; i < 2; ++i) {
    char line[256] = {0};
    REQUIRE(std::fgets(line, sizeof line, emulator) != nullptr);
    const std::string text(line);
    std::smatch m;
    if (std::regex_search(text, m,
                          std::regex(R"(^listening on (http://127\.0\.0\.1:[0-9]+)\n$)"))) {
      base = m[1];
    } else {
      pid = text.substr(0, text.find('\n'));
    }
  }
  REQUIRE(!base.empty());
  REQUIRE(!pid.empty());

  // OAuth through the emulator's token endpoint, as the README shows; the refresh token rotates,
  // so it lives in a file the CLI rewrites.
  const auto token_file = state.string() + ".refresh-token";
  std::ofstream(token_file) << "process-rt\n";
  const std::string env =
      "BINGADS_DEVELOPER_TOKEN=d BINGADS_CUSTOMER_ID=1 BINGADS_ACCOUNT_ID=2 "
      "BINGADS_CLIENT_ID=demo BINGADS_REFRESH_TOKEN_FILE='" +
      token_file + "' BINGADS_TOKEN_URL=" + base + "/common/oauth2/v2.0/token ";
  std::string outputs[2];
  int index = 0;
  for (const char* protocol : {"soap", "rest"}) {
    FILE* cli = popen(
        (env + BINGADS_CLI_EXE " --protocol " + protocol + " --endpoint " + base + " get").c_str(),
        "r");
    REQUIRE(cli != nullptr);
    char buffer[8192];
    while (std::fgets(buffer, sizeof buffer, cli) != nullptr) outputs[index] += buffer;
    CHECK(pclose(cli) == 0);
    ++index;
  }
  CHECK(WithoutTrackingId(outputs[0]) == WithoutTrackingId(outputs[1]));
  CHECK(outputs[0].find("Lifetime launch") != std::string::npos);
  CHECK(std::filesystem::exists(state));
  std::string rotated;
  std::getline(std::ifstream(token_file), rotated);
  CHECK(rotated.rfind("emu-rt-", 0) == 0);
  std::filesystem::remove(token_file);

  FILE* usage = popen(BINGADS_CLI_EXE " get --ids x 2>/dev/null", "r");
  CHECK(WEXITSTATUS(pclose(usage)) == bingads::cli::kExitUsage);

  CHECK(std::system(("kill -TERM " + pid).c_str()) == 0);
  pclose(emulator);
  bool exited = false;  // it stops promptly on SIGTERM
  for (int i = 0; i < 100 && !exited; ++i) {
    exited = std::system(("kill -0 " + pid + " 2>/dev/null").c_str()) != 0;
    if (!exited) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK(exited);
  std::filesystem::remove(state);
}

TEST_CASE("cli: add, update from stdin, campaigns and delete against the emulator") {
  testing::Emulator emulator;
  const std::string base = emulator.BaseUrl();
  const std::string file = testing::FixturePath("cli/add_budgets.json");
  const Run add = Cli({"--protocol", "soap", "--endpoint", base, "add", "--file", file});
  CHECK(add.status == 0);
  std::smatch m;
  REQUIRE(std::regex_search(add.out, m, std::regex(R"re("BudgetIds":\["([0-9]+)",null\])re")));
  const std::string id = m[1];
  CHECK(add.out.find(R"("Code":4907)") != std::string::npos);  // the second is a duplicate name
  CHECK(std::regex_search(add.out, std::regex(R"(^\{"TrackingId":"[0-9a-f-]{36}","BudgetIds":)")));

  const Run update = CliWithInput({"--verbose", "--endpoint", base, "update", "--file", "-"},
                                  R"({"Budgets":[{"Id":")" + id + R"(","Amount":0.10}]})");
  CHECK(update.status == 0);
  CHECK(WithoutTrackingId(update.out) == "{\"TrackingId\":\"\",\"PartialErrors\":[]}\n");
  CHECK(update.err.find(R"({"Budgets":[{"Amount":0.10,"Id":")") !=
        std::string::npos);  // sent as written

  const Run get = Cli({"--protocol", "soap", "--endpoint", base, "get", "--ids", id});
  CHECK(get.out.find(R"("Amount":0.1,)") != std::string::npos);  // the emulator stores values
  CHECK(get.out.find("Caf\xc3\xa9 \\\"Zur Post\\\" & <Bar>") != std::string::npos);

  const Run campaigns =
      Cli({"--endpoint", base, "campaigns", "--ids", std::to_string(testing::kDemoId) + ",5"});
  CHECK(campaigns.status == 0);
  CHECK(campaigns.out.find(
            R"("CampaignIdCollection":[{"Ids":["700000000001","700000000002"]},null])") !=
        std::string::npos);

  const Run del = Cli({"--endpoint", base, "delete", "--ids", id + "," + id});
  CHECK(del.status == 0);
  CHECK(del.out.find(R"("Code":4915)") != std::string::npos);  // the repeated id
  const Run gone = Cli({"--endpoint", base, "get", "--ids", id});
  CHECK(gone.out.find(R"("Budgets":[null])") != std::string::npos);
}

TEST_CASE("cli: work over 100 items lists every TrackingId") {
  testing::Emulator emulator;
  std::string budgets;
  for (int i = 0; i < 150; ++i) {
    budgets += std::string(i ? "," : "") + R"({"Name":"cli bulk )" + std::to_string(i) +
               R"(","Amount":1.5,"BudgetType":"DailyBudgetStandard"})";
  }
  const Run add = CliWithInput({"--endpoint", emulator.BaseUrl(), "add", "--file", "-"},
                               R"({"Budgets":[)" + budgets + "]}");
  CHECK(add.status == 0);
  CHECK(std::regex_search(
      add.out, std::regex(R"(^\{"TrackingIds":\["[0-9a-f-]{36}","[0-9a-f-]{36}"\],"BudgetIds":)")));
}

TEST_CASE("cli: bad budget files are usage errors before any call") {
  struct Case {
    std::string input;
    std::string command;
    std::string expected;
  } cases[] = {
      {"not json", "add", "not JSON"},
      {"[]", "add", R"(expected an object {"Budgets":[...]})"},
      {R"({"budgets":[]})", "add", "$.budgets: unknown member"},
      {R"({"Budgets":{}})", "add", "$.Budgets: expected an array"},
      {R"({"Budgets":[null]})", "add", "$.Budgets[0]: expected a Budget object"},
      {R"({"Budgets":[{"Ammount":5}]})", "add", "$.Budgets[0].Ammount: unknown member"},
      {R"({"Budgets":[{"Amount":"12.5"}]})", "add", "$.Budgets[0].Amount: expected a JSON number"},
      {R"({"Budgets":[{"Amount":true}]})", "add", "$.Budgets[0].Amount: expected a JSON number"},
      {R"({"Budgets":[{"BudgetType":"Monthly"}]})", "add", "unknown BudgetType 'Monthly'"},
      {R"({"Budgets":[{"Name":5}]})", "add", "$.Budgets[0].Name: expected a string"},
      {R"({"Budgets":[{"Id":"x1"}]})", "update", "$.Budgets[0].Id: expected a positive 64-bit id"},
      {R"({"Budgets":[{"Id":1.5}]})", "update", "$.Budgets[0].Id: expected a positive 64-bit id"},
      {R"({"Budgets":[{"Name":"no id"}]})", "update", "$.Budgets[0]: Id is required for update"},
      {R"({"Budgets":[{"Id":"5","Name":"x"}]})", "add", "$.Budgets[0]: Id is read-only on add"},
      {"{\"Budgets\":[{\"Name\":\"\xff\"}]}", "add", "not JSON"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.input);
    const Run r = CliWithInput({"--endpoint", kNowhere, c.command, "--file", "-"}, c.input);
    CHECK(r.status == bingads::cli::kExitUsage);
    CHECK(r.out == "");
    CHECK_MESSAGE(r.err.find(c.expected) != std::string::npos, r.err);
  }
  const Run missing = Cli({"--endpoint", kNowhere, "add", "--file", "/nonexistent/budgets.json"});
  CHECK(missing.status == bingads::cli::kExitUsage);
  CHECK(missing.err.find("cannot read '/nonexistent/budgets.json'") != std::string::npos);
  CHECK(Cli({"--endpoint", kNowhere, "add"}).err.find("add needs --file") != std::string::npos);
  CHECK(Cli({"--endpoint", kNowhere, "delete"}).err.find("delete needs --ids") !=
        std::string::npos);
  CHECK(Cli({"--endpoint", kNowhere, "get", "--file", "x"}).status == bingads::cli::kExitUsage);
}

TEST_CASE(
    "cli: survives throttling, internal errors and an expiring token, with no secret in "
    "--verbose") {
  // An emulator whose clock moves 250 s each time it looks: with a 600 s token life, issued tokens
  // expire after a few calls, while the CLI's own clock says they are fresh. Every 3rd call is
  // throttled (Retry-After: 0, so nothing waits).
  auto ticks = std::make_shared<std::atomic<int>>(0);
  bingads::emulator::ServiceOptions service_options;
  service_options.token_ttl = std::chrono::seconds(600);
  service_options.faults = {"throttle,every=3,retry-after=0"};
  service_options.clock = [ticks] {
    return std::chrono::steady_clock::time_point(std::chrono::seconds(250 * ++*ticks));
  };
  bingads::emulator::BudgetService service(service_options);
  bingads::emulator::Server server(service);
  const std::string base = "http://127.0.0.1:" + std::to_string(server.Start("127.0.0.1", 0));

  const auto dir =
      std::filesystem::temp_directory_path() / ("bingads-cli-oauth-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto token_file = dir / "refresh-token";
  std::ofstream(token_file) << "emulator-refresh-token\n";
  const std::map<std::string, std::string> env = {
      {"BINGADS_DEVELOPER_TOKEN", "DEV-TOKEN-123"},
      {"BINGADS_CUSTOMER_ID", "1"},
      {"BINGADS_ACCOUNT_ID", "2"},
      {"BINGADS_CLIENT_ID", "cli-client"},
      {"BINGADS_CLIENT_SECRET", "cli-client-secret"},
      {"BINGADS_REFRESH_TOKEN_FILE", token_file.string()},
      {"BINGADS_TOKEN_URL", base + "/common/oauth2/v2.0/token"}};
  std::string ids;
  for (int i = 0; i < 250; ++i) ids += (i ? "," : "") + std::to_string(testing::kDemoId + i % 5);
  for (const char* protocol : {"soap", "rest"}) {
    CAPTURE(protocol);
    const Run r =
        Cli({"--protocol", protocol, "--verbose", "--endpoint", base, "get", "--ids", ids}, env);
    CHECK(r.status == 0);
    CHECK(std::regex_search(r.out, std::regex(R"(^\{"TrackingIds":\[)")));
    CHECK(std::count(r.out.begin(), r.out.end(), '{') >= 250);   // every budget came back
    CHECK(r.err.find("retrying in 0 ms") != std::string::npos);  // throttled, then retried
    CHECK(r.err.find("sending once more with a renewed token") != std::string::npos);
    for (const char* secret :
         {"DEV-TOKEN-123", "cli-client-secret", "emulator-refresh-token", "emu-rt-", "emu-at-"}) {
      CHECK_MESSAGE(r.err.find(secret) == std::string::npos, secret);
    }
  }
  // The rotated refresh token was saved, owner-only.
  std::string saved;
  std::getline(std::ifstream(token_file), saved);
  CHECK(saved.rfind("emu-rt-", 0) == 0);
  CHECK((std::filesystem::status(token_file).permissions() & std::filesystem::perms::group_all) ==
        std::filesystem::perms::none);
  server.Stop();
  std::filesystem::remove_all(dir);
}

TEST_CASE("cli: an authentication failure has its own exit status") {
  testing::Emulator emulator;
  const std::map<std::string, std::string> env = {
      {"BINGADS_DEVELOPER_TOKEN", "d"},
      {"BINGADS_CUSTOMER_ID", "1"},
      {"BINGADS_ACCOUNT_ID", "2"},
      {"BINGADS_CLIENT_ID", "c"},
      {"BINGADS_REFRESH_TOKEN", "not-a-valid-refresh-token"},
      {"BINGADS_TOKEN_URL", emulator.BaseUrl() + "/common/oauth2/v2.0/token"}};
  const Run r = Cli({"--endpoint", emulator.BaseUrl(), "get"}, env);
  CHECK(r.status == bingads::cli::kExitAuthentication);
  CHECK(r.err.find("invalid_grant") != std::string::npos);
  CHECK(r.err.find("not-a-valid-refresh-token") == std::string::npos);
}

TEST_CASE("cli: both executables print the project version") {
  for (const char* exe : {BINGADS_CLI_EXE, BINGADS_EMULATOR_EXE}) {
    CAPTURE(exe);
    FILE* p = popen((std::string(exe) + " --version").c_str(), "r");
    REQUIRE(p != nullptr);
    char line[256] = {0};
    REQUIRE(std::fgets(line, sizeof line, p) != nullptr);
    CHECK(pclose(p) == 0);
    const std::string name = std::filesystem::path(exe).filename().string();
    CHECK(std::string(line) == name + " " + BINGADS_BUDGETS_VERSION + "\n");
  }
  // The version has the documented MAJOR.MINOR.PATCH form.
  CHECK(std::regex_match(std::string(bingads::kVersion), std::regex(R"(\d+\.\d+\.\d+)")));
}

TEST_CASE("cli: migrate-check with nothing to talk to starts the emulator program, and stops it") {
  // The CLI does not link the emulator: it starts bingads-emulator beside it as a child.
  const auto run = [](const std::string& env) {
    const std::string command = "env -i PATH=/usr/bin:/bin " + env + " " +
                                std::string(BINGADS_CLI_EXE) + " migrate-check --json 2>&1";
    FILE* pipe = popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    std::string output;
    char buffer[4096];
    while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
    return std::make_pair(WEXITSTATUS(pclose(pipe)), output);
  };
  const auto [status, output] = run("");
  CHECK_MESSAGE(status == 0, output);
  std::smatch m;
  REQUIRE_MESSAGE(
      std::regex_search(output, m,
                        std::regex(R"(against a local emulator at http://127\.0\.0\.1:([0-9]+))")),
      output);
  CHECK(std::regex_search(output, std::regex(R"("verdict": ?"parity")")));
  // The child is gone with the CLI: nothing listens on its port any more.
  CHECK(testing::Connect(std::stoi(m[1])) < 0);

  const auto [missing, said] = run("BINGADS_EMULATOR=/nonexistent/bingads-emulator");
  CHECK(missing == bingads::cli::kExitUsage);
  CHECK(said.find("migrate-check: the local emulator '/nonexistent/bingads-emulator' did not "
                  "start") != std::string::npos);
  // The child's own lines stay out of the CLI's stderr (they once split its line in two), and
  // what a program that is no emulator said is in the error.
  CHECK(output.find("bingads-emulator:") == std::string::npos);
  const auto [other, refused] = run("BINGADS_EMULATOR=/bin/ls");
  CHECK(other == bingads::cli::kExitUsage);
  CHECK_MESSAGE(
      refused.find("did not start (it said: /bin/ls: unrecognized option") != std::string::npos,
      refused);
}
