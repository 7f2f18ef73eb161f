#include "files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace bingads::internal {
namespace {

std::string Quoted(std::string_view name) { return "'" + std::string(name) + "'"; }

// Why open() failed, in words.
std::string OpenFailure(std::string_view what, int error) {
  if (error == ELOOP) return std::string(what) + " is a symbolic link, which is not followed";
  if (error == ENOENT) return std::string(what) + " does not exist";
  if (error == EEXIST) return std::string(what) + " already exists, and is never overwritten";
  if (error == ENXIO) return std::string(what) + " is a FIFO or socket, not a regular file";
  return std::string(what) + ": " + std::strerror(error);
}

class Descriptor {
 public:
  explicit Descriptor(int fd) : fd_(fd) {}
  ~Descriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  int Get() const { return fd_; }
  // Closes now, reporting a failure (a write that did not reach the file).
  bool Close() {
    const int fd = fd_;
    fd_ = -1;
    return ::close(fd) == 0;
  }

 private:
  int fd_;
};

// Reads all of the open file `fd`, which must be a regular file of at most `limit` bytes.
std::string ReadAll(int fd, const std::string& what, std::size_t limit) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw FileError(what + ": " + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) {
    throw FileError(what + " is not a regular file (a folder, FIFO, socket or device)");
  }
  if (static_cast<std::uint64_t>(st.st_size) > limit) {
    throw FileError(what + " holds " + std::to_string(st.st_size) + " bytes, over the limit of " +
                    std::to_string(limit));
  }
  std::string text(static_cast<std::size_t>(st.st_size) + 1, '\0');
  std::size_t got = 0;
  for (;;) {
    if (got == text.size()) {
      if (text.size() > limit) break;
      text.resize(std::min(limit + 1, text.size() + 65536));  // a file that grew meanwhile
    }
    const ssize_t n = ::read(fd, text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw FileError(what + ": " + std::strerror(errno));
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  if (got > limit) throw FileError(what + " grew past the limit of " + std::to_string(limit));
  text.resize(got);
  return text;
}

void WriteAll(int fd, std::string_view text, const std::string& what) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw FileError("cannot write " + what + ": " + std::strerror(errno));
    text.remove_prefix(static_cast<std::size_t>(n));
  }
}

}  // namespace

Folder::Folder(const std::string& path, bool create) : path_(path) {
  if (create) {
    const std::filesystem::path folder(path);
    std::error_code ec;
    if (folder.has_parent_path()) std::filesystem::create_directories(folder.parent_path(), ec);
    if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) {
      throw FileError("cannot make the folder " + Quoted(path) + ": " + std::strerror(errno));
    }
  }
  fd_ = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd_ < 0) throw FileError(OpenFailure("the folder " + Quoted(path), errno));
}

Folder::~Folder() { ::close(fd_); }

bool Folder::PlainName(std::string_view name) {
  return !name.empty() && name != "." && name != ".." &&
         name.find_first_of(std::string_view("/\0", 2)) == std::string_view::npos;
}

int Folder::Open(std::string_view name, int flags) const {
  if (!PlainName(name)) {
    throw FileError("the file name " + Quoted(name.substr(0, 80)) +
                    " is not a plain name inside the folder (a path, '..', or empty)");
  }
  const std::string text(name);
  const int fd = ::openat(fd_, text.c_str(), flags | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
  if (fd < 0) throw FileError(OpenFailure(Quoted(text), errno));
  return fd;
}

std::string Folder::Read(std::string_view name, std::size_t limit) const {
  const Descriptor fd(Open(name, O_RDONLY | O_NONBLOCK));
  return ReadAll(fd.Get(), Quoted(name), limit);
}

bool Folder::Holds(std::string_view name) const {
  struct stat st {};
  return PlainName(name) &&
         ::fstatat(fd_, std::string(name).c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
}

void Folder::Create(std::string_view name, std::string_view text) const {
  Descriptor fd(Open(name, O_WRONLY | O_CREAT | O_EXCL));
  WriteAll(fd.Get(), text, Quoted(name));
  if (!fd.Close()) throw FileError("cannot write " + Quoted(name) + ": " + std::strerror(errno));
}

void Folder::Append(std::string_view name, std::string_view text) const {
  Descriptor fd(Open(name, O_WRONLY | O_APPEND | O_CREAT | O_NONBLOCK));
  struct stat st {};
  if (::fstat(fd.Get(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1) {
    throw FileError(Quoted(name) + " is not a regular file of its own (a FIFO, a device, or a " +
                    "hard link to another file); not appended to");
  }
  WriteAll(fd.Get(), text, Quoted(name));
  if (!fd.Close()) throw FileError("cannot write " + Quoted(name) + ": " + std::strerror(errno));
}

std::string ReadRegularFile(const std::string& path, std::size_t limit) {
  const Descriptor fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
  if (fd.Get() < 0) throw FileError(OpenFailure(Quoted(path), errno));
  return ReadAll(fd.Get(), Quoted(path), limit);
}

void ReplaceFile(const std::string& path, std::string_view text) {
  static std::atomic<unsigned> counter{0};
  const std::string temporary =
      path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter.fetch_add(1));
  Descriptor fd(::open(temporary.c_str(),
                       O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600));
  if (fd.Get() < 0) throw FileError(OpenFailure("the temporary file " + Quoted(temporary), errno));
  try {
    WriteAll(fd.Get(), text, Quoted(temporary));
    if (::fsync(fd.Get()) != 0 || !fd.Close()) {
      throw FileError("cannot flush " + Quoted(temporary) + ": " + std::strerror(errno));
    }
    if (::rename(temporary.c_str(), path.c_str()) != 0) {
      throw FileError("cannot replace " + Quoted(path) + ": " + std::strerror(errno));
    }
  } catch (...) {
    ::unlink(temporary.c_str());
    throw;
  }
  const std::filesystem::path target(path);
  const std::string folder = target.has_parent_path() ? target.parent_path().string() : ".";
  const Descriptor dir(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.Get() >= 0) ::fsync(dir.Get());  // the rename itself reaches the disk
}

}  // namespace bingads::internal
