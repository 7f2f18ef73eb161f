// The Reporting service's report files: the ZIP around them and Microsoft's CSV/TSV layout.
#include "reporting/report_file.h"

#include <bingads/errors.h>
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "report_zip.h"

namespace {

using bingads::Error;
using bingads::ErrorKind;
using bingads::internal::ReadReport;
using bingads::internal::ReportLayout;
using bingads::internal::UnzipFirstEntry;
using Rows = std::vector<std::vector<std::string>>;

ReportLayout Read(const std::string& text, Rows& rows, char delimiter = ',') {
  return ReadReport(
      text, delimiter,
      [&rows](const ReportLayout&, const std::vector<std::string>& f) { rows.push_back(f); });
}

ErrorKind KindOf(const std::function<void()>& f, std::string* message = nullptr) {
  try {
    f();
  } catch (const Error& e) {
    if (message != nullptr) *message = e.what();
    return e.Kind();
  }
  FAIL("no error");
  return ErrorKind::kUsage;
}

// Microsoft's layout: BOM, header lines, a blank line, the column row, quoted rows, the footer.
const std::string kReport =
    "\xEF\xBB\xBF\"Report Name: budget usage\"\r\n"
    "\"Report Time: 12/1/2026, 12/3/2026\"\r\n"
    "\"Time Zone: (GMT-08:00) Pacific Time (US & Canada); Tijuana\"\r\n"
    "\"Potential Incomplete Data: true\"\r\n"
    "\"Rows: 3\"\r\n"
    "\r\n"
    "\"TimePeriod\",\"CampaignId\",\"CampaignName\",\"Spend\"\r\n"
    "\"2026-12-01\",\"987\",\"Shoes, \"\"summer\"\"\",\"42.17\"\r\n"
    "\"2026-12-02\",\"988\",\"two\nlines \xC3\xA9t\xC3\xA9\",\"--\"\r\n"
    "\"2026-12-03\",\"989\",\"=cmd|' /C calc'!A0\",\"1,000.50\"\r\n"
    "\r\n"
    "\"\xC2\xA9"
    "2026 Microsoft Corporation. All rights reserved. \"\r\n";

}  // namespace

TEST_CASE("report file: Microsoft's CSV layout gives its header lines, columns and rows") {
  Rows rows;
  const ReportLayout layout = Read(kReport, rows);
  CHECK(layout.Header("Report Time") == "12/1/2026, 12/3/2026");
  CHECK(layout.Header("Time Zone") == "(GMT-08:00) Pacific Time (US & Canada); Tijuana");
  CHECK(layout.Header("Potential Incomplete Data") == "true");
  CHECK(layout.Header("Absent").empty());
  CHECK(layout.columns ==
        std::vector<std::string>{"TimePeriod", "CampaignId", "CampaignName", "Spend"});
  REQUIRE(rows.size() == 3);
  CHECK(layout.rows == 3);
  CHECK(rows[0][2] == "Shoes, \"summer\"");
  CHECK(rows[1][2] == "two\nlines \xC3\xA9t\xC3\xA9");
  CHECK(rows[1][3] == "--");                  // "no value" is the caller's to read
  CHECK(rows[2][2] == "=cmd|' /C calc'!A0");  // a formula stays text
  CHECK(rows[2][3] == "1,000.50");
}

TEST_CASE("report file: no header, the documentation's @ footer, TSV and LF line ends") {
  Rows rows;
  const std::string tsv =
      "TimePeriod\tSpend\n2026-12-01\t3.50\n\n\"@2020 Microsoft Corporation. All rights reserved. "
      "\"\n";
  const ReportLayout layout = Read(tsv, rows, '\t');
  CHECK(layout.header.empty());
  REQUIRE(rows.size() == 1);
  CHECK(rows[0] == std::vector<std::string>{"2026-12-01", "3.50"});
  // An empty file (a report with no rows at all) has nothing to say, and is no error.
  Rows none;
  CHECK(Read("", none).rows == 0);
}

TEST_CASE("report file: a cut or ill-formed report is an error naming what is wrong") {
  Rows rows;
  std::string message;
  // The header promised three rows; the file was cut after the first.
  const std::string cut = kReport.substr(0, kReport.find("\"2026-12-02\""));
  CHECK(KindOf([&] { Read(cut, rows); }, &message) == ErrorKind::kMalformedResponse);
  CHECK(message.find("says 3 rows but 1 were read") != std::string::npos);
  // Cut inside a quoted field.
  CHECK(KindOf([&] { Read(kReport.substr(0, kReport.find("summer")), rows); }, &message) ==
        ErrorKind::kMalformedResponse);
  CHECK(message.find("never closes") != std::string::npos);
  // A row with a field too many.
  CHECK(KindOf([&] { Read("\"A\",\"B\"\n\"1\",\"2\",\"3\"\n", rows); }, &message) ==
        ErrorKind::kMalformedResponse);
  CHECK(message.find("line 2 has 3 fields where the column row has 2") != std::string::npos);
  // Data after the footer, and a header line only.
  CHECK(KindOf([&] {
          Read(
              "\"A\",\"B\"\n\"\xC2\xA9"
              "2026 Microsoft Corporation.\"\n\"1\",\"2\"\n",
              rows);
        }) == ErrorKind::kMalformedResponse);
  CHECK(KindOf([&] { Read("\"Report Name: x\"\n", rows); }) == ErrorKind::kMalformedResponse);
}

TEST_CASE("report file: the ZIP's first entry is read, within the size limit") {
  const std::string zip = bingads::emulator::ZipOneEntry("budget usage.csv", kReport);
  CHECK(zip.size() < kReport.size() + 200);
  CHECK(UnzipFirstEntry(zip, 1 << 20) == kReport);
  // A ZIP bomb: 64 MiB of one letter deflates to about 64 KiB; the limit stops it early.
  const std::string bomb = bingads::emulator::ZipOneEntry("bomb.csv", std::string(64 << 20, 'a'));
  CHECK(bomb.size() < (1 << 20));
  std::string message;
  CHECK(KindOf([&] { UnzipFirstEntry(bomb, 1 << 20); }, &message) == ErrorKind::kResponseTooLarge);
  CHECK(message.find("1048576 bytes") != std::string::npos);
  // Not a ZIP at all (a proxy's HTML page), a cut ZIP, an empty one.
  CHECK(KindOf([&] { UnzipFirstEntry("<html><body>502 Bad Gateway</body></html>", 1 << 20); }) ==
        ErrorKind::kMalformedResponse);
  CHECK(KindOf([&] { UnzipFirstEntry(zip.substr(0, zip.size() / 2), 1 << 20); }) ==
        ErrorKind::kMalformedResponse);
  CHECK(KindOf([&] { UnzipFirstEntry(zip.substr(0, 30), 1 << 20); }) ==
        ErrorKind::kMalformedResponse);
  CHECK(KindOf([&] { UnzipFirstEntry("", 1 << 20); }) == ErrorKind::kMalformedResponse);
}
