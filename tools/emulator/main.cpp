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
      << "  --max-connections N      open connections at once; past it 503; default 4096\n"
      << "                           (at most what the descriptor limit allows)\n"
      << "  --idle-timeout SECONDS   close a kept-alive connection idle this long; default 5\n"
      << "  --request-timeout SECONDS\n"
      << "                           a request must arrive whole within this; default 10\n"
      << "  --max-request-mb N       largest request body; past it 413; default 64\n"
      << "  --version                print the version and exit\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string host = "127.0.0.1";
  int port = 0;
  bingads::emulator::ServiceOptions service_options;
  bingads::emulator::ServerLimits limits;
  std::shared_ptr<bingads::HttpTransport> replay;
  long throttle_every = 0, fail_every = 0, retry_after = 1, delay_ms = 0;  // aliases of --fault
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      Usage("help");
      return 0;
    }
    if (arg == "--version") {
      std::cout << "bingads-emulator " << bingads::kVersion << "\n";
      return 0;
    }
    if (arg == "--soap-faults-http-200") {
      service_options.soap_faults_with_200 = true;
      continue;
    }
    if (arg == "--empty-accounts") {
      service_options.empty_accounts = true;
      continue;
    }
    static const char* const kValued[] = {"--replay",
                                          "--port",
                                          "--host",
                                          "--state",
                                          "--disapproved-terms",
                                          "--token-ttl",
                                          "--refresh-token",
                                          "--fault",
                                          "--fault-seed",
                                          "--throttle-every",
                                          "--fail-every",
                                          "--retry-after",
                                          "--delay-ms",
                                          "--max-connections",
                                          "--idle-timeout",
                                          "--request-timeout",
                                          "--max-request-mb"};
    if (std::find(std::begin(kValued), std::end(kValued), arg) == std::end(kValued)) {
      return Usage(("unknown option " + arg).c_str());
    }
    if (i + 1 >= argc) return Usage(("missing value for " + arg).c_str());
    const std::string value = argv[++i];
    // A whole number in [low, high].
    auto number = [&](long low, long high) -> std::optional<long> {
      char* end = nullptr;
      const long parsed = std::strtol(value.c_str(), &end, 10);
      if (value.empty() || *end != '\0' || parsed < low || parsed > high) return std::nullopt;
      return parsed;
    };
    struct Range {
      long low, high;
    };
    auto need = [&](Range r) -> std::optional<long> { return number(r.low, r.high); };
    auto bad = [&](Range r) {
      return Usage((arg + " needs a whole number from " + std::to_string(r.low) + " to " +
                    std::to_string(r.high))
                       .c_str());
    };
    if (arg == "--port") {
      constexpr Range r{0, 65535};
      auto v = need(r);
      if (!v) return bad(r);
      port = static_cast<int>(*v);
    } else if (arg == "--host") {
      host = value;
    } else if (arg == "--state") {
      if (value.empty()) return Usage("--state needs a file name");
      service_options.state_file = value;
    } else if (arg == "--disapproved-terms") {
      service_options.disapproved_terms.clear();
      for (std::size_t start = 0; start <= value.size();) {
        const auto comma = std::min(value.find(',', start), value.size());
        if (comma > start)
          service_options.disapproved_terms.push_back(value.substr(start, comma - start));
        start = comma + 1;
      }
    } else if (arg == "--token-ttl") {
      constexpr Range r{1, 86400L * 365};
      auto v = need(r);
      if (!v) return bad(r);
      service_options.token_ttl = std::chrono::seconds(*v);
    } else if (arg == "--refresh-token") {
      if (value.empty()) return Usage("--refresh-token needs a value");
      service_options.refresh_token = value;
    } else if (arg == "--fault") {
      try {
        bingads::emulator::ParseFaultSpec(value);
      } catch (const std::invalid_argument& e) {
        return Usage(e.what());
      }
      service_options.faults.push_back(value);
    } else if (arg == "--fault-seed") {
      constexpr Range r{0, 2147483647};
      auto v = need(r);
      if (!v) return bad(r);
      service_options.fault_seed = static_cast<std::uint64_t>(*v);
    } else if (arg == "--throttle-every" || arg == "--fail-every") {
      constexpr Range r{0, 1000000};
      auto v = need(r);
      if (!v) return bad(r);
      (arg == "--throttle-every" ? throttle_every : fail_every) = *v;
    } else if (arg == "--retry-after") {
      constexpr Range r{0, 3600};
      auto v = need(r);
      if (!v) return bad(r);
      retry_after = *v;
    } else if (arg == "--replay") {
      try {
        replay = bingads::MakeReplayTransport(value);
      } catch (const std::exception& e) {
        return Usage(e.what());
      }
    } else if (arg == "--max-connections") {
      constexpr Range r{1, 1000000};
      auto v = need(r);
      if (!v) return bad(r);
      limits.max_connections = static_cast<std::size_t>(*v);
    } else if (arg == "--idle-timeout" || arg == "--request-timeout") {
      constexpr Range r{1, 3600};
      auto v = need(r);
      if (!v) return bad(r);
      (arg == "--idle-timeout" ? limits.idle_timeout : limits.request_timeout) =
          std::chrono::seconds(*v);
    } else if (arg == "--max-request-mb") {
      constexpr Range r{1, 4096};
      auto v = need(r);
      if (!v) return bad(r);
      limits.max_body_bytes = static_cast<std::size_t>(*v) << 20;
    } else {  // --delay-ms
      constexpr Range r{0, 600000};
      auto v = need(r);
      if (!v) return bad(r);
      delay_ms = *v;
    }
  }
  // The older options are faults too, taken before those given with --fault.
  std::vector<std::string> aliases;
  if (delay_ms > 0) aliases.push_back("latency,ms=" + std::to_string(delay_ms));
  if (throttle_every > 0) {
    aliases.push_back("throttle,every=" + std::to_string(throttle_every) +
                      ",retry-after=" + std::to_string(retry_after));
  }
  if (fail_every > 0) aliases.push_back("internal-error,every=" + std::to_string(fail_every));
  service_options.faults.insert(service_options.faults.begin(), aliases.begin(), aliases.end());

  // Block the stop signals in every thread; the main thread waits for them below.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  std::unique_ptr<bingads::emulator::BudgetService> service;
  try {
    service = std::make_unique<bingads::emulator::BudgetService>(service_options);
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
  bingads::emulator::Server server(*service, limits, replay);
  int bound = 0;
  try {
    bound = server.Start(host, port);
  } catch (const std::exception& e) {
    std::cerr << "bingads-emulator: " << e.what() << "\n";
    return 1;
  }
  std::cout << "listening on http://" << host << ":" << bound << std::endl;
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
