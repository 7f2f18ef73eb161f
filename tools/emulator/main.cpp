// bingads-emulator: a local Campaign Management budget service speaking SOAP 1.1 and REST.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include "server.h"
#include "service.h"

namespace {

int Usage(const char* message) {
  std::cerr << "bingads-emulator: " << message << "\n"
            << "usage: bingads-emulator [--port N] [--host 127.0.0.1]\n"
            << "  --port N     TCP port; 0 (the default) picks a free one\n"
            << "  --host ADDR  address to bind; default 127.0.0.1 (loopback only)\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string host = "127.0.0.1";
  int port = 0;
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

  bingads::emulator::BudgetService service;
  bingads::emulator::Server server(service);
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
