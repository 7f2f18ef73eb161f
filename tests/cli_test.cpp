// The command-line tool, run in-process against an in-process emulator, and as a real process.
#include "cli.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <map>
#include <regex>
#include <sstream>
#include <thread>

#include "support.h"

namespace {

struct Run {
  int status = -1;
  std::string out, err;
};

const std::map<std::string, std::string> kTestEnv = {{"BINGADS_DEVELOPER_TOKEN", "DEV-TOKEN-123"},
                                                     {"BINGADS_ACCESS_TOKEN", "ACCESS-TOKEN-456"},
                                                     {"BINGADS_CUSTOMER_ID", "1234567"},
                                                     {"BINGADS_ACCOUNT_ID", "7654321"}};

// Runs the CLI in-process with `input` as standard input.
Run CliWithInput(const std::vector<std::string>& args, const std::string& input,
                 const std::map<std::string, std::string>& env = kTestEnv) {
  std::istringstream in(input);
  std::ostringstream out, err;
  Run r;
  r.status = bingads::cli::Run(
      args,
      [&env](const char* name) -> const char* {
        auto it = env.find(name);
        return it == env.end() ? nullptr : it->second.c_str();
      },
      in, out, err);
  r.out = out.str();
  r.err = err.str();
  return r;
}

Run Cli(const std::vector<std::string>& args,
        const std::map<std::string, std::string>& env = kTestEnv) {
  return CliWithInput(args, "", env);
}

std::string WithoutTrackingId(const std::string& json) {
  return std::regex_replace(json, std::regex(R"("TrackingId":"[^"]*")"), R"("TrackingId":"")");
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
  CHECK(missing.err.find("missing access token (BINGADS_ACCESS_TOKEN)") != std::string::npos);
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
  const Run refused = Cli({"--endpoint", kNowhere, "get"});
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
    CHECK(r.err.find("7654321") != std::string::npos);  // ids are not secrets
  }
}

TEST_CASE("cli: the executables run as real processes") {
  // The emulator prints its address first, serves, and stops on SIGTERM.
  FILE* emulator = popen(BINGADS_EMULATOR_EXE " --port 0 & echo $!", "r");
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

  const std::string env =
      "BINGADS_DEVELOPER_TOKEN=d BINGADS_ACCESS_TOKEN=t BINGADS_CUSTOMER_ID=1 "
      "BINGADS_ACCOUNT_ID=2 ";
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
}
