// bingads-budgets: command-line client for Microsoft Advertising shared budgets (SOAP or REST).
#include <cstdlib>
#include <iostream>

#include "cli.h"

int main(int argc, char** argv) {
  bingads::cli::SetMalloc();
  std::vector<std::string> args(argv + 1, argv + argc);
  return bingads::cli::Run(
      args, [](const char* name) { return std::getenv(name); }, std::cin, std::cout, std::cerr);
}
