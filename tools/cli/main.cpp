// bingads-budgets: command-line client for Microsoft Advertising shared budgets (SOAP or REST).
#include <malloc.h>

#include <cstdlib>
#include <iostream>

#include "cli.h"

int main(int argc, char** argv) {
  // Buffers up to 16 MiB (responses, results, output) come from the heap and are reused from
  // one call to the next, instead of each being a fresh mapping whose every page faults on first
  // touch (the 11,000-budget read took 3,350 page faults with a 256 KiB threshold, 2,120 with
  // this); free memory past 32 MiB at the top of the heap still goes back to the system, so the
  // peak stays near what one command holds at once. Larger buffers are mapped on their own.
  mallopt(M_MMAP_THRESHOLD, 16 << 20);
  mallopt(M_TRIM_THRESHOLD, 32 << 20);
  std::vector<std::string> args(argv + 1, argv + argc);
  return bingads::cli::Run(
      args, [](const char* name) { return std::getenv(name); }, std::cin, std::cout, std::cerr);
}
