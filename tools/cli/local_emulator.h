// migrate-check's local emulator: the bingads-emulator program as a child process, so that the
// CLI does not link the emulator.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>

namespace bingads::cli {

class LocalEmulator {
 public:
  /// Starts `program` on a free loopback port and waits at most `wait` for the URL it prints.
  /// Throws std::runtime_error naming the program when it cannot start or says nothing in time.
  /// The child gets SIGTERM should this process die first. Its stdout and stderr go to a pipe of
  /// this object's, never to this process's stderr (where its lines would split the CLI's own),
  /// and what it said first is in the error when it does not start.
  LocalEmulator(const std::string& program, std::chrono::milliseconds wait);
  /// Stops the child: SIGTERM, then SIGKILL after two seconds.
  ~LocalEmulator();
  LocalEmulator(const LocalEmulator&) = delete;
  LocalEmulator& operator=(const LocalEmulator&) = delete;

  const std::string& BaseUrl() const { return base_url_; }

 private:
  void Stop();

  pid_t pid_ = -1;
  int output_ = -1;  // the read end of the child's stdout and stderr, open until it is reaped
  std::string base_url_;
};

/// The emulator program to start: $BINGADS_EMULATOR, else bingads-emulator beside this
/// executable, else bingads-emulator on PATH.
std::string EmulatorProgram(const std::function<const char*(const char*)>& env);

}  // namespace bingads::cli
