// bingads-budgets: command-line client for Microsoft Advertising shared budgets (SOAP or REST).
#include <malloc.h>

#include <cstdlib>
#include <iostream>

#include "cli.h"

int main(int argc, char** argv) {
  // Large buffers (response bodies) are mapped and unmapped on their own, so the memory of one
  // large response goes back to the system when it is freed, and the peak stays near one response
  // limit however many calls a command makes. (A fixed threshold also stops glibc from raising it
  // after the first large free.)
  mallopt(M_MMAP_THRESHOLD, 256 * 1024);
  std::vector<std::string> args(argv + 1, argv + argc);
  return bingads::cli::Run(
      args, [](const char* name) { return std::getenv(name); }, std::cin, std::cout, std::cerr);
}
