#include "cli.h"

#include <bingads/client.h>
#include <bingads/json.h>
#include <bingads/parity.h>
#include <bingads/recording.h>
#include <bingads/shadow.h>
#include <bingads/usage.h>
#include <bingads/version.h>
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iomanip>
#include <iostream>
#include <iterator>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include "arguments.h"
#include "checks.h"
#include "files.h"
#include "local_emulator.h"
#include "render.h"
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
    "  --parallel N                         calls (and accounts) at once, the ceiling of the\n"
    "                                       adaptive limit; default 4, sandbox 1\n"
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
    "  usage [--ids ID,...] [--date D | --from D --to D | --month] [--time-zone TZ]\n"
    "        [--report-timeout SECONDS]     spend of each budget from the Reporting service;\n"
    "                                       default today; no --ids: every budget\n"
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
    {"usage",
     "usage: bingads-budgets [options] usage [--ids ID,...|@FILE|-] [--date YYYY-MM-DD |\n"
     "                                        --from YYYY-MM-DD --to YYYY-MM-DD | --month]\n"
     "How much of each budget is spent: its campaigns' spend per day from a daily campaign\n"
     "performance report (submitted, polled, downloaded), today's spend, month to date and the\n"
     "share of the daily amount; an empty slot for each id that has no budget. Today's spend\n"
     "trails the service by hours (clicks reach reports within about three hours).\n"
     "  --ids ID,...|@FILE|-                 budget ids; no --ids: every budget of the account\n"
     "  --date D                             one day (YYYY-MM-DD); default today\n"
     "  --from D --to D                      the days from D to D, both included\n"
     "  --month                              this month to date\n"
     "  --time-zone TZ                       the report's ReportTimeZone, e.g.\n"
     "                                       PacificTimeUSCanadaTijuana (the service's default)\n"
     "  --report-timeout SECONDS             longest wait for the report; default 600\n"},
    {"compare",
     "usage: bingads-budgets [options] compare [--repeat N] [--json] [--html FILE] [--keep]\n"
     "                                          OPERATION ARGS\n"
     "Runs OPERATION (get, add, update, delete, campaigns or usage, with its own options) over\n"
     "SOAP and REST and reports parity and cost; exit 0 on parity, 6 on a mismatch.\n"
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

using tools::UsageError;

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
    case ErrorKind::kCancelled:
      return "cancelled";
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

// Counts calls for the progress line (the client's pacing counts the throttled ones).
class CountingTransport final : public HttpTransport {
 public:
  explicit CountingTransport(std::shared_ptr<HttpTransport> inner) : inner_(std::move(inner)) {}
  HttpResponse Send(const HttpRequest& request, const CallContext& context) override {
    ++calls;
    return inner_->Send(request, context);
  }
  std::atomic<int> calls{0};

 private:
  std::shared_ptr<HttpTransport> inner_;
};

// "throttled 0, limit 8" or, once the service throttled, "throttled 3, limit 8 at 23.7/s": the
// client's adaptive limit for the progress line (padded, so a shorter line covers a longer one).
std::string PacingText(const Pacing& pacing) {
  std::ostringstream text;
  text << "throttled " << pacing.throttled << ", limit " << pacing.concurrency;
  if (pacing.calls_per_second > 0) {
    text << " at " << std::fixed << std::setprecision(1) << pacing.calls_per_second << "/s";
  }
  std::string line = text.str();
  line.resize(std::max<std::size_t>(line.size(), 34), ' ');
  return line;
}

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
  void Finish(ShadowConnection& client) {
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
  const int at_once = ReadConcurrency(options);
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
            << counter->calls << ", " << PacingText(client.CurrentPacing())
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

// The five operations, named once: how each takes its items and whether it only reads.
enum class Operation { kGet, kAdd, kUpdate, kDelete, kCampaigns, kSpendUsage };
struct OperationSpec {
  std::string_view name;
  Operation operation;
  bool takes_ids, needs_ids, takes_file, reads;
};
constexpr OperationSpec kOperations[] = {
    {"get", Operation::kGet, true, false, false, true},
    {"add", Operation::kAdd, false, false, true, false},
    {"update", Operation::kUpdate, false, false, true, false},
    {"delete", Operation::kDelete, true, true, false, false},
    {"campaigns", Operation::kCampaigns, true, true, false, true},
    {"usage", Operation::kSpendUsage, true, false, false, false}};

const OperationSpec* FindOperation(std::string_view name) {
  for (const OperationSpec& spec : kOperations)
    if (spec.name == name) return &spec;
  return nullptr;
}

// Everything one command line asks for.
struct Invocation {
  ClientOptions options;
  std::string command;                       // get ... campaigns, compare or migrate-check
  const OperationSpec* operation = nullptr;  // the command, or what compare runs
  std::optional<std::string> help;           // --help: the text to print
  bool version = false;
  CompareOptions compare;
  bool json = false;
  std::optional<std::string> html;
  std::optional<std::vector<std::int64_t>> ids;
  std::optional<std::string> file;
  std::vector<Budget> budgets;
  bool verbose = false;
  std::vector<std::int64_t> accounts;
  bool shadow = false, shadow_strict = false;
  std::optional<std::string> record_dir, replay_dir;
  JsonStyle style;
  UsagePeriod period;  // usage: the days
  std::optional<Date> from, to;
  UsageOptions usage;
  bool period_given = false;
  bool Comparing() const { return command == "compare" || command == "migrate-check"; }
  // The emulator migrate-check starts when it has no target and no credentials.
  std::unique_ptr<LocalEmulator> local_emulator;
};

// A positive whole number option's value, up to `max`.
int Positive(const std::string& option, const std::string& value, long max) {
  return static_cast<int>(tools::WholeNumber(option, value, 1, max));
}

// Where the calls go and how: protocol, endpoint, credentials, limits, retries.
void ConnectionOptions(Invocation& v, std::vector<tools::OptionSpec>& t) {
  ClientOptions& o = v.options;
  TransportOptions& net = o.transport_options;
  t.push_back({"--protocol", true, [&o](const std::string& x) {
                 const auto p = ParseProtocol(x);
                 if (!p) throw UsageError{"--protocol must be soap or rest"};
                 o.protocol = *p;
               }});
  t.push_back({"--environment", true, [&o](const std::string& x) {
                 const auto e = ParseEnvironment(x);
                 if (!e) throw UsageError{"--environment must be production or sandbox"};
                 o.environment = *e;
               }});
  t.push_back({"--endpoint", true, [&o](const std::string& x) {
                 if (x.rfind("http://", 0) != 0 && x.rfind("https://", 0) != 0)
                   throw UsageError{"--endpoint must be an http:// or https:// URL"};
                 o.endpoint = x;
               }});
  t.push_back({"--developer-token", true,
               [&o](const std::string& x) { o.credentials.developer_token = x; }});
  t.push_back(
      {"--access-token", true, [&o](const std::string& x) { o.credentials.access_token = x; }});
  t.push_back(
      {"--customer-id", true, [&o](const std::string& x) { o.credentials.customer_id = x; }});
  t.push_back({"--account-id", true, [&o](const std::string& x) { o.credentials.account_id = x; }});
  t.push_back({"--timeout", true, [&net](const std::string& x) {
                 net.request_timeout = std::chrono::seconds(Positive("--timeout", x, 100000));
               }});
  t.push_back({"--connect-timeout", true, [&net](const std::string& x) {
                 net.connect_timeout =
                     std::chrono::seconds(Positive("--connect-timeout", x, 100000));
               }});
  t.push_back({"--max-attempts", true, [&o](const std::string& x) {
                 o.retry.max_attempts = Positive("--max-attempts", x, 100000);
               }});
  t.push_back({"--ca-file", true, [&net](const std::string& x) { net.ca_file = x; }});
  t.push_back({"--proxy", true, [&net](const std::string& x) { net.proxy = x; }});
  t.push_back({"--max-response-mb", true, [&net](const std::string& x) {
                 net.max_response_bytes =
                     static_cast<std::size_t>(Positive("--max-response-mb", x, 4096)) << 20;
               }});
  t.push_back({"--no-gzip", false, [&v](const std::string&) {
                 v.options.transport_options.accept_gzip = false;
                 v.compare.gzip = false;
               }});
  t.push_back({"--allow-insecure-http", false,
               [&net](const std::string&) { net.allow_insecure_http = true; }});
  t.push_back({"--parallel", true,
               [&o](const std::string& x) { o.max_concurrency = Positive("--parallel", x, 64); }});
  t.push_back({"--no-reconcile", false, [&o](const std::string&) { o.reconcile_writes = false; }});
}

// What the run does around the calls: many accounts, shadow reads, record and replay, output.
void RunOptions(Invocation& v, std::vector<tools::OptionSpec>& t, std::istream& in) {
  auto before_command = [&v](const std::string& option) {
    if (!v.command.empty()) throw UsageError{option + " goes before the command"};
  };
  t.push_back({"--accounts", true, [&v, &in, before_command](const std::string& x) {
                 before_command("--accounts");
                 v.accounts = ParseIds("--accounts", x, in);
               }});
  for (const char* name : {"--record", "--replay"}) {
    t.push_back({name, true, [&v, name, before_command](const std::string& x) {
                   before_command(name);
                   (std::string_view(name) == "--record" ? v.record_dir : v.replay_dir) = x;
                 }});
  }
  for (const char* name : {"--shadow", "--shadow-strict"}) {
    t.push_back({name, false, [&v, name, before_command](const std::string&) {
                   before_command(name);
                   (std::string_view(name) == "--shadow" ? v.shadow : v.shadow_strict) = true;
                 }});
  }
  t.push_back({"--verbose", false, [&v](const std::string&) { v.verbose = true; }});
  t.push_back({"--pretty", false, [&v](const std::string&) { v.style.pretty = true; }});
  t.push_back({"--version", false, [&v](const std::string&) { v.version = true; }});
  for (const char* name : {"--help", "-h"}) {
    t.push_back({name, false, [&v](const std::string&) {
                   // After a command, that command's options (compare's own, not its operation's).
                   const std::string_view command =
                       !v.command.empty() ? v.command
                                          : (v.operation ? v.operation->name : std::string_view());
                   const auto* help =
                       std::find_if(std::begin(kCommandHelp), std::end(kCommandHelp),
                                    [&](const CommandHelp& h) { return h.command == command; });
                   if (!v.help) v.help = help == std::end(kCommandHelp) ? kUsage : help->text;
                 }});
  }
}

// A YYYY-MM-DD option's day.
Date DayOption(const std::string& option, const std::string& value) {
  const auto day = value.size() == 10 ? Date::Parse(value) : std::nullopt;
  if (!day) throw UsageError{option + " must be a day as YYYY-MM-DD, not '" + value + "'"};
  return *day;
}

// usage's own options: the period, the report's time zone and deadline.
void UsageOptionsTable(Invocation& v, std::vector<tools::OptionSpec>& t) {
  auto only_usage = [&v](const std::string& option) {
    if (!v.operation || v.operation->operation != Operation::kSpendUsage)
      throw UsageError{option + " belongs after the usage command"};
  };
  auto one_period = [&v, only_usage](const std::string& option) {
    only_usage(option);
    if (v.period_given) throw UsageError{"give one of --date, --from/--to and --month"};
    v.period_given = true;
  };
  t.push_back({"--date", true, [&v, one_period](const std::string& x) {
                 one_period("--date");
                 v.period = UsagePeriod::Day(DayOption("--date", x));
               }});
  t.push_back({"--from", true, [&v, one_period](const std::string& x) {
                 one_period("--from");
                 v.from = DayOption("--from", x);
               }});
  t.push_back({"--to", true, [&v, only_usage](const std::string& x) {
                 only_usage("--to");
                 v.to = DayOption("--to", x);
               }});
  t.push_back({"--month", false, [&v, one_period](const std::string&) {
                 one_period("--month");
                 v.period = UsagePeriod::ThisMonth();
               }});
  t.push_back(
      {"--time-zone", true, [&v, only_usage](const std::string& x) {
         only_usage("--time-zone");
         if (x.empty() ||
             x.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") !=
                 std::string::npos)
           throw UsageError{
               "--time-zone must be a ReportTimeZone name, e.g. PacificTimeUSCanadaTijuana"};
         v.usage.time_zone = x;
       }});
  t.push_back({"--report-timeout", true, [&v, only_usage](const std::string& x) {
                 only_usage("--report-timeout");
                 v.usage.report_timeout =
                     std::chrono::seconds(Positive("--report-timeout", x, 86400));
               }});
}

// A command's own options: the items, and compare's report.
void CommandOptions(Invocation& v, std::vector<tools::OptionSpec>& t, std::istream& in) {
  t.push_back({"--ids", true, [&v, &in](const std::string& x) {
                 if (!v.operation || !v.operation->takes_ids)
                   throw UsageError{
                       "--ids belongs after the get, delete, campaigns or usage command"};
                 v.ids = ParseIds("--ids", x, in);
               }});
  t.push_back({"--file", true, [&v](const std::string& x) {
                 if (!v.operation || !v.operation->takes_file)
                   throw UsageError{"--file belongs after the add or update command"};
                 v.file = x;
               }});
  UsageOptionsTable(v, t);
  t.push_back({"--repeat", true,
               [&v](const std::string& x) { v.compare.repeat = Positive("--repeat", x, 100000); }});
  t.push_back({"--json", false, [&v](const std::string&) { v.json = true; }});
  t.push_back({"--html", true, [&v](const std::string& x) { v.html = x; }});
  t.push_back({"--keep", false, [&v](const std::string&) { v.compare.keep = true; }});
}

// A word that is no option: the command, or the operation compare runs.
void Word(Invocation& v, const std::string& word) {
  if (!v.command.empty() && !(v.command == "compare" && !v.operation)) {
    throw UsageError{"unexpected argument '" + word + "'"};
  }
  if (v.command.empty() && (word == "compare" || word == "migrate-check")) {
    v.command = word;
    return;
  }
  const OperationSpec* spec = FindOperation(word);
  if (!spec) {
    throw UsageError{"unknown " + std::string(v.command.empty() ? "command" : "operation") + " '" +
                     word + "'"};
  }
  if (v.command.empty()) v.command = word;
  v.operation = spec;
}

// The combinations the options may not come in.
void Validate(const Invocation& v) {
  if (v.command.empty()) throw UsageError{"no command given"};
  if (v.command == "compare" && !v.operation) throw UsageError{"compare needs an operation"};
  if (v.operation && v.operation->needs_ids && !v.ids) {
    throw UsageError{std::string(v.operation->name) + " needs --ids"};
  }
  if (v.operation && v.operation->takes_file && !v.file) {
    throw UsageError{std::string(v.operation->name) + " needs --file"};
  }
  if (!v.Comparing() && (v.json || v.html || v.compare.keep || v.compare.repeat != 1)) {
    throw UsageError{"--repeat, --json, --html and --keep belong to compare and migrate-check"};
  }
  if (v.shadow_strict && !v.shadow) throw UsageError{"--shadow-strict goes with --shadow"};
  if (v.shadow && (!v.operation || !v.operation->reads || v.Comparing())) {
    throw UsageError{"--shadow reads: it goes with get and campaigns"};
  }
  if (v.record_dir && v.replay_dir) throw UsageError{"--record and --replay do not go together"};
  if (v.from.has_value() != v.to.has_value()) throw UsageError{"--from and --to go together"};
  if (v.from && *v.to < *v.from) throw UsageError{"--to is before --from"};
  if (!v.accounts.empty()) {
    if (v.Comparing()) throw UsageError{"--accounts does not go with " + v.command};
    if (v.style.pretty)
      throw UsageError{"--accounts writes JSON Lines, one per account: no --pretty"};
  }
}

Invocation Parse(const std::vector<std::string>& args, const EnvLookup& env, std::istream& in) {
  Invocation v;
  auto from_env = [&env](const char* name) {
    const char* value = env(name);
    return value != nullptr ? std::string(value) : std::string();
  };
  v.options.credentials = {from_env("BINGADS_DEVELOPER_TOKEN"), from_env("BINGADS_ACCESS_TOKEN"),
                           from_env("BINGADS_CUSTOMER_ID"), from_env("BINGADS_ACCOUNT_ID")};
  std::vector<tools::OptionSpec> table;
  ConnectionOptions(v, table);
  RunOptions(v, table, in);
  CommandOptions(v, table, in);
  tools::ParseArguments(args, table, [&v](const std::string& word) { Word(v, word); });
  if (v.help || v.version) return v;
  Validate(v);
  if (!v.accounts.empty()) v.options.credentials.account_id = std::to_string(v.accounts.front());
  if (v.from) v.period = UsagePeriod::Range(*v.from, *v.to);
  if (v.file)
    v.budgets = ReadBudgetsFile(*v.file, in, v.operation->operation == Operation::kUpdate);
  return v;
}

// Every credential present, every header value and the endpoint safe to send; a secret is never
// echoed.
void CheckCredentials(const Invocation& v) {
  const ClientOptions& o = v.options;
  const Credentials& c = o.credentials;
  const bool have_token = !c.access_token.empty() || o.token_provider;
  const struct {
    bool present;
    const char* name;
  } required[] = {
      {!c.developer_token.empty(), "developer token (BINGADS_DEVELOPER_TOKEN)"},
      {have_token,
       "access token (BINGADS_ACCESS_TOKEN, or OAuth: BINGADS_CLIENT_ID and "
       "BINGADS_REFRESH_TOKEN)"},
      {!c.customer_id.empty(), "customer id (BINGADS_CUSTOMER_ID)"},
      {!c.account_id.empty() || !v.accounts.empty(), "account id (BINGADS_ACCOUNT_ID)"}};
  for (const auto& r : required) {
    if (!r.present) throw UsageError{std::string("missing ") + r.name};
  }
  try {
    internal::CheckHeaderValue("the developer token (--developer-token or BINGADS_DEVELOPER_TOKEN)",
                               c.developer_token);
    internal::CheckHeaderValue("the access token (--access-token or BINGADS_ACCESS_TOKEN)",
                               c.access_token);
    internal::CheckIdValue("the customer id (--customer-id or BINGADS_CUSTOMER_ID)", c.customer_id);
    internal::CheckIdValue("the account id (--account-id or BINGADS_ACCOUNT_ID)", c.account_id);
    internal::CheckUrl("--endpoint",
                       o.endpoint.empty() ? DefaultBaseUrl(o.environment) : o.endpoint,
                       o.transport_options.allow_insecure_http);
  } catch (const Error& e) {
    throw UsageError{e.what()};
  }
}

// --replay: no network at all (API calls come from the recording, and no token is fetched);
// --record: every API call written down (token calls are not: they carry nothing but secrets).
// The tag that names compare's copies is kept, so that a replay asks for the same names.
void Recording(Invocation& v) {
  ClientOptions& o = v.options;
  try {
    if (v.replay_dir) {
      o.transport = MakeReplayTransport(*v.replay_dir, o.transport_options.max_response_bytes);
      if (o.credentials.access_token.empty()) o.credentials.access_token = "replayed-access-token";
      v.compare.tag = ReadTag(*v.replay_dir);
    }
    if (!v.record_dir) return;
    o.transport = MakeRecordingTransport(
        o.transport ? o.transport : MakeCurlTransport(o.transport_options), *v.record_dir);
  } catch (const Error& e) {
    throw UsageError{std::string(v.replay_dir ? "--replay: " : "--record: ") + e.what()};
  }
  if (!v.Comparing()) return;
  v.compare.tag =
      std::to_string(std::chrono::system_clock::now().time_since_epoch() / std::chrono::seconds(1));
  // Replaced as a whole, never written through a link that may stand in its place.
  try {
    internal::ReplaceFile((std::filesystem::path(*v.record_dir) / "compare-tag").string(),
                          v.compare.tag + "\n");
  } catch (const internal::FileError& e) {
    throw UsageError{"--record: " + std::string(e.what())};
  }
}

// Makes the options ready to send: a local emulator for migrate-check with nothing to talk to,
// the log, record and replay, tokens, and the checks of what goes into headers.
void Prepare(Invocation& v, const EnvLookup& env, std::ostream& err) {
  ClientOptions& o = v.options;
  auto from_env = [&env](const char* name) {
    const char* value = env(name);
    return value != nullptr ? std::string(value) : std::string();
  };
  if (v.command == "migrate-check" && o.endpoint.empty() && o.credentials.developer_token.empty() &&
      from_env("BINGADS_CLIENT_ID").empty()) {
    try {
      v.local_emulator =
          std::make_unique<LocalEmulator>(EmulatorProgram(env), std::chrono::seconds(10));
    } catch (const std::runtime_error& e) {
      throw UsageError{std::string("migrate-check: ") + e.what()};
    }
    o.endpoint = v.local_emulator->BaseUrl();
    o.credentials = {"local-developer-token", "local-access-token", "1", "1"};
    // One write: a line written in pieces can be split by another process's.
    err << ("bingads-budgets: migrate-check against a local emulator at " + o.endpoint + "\n")
        << std::flush;
  }
  if (v.verbose) o.log = [&err](std::string_view line) { err << line << '\n'; };
  if (v.operation && v.operation->operation == Operation::kSpendUsage && v.accounts.empty() &&
      &err == &std::cerr && isatty(STDERR_FILENO)) {
    v.usage.progress = [&err](int polls, std::string_view status) {
      err << "\rbingads-budgets: report poll " << polls << ": " << internal::EscapeControls(status)
          << (status == "Pending" ? "" : "\n") << std::flush;
    };
  }
  Recording(v);
  if (o.credentials.access_token.empty()) o.token_provider = OAuthFromEnvironment(from_env, o, err);
  CheckCredentials(v);
  // usage: one transport (one pool of connections) for Campaign Management and Reporting calls.
  if (v.operation && v.operation->operation == Operation::kSpendUsage && !o.transport) {
    o.transport = MakeCurlTransport(o.transport_options);
  }
}

// compare and migrate-check: the report, and the exit status it means.
int RunCompare(Invocation& v, std::ostream& out, std::ostream& err) {
  v.compare.soap = v.options;
  v.compare.rest = v.options;
  if (&err == &std::cerr && isatty(STDERR_FILENO)) {
    v.compare.progress = [&err](int done, int total) {
      err << "\rbingads-budgets: run " << done << "/" << total << (done == total ? "\n" : "")
          << std::flush;
    };
  }
  const std::vector<std::int64_t> ids = v.ids.value_or(std::vector<std::int64_t>{});
  std::vector<Comparison> report;
  if (v.command == "migrate-check") {
    report = MigrateCheck(v.compare);
  } else {
    switch (v.operation->operation) {
      case Operation::kGet:
        report.push_back(CompareGetBudgetsByIds(v.compare, ids));
        break;
      case Operation::kCampaigns:
        report.push_back(CompareGetCampaignIdsByBudgetIds(v.compare, ids));
        break;
      case Operation::kAdd:
        report.push_back(CompareAddBudgets(v.compare, v.budgets));
        break;
      case Operation::kUpdate:
        report.push_back(CompareUpdateBudgets(v.compare, v.budgets));
        break;
      case Operation::kDelete:
        report.push_back(CompareDeleteBudgets(v.compare, ids));
        break;
      case Operation::kSpendUsage:
        report.push_back(CompareBudgetUsage(v.compare, ids, v.period, v.usage));
        break;
    }
  }
  out << (v.json ? RenderJson(report) : RenderTable(report));
  if (v.html) {
    std::ofstream page(*v.html, std::ios::trunc);
    page << RenderHtml(report, v.command == "migrate-check"
                                   ? "bingads-budgets migrate-check"
                                   : "bingads-budgets compare " + std::string(v.operation->name));
    if (!page) throw Error(ErrorKind::kUsage, "cannot write --html file '" + *v.html + "'");
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

// What one command gave: its result, written as JSON by `print`, and when a split batch was
// interrupted, the error and its exit status (the calls that completed are in the result).
struct Outcome {
  std::function<void(std::ostream&)> print;
  int status = kExitOk;
  std::optional<Error> error;

  std::string Json() const {
    std::ostringstream json;
    print(json);
    return json.str();
  }
};

// The command on `client`: the one place that calls the operations.
Outcome Perform(const Invocation& v, const BudgetClient& client) {
  const std::vector<std::int64_t> ids = v.ids.value_or(std::vector<std::int64_t>{});
  auto attempt = [&v](auto call) -> Outcome {
    using Result = decltype(call());
    // The result is written straight to the output when printed, never held as one string.
    auto printer = [&v](Result result) {
      return [style = v.style, held = std::make_shared<Result>(std::move(result))](
                 std::ostream& out) { ToJson(*held, out, style); };
    };
    try {
      return {printer(call()), kExitOk, std::nullopt};
    } catch (const BatchInterrupted<Result>& e) {
      return {printer(e.Result()), ExitFor(e), e};
    }
  };
  switch (v.operation->operation) {
    case Operation::kGet:
      return attempt([&] { return client.GetBudgetsByIds(ids); });
    case Operation::kAdd:
      return attempt([&] { return client.AddBudgets(v.budgets); });
    case Operation::kUpdate:
      return attempt([&] { return client.UpdateBudgets(v.budgets); });
    case Operation::kDelete:
      return attempt([&] { return client.DeleteBudgets(ids); });
    case Operation::kSpendUsage:
      return attempt([&] {
        const UsageClient usage(
            client, MakeReportingConnection(client.Options(), v.usage.max_report_bytes), v.usage);
        return usage.GetBudgetUsage(ids, v.period);
      });
    case Operation::kCampaigns:
      break;
  }
  return attempt([&] { return client.GetCampaignIdsByBudgetIds(ids); });
}

// `primary` as it is, or with --shadow a client whose reads also go to the other protocol (the
// decorator is kept in `shadow` for the summary); the primary's connection, and so its customer's
// adaptive limit, is shared either way.
BudgetClient ClientFor(const BudgetClient& primary, ShadowRun* run, const std::string& label,
                       std::shared_ptr<ShadowConnection>& shadow) {
  if (run == nullptr) return primary;
  ShadowOptions shadow_options = run->For(primary.Options(), label);
  ClientOptions other = primary.Options();
  other.protocol = other.protocol == Protocol::kSoap ? Protocol::kRest : Protocol::kSoap;
  shadow =
      std::make_shared<ShadowConnection>(primary, BudgetClient(std::move(other)), shadow_options);
  return BudgetClient(shadow);
}

// The command once (or once per account with --accounts), printed; the exit status.
int RunCommand(Invocation& v, std::ostream& out, std::ostream& err) {
  std::optional<ShadowRun> run;
  if (v.shadow) run.emplace(v.options, v.shadow_strict, err);
  ShadowRun* shadow_run = run ? &*run : nullptr;
  int status = kExitOk;
  if (!v.accounts.empty()) {
    status = FanOut(
        v.options, v.accounts,
        [&](const BudgetClient& one, std::int64_t account, int& code) {
          std::shared_ptr<ShadowConnection> shadow;
          const BudgetClient client =
              ClientFor(one, shadow_run, "account " + std::to_string(account) + ": ", shadow);
          Outcome outcome = Perform(v, client);
          if (shadow) run->Finish(*shadow);
          code = outcome.status;
          return AccountLine(account, outcome.Json(), outcome.error ? &*outcome.error : nullptr);
        },
        out, err);
  } else {
    std::shared_ptr<ShadowConnection> shadow;
    const Outcome outcome = Perform(v, ClientFor(BudgetClient(v.options), shadow_run, "", shadow));
    if (shadow) run->Finish(*shadow);
    // A split batch interrupted part-way still prints what the completed calls returned.
    outcome.print(out);
    out << '\n';
    if (outcome.error) err << "bingads-budgets: " << outcome.error->what() << '\n';
    status = outcome.status;
  }
  return run ? run->Summary(status) : status;
}

}  // namespace

void SetMalloc() {
  mallopt(M_MMAP_THRESHOLD, 16 << 20);
  mallopt(M_TRIM_THRESHOLD, 32 << 20);
}

int Run(const std::vector<std::string>& args, const EnvLookup& env, std::istream& in,
        std::ostream& out, std::ostream& err) {
  try {
    Invocation v = Parse(args, env, in);
    if (v.help) {
      out << *v.help;
      return kExitOk;
    }
    if (v.version) {
      out << "bingads-budgets " << kVersion << "\n";
      return kExitOk;
    }
    Prepare(v, env, err);
    return v.Comparing() ? RunCompare(v, out, err) : RunCommand(v, out, err);
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
