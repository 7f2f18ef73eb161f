#include "cli.h"

#include <bingads/client.h>
#include <bingads/json.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>

namespace bingads::cli {
namespace {

constexpr const char* kUsage =
    "usage: bingads-budgets [options] COMMAND [command options]\n"
    "options:\n"
    "  --protocol soap|rest                 default rest\n"
    "  --environment production|sandbox     default production\n"
    "  --endpoint URL                       base URL overriding the environment's\n"
    "  --developer-token T                  default $BINGADS_DEVELOPER_TOKEN\n"
    "  --access-token T                     default $BINGADS_ACCESS_TOKEN\n"
    "  --customer-id N                      default $BINGADS_CUSTOMER_ID\n"
    "  --account-id N                       default $BINGADS_ACCOUNT_ID\n"
    "  --timeout SECONDS                    whole-call deadline, default 120\n"
    "  --verbose                            log each exchange to stderr (secrets redacted)\n"
    "  --pretty                             indent the JSON output\n"
    "commands:\n"
    "  get [--ids ID,...]                   GetBudgetsByIds; no --ids: every budget of the "
    "account\n";

struct UsageError {
  std::string message;
};

std::int64_t ParseId(std::string_view token) {
  if (token.empty()) throw UsageError{"--ids: empty id in the list"};
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
  if (token.front() == '-' || token.front() == '+') {
    throw UsageError{"--ids: '" + std::string(token) + "' is not a positive id"};
  }
  if (ec == std::errc::result_out_of_range) {
    throw UsageError{"--ids: '" + std::string(token) + "' does not fit a 64-bit id"};
  }
  if (ec != std::errc() || end != token.data() + token.size()) {
    throw UsageError{"--ids: '" + std::string(token) + "' is not a number"};
  }
  if (value <= 0) throw UsageError{"--ids: '" + std::string(token) + "' is not a positive id"};
  return value;
}

std::vector<std::int64_t> ParseIds(std::string_view list) {
  if (list.empty()) throw UsageError{"--ids: empty list (leave --ids out to get every budget)"};
  std::vector<std::int64_t> ids;
  std::size_t start = 0;
  while (true) {
    const auto comma = list.find(',', start);
    ids.push_back(ParseId(list.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start)));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
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
    std::optional<std::vector<std::int64_t>> ids;
    std::optional<std::string> file;
    bool verbose = false;
    JsonStyle style;
    for (std::size_t i = 0; i < args.size(); ++i) {
      const std::string& arg = args[i];
      auto value = [&]() -> const std::string& {
        if (i + 1 >= args.size()) throw UsageError{"missing value for " + arg};
        return args[++i];
      };
      if (arg == "--help" || arg == "-h") {
        out << kUsage;
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
      } else if (arg == "--developer-token") {
        options.credentials.developer_token = value();
      } else if (arg == "--access-token") {
        options.credentials.access_token = value();
      } else if (arg == "--customer-id") {
        options.credentials.customer_id = value();
      } else if (arg == "--account-id") {
        options.credentials.account_id = value();
      } else if (arg == "--timeout") {
        const std::string& text = value();
        int seconds = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
        if (ec != std::errc() || end != text.data() + text.size() || seconds <= 0) {
          throw UsageError{"--timeout needs a positive number of seconds"};
        }
        options.transport_options.request_timeout = std::chrono::seconds(seconds);
      } else if (arg == "--verbose") {
        verbose = true;
      } else if (arg == "--pretty") {
        style.pretty = true;
      } else if (arg == "--ids") {
        if (command != "get" && command != "delete" && command != "campaigns") {
          throw UsageError{"--ids belongs after the get, delete or campaigns command"};
        }
        ids = ParseIds(value());
      } else if (arg == "--file") {
        if (command != "add" && command != "update") {
          throw UsageError{"--file belongs after the add or update command"};
        }
        file = value();
      } else if (!arg.empty() && arg[0] == '-') {
        throw UsageError{"unknown option " + arg};
      } else if (command.empty()) {
        command = arg;
        if (command != "get" && command != "add" && command != "update" && command != "delete" &&
            command != "campaigns") {
          throw UsageError{"unknown command '" + command + "'"};
        }
      } else {
        throw UsageError{"unexpected argument '" + arg + "'"};
      }
    }
    if (command.empty()) throw UsageError{"no command given"};
    if ((command == "delete" || command == "campaigns") && !ids) {
      throw UsageError{command + " needs --ids"};
    }
    if ((command == "add" || command == "update") && !file)
      throw UsageError{command + " needs --file"};
    std::vector<Budget> budgets;
    if (file) budgets = ReadBudgetsFile(*file, in, command == "update");
    const struct {
      const std::string& value;
      const char* name;
    } required[] = {
        {options.credentials.developer_token, "developer token (BINGADS_DEVELOPER_TOKEN)"},
        {options.credentials.access_token, "access token (BINGADS_ACCESS_TOKEN)"},
        {options.credentials.customer_id, "customer id (BINGADS_CUSTOMER_ID)"},
        {options.credentials.account_id, "account id (BINGADS_ACCOUNT_ID)"}};
    for (const auto& r : required) {
      if (r.value.empty()) throw UsageError{std::string("missing ") + r.name};
    }
    if (verbose) options.log = [&err](std::string_view line) { err << line << '\n'; };

    BudgetClient client(std::move(options));
    const std::vector<std::int64_t> id_list = ids.value_or(std::vector<std::int64_t>{});
    // A split batch interrupted part-way still prints what the completed calls returned.
    auto run = [&](auto call) {
      using Result = decltype(call());
      try {
        out << ToJson(call(), style) << '\n';
        return static_cast<int>(kExitOk);
      } catch (const BatchInterrupted<Result>& e) {
        out << ToJson(e.Result(), style) << '\n';
        err << "bingads-budgets: " << e.what() << '\n';
        return ExitFor(e);
      }
    };
    if (command == "get") return run([&] { return client.GetBudgetsByIds(id_list); });
    if (command == "add") return run([&] { return client.AddBudgets(budgets); });
    if (command == "update") return run([&] { return client.UpdateBudgets(budgets); });
    if (command == "delete") return run([&] { return client.DeleteBudgets(id_list); });
    return run([&] { return client.GetCampaignIdsByBudgetIds(id_list); });
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
