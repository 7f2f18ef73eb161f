// The Reporting service's report file: a ZIP holding one CSV or TSV entry in Microsoft's layout
// (optional header lines, the column row, data rows, a copyright footer). Nothing in it is
// trusted: sizes are checked before and while inflating, and every row is checked against the
// column row. Not installed.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bingads::internal {

/// The first entry of the ZIP `zip`, inflated. Throws Error(kResponseTooLarge) when it holds (or
/// inflates to) more than `max_bytes`, and Error(kMalformedResponse) for anything that is no ZIP,
/// a ZIP with no entry, or an encrypted or unreadable one.
std::string UnzipFirstEntry(std::string_view zip, std::size_t max_bytes);

/// What the report file says besides its rows.
struct ReportLayout {
  /// The header lines ("Report Time: 8/1/2026" gives {"Report Time", "8/1/2026"}), in order.
  std::vector<std::pair<std::string, std::string>> header;
  std::vector<std::string> columns;  ///< The column row.
  std::size_t rows = 0;              ///< Data rows read.
  /// The value of header line `key`, or "" when the file has none.
  std::string Header(std::string_view key) const;
};

/// Reads a report in Microsoft's layout, `delimiter` ',' (Csv) or '\t' (Tsv): UTF-8 with or
/// without a BOM, RFC 4180 quoting (a field may hold the delimiter, "" and line breaks), CR, LF or
/// CRLF line ends, blank lines and a "©YEAR Microsoft Corporation" (or "@YEAR") footer skipped.
/// `on_row` gets the layout so far (its header lines and columns) and each data row's fields, one
/// per column, verbatim ("--" included: what it means
/// is the caller's to say; "=cmd" stays text). Throws Error(kMalformedResponse) naming the line
/// for a row whose field count differs from the column row's, an unterminated quote, no column
/// row, or a "Rows: N" header line that disagrees with the rows read (a cut report).
ReportLayout ReadReport(
    std::string_view text, char delimiter,
    const std::function<void(const ReportLayout&, const std::vector<std::string>&)>& on_row);

}  // namespace bingads::internal
