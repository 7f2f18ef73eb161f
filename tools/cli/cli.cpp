#include "cli.h"

#include <bingads/client.h>
#include <bingads/json.h>
#include <bingads/parity.h>
#include <bingads/recording.h>
#include <bingads/shadow.h>
#include <bingads/version.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include "files.h"
#include "internal.h"
#include "server.h"
#include "service.h"
#include "text.h"

namespace bingads::cli {
namespace {

constexpr const char* kUsage =
    "usage: bingads-budgets [options] COMMAND [command options]\n"
    "options:\n"
    "  --protocol soap|rest                 default rest\n"
    "  --environment production|sandbox     default production\n"
    "  --endpoint URL                       base URL overriding the environment's\n"
    "  --developer-token T                  default $BINGADS_DEVELOPER_TOKEN\n"
    "  --access-token T                     default $BINGADS_ACCESS_TOKEN; or OAuth from\n"
    "                                       $BINGADS_CLIENT_ID, $BINGADS_CLIENT_SECRET "
    "(optional),\n"
    "                                       $BINGADS_REFRESH_TOKEN or "
    "$BINGADS_REFRESH_TOKEN_FILE,\n"
    "                                       $BINGADS_TOKEN_URL (default: Microsoft identity "
    "platform)\n"
    "  --customer-id N                      default $BINGADS_CUSTOMER_ID\n"
    "  --account-id N                       default $BINGADS_ACCOUNT_ID\n"
    "  --timeout SECONDS                    deadline of each HTTP exchange, default 120\n"
    "  --connect-timeout SECONDS            default 10\n"
    "  --max-attempts N                     attempts per call, retries included; default 4\n"
    "  --ca-file FILE                       extra CA certificates (PEM); TLS is always verified\n"
    "  --proxy URL                          default: the https_proxy/no_proxy environment\n"
    "  --max-response-mb N                  largest response body, after decompression;\n"
    "                                       default 64 (token responses: 1)\n"
    "  --no-gzip                            do not ask for gzip-compressed responses\n"
    "  --no-reconcile                       a write whose answer was lost fails, naming the\n"
    "                                       items whose outcome is unknown, instead of being\n"
    "                                       settled by reading the account back\n"
    "  --allow-insecure-http                allow http:// to hosts that are not loopback\n"
    "                                       (credentials then travel in clear text)\n"
    "  --parallel N                         calls (and accounts) at once; default 4, sandbox 1\n"
    "  --accounts ID,...|@FILE|-            run the command for each account, up to --parallel\n"
    "                                       at once: one JSON line per account, in order\n"
    "  --shadow                             get and campaigns: also run the read on the other\n"
    "                                       protocol and report each difference on stderr\n"
    "  --shadow-strict                      with --shadow: exit 6 on any difference\n"
    "  --record DIR                         write every API exchange into DIR (secrets\n"
    "                                       replaced by ***), readable and diffable\n"
    "  --replay DIR                         answer from the recording in DIR: no network\n"
    "  --verbose                            log each exchange to stderr (secrets redacted)\n"
    "  --pretty                             indent the JSON output\n"
    "  --version                            print the version and exit\n"
    "commands (any number of items; past 100 they go in several calls; ID lists may also be\n"
    "@FILE or - for standard input, ids separated by commas, spaces or newlines):\n"
    "  get [--ids ID,...]                   GetBudgetsByIds; no --ids: every budget\n"
    "  add --file FILE|-                    AddBudgets from {\"Budgets\":[...]} (REST shape)\n"
    "  update --file FILE|-                 UpdateBudgets; each budget needs its Id\n"
    "  delete --ids ID,...                  DeleteBudgets\n"
    "  campaigns --ids ID,...               GetCampaignIdsByBudgetIds\n"
    "  compare [--repeat N] [--json] [--html FILE] [--keep] OPERATION ARGS\n"
    "                                       OPERATION (one of the above) over SOAP and REST:\n"
    "                                       parity and cost; exit 0 on parity, 6 on a mismatch\n"
    "  migrate-check [--json] [--html FILE] [--keep]\n"
    "                                       every operation and error case over both protocols;\n"
    "                                       with no --endpoint and no credentials: a local "
    "emulator\n";

// `bingads-budgets COMMAND --help`: each command's own options.
struct CommandHelp {
  std::string_view command;
  const char* text;
};
constexpr CommandHelp kCommandHelp[] = {
    {"get",
     "usage: bingads-budgets [options] get [--ids ID,...|@FILE|-]\n"
     "GetBudgetsByIds: the budgets with these ids, an empty slot for each id that has none.\n"
     "  --ids ID,...|@FILE|-                 ids separated by commas, spaces or newlines;\n"
     "                                       no --ids: every budget of the account\n"},
    {"add",
     "usage: bingads-budgets [options] add --file FILE|-\n"
     "AddBudgets: prints the new ids, an empty slot for each budget that was refused.\n"
     "  --file FILE|-                        {\"Budgets\":[...]} in the REST shape, without Id\n"},
    {"update",
     "usage: bingads-budgets [options] update --file FILE|-\n"
     "UpdateBudgets: each budget needs its Id; fields left out are left as they are.\n"
     "  --file FILE|-                        {\"Budgets\":[...]} in the REST shape\n"},
    {"delete",
     "usage: bingads-budgets [options] delete --ids ID,...|@FILE|-\n"
     "DeleteBudgets.\n"
     "  --ids ID,...|@FILE|-                 ids separated by commas, spaces or newlines\n"},
    {"campaigns",
     "usage: bingads-budgets [options] campaigns --ids ID,...|@FILE|-\n"
     "GetCampaignIdsByBudgetIds: the campaigns sharing each budget.\n"
     "  --ids ID,...|@FILE|-                 budget ids separated by commas, spaces or newlines\n"},
    {"compare",
     "usage: bingads-budgets [options] compare [--repeat N] [--json] [--html FILE] [--keep]\n"
     "                                          OPERATION ARGS\n"
     "Runs OPERATION (get, add, update, delete or campaigns, with its own options) over SOAP\n"
     "and REST and reports parity and cost; exit 0 on parity, 6 on a mismatch.\n"
     "  --repeat N                           runs of the operation per protocol; default 1\n"
     "  --json                               the report as JSON\n"
     "  --html FILE                          also write the report as an HTML page\n"
     "  --keep                               keep the copies that writes compare (else\n"
     "                                       deleted at the end)\n"},
    {"migrate-check",
     "usage: bingads-budgets [options] migrate-check [--json] [--html FILE] [--keep]\n"
     "Every operation and error case over both protocols; with no --endpoint and no\n"
     "credentials: against a local emulator. Exit 0 on parity, 6 on a mismatch.\n"
     "  --json                               the report as JSON\n"
     "  --html FILE                          also write the report as an HTML page\n"
     "  --keep                               keep the copies that writes compare\n"},
};

struct UsageError {
  std::string message;
};

// One id of an --ids or --accounts list; `where` names it in errors ("--ids", "--ids @f line 3").
std::int64_t ParseId(std::string_view token, const std::string& where) {
  if (token.empty()) throw UsageError{where + ": empty id in the list"};
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
  if (token.front() == '-' || token.front() == '+') {
    throw UsageError{where + ": '" + std::string(token) + "' is not a positive id"};
  }
  if (ec == std::errc::result_out_of_range) {
    throw UsageError{where + ": '" + std::string(token) + "' does not fit a 64-bit id"};
  }
  if (ec != std::errc() || end != token.data() + token.size()) {
    throw UsageError{where + ": '" + std::string(token) + "' is not a number"};
  }
  if (value <= 0) throw UsageError{where + ": '" + std::string(token) + "' is not a positive id"};
  return value;
}

// Reads the text behind an id-list argument: the list itself, @FILE, or - for standard input.
std::string IdListText(const std::string& option, const std::string& value, std::istream& in,
                       std::string& where) {
  where = option;
  if (value == "-") {
    where = option + " -";
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  if (!value.empty() && value.front() == '@') {
    const std::string file = value.substr(1);
    std::ifstream stream(file, std::ios::binary);
    if (!stream) {
      throw UsageError{option + ": cannot read '" + file + "': " + std::strerror(errno)};
    }
    where = option + " @" + file;
    return std::string(std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>());
  }
  return value;
}

// Ids separated by commas, spaces, tabs or newlines (two commas in a row leave an empty id, which
// is refused); an error names the line of a file or standard input.
std::vector<std::int64_t> ParseIds(const std::string& option, const std::string& value,
                                   std::istream& in) {
  std::string where;
  const std::string text = IdListText(option, value, in, where);
  const bool lines = where != option;
  std::vector<std::int64_t> ids;
  std::size_t line = 1;
  bool after_comma = false;
  for (std::size_t i = 0; i <= text.size();) {
    const char c = i < text.size() ? text[i] : '\n';
    if (c == ',' || c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      if (c == ',') {
        if (after_comma || ids.empty()) {
          throw UsageError{where + (lines ? " line " + std::to_string(line) : "") +
                           ": empty id in the list"};
        }
        after_comma = true;
      }
      if (c == '\n') ++line;
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < text.size() && text.find_first_of(", \t\r\n", end) != end) ++end;
    ids.push_back(ParseId(std::string_view(text).substr(i, end - i),
                          where + (lines ? " line " + std::to_string(line) : "")));
    after_comma = false;
    i = end;
  }
  if (after_comma) throw UsageError{where + ": empty id at the end of the list"};
  if (ids.empty()) {
    throw UsageError{where + ": empty list" +
                     (option == "--ids" ? " (leave --ids out to get every budget)" : "")};
  }
  return ids;
}

// Reads a budgets file ("-" is standard input) before any call; every problem is a usage error.
std::vector<Budget> ReadBudgetsFile(const std::string& file, std::istream& in, bool update) {
  std::string text;
  if (file == "-") {
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  } else {
    std::ifstream stream(file, std::ios::binary);
    if (!stream) throw UsageError{"--file: cannot read '" + file + "': " + std::strerror(errno)};
    text.assign(std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>());
    if (stream.bad()) throw UsageError{"--file: error while reading '" + file + "'"};
  }
  std::vector<Budget> budgets;
  try {
    budgets = BudgetsFromJson(text);
  } catch (const Error& e) {
    throw UsageError{"--file " + file + ": " + e.what()};
  }
  for (std::size_t i = 0; i < budgets.size(); ++i) {
    const std::string where = "--file " + file + ": $.Budgets[" + std::to_string(i) + "]";
    if (update && !budgets[i].Id) throw UsageError{where + ": Id is required for update"};
    if (!update && budgets[i].Id) throw UsageError{where + ": Id is read-only on add"};
  }
  return budgets;
}

// The OAuth refresh-token flow from the environment, when BINGADS_CLIENT_ID and a refresh token
// (BINGADS_REFRESH_TOKEN, or BINGADS_REFRESH_TOKEN_FILE holding it) are set. A rotated refresh
// token is written back to that file (owner-only, replaced atomically), or else only announced: it
// is a secret and is never printed.
std::shared_ptr<TokenProvider> OAuthFromEnvironment(
    const std::function<std::string(const char*)>& from_env, const ClientOptions& client,
    std::ostream& err) {
  const std::string client_id = from_env("BINGADS_CLIENT_ID");
  std::string refresh_token = from_env("BINGADS_REFRESH_TOKEN");
  const std::string file = from_env("BINGADS_REFRESH_TOKEN_FILE");
  if (!file.empty()) {
    std::ifstream in(file);
    if (!in) throw UsageError{"BINGADS_REFRESH_TOKEN_FILE: cannot read '" + file + "'"};
    std::getline(in, refresh_token);
    while (!refresh_token.empty() && std::isspace(static_cast<unsigned char>(refresh_token.back())))
      refresh_token.pop_back();
  }
  if (client_id.empty() && refresh_token.empty()) return nullptr;
  if (client_id.empty()) throw UsageError{"OAuth needs BINGADS_CLIENT_ID"};
  if (refresh_token.empty())
    throw UsageError{"OAuth needs BINGADS_REFRESH_TOKEN or BINGADS_REFRESH_TOKEN_FILE"};
  OAuthOptions oauth;
  oauth.client_id = client_id;
  oauth.client_secret = from_env("BINGADS_CLIENT_SECRET");
  oauth.refresh_token = refresh_token;
  if (const std::string url = from_env("BINGADS_TOKEN_URL"); !url.empty()) oauth.token_url = url;
  oauth.scope = client.environment == Environment::kSandbox ? kSandboxScope : kProductionScope;
  oauth.log = client.log;
  // Token calls go the way API calls do (proxy, trust, clear-text opt-in), with their own smaller
  // size limit and shorter deadline.
  const TransportOptions& api = client.transport_options;
  oauth.transport_options.proxy = api.proxy;
  oauth.transport_options.ca_file = api.ca_file;
  oauth.transport_options.ca_path = api.ca_path;
  oauth.transport_options.connect_timeout = api.connect_timeout;
  oauth.transport_options.allow_insecure_http = api.allow_insecure_http;
  oauth.transport_options.accept_gzip = api.accept_gzip;
  oauth.transport_options.max_response_bytes =
      std::min(api.max_response_bytes, oauth.transport_options.max_response_bytes);
  try {
    internal::CheckUrl("BINGADS_TOKEN_URL", oauth.token_url, api.allow_insecure_http);
  } catch (const Error& e) {
    throw UsageError{e.what()};
  }
  oauth.on_refresh_token = [file, &err](const std::string& rotated) {
    if (file.empty()) {
      err << "bingads-budgets: the service issued a new refresh token; set "
             "BINGADS_REFRESH_TOKEN_FILE "
             "to have it saved\n";
      return;
    }
    // Owner-only from the first byte, through a new temporary file (never a link), renamed.
    try {
      internal::ReplaceFile(file, rotated + "\n");
    } catch (const internal::FileError& e) {
      throw Error(ErrorKind::kUsage, std::string("BINGADS_REFRESH_TOKEN_FILE: ") + e.what());
    }
  };
  return MakeOAuthTokenProvider(std::move(oauth));
}

int ExitFor(const Error& e) {
  switch (e.Kind()) {
    case ErrorKind::kUsage:
      return kExitUsage;
    case ErrorKind::kApiFault:
      return kExitApiFault;
    case ErrorKind::kAuthentication:
      return kExitAuthentication;
    default:
      return kExitTransport;
  }
}

const char* KindName(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kUsage:
      return "usage";
    case ErrorKind::kTransport:
      return "transport";
    case ErrorKind::kTimeout:
      return "timeout";
    case ErrorKind::kMalformedResponse:
      return "malformed_response";
    case ErrorKind::kApiFault:
      return "api_fault";
    case ErrorKind::kAuthentication:
      return "authentication";
    case ErrorKind::kResponseTooLarge:
      return "response_too_large";
  }
  return "unknown";
}

// One JSON line of --accounts: `document` (a JSON object, "{}" for none) with "AccountId" first
// and, when the command failed, "Error" last.
std::string AccountLine(std::int64_t account, const std::string& document, const Error* error) {
  std::string line = "{\"AccountId\":\"" + std::to_string(account) + "\"";
  const std::string_view members = std::string_view(document).substr(1, document.size() - 2);
  if (!members.empty()) line += "," + std::string(members);
  if (error != nullptr) {
    line += ",\"Error\":{\"Kind\":\"" + std::string(KindName(error->Kind())) +
            "\",\"Message\":" + internal::JsonQuoted(error->what()) + ",\"TrackingIds\":[";
    for (std::size_t i = 0; i < error->AttemptTrackingIds().size(); ++i) {
      line += (i ? "," : "") + internal::JsonQuoted(error->AttemptTrackingIds()[i]);
    }
    line += "]}";
  }
  return line + "}";
}

// Counts calls and throttled answers for the progress line.
class CountingTransport final : public HttpTransport {
 public:
  explicit CountingTransport(std::shared_ptr<HttpTransport> inner) : inner_(std::move(inner)) {}
  HttpResponse Send(const HttpRequest& request) override {
    ++calls;
    HttpResponse response = inner_->Send(request);
    if (response.Status == 429 ||
        (response.Status == 500 && response.Body.find(">117</") != std::string::npos)) {
      ++throttles;
    }
    return response;
  }
  std::atomic<int> calls{0}, throttles{0};

 private:
  std::shared_ptr<HttpTransport> inner_;
};

// The tag a recorded compare used for its copies' names, or "" when there is none. It is read as
// the rest of the recording is: a regular file in the folder, no link, a few bytes, digits only.
std::string ReadTag(const std::string& directory) {
  try {
    const internal::Folder folder(directory, false);
    if (!folder.Holds("compare-tag")) return "";
    std::string tag = folder.Read("compare-tag", 64);
    while (!tag.empty() && (tag.back() == '\n' || tag.back() == '\r')) tag.pop_back();
    if (tag.empty() || tag.find_first_not_of("0123456789") != std::string::npos) {
      throw internal::FileError("'compare-tag' holds no tag (digits)");
    }
    return tag;
  } catch (const internal::FileError& e) {
    throw UsageError{"--replay: " + std::string(e.what())};
  }
}

// --shadow: reads go to the primary protocol (--protocol) and are printed as usual, and again to
// the other one in the background; each difference is a line on stderr, then a summary. The exit
// status is the primary's, or 6 on a difference with --shadow-strict.
struct ShadowRun {
  ShadowRun(const ClientOptions& options, bool strict_mode, std::ostream& stream)
      : wait(std::chrono::duration_cast<std::chrono::milliseconds>(
            options.transport_options.request_timeout * std::max(1, options.retry.max_attempts) +
            std::chrono::seconds(10))),
        strict(strict_mode),
        err(stream) {}

  // A shadow client for `options`, whose differences are printed with `label` before them.
  ShadowOptions For(ClientOptions options, const std::string& label) {
    ShadowOptions shadow_options;
    shadow_options.client = std::move(options);
    shadow_options.on_comparison = [this, label](const ShadowComparison& c) {
      std::lock_guard<std::mutex> lock(mutex);
      for (const Difference& d : c.report.differences) {
        // The values are the service's text: escaped before they reach a terminal.
        err << "shadow: " << label << internal::EscapeControls(d.where) << ": SOAP "
            << internal::EscapeControls(d.soap) << " | REST " << internal::EscapeControls(d.rest)
            << '\n';
      }
      if (!c.shadow_error.empty()) {
        err << "shadow: " << label << "the shadow call failed: " << c.shadow_error << '\n';
      }
    };
    return shadow_options;
  }

  // Waits for `client`'s comparisons and adds them up.
  void Finish(ShadowClient& client) {
    const bool drained = client.Drain(wait);
    const ShadowCounters n = client.Counters();
    std::lock_guard<std::mutex> lock(mutex);
    gave_up = gave_up || !drained;
    total.compared += n.compared;
    total.matched += n.matched;
    total.mismatched += n.mismatched;
    total.skipped += n.skipped;
    total.shadow_errors += n.shadow_errors;
  }

  // Prints the summary line; the exit status given the primary's.
  int Summary(int status) {
    std::lock_guard<std::mutex> lock(mutex);
    err << "shadow: " << total.compared << " compared, " << total.matched << " matched, "
        << total.mismatched << " mismatched, " << total.skipped << " skipped, "
        << total.shadow_errors << " shadow errors"
        << (gave_up ? " (stopped waiting for the shadow)" : "") << '\n';
    return status == kExitOk && strict && total.mismatched > 0 ? kExitMismatch : status;
  }

  const std::chrono::milliseconds wait;
  const bool strict;
  std::ostream& err;
  std::mutex mutex;
  ShadowCounters total;
  bool gave_up = false;
};

// The read (get or campaigns) on a shadow client, through `handle` as on a plain client.
template <typename Handle>
auto ShadowCommand(ShadowClient& client, const std::string& operation,
                   const std::vector<std::int64_t>& ids, Handle handle) {
  if (operation == "get") return handle([&] { return client.GetBudgetsByIds(ids); });
  return handle([&] { return client.GetCampaignIdsByBudgetIds(ids); });
}

// --accounts: the command once per account, up to the client's concurrency at once, through one
// client (one pool of connections, one token provider). Lines come out in the order given as soon
// as every line before them is written. Exit status: the first failed account's, else 0.
template <typename LineFor>
int FanOut(ClientOptions options, const std::vector<std::int64_t>& accounts, LineFor line_for,
           std::ostream& out, std::ostream& err) {
  const bool progress = &err == &std::cerr && isatty(STDERR_FILENO);
  std::shared_ptr<CountingTransport> counter;
  if (progress) {
    counter = std::make_shared<CountingTransport>(
        options.transport ? options.transport : MakeCurlTransport(options.transport_options));
    options.transport = counter;
  }
  const int at_once = internal::ReadConcurrency(options);
  const BudgetClient client(std::move(options));
  std::vector<std::optional<std::string>> lines(accounts.size());
  std::vector<int> codes(accounts.size(), kExitOk);
  std::mutex mutex;
  std::size_t written = 0, done = 0;
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t k = next++; k < accounts.size(); k = next++) {
      std::string line;
      int code = kExitOk;
      try {
        line = line_for(client.ForAccount(std::to_string(accounts[k])), accounts[k], code);
      } catch (const Error& e) {
        code = ExitFor(e);
        line = AccountLine(accounts[k], "{}", &e);
      }
      std::lock_guard<std::mutex> lock(mutex);
      lines[k] = std::move(line);
      codes[k] = code;
      ++done;
      while (written < lines.size() && lines[written]) {
        out << *lines[written] << '\n';
        lines[written++].reset();
      }
      out.flush();
      if (progress) {
        err << "\rbingads-budgets: accounts " << done << "/" << accounts.size() << ", calls "
            << counter->calls << ", throttled " << counter->throttles
            << (done == accounts.size() ? "\n" : "") << std::flush;
      }
    }
  };
  std::vector<std::thread> helpers;
  for (int t = 1; t < at_once && static_cast<std::size_t>(t) < accounts.size(); ++t) {
    helpers.emplace_back(work);
  }
  work();
  for (auto& helper : helpers) helper.join();
  for (const int code : codes)
    if (code != kExitOk) return code;
  return kExitOk;
}

}  // namespace

int Run(const std::vector<std::string>& args, const EnvLookup& env, std::istream& in,
        std::ostream& out, std::ostream& err) {
  try {
    ClientOptions options;
    auto from_env = [&env](const char* name) {
      const char* value = env(name);
      return value != nullptr ? std::string(value) : std::string();
    };
    options.credentials.developer_token = from_env("BINGADS_DEVELOPER_TOKEN");
    options.credentials.access_token = from_env("BINGADS_ACCESS_TOKEN");
    options.credentials.customer_id = from_env("BINGADS_CUSTOMER_ID");
    options.credentials.account_id = from_env("BINGADS_ACCOUNT_ID");

    std::string command;
    std::string operation;  // the command, or what compare runs
    CompareOptions compare;
    bool json = false;
    std::optional<std::string> html;
    std::optional<std::vector<std::int64_t>> ids;
    std::optional<std::string> file;
    bool verbose = false;
    std::vector<std::int64_t> account_list;
    bool shadow = false, shadow_strict = false;
    std::optional<std::string> record_dir, replay_dir;
    JsonStyle style;
    for (std::size_t i = 0; i < args.size(); ++i) {
      const std::string& arg = args[i];
      auto value = [&]() -> const std::string& {
        if (i + 1 >= args.size()) throw UsageError{"missing value for " + arg};
        return args[++i];
      };
      if (arg == "--help" || arg == "-h") {
        // After a command, that command's options (compare's own, not its operation's).
        const std::string_view name = command.empty() ? operation : command;
        const auto* help = std::find_if(std::begin(kCommandHelp), std::end(kCommandHelp),
                                        [&](const CommandHelp& h) { return h.command == name; });
        out << (help == std::end(kCommandHelp) ? kUsage : help->text);
        return kExitOk;
      } else if (arg == "--version") {
        out << "bingads-budgets " << kVersion << "\n";
        return kExitOk;
      } else if (arg == "--protocol") {
        auto p = ParseProtocol(value());
        if (!p) throw UsageError{"--protocol must be soap or rest"};
        options.protocol = *p;
      } else if (arg == "--environment") {
        auto e = ParseEnvironment(value());
        if (!e) throw UsageError{"--environment must be production or sandbox"};
        options.environment = *e;
      } else if (arg == "--endpoint") {
        options.endpoint = value();
        if (options.endpoint.rfind("http://", 0) != 0 &&
            options.endpoint.rfind("https://", 0) != 0) {
          throw UsageError{"--endpoint must be an http:// or https:// URL"};
        }
      } else if (arg == "--parallel") {
        const auto number = internal::ParseWhole<int>(value());
        if (!number || *number <= 0 || *number > 64) {
          throw UsageError{"--parallel needs a whole number from 1 to 64"};
        }
        options.max_concurrency = *number;
      } else if (arg == "--accounts") {
        if (!command.empty()) throw UsageError{"--accounts goes before the command"};
        account_list = ParseIds("--accounts", value(), in);
      } else if (arg == "--record" || arg == "--replay") {
        if (!command.empty()) throw UsageError{arg + " goes before the command"};
        (arg == "--record" ? record_dir : replay_dir) = value();
      } else if (arg == "--shadow" || arg == "--shadow-strict") {
        if (!command.empty()) throw UsageError{arg + " goes before the command"};
        (arg == "--shadow" ? shadow : shadow_strict) = true;
      } else if (arg == "--allow-insecure-http") {
        options.transport_options.allow_insecure_http = true;
      } else if (arg == "--max-response-mb") {
        const auto number = internal::ParseWhole<int>(value());
        if (!number || *number <= 0 || *number > 4096) {
          throw UsageError{"--max-response-mb needs a whole number from 1 to 4096"};
        }
        options.transport_options.max_response_bytes = static_cast<std::size_t>(*number) << 20;
      } else if (arg == "--developer-token") {
        options.credentials.developer_token = value();
      } else if (arg == "--access-token") {
        options.credentials.access_token = value();
      } else if (arg == "--customer-id") {
        options.credentials.customer_id = value();
      } else if (arg == "--account-id") {
        options.credentials.account_id = value();
      } else if (arg == "--timeout" || arg == "--connect-timeout" || arg == "--max-attempts") {
        const auto number = internal::ParseWhole<int>(value());
        if (!number || *number <= 0 || *number > 100000) {
          throw UsageError{arg + " needs a positive whole number"};
        }
        if (arg == "--max-attempts") {
          options.retry.max_attempts = *number;
        } else if (arg == "--timeout") {
          options.transport_options.request_timeout = std::chrono::seconds(*number);
        } else {
          options.transport_options.connect_timeout = std::chrono::seconds(*number);
        }
      } else if (arg == "--ca-file") {
        options.transport_options.ca_file = value();
      } else if (arg == "--proxy") {
        options.transport_options.proxy = value();
      } else if (arg == "--verbose") {
        verbose = true;
      } else if (arg == "--pretty") {
        style.pretty = true;
      } else if (arg == "--repeat") {
        const auto n = internal::ParseWhole<int>(value());
        if (!n || *n <= 0 || *n > 100000)
          throw UsageError{"--repeat needs a positive whole number"};
        compare.repeat = *n;
      } else if (arg == "--json") {
        json = true;
      } else if (arg == "--html") {
        html = value();
      } else if (arg == "--keep") {
        compare.keep = true;
      } else if (arg == "--no-gzip") {
        options.transport_options.accept_gzip = false;
        compare.gzip = false;
      } else if (arg == "--no-reconcile") {
        options.reconcile_writes = false;
      } else if (arg == "--ids") {
        if (operation != "get" && operation != "delete" && operation != "campaigns") {
          throw UsageError{"--ids belongs after the get, delete or campaigns command"};
        }
        ids = ParseIds("--ids", value(), in);
      } else if (arg == "--file") {
        if (operation != "add" && operation != "update") {
          throw UsageError{"--file belongs after the add or update command"};
        }
        file = value();
      } else if (!arg.empty() && arg[0] == '-') {
        throw UsageError{"unknown option " + arg};
      } else if (command.empty() || (command == "compare" && operation.empty())) {
        const bool known = arg == "get" || arg == "add" || arg == "update" || arg == "delete" ||
                           arg == "campaigns";
        if (command.empty() && (arg == "compare" || arg == "migrate-check")) {
          command = arg;
        } else if (known) {
          if (command.empty()) command = arg;
          operation = arg;
        } else {
          throw UsageError{"unknown " + std::string(command.empty() ? "command" : "operation") +
                           " '" + arg + "'"};
        }
      } else {
        throw UsageError{"unexpected argument '" + arg + "'"};
      }
    }
    if (command.empty()) throw UsageError{"no command given"};
    if (command == "compare" && operation.empty()) throw UsageError{"compare needs an operation"};
    if ((operation == "delete" || operation == "campaigns") && !ids) {
      throw UsageError{operation + " needs --ids"};
    }
    if ((operation == "add" || operation == "update") && !file) {
      throw UsageError{operation + " needs --file"};
    }
    const bool comparing = command == "compare" || command == "migrate-check";
    if (!comparing && (json || html || compare.keep || compare.repeat != 1)) {
      throw UsageError{"--repeat, --json, --html and --keep belong to compare and migrate-check"};
    }
    if (shadow_strict && !shadow) throw UsageError{"--shadow-strict goes with --shadow"};
    if (shadow && ((operation != "get" && operation != "campaigns") || comparing)) {
      throw UsageError{"--shadow reads: it goes with get and campaigns"};
    }
    if (!account_list.empty()) {
      if (comparing) throw UsageError{"--accounts does not go with " + command};
      if (style.pretty)
        throw UsageError{"--accounts writes JSON Lines, one per account: no --pretty"};
      options.credentials.account_id = std::to_string(account_list.front());
    }
    std::vector<Budget> budgets;
    if (file) budgets = ReadBudgetsFile(*file, in, operation == "update");
    // migrate-check with no target and no credentials runs against a local emulator.
    std::unique_ptr<emulator::BudgetService> local_service;
    std::unique_ptr<emulator::Server> local_server;
    if (command == "migrate-check" && options.endpoint.empty() &&
        options.credentials.developer_token.empty() && from_env("BINGADS_CLIENT_ID").empty()) {
      local_service = std::make_unique<emulator::BudgetService>();
      local_server = std::make_unique<emulator::Server>(*local_service);
      options.endpoint = "http://127.0.0.1:" + std::to_string(local_server->Start("127.0.0.1", 0));
      options.credentials = {"local-developer-token", "local-access-token", "1", "1"};
      err << "bingads-budgets: migrate-check against a local emulator at " << options.endpoint
          << '\n';
    }
    if (verbose) options.log = [&err](std::string_view line) { err << line << '\n'; };
    if (record_dir && replay_dir) throw UsageError{"--record and --replay do not go together"};
    if (replay_dir) {
      // No network at all: API calls come from the recording, and no token is fetched (the
      // recording holds none).
      try {
        options.transport =
            MakeReplayTransport(*replay_dir, options.transport_options.max_response_bytes);
      } catch (const Error& e) {
        throw UsageError{std::string("--replay: ") + e.what()};
      }
      if (options.credentials.access_token.empty()) {
        options.credentials.access_token = "replayed-access-token";
      }
      compare.tag = ReadTag(*replay_dir);
    }
    if (options.credentials.access_token.empty()) {
      options.token_provider = OAuthFromEnvironment(from_env, options, err);
    }
    const bool have_token = !options.credentials.access_token.empty() || options.token_provider;
    const struct {
      bool present;
      const char* name;
    } required[] = {
        {!options.credentials.developer_token.empty(), "developer token (BINGADS_DEVELOPER_TOKEN)"},
        {have_token,
         "access token (BINGADS_ACCESS_TOKEN, or OAuth: BINGADS_CLIENT_ID and "
         "BINGADS_REFRESH_TOKEN)"},
        {!options.credentials.customer_id.empty(), "customer id (BINGADS_CUSTOMER_ID)"},
        {!options.credentials.account_id.empty() || !account_list.empty(),
         "account id (BINGADS_ACCOUNT_ID)"}};
    for (const auto& r : required) {
      if (!r.present) throw UsageError{std::string("missing ") + r.name};
    }
    // What goes into a header is checked before anything is sent; a secret is never echoed.
    try {
      const Credentials& c = options.credentials;
      internal::CheckHeaderValue(
          "the developer token (--developer-token or BINGADS_DEVELOPER_TOKEN)", c.developer_token);
      internal::CheckHeaderValue("the access token (--access-token or BINGADS_ACCESS_TOKEN)",
                                 c.access_token);
      internal::CheckIdValue("the customer id (--customer-id or BINGADS_CUSTOMER_ID)",
                             c.customer_id);
      internal::CheckIdValue("the account id (--account-id or BINGADS_ACCOUNT_ID)", c.account_id);
      internal::CheckUrl(
          "--endpoint",
          options.endpoint.empty() ? DefaultBaseUrl(options.environment) : options.endpoint,
          options.transport_options.allow_insecure_http);
    } catch (const Error& e) {
      throw UsageError{e.what()};
    }

    if (record_dir) {
      // API calls are recorded (token calls are not: they carry nothing but secrets). The tag
      // that names compare's copies is kept, so that a replay asks for the same names.
      try {
        options.transport = MakeRecordingTransport(
            options.transport ? options.transport : MakeCurlTransport(options.transport_options),
            *record_dir);
      } catch (const Error& e) {
        throw UsageError{std::string("--record: ") + e.what()};
      }
      if (comparing) {
        compare.tag = std::to_string(std::chrono::system_clock::now().time_since_epoch() /
                                     std::chrono::seconds(1));
        // Replaced as a whole, never written through a link that may stand in its place.
        try {
          internal::ReplaceFile((std::filesystem::path(*record_dir) / "compare-tag").string(),
                                compare.tag + "\n");
        } catch (const internal::FileError& e) {
          throw UsageError{"--record: " + std::string(e.what())};
        }
      }
    }
    const std::vector<std::int64_t> id_list = ids.value_or(std::vector<std::int64_t>{});
    if (comparing) {
      compare.soap = options;
      compare.rest = options;
      if (&err == &std::cerr && isatty(STDERR_FILENO)) {
        compare.progress = [&err](int done, int total) {
          err << "\rbingads-budgets: run " << done << "/" << total << (done == total ? "\n" : "")
              << std::flush;
        };
      }
      std::vector<Comparison> report;
      if (command == "migrate-check") {
        report = MigrateCheck(compare);
      } else if (operation == "get") {
        report.push_back(CompareGetBudgetsByIds(compare, id_list));
      } else if (operation == "campaigns") {
        report.push_back(CompareGetCampaignIdsByBudgetIds(compare, id_list));
      } else if (operation == "add") {
        report.push_back(CompareAddBudgets(compare, budgets));
      } else if (operation == "update") {
        report.push_back(CompareUpdateBudgets(compare, budgets));
      } else {
        report.push_back(CompareDeleteBudgets(compare, id_list));
      }
      out << (json ? RenderJson(report) : RenderTable(report));
      if (html) {
        std::ofstream page(*html, std::ios::trunc);
        page << RenderHtml(report, command == "migrate-check"
                                       ? "bingads-budgets migrate-check"
                                       : "bingads-budgets compare " + operation);
        if (!page) throw Error(ErrorKind::kUsage, "cannot write --html file '" + *html + "'");
      }
      // A side that got no usable response is a transport failure, not a difference.
      if (std::any_of(report.begin(), report.end(),
                      [](const Comparison& c) { return c.transport_failure; })) {
        return kExitTransport;
      }
      const bool parity = std::all_of(report.begin(), report.end(), [](const Comparison& c) {
        return c.parity.Parity() && c.error.empty();
      });
      return parity ? kExitOk : kExitMismatch;
    }
    // Runs the command on one client: returns its JSON document, or throws.
    auto command_on = [&](const BudgetClient& client, auto&& handle) {
      if (operation == "get") return handle([&] { return client.GetBudgetsByIds(id_list); });
      if (operation == "add") return handle([&] { return client.AddBudgets(budgets); });
      if (operation == "update") return handle([&] { return client.UpdateBudgets(budgets); });
      if (operation == "delete") return handle([&] { return client.DeleteBudgets(id_list); });
      return handle([&] { return client.GetCampaignIdsByBudgetIds(id_list); });
    };
    // One account's line of --accounts, or the error it ends with.
    auto account_line = [](std::int64_t account, int& code) {
      return [account, &code](auto call) {
        using Result = decltype(call());
        try {
          return AccountLine(account, ToJson(call()), nullptr);
        } catch (const BatchInterrupted<Result>& e) {
          code = ExitFor(e);
          return AccountLine(account, ToJson(e.Result()), &e);
        }
      };
    };
    if (shadow) {
      ShadowRun run(options, shadow_strict, err);
      if (!account_list.empty()) {
        const int status = FanOut(
            std::move(options), account_list,
            [&](const BudgetClient& one, std::int64_t account, int& code) {
              ShadowClient client(
                  run.For(one.Options(), "account " + std::to_string(account) + ": "));
              std::string line =
                  ShadowCommand(client, operation, id_list, account_line(account, code));
              run.Finish(client);
              return line;
            },
            out, err);
        return run.Summary(status);
      }
      ShadowClient client(run.For(std::move(options), ""));
      int status = kExitOk;
      ShadowCommand(client, operation, id_list, [&](auto call) {
        using Result = decltype(call());
        try {
          out << ToJson(call(), style) << '\n';
        } catch (const BatchInterrupted<Result>& e) {
          out << ToJson(e.Result(), style) << '\n';
          err << "bingads-budgets: " << e.what() << '\n';
          status = ExitFor(e);
        }
      });
      run.Finish(client);
      return run.Summary(status);
    }
    if (!account_list.empty()) {
      return FanOut(
          std::move(options), account_list,
          [&](const BudgetClient& one, std::int64_t account, int& code) {
            return command_on(one, account_line(account, code));
          },
          out, err);
    }

    BudgetClient client(std::move(options));
    // A split batch interrupted part-way still prints what the completed calls returned.
    return command_on(client, [&](auto call) {
      using Result = decltype(call());
      try {
        out << ToJson(call(), style) << '\n';
        return static_cast<int>(kExitOk);
      } catch (const BatchInterrupted<Result>& e) {
        out << ToJson(e.Result(), style) << '\n';
        err << "bingads-budgets: " << e.what() << '\n';
        return ExitFor(e);
      }
    });
  } catch (const UsageError& e) {
    err << "bingads-budgets: " << e.message << "\n" << kUsage;
    return kExitUsage;
  } catch (const Error& e) {
    err << "bingads-budgets: " << e.what() << '\n';
    return ExitFor(e);
  } catch (const std::exception& e) {
    err << "bingads-budgets: unexpected error: " << e.what() << '\n';
    return kExitTransport;
  }
}

}  // namespace bingads::cli
