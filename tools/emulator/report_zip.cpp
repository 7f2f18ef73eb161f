#include "report_zip.h"

#include <zip.h>

#include <memory>
#include <stdexcept>

namespace bingads::emulator {
namespace {

struct SourceFree {
  void operator()(zip_source_t* s) const { zip_source_free(s); }
};
using Source = std::unique_ptr<zip_source_t, SourceFree>;

[[noreturn]] void Fail(const std::string& what, zip_error_t* error) {
  const std::string reason = error != nullptr ? zip_error_strerror(error) : "unknown";
  throw std::runtime_error("cannot make the report ZIP: " + what + " (" + reason + ")");
}

// The bytes a closed archive left in `source`.
std::string Contents(zip_source_t* source) {
  if (zip_source_open(source) != 0) Fail("reopen", zip_source_error(source));
  std::string bytes;
  char buffer[16 * 1024];
  zip_int64_t n = 0;
  while ((n = zip_source_read(source, buffer, sizeof buffer)) > 0) {
    bytes.append(buffer, static_cast<std::size_t>(n));
  }
  zip_source_close(source);
  if (n < 0) Fail("read back", zip_source_error(source));
  return bytes;
}

}  // namespace

std::string ZipOneEntry(std::string_view name, std::string_view content) {
  zip_error_t error;
  zip_error_init(&error);
  Source archive_bytes(zip_source_buffer_create(nullptr, 0, 0, &error));
  if (!archive_bytes) Fail("buffer", &error);
  zip_t* archive = zip_open_from_source(archive_bytes.get(), ZIP_TRUNCATE, &error);
  if (archive == nullptr) Fail("open", &error);
  zip_source_keep(archive_bytes.get());  // the archive's close must not free it
  zip_source_t* entry = zip_source_buffer(archive, content.data(), content.size(), 0);
  if (entry == nullptr || zip_file_add(archive, std::string(name).c_str(), entry, 0) < 0) {
    if (entry != nullptr) zip_source_free(entry);
    zip_discard(archive);
    Fail("add the entry", &error);
  }
  if (zip_close(archive) != 0) {
    zip_discard(archive);
    Fail("close", &error);
  }
  zip_error_fini(&error);
  return Contents(archive_bytes.get());
}

}  // namespace bingads::emulator
