#include "local_emulator.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <thread>
#include <vector>

#include "checks.h"

namespace bingads::cli {
namespace {

// The first line the child prints ("listening on URL"), read until `deadline`; "" if none.
std::string FirstLine(int fd, std::chrono::steady_clock::time_point deadline) {
  std::string line;
  while (line.size() < 512) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{fd, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    char c = 0;
    if (::read(fd, &c, 1) != 1 || c == '\n') break;
    line += c;
  }
  return line;
}

bool Exited(pid_t pid, std::chrono::milliseconds within) {
  const auto deadline = std::chrono::steady_clock::now() + within;
  do {
    if (::waitpid(pid, nullptr, WNOHANG) == pid) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  } while (std::chrono::steady_clock::now() < deadline);
  return false;
}

}  // namespace

LocalEmulator::LocalEmulator(const std::string& program, std::chrono::milliseconds wait) {
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("cannot make a pipe");
  std::vector<std::string> args = {program, "--host", "127.0.0.1", "--port", "0"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ == 0) {  // only async-signal-safe calls until exec
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(127);
    ::dup2(out[1], STDOUT_FILENO);
    ::dup2(out[1], STDERR_FILENO);
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(out[1]);
  if (pid_ < 0) {
    ::close(out[0]);
    throw std::runtime_error("cannot start '" + program + "': " + std::strerror(errno));
  }
  output_ = out[0];
  const std::string line = FirstLine(output_, std::chrono::steady_clock::now() + wait);
  const std::string prefix = "listening on ";
  if (line.rfind(prefix, 0) != 0) {
    Stop();
    throw std::runtime_error(
        "the local emulator '" + program + "' did not start" +
        (line.empty() ? std::string() : " (it said: " + internal::Excerpt(line) + ")") +
        " (is it installed beside bingads-budgets? BINGADS_EMULATOR names another)");
  }
  base_url_ = line.substr(prefix.size());
}

LocalEmulator::~LocalEmulator() { Stop(); }

void LocalEmulator::Stop() {
  if (pid_ <= 0) {
    if (output_ >= 0) ::close(output_);
    output_ = -1;
    return;
  }
  ::kill(pid_, SIGTERM);
  if (!Exited(pid_, std::chrono::seconds(2))) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  pid_ = -1;
  ::close(output_);  // after the child is gone: its last words never meet a closed pipe
  output_ = -1;
}

std::string EmulatorProgram(const std::function<const char*(const char*)>& env) {
  if (const char* named = env("BINGADS_EMULATOR"); named != nullptr && *named != '\0') return named;
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const auto beside = self.parent_path() / "bingads-emulator";
    if (::access(beside.c_str(), X_OK) == 0) return beside.string();
  }
  return "bingads-emulator";
}

}  // namespace bingads::cli
