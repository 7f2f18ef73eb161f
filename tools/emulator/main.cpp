// bingads-emulator: a local Campaign Management budget service speaking SOAP 1.1 and REST.
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "server.h"
#include "service.h"

namespace {

int Usage(const char* message) {
  std::cerr << "bingads-emulator: " << message << "\n"
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
            << "  --throttle-every N       every Nth call: 117 CallRateExceeded (REST 429)\n"
            << "  --fail-every N           every Nth call: 0 InternalError (REST 500)\n"
            << "  --retry-after SECONDS    Retry-After sent with throttling; default 1\n"
            << "  --delay-ms N             wait before every API response; default 0\n"
            << "  --soap-faults-http-200   send SOAP faults with HTTP 200 instead of 500\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string host = "127.0.0.1";
  int port = 0;
  bingads::emulator::ServiceOptions service_options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if ((arg == "--port" || arg == "--host") && i + 1 >= argc)
      return Usage(("missing value for " + arg).c_str());
    if (arg == "--port") {
      const std::string value = argv[++i];
      char* end = nullptr;
      const long parsed = std::strtol(value.c_str(), &end, 10);
      if (value.empty() || *end != '\0' || parsed < 0 || parsed > 65535)
        return Usage("--port needs 0..65535");
      port = static_cast<int>(parsed);
    } else if (arg == "--host") {
      host = argv[++i];
    } else if (arg == "--state") {
      service_options.state_file = argv[++i];
      if (service_options.state_file.empty()) return Usage("--state needs a file name");
    } else if (arg == "--disapproved-terms") {
      service_options.disapproved_terms.clear();
      std::string list = argv[++i];
      for (std::size_t start = 0; start <= list.size();) {
        const auto comma = std::min(list.find(',', start), list.size());
        if (comma > start)
          service_options.disapproved_terms.push_back(list.substr(start, comma - start));
        start = comma + 1;
      }
    } else if (arg == "--help" || arg == "-h") {
      Usage("help");
      return 0;
    } else {
      return Usage(("unknown option " + arg).c_str());
    }
  }

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
  bingads::emulator::Server server(*service);
  int bound = 0;
  try {
    bound = server.Start(host, port);
  } catch (const std::exception& e) {
    std::cerr << "bingads-emulator: " << e.what() << "\n";
    return 1;
  }
  std::cout << "listening on http://" << host << ":" << bound << std::endl;
  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  server.Stop();
  std::cerr << "bingads-emulator: stopped by signal " << signal_number << "\n";
  return 0;
}
