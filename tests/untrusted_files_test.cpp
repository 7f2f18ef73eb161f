// Input from outside trusted nowhere, files: recordings replayed by the library, the CLI and the
// emulator; folders a recording is written into; the emulator's state files. Everything happens
// in temporary folders; the emulators here bind 127.0.0.1 and are stopped by their tests.
#include <bingads/recording.h>
#include <doctest/doctest.h>
#include <httplib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "cli.h"
#include "server.h"
#include "state.h"
#include "support.h"

using namespace bingads;
namespace fs = std::filesystem;

namespace {

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

constexpr const char* kSecret = "SECRET-OUTSIDE-THE-FOLDER-91c2";

std::string Slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void Write(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

// A temporary folder, removed with its contents at the end of the test.
struct TempDir {
  explicit TempDir(const std::string& name)
      : path(fs::temp_directory_path() / ("bingads-" + name + "-" + std::to_string(::getpid()))) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  fs::path path;
};

// Records `get --ids DEMO` over REST and SOAP against a fresh emulator into `dir`.
void RecordGet(const fs::path& dir) {
  testing::Emulator emulator;
  for (const char* protocol : {"rest", "soap"}) {
    const auto run =
        testing::RunCli({"--endpoint", emulator.BaseUrl(), "--protocol", protocol, "--record",
                         dir.string(), "get", "--ids", std::to_string(testing::kDemoId)});
    REQUIRE(run.status == cli::kExitOk);
  }
}

// The index's first line with `from` replaced by `to` (the first occurrence).
void EditIndex(const fs::path& dir, const std::string& from, const std::string& to) {
  std::string index = Slurp(dir / "index.jsonl");
  const auto at = index.find(from);
  REQUIRE(at != std::string::npos);
  index.replace(at, from.size(), to);
  Write(dir / "index.jsonl", index);
}

// The name of the first exchange's response file.
std::string FirstResponse(const fs::path& dir) {
  const std::string index = Slurp(dir / "index.jsonl");
  const auto at = index.find("\"response\":\"") + 12;
  return index.substr(at, index.find('"', at) - at);
}

struct Hostile {
  const char* what;
  std::function<void(const fs::path& dir, const fs::path& outside)> make;
  const char* reason;  // part of the refusal
};

std::vector<Hostile> HostileRecordings() {
  return {
      {"a file named with ..",
       [](const fs::path& dir, const fs::path&) {
         EditIndex(dir, FirstResponse(dir), "../secret.json");
       },
       "not a plain name"},
      {"an absolute path",
       [](const fs::path& dir, const fs::path& outside) {
         EditIndex(dir, FirstResponse(dir), (outside / "secret.json").string());
       },
       "not a plain name"},
      {"a link leading out",
       [](const fs::path& dir, const fs::path& outside) {
         fs::remove(dir / FirstResponse(dir));
         fs::create_symlink(outside / "secret.json", dir / FirstResponse(dir));
       },
       "symbolic link"},
      {"a FIFO",
       [](const fs::path& dir, const fs::path&) {
         fs::remove(dir / FirstResponse(dir));
         REQUIRE(::mkfifo((dir / FirstResponse(dir)).c_str(), 0600) == 0);
       },
       "not a regular file"},
      {"a 2 GiB file",
       [](const fs::path& dir, const fs::path&) {
         fs::resize_file(dir / FirstResponse(dir), std::uintmax_t{2} << 30);  // sparse
       },
       "over the limit"},
      {"response_headers of the wrong type",
       [](const fs::path& dir, const fs::path&) {
         EditIndex(dir, "\"response_headers\":[", "\"response_headers\":7,\"x\":[");
       },
       "response_headers is not a list"},
      {"a header that is no pair of strings",
       [](const fs::path& dir, const fs::path&) {
         EditIndex(dir, "\"response_headers\":[", "\"response_headers\":[[1,2],");
       },
       "[name, value] pair"},
      {"a header value that would split",
       [](const fs::path& dir, const fs::path&) {
         EditIndex(dir, "\"response_headers\":[",
                   "\"response_headers\":[[\"X\",\"a\\r\\nSet-Cookie: s\"],");
       },
       "control character"},
      {"a status that is text",
       [](const fs::path& dir, const fs::path&) {
         EditIndex(dir, "\"status\":", "\"status\":\"x\",\"s\":");
       },
       "status is not"},
      {"a line that is not JSON",
       [](const fs::path& dir, const fs::path&) { EditIndex(dir, "{", "[{"); },
       "not a JSON object"},
      {"an index that is a link",
       [](const fs::path& dir, const fs::path& outside) {
         fs::rename(dir / "index.jsonl", outside / "index.jsonl");
         fs::create_symlink(outside / "index.jsonl", dir / "index.jsonl");
       },
       "symbolic link"},
  };
}

}  // namespace

TEST_CASE(
    "untrusted: replay refuses recordings that lead out of their folder, block or hold the "
    "wrong types, naming the line") {
  TempDir root("untrusted-replay");
  const fs::path pristine = root.path / "pristine";
  RecordGet(pristine);
  const fs::path outside = root.path / "outside";
  fs::create_directories(outside);
  Write(outside / "secret.json", kSecret);
  for (const Hostile& hostile : HostileRecordings()) {
    CAPTURE(hostile.what);
    const fs::path dir = root.path / "hostile";
    fs::remove_all(dir);
    fs::copy(pristine, dir);
    hostile.make(dir, outside);
    // The library.
    try {
      MakeReplayTransport(dir.string());
      FAIL("the recording was accepted");
    } catch (const Error& e) {
      CHECK(e.Kind() == ErrorKind::kUsage);
      CHECK(Contains(e.what(), hostile.reason));
      CHECK(!Contains(e.what(), kSecret));
      if (std::string(hostile.what) != "an index that is a link") {
        CHECK(Contains(e.what(), "index.jsonl line 1"));
      }
    }
    // The CLI: a usage error, nothing printed of the file outside.
    const auto cli = testing::RunCli(
        {"--replay", dir.string(), "get", "--ids", std::to_string(testing::kDemoId)});
    CHECK(cli.status == cli::kExitUsage);
    CHECK(Contains(cli.err, hostile.reason));
    CHECK(!Contains(cli.out + cli.err, kSecret));
    // The emulator refuses to start (bounded: had it started, timeout would stop it).
    const auto emulator = testing::RunProcess(
        {"/usr/bin/timeout", "20", BINGADS_EMULATOR_EXE, "--port", "0", "--replay", dir.string()});
    CHECK(emulator.status == 2);
    CHECK(Contains(emulator.err, hostile.reason));
    CHECK(!Contains(emulator.out + emulator.err, kSecret));
  }
  CHECK(Slurp(outside / "secret.json") == kSecret);
}

TEST_CASE(
    "untrusted: a recorded or live request nested a million levels crashes neither replay "
    "nor the emulator serving it") {
  TempDir root("untrusted-nesting");
  const fs::path dir = root.path / "recording";
  RecordGet(dir);
  const std::string deep = std::string(1000000, '[') + std::string(1000000, ']');
  // A recorded REST request of that depth loads (and matches nothing a client asks).
  const std::string request = [&] {
    const std::string index = Slurp(dir / "index.jsonl");
    const auto at = index.find("\"request\":\"") + 11;
    return index.substr(at, index.find('"', at) - at);
  }();
  const std::string original = Slurp(dir / request);
  Write(dir / request, deep);
  CHECK_NOTHROW(MakeReplayTransport(dir.string()));
  Write(dir / request, original);

  // A running emulator in replay mode answers it, and goes on answering.
  emulator::BudgetService service;
  emulator::Server server(service, {}, MakeReplayTransport(dir.string()));
  const int port = server.Start("127.0.0.1", 0);
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(30, 0);
  const httplib::Headers headers = {{"Authorization", "Bearer a"}, {"DeveloperToken", "d"}};
  const auto refused =
      client.Post("/CampaignManagement/v13/Budgets/QueryByIds", headers, deep, "application/json");
  REQUIRE(refused);
  CHECK(refused->status == 500);
  CHECK(Contains(refused->body, "no recorded rest GetBudgetsByIds"));
  const auto answered = client.Post(
      "/CampaignManagement/v13/Budgets/QueryByIds", headers,
      R"({"BudgetIds":[")" + std::to_string(testing::kDemoId) + R"("]})", "application/json");
  REQUIRE(answered);
  CHECK(answered->status == 200);
  CHECK(Contains(answered->body, std::to_string(testing::kDemoId)));
  server.Stop();
}

TEST_CASE(
    "untrusted: recording never writes through a link or onto a file it did not make, and "
    "writes owner-only") {
  TempDir root("untrusted-record");
  const fs::path outside = root.path / "outside";
  fs::create_directories(outside);
  testing::Emulator emulator;
  const std::vector<std::string> get = {"get", "--ids", std::to_string(testing::kDemoId)};
  auto record = [&](const fs::path& dir, std::vector<std::string> command) {
    command.insert(command.begin(), {"--endpoint", emulator.BaseUrl(), "--record", dir.string()});
    return testing::RunCli(command);
  };
  for (const auto& [name, reason] :
       {std::pair{"0001-rest-GetBudgetsByIds.request.json", "already exists"},
        std::pair{"0001-rest-GetBudgetsByIds.response.json", "already exists"},
        std::pair{"index.jsonl", "symbolic link"}}) {
    CAPTURE(name);
    const fs::path dir = root.path / "links";
    fs::remove_all(dir);
    fs::create_directories(dir);
    Write(outside / "target", kSecret);
    fs::create_symlink(outside / "target", dir / name);
    const auto run = record(dir, get);
    CHECK(run.status == cli::kExitUsage);
    CHECK(Contains(run.err, reason));
    CHECK(Slurp(outside / "target") == kSecret);
  }
  // A file of that name that is no link is not overwritten either.
  const fs::path taken = root.path / "taken";
  fs::create_directories(taken);
  Write(taken / "0001-rest-GetBudgetsByIds.request.json", kSecret);
  auto run = record(taken, get);
  CHECK(run.status == cli::kExitUsage);
  CHECK(Contains(run.err, "already exists"));
  CHECK(Slurp(taken / "0001-rest-GetBudgetsByIds.request.json") == kSecret);
  // compare's tag replaces a link standing in its place, not the file it leads to.
  const fs::path tagged = root.path / "tagged";
  fs::create_directories(tagged);
  Write(outside / "tag-target", kSecret);
  fs::create_symlink(outside / "tag-target", tagged / "compare-tag");
  run = record(tagged, {"compare", "get", "--ids", std::to_string(testing::kDemoId)});
  CHECK(run.status == cli::kExitOk);
  CHECK(Slurp(outside / "tag-target") == kSecret);
  CHECK(!fs::is_symlink(tagged / "compare-tag"));
  // What a recording writes is the owner's alone, and a recording is continued, not rewritten.
  const fs::path fresh = root.path / "fresh" / "recording";
  REQUIRE(record(fresh, get).status == cli::kExitOk);
  REQUIRE(record(fresh, get).status == cli::kExitOk);
  CHECK((fs::status(fresh).permissions() & fs::perms::all) == fs::perms::owner_all);
  int files = 0;
  for (const auto& entry : fs::directory_iterator(fresh)) {
    CAPTURE(entry.path().filename().string());
    CHECK((entry.status().permissions() & fs::perms::all) ==
          (fs::perms::owner_read | fs::perms::owner_write));
    ++files;
  }
  CHECK(files == 5);  // two exchanges and the index
}

namespace {

// A state file the emulator wrote, with one extra account.
std::string GoodState(const fs::path& dir) {
  const fs::path file = dir / "good.json";
  {
    emulator::ServiceOptions options;
    options.state_file = file.string();
    emulator::BudgetService service(options);
    service.GetBudgetsByIds({"t", "d", "1", "3000003"}, std::nullopt, "x");
  }
  return Slurp(file);
}

std::string Replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("untrusted: the emulator refuses bad state files without touching them") {
  TempDir root("untrusted-state");
  const std::string good = GoodState(root.path);
  const std::string demo = std::to_string(testing::kDemoId);
  const std::string next = good.substr(11, good.find('"', 11) - 11);  // {"NextId":"...
  const std::vector<std::pair<std::string, std::string>> texts = {
      {Replaced(good, "\"NextId\":\"" + next, "\"NextId\":\"" + demo), "NextId"},
      {Replaced(good, std::to_string(testing::kDemoId + 1), demo), "is taken"},
      {Replaced(good, "Pennies", "everyday SEARCH"), "Name is taken"},
      {Replaced(good, "\"Amount\":25.5", "\"Amount\":{\"x\":1}"), "Amount"},
      {Replaced(good, "\"Amount\":25.5", "\"Amount\":0"), "not above 0"},
      {Replaced(good, "\"Accounts\"", "\"Extra\":1,\"Accounts\""), "unknown member"},
      {Replaced(good, "\"BudgetId\":\"" + demo, "\"BudgetId\":\"5"), "no budget of the account"},
      {Replaced(good, "\"AccountId\":\"3000003\"", "\"AccountId\":\"2000002\""), "listed twice"},
      {Replaced(good, "\"NextId\":\"" + next, "\"NextId\":\"9223372036854775807"), "2^62"},
      {std::string(1000000, '[') + std::string(1000000, ']'), "not a JSON object"},
      {"", "not a JSON object"}};
  for (const auto& [text, reason] : texts) {
    CAPTURE(reason);
    const fs::path file = root.path / "state.json";
    Write(file, text);
    emulator::ServiceOptions options;
    options.state_file = file.string();
    try {
      emulator::BudgetService service(options);
      FAIL("the state file was accepted");
    } catch (const std::runtime_error& e) {
      CHECK(Contains(e.what(), reason));
      CHECK(Contains(e.what(), "left as it is"));
    }
    CHECK(Slurp(file) == text);
  }
  // Special and oversized files: refused at once, never read without bound or waited on.
  const fs::path fifo = root.path / "fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const fs::path huge = root.path / "huge.json";
  Write(huge, good);
  fs::resize_file(huge, std::uintmax_t{1} << 30);  // sparse
  for (const auto& [file, reason] : {std::pair{fifo.string(), "not a regular file"},
                                     std::pair{std::string("/dev/zero"), "not a regular file"},
                                     std::pair{huge.string(), "over the limit"}}) {
    CAPTURE(file);
    const auto run = testing::RunProcess(
        {"/usr/bin/timeout", "20", BINGADS_EMULATOR_EXE, "--port", "0", "--state", file});
    CHECK(run.status == 1);
    CHECK(Contains(run.err, reason));
  }
  CHECK(fs::file_size(huge) == std::uintmax_t{1} << 30);
  // The good file loads, and every account with it.
  Write(root.path / "state.json", good);
  emulator::ServiceOptions options;
  options.state_file = (root.path / "state.json").string();
  emulator::BudgetService service(options);
  const auto result = std::get<GetBudgetsByIdsResult>(
      service.GetBudgetsByIds({"t", "d", "1", "3000003"}, std::nullopt, "x"));
  CHECK(result.Budgets.size() == 5);
  CHECK((fs::status(root.path / "good.json").permissions() & fs::perms::all) ==
        (fs::perms::owner_read | fs::perms::owner_write));
}
