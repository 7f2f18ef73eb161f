// The Reporting service's report file as the client reads it: the first byte picks CSV, TSV, or a
// ZIP around a CSV; the rest is the file. Only the documented refusals may come out.
#include "reporting/report_file.h"

#include <bingads/errors.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::uint8_t selector = data[0] % 3;
  std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  std::size_t fields = 0;
  try {
    std::string inflated;
    if (selector == 2) {
      inflated = bingads::internal::UnzipFirstEntry(bytes, 1 << 20);
      bytes = inflated;
    }
    const auto layout = bingads::internal::ReadReport(
        bytes, selector == 1 ? '\t' : ',',
        [&fields](const bingads::internal::ReportLayout&, const std::vector<std::string>& row) {
          fields += row.size();
        });
    // Every row has exactly as many fields as the column row.
    if (fields != layout.rows * layout.columns.size()) __builtin_trap();
  } catch (const bingads::Error&) {
    // the documented refusals: malformed or too large
  }
  return 0;
}
