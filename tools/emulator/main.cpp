// bingads-emulator: a local Campaign Management budget service speaking SOAP 1.1 and REST.
#include <bingads/recording.h>
#include <bingads/version.h>
#include <sys/resource.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "arguments.h"
#include "faults.h"
#include "server.h"
#include "service.h"

namespace {

int Usage(const char* message) {
  std::cerr
      << "bingads-emulator: " << message << "\n"
      << "usage: bingads-emulator [--port N] [--host 127.0.0.1] [--state FILE]\n"
      << "                        [--disapproved-terms TERM,TERM,...]\n"
      << "  --port N                 TCP port; 0 (the default) picks a free one\n"
      << "  --host ADDR              address to bind; default 127.0.0.1 (loopback only)\n"
      << "  --state FILE             keep the store in FILE across restarts (written\n"
      << "                           atomically after every change); default: memory only\n"
      << "  --disapproved-terms LIST budget names containing one of these fail editorial\n"
      << "                           review; default casino,miracle cure; \"\" for none\n"
      << "  --token-ttl SECONDS      life of issued access tokens; default 3600\n"
      << "  --refresh-token TOKEN    refresh token accepted at start; default\n"
      << "                           emulator-refresh-token (rotated on every use)\n"
      << "  --fault SPEC             break API calls on demand (repeatable); SPEC is\n"
      << "                           KIND[,probability=P|every=N][,protocol=soap|rest]\n"
      << "                           [,operation=NAME|reads|writes][,once][,ms=N]\n"
      << "                           [,jitter-ms=N][,bytes=N][,retry-after=S]; KIND is\n"
      << "                           latency, dribble, reset, empty, drop, error-500,\n"
      << "                           error-503, truncate, malformed, throttle or\n"
      << "                           internal-error; changed at run time through\n"
      << "                           GET/PUT/DELETE /emulator/faults (loopback only)\n"
      << "  --fault-seed N           seed of every fault's draws; default 1\n"
      << "  --throttle-every N       every Nth call: 117 CallRateExceeded (REST 429);\n"
      << "                           --fault throttle,every=N\n"
      << "  --fail-every N           every Nth call: 0 InternalError (REST 500);\n"
      << "                           --fault internal-error,every=N\n"
      << "  --retry-after SECONDS    Retry-After sent with --throttle-every; default 1\n"
      << "  --delay-ms N             wait before every API response; --fault latency,ms=N\n"
      << "  --soap-faults-http-200   send SOAP faults with HTTP 200 instead of 500\n"
      << "  --replay DIR             answer every API call from the recording in DIR (made\n"
      << "                           with bingads-budgets --record), matched on what it asks\n"
      << "  --empty-accounts         accounts made by their first call start empty (else\n"
      << "                           with a copy of the demo data under ids of their own)\n"
      << "  --rate-limit N/WINDOW    at most N API calls per customer in any WINDOW (e.g.\n"
      << "                           600/60s, 50/2s, 10/500ms), across its accounts and both\n"
      << "                           protocols; past it 117 CallRateExceeded (REST 429) with\n"
      << "                           Retry-After, the seconds until the window admits a call\n"
      << "  --max-in-flight N        API calls a customer may have in flight at once; past it\n"
      << "                           117 (REST 429) with Retry-After 1; default no cap\n"
      << "  --report-pending-ms N    a submitted report stays Pending this long, then its\n"
      << "                           poll says Success; default 1500\n"
      << "  --max-connections N      open connections at once; past it 503; default 4096\n"
      << "                           (at most what the descriptor limit allows)\n"
      << "  --idle-timeout SECONDS   close a kept-alive connection idle this long; default 5\n"
      << "  --request-timeout SECONDS\n"
      << "                           a request must arrive whole within this; default 10\n"
      << "  --max-request-mb N       largest request body; past it 413; default 64\n"
      << "  --version                print the version and exit\n";
  return 2;
}

// Everything the command line asks for.
struct Settings {
  std::string host = "127.0.0.1";
  int port = 0;
  bingads::emulator::ServiceOptions service;
  bingads::emulator::ServerLimits limits;
  std::shared_ptr<bingads::HttpTransport> replay;
  long throttle_every = 0, fail_every = 0, retry_after = 1, delay_ms = 0;  // aliases of --fault
  bool help = false, version = false;
};

using bingads::tools::OptionSpec;
using bingads::tools::UsageError;
using bingads::tools::WholeNumber;

// What the store and the services do: state, terms, tokens, replay.
void ServiceTable(Settings& s, std::vector<OptionSpec>& t) {
  auto& o = s.service;
  t.push_back({"--state", true, [&o](const std::string& x) {
                 if (x.empty()) throw UsageError{"--state needs a file name"};
                 o.state_file = x;
               }});
  t.push_back({"--disapproved-terms", true, [&o](const std::string& x) {
                 o.disapproved_terms.clear();
                 for (std::size_t start = 0; start <= x.size();) {
                   const auto comma = std::min(x.find(',', start), x.size());
                   if (comma > start) o.disapproved_terms.push_back(x.substr(start, comma - start));
                   start = comma + 1;
                 }
               }});
  t.push_back({"--token-ttl", true, [&o](const std::string& x) {
                 o.token_ttl = std::chrono::seconds(WholeNumber("--token-ttl", x, 1, 86400L * 365));
               }});
  t.push_back({"--refresh-token", true, [&o](const std::string& x) {
                 if (x.empty()) throw UsageError{"--refresh-token needs a value"};
                 o.refresh_token = x;
               }});
  t.push_back({"--soap-faults-http-200", false,
               [&o](const std::string&) { o.soap_faults_with_200 = true; }});
  t.push_back({"--empty-accounts", false, [&o](const std::string&) { o.empty_accounts = true; }});
  t.push_back({"--rate-limit", true, [&o](const std::string& x) {
                 try {
                   o.rate_limit = bingads::emulator::ParseRateLimit(x);
                 } catch (const std::invalid_argument& e) {
                   throw UsageError{e.what()};
                 }
               }});
  t.push_back({"--max-in-flight", true, [&o](const std::string& x) {
                 o.max_in_flight =
                     static_cast<std::size_t>(WholeNumber("--max-in-flight", x, 1, 100000));
               }});
  t.push_back({"--report-pending-ms", true, [&o](const std::string& x) {
                 o.report_pending =
                     std::chrono::milliseconds(WholeNumber("--report-pending-ms", x, 0, 3600000));
               }});
  t.push_back({"--replay", true, [&s](const std::string& x) {
                 try {
                   s.replay = bingads::MakeReplayTransport(x);
                 } catch (const std::exception& e) {
                   throw UsageError{e.what()};
                 }
               }});
}

// Faults on demand, and the older options that are faults too.
void FaultTable(Settings& s, std::vector<OptionSpec>& t) {
  t.push_back({"--fault", true, [&s](const std::string& x) {
                 try {
                   bingads::emulator::ParseFaultSpec(x);
                 } catch (const std::invalid_argument& e) {
                   throw UsageError{e.what()};
                 }
                 s.service.faults.push_back(x);
               }});
  t.push_back({"--fault-seed", true, [&s](const std::string& x) {
                 s.service.fault_seed =
                     static_cast<std::uint64_t>(WholeNumber("--fault-seed", x, 0, 2147483647));
               }});
  t.push_back({"--throttle-every", true, [&s](const std::string& x) {
                 s.throttle_every = WholeNumber("--throttle-every", x, 0, 1000000);
               }});
  t.push_back({"--fail-every", true, [&s](const std::string& x) {
                 s.fail_every = WholeNumber("--fail-every", x, 0, 1000000);
               }});
  t.push_back({"--retry-after", true, [&s](const std::string& x) {
                 s.retry_after = WholeNumber("--retry-after", x, 0, 3600);
               }});
  t.push_back({"--delay-ms", true, [&s](const std::string& x) {
                 s.delay_ms = WholeNumber("--delay-ms", x, 0, 600000);
               }});
}

// Where it listens and what its front tolerates.
void ServerTable(Settings& s, std::vector<OptionSpec>& t) {
  auto& l = s.limits;
  t.push_back({"--port", true, [&s](const std::string& x) {
                 s.port = static_cast<int>(WholeNumber("--port", x, 0, 65535));
               }});
  t.push_back({"--host", true, [&s](const std::string& x) { s.host = x; }});
  t.push_back({"--max-connections", true, [&l](const std::string& x) {
                 l.max_connections =
                     static_cast<std::size_t>(WholeNumber("--max-connections", x, 1, 1000000));
               }});
  for (const char* name : {"--idle-timeout", "--request-timeout"}) {
    t.push_back({name, true, [&l, name](const std::string& x) {
                   (std::string_view(name) == "--idle-timeout" ? l.idle_timeout
                                                               : l.request_timeout) =
                       std::chrono::seconds(WholeNumber(name, x, 1, 3600));
                 }});
  }
  t.push_back({"--max-request-mb", true, [&l](const std::string& x) {
                 l.max_body_bytes =
                     static_cast<std::size_t>(WholeNumber("--max-request-mb", x, 1, 4096)) << 20;
               }});
  for (const char* name : {"--help", "-h"})
    t.push_back({name, false, [&s](const std::string&) { s.help = true; }});
  t.push_back({"--version", false, [&s](const std::string&) { s.version = true; }});
}

// The older options are faults too, taken before those given with --fault.
void AddAliases(Settings& s) {
  std::vector<std::string> aliases;
  if (s.delay_ms > 0) aliases.push_back("latency,ms=" + std::to_string(s.delay_ms));
  if (s.throttle_every > 0) {
    aliases.push_back("throttle,every=" + std::to_string(s.throttle_every) +
                      ",retry-after=" + std::to_string(s.retry_after));
  }
  if (s.fail_every > 0) aliases.push_back("internal-error,every=" + std::to_string(s.fail_every));
  s.service.faults.insert(s.service.faults.begin(), aliases.begin(), aliases.end());
}

// Serves until SIGINT or SIGTERM.
int Serve(const Settings& settings) {
  // Block the stop signals in every thread; the main thread waits for them below.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  std::unique_ptr<bingads::emulator::BudgetService> service;
  try {
    service = std::make_unique<bingads::emulator::BudgetService>(settings.service);
  } catch (const std::exception& e) {
    std::cerr << "bingads-emulator: " << e.what() << "\n";
    return 1;
  }
  // Every connection takes a descriptor: use all the process may have.
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }
  bingads::emulator::Server server(*service, settings.limits, settings.replay);
  int bound = 0;
  try {
    bound = server.Start(settings.host, settings.port);
  } catch (const std::exception& e) {
    std::cerr << "bingads-emulator: " << e.what() << "\n";
    return 1;
  }
  std::cout << "listening on http://" << settings.host << ":" << bound << std::endl;
  std::cerr << "bingads-emulator: at most " << server.Limits().max_connections
            << " connections, idle timeout " << server.Limits().idle_timeout.count()
            << " ms, request timeout " << server.Limits().request_timeout.count()
            << " ms, request bodies up to " << (server.Limits().max_body_bytes >> 20) << " MiB\n";
  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  server.Stop();
  std::cerr << "bingads-emulator: stopped by signal " << signal_number << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Settings settings;
  try {
    std::vector<OptionSpec> table;
    ServiceTable(settings, table);
    FaultTable(settings, table);
    ServerTable(settings, table);
    bingads::tools::ParseArguments(
        std::vector<std::string>(argv + 1, argv + argc), table,
        [](const std::string& word) { throw UsageError{"unexpected argument '" + word + "'"}; });
  } catch (const UsageError& e) {
    return Usage(e.message.c_str());
  }
  if (settings.help) {
    Usage("help");
    return 0;
  }
  if (settings.version) {
    std::cout << "bingads-emulator " << bingads::kVersion << "\n";
    return 0;
  }
  AddAliases(settings);
  return Serve(settings);
}
