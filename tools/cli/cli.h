// bingads-budgets command-line tool, as a function so tests can run it in-process.
#pragma once

#include <functional>
#include <istream>
#include <ostream>
#include <string>
#include <vector>

namespace bingads::cli {

/// Exit statuses (documented in the README).
enum ExitCode : int {
  kExitOk = 0,              ///< The call completed (with or without partial errors).
  kExitUsage = 2,           ///< Bad options or input; nothing was sent.
  kExitApiFault = 3,        ///< The service answered with a fault.
  kExitAuthentication = 4,  ///< The service refused the credentials.
  kExitTransport = 5,       ///< No usable response: network, TLS, timeout, malformed body.
  kExitMismatch = 6,        ///< compare / migrate-check: SOAP and REST results differ.
};

/// Looks up an environment variable; returns nullptr when unset.
using EnvLookup = std::function<const char*(const char*)>;

/// Runs the CLI with `args` (without the program name). `--file -` reads `in`; JSON goes to
/// `out`, one-line errors and --verbose logs to `err`.
int Run(const std::vector<std::string>& args, const EnvLookup& env, std::istream& in,
        std::ostream& out, std::ostream& err);

/// Sets the process's malloc as the CLI runs with it: buffers up to 16 MiB (responses, results,
/// output) come from the heap and are reused from one call to the next, instead of each being a
/// fresh mapping whose every page faults on first touch (the 11,000-budget read took 3,400 page
/// faults with the 256 KiB threshold it had, 1,740 with this and the streamed output); free
/// memory past 32 MiB at the top of the heap still goes back to the system, so the peak stays
/// near what one command holds at once. Larger buffers are mapped on their own. The bench's
/// memory figure sets it too.
void SetMalloc();

}  // namespace bingads::cli
