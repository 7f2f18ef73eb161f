// Files from outside and files we write beside them: recordings, the emulator's state, the
// refresh-token file. Reads never block on a special file, never follow a link out of a folder
// and never take more than a limit; writes never go through a link or onto a file we did not
// make, and are owner-only.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace bingads::internal {

/// A file could not be read or written as asked; what() says why (never the file's contents).
class FileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A folder held open, so that the files named in it are looked up in it and nowhere else.
class Folder {
 public:
  /// Opens the folder `path` (a link the caller names is followed); `create` makes it, owner-only,
  /// when it is missing, with its parents. Throws FileError.
  Folder(const std::string& path, bool create);
  ~Folder();
  Folder(const Folder&) = delete;
  Folder& operator=(const Folder&) = delete;

  const std::string& Path() const { return path_; }

  /// Whether `name` is a plain name of a file in the folder: not empty, no '/', no NUL, not "."
  /// or "..".
  static bool PlainName(std::string_view name);

  /// The whole of the regular file `name` (a plain name) in this folder, of at most `limit`
  /// bytes. Refused: a link (even one that stays inside), a FIFO, a device or a folder, and a
  /// file over the limit. Never blocks. Throws FileError.
  std::string Read(std::string_view name, std::size_t limit) const;
  /// Whether `name` exists in the folder (as anything, a dangling link included).
  bool Holds(std::string_view name) const;
  /// Makes the new file `name` (owner-only) holding `text`; refused when anything of that name
  /// exists. Throws FileError.
  void Create(std::string_view name, std::string_view text) const;
  /// Appends `text` to `name`, made owner-only if missing; refused when it is a link, not a
  /// regular file, or has other hard links (which could lead out of the folder). Throws FileError.
  void Append(std::string_view name, std::string_view text) const;

 private:
  int Open(std::string_view name, int flags) const;

  std::string path_;
  int fd_ = -1;
};

/// The whole of the regular file at `path` (links the caller names are followed), of at most
/// `limit` bytes; a FIFO, device or folder, or a larger file, is refused. Never blocks. Throws
/// FileError.
std::string ReadRegularFile(const std::string& path, std::size_t limit);

/// Replaces the file at `path` with `text`, owner-only: a new temporary file beside it (never an
/// existing one, never through a link), flushed to disk, renamed over `path`, so a crash leaves
/// the old or the new content. Throws FileError.
void ReplaceFile(const std::string& path, std::string_view text);

}  // namespace bingads::internal
