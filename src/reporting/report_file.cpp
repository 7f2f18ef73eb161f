#include "report_file.h"

#include <bingads/errors.h>
#include <zip.h>

#include <charconv>
#include <memory>

#include "checks.h"

namespace bingads::internal {
namespace {

[[noreturn]] void Malformed(const std::string& problem) {
  throw Error(ErrorKind::kMalformedResponse, "report file could not be read: " + problem);
}

[[noreturn]] void TooLarge(std::size_t max_bytes) {
  throw Error(ErrorKind::kResponseTooLarge, "report file inflates past the limit of " +
                                                std::to_string(max_bytes) +
                                                " bytes; reading stopped");
}

struct ZipCloser {
  void operator()(zip_t* z) const { zip_discard(z); }
};
struct EntryCloser {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};

std::unique_ptr<zip_t, ZipCloser> OpenZip(std::string_view bytes) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  zip_t* archive = source != nullptr ? zip_open_from_source(source, ZIP_RDONLY, &error) : nullptr;
  if (archive == nullptr) {
    if (source != nullptr) zip_source_free(source);
    const std::string reason = zip_error_strerror(&error);
    zip_error_fini(&error);
    Malformed("not a ZIP (" + reason + ")");
  }
  zip_error_fini(&error);
  return std::unique_ptr<zip_t, ZipCloser>(archive);
}

}  // namespace

std::string UnzipFirstEntry(std::string_view zip, std::size_t max_bytes) {
  const auto archive = OpenZip(zip);
  if (zip_get_num_entries(archive.get(), 0) < 1) Malformed("the ZIP holds no entry");
  zip_stat_t stat;
  zip_stat_init(&stat);
  if (zip_stat_index(archive.get(), 0, 0, &stat) != 0) Malformed("its first entry is unreadable");
  if ((stat.valid & ZIP_STAT_ENCRYPTION_METHOD) && stat.encryption_method != ZIP_EM_NONE) {
    Malformed("its first entry is encrypted");
  }
  if ((stat.valid & ZIP_STAT_SIZE) && stat.size > max_bytes) TooLarge(max_bytes);
  std::unique_ptr<zip_file_t, EntryCloser> entry(zip_fopen_index(archive.get(), 0, 0));
  if (!entry)
    Malformed(std::string("its first entry cannot be opened (") + zip_strerror(archive.get()) +
              ")");
  // The declared size is the sender's word: the bytes are counted as they inflate.
  std::string text;
  char buffer[64 * 1024];
  while (true) {
    const zip_int64_t n = zip_fread(entry.get(), buffer, sizeof buffer);
    if (n < 0)
      Malformed(std::string("its first entry is cut or corrupt (") +
                zip_file_strerror(entry.get()) + ")");
    if (n == 0) break;
    if (text.size() + static_cast<std::size_t>(n) > max_bytes) TooLarge(max_bytes);
    text.append(buffer, static_cast<std::size_t>(n));
  }
  return text;
}

std::string ReportLayout::Header(std::string_view key) const {
  for (const auto& [k, v] : header) {
    if (k == key) return v;
  }
  return {};
}

namespace {

// Splits the text into records of fields, RFC 4180 style; tracks the line for messages.
class RecordReader {
 public:
  RecordReader(std::string_view text, char delimiter) : text_(text), delimiter_(delimiter) {}

  // The next record into `fields` (reusing their storage); false at the end of the text.
  bool Next(std::vector<std::string>& fields) {
    if (pos_ >= text_.size()) return false;
    record_line_ = line_;
    std::size_t count = 0;
    while (true) {
      if (count == fields.size()) fields.emplace_back();
      std::string& field = fields[count++];
      field.clear();
      const char end = ReadField(field);
      if (end != delimiter_) break;
    }
    fields.resize(count);
    return true;
  }
  std::size_t RecordLine() const { return record_line_; }

 private:
  // Reads one field; returns what ended it: the delimiter, '\n' or '\0' at the end of the text.
  char ReadField(std::string& field) {
    if (pos_ < text_.size() && text_[pos_] == '"') return ReadQuoted(field);
    field.assign(Unquoted());
    return Terminator();
  }

  char ReadQuoted(std::string& field) {
    ++pos_;
    while (true) {
      const std::size_t quote = text_.find('"', pos_);
      if (quote == std::string_view::npos) {
        Malformed("a quoted field opened on line " + std::to_string(record_line_) +
                  " never closes (a cut file?)");
      }
      const std::string_view part = text_.substr(pos_, quote - pos_);
      for (char c : part) line_ += c == '\n';
      field.append(part);
      pos_ = quote + 1;
      if (pos_ < text_.size() && text_[pos_] == '"') {
        field += '"';
        ++pos_;
        continue;
      }
      break;
    }
    // Text after the closing quote and before the delimiter is kept, as spreadsheets do.
    field.append(Unquoted());
    return Terminator();
  }

  // The text up to the next delimiter or line end.
  std::string_view Unquoted() {
    const std::size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] != delimiter_ && text_[pos_] != '\n' &&
           text_[pos_] != '\r') {
      ++pos_;
    }
    return text_.substr(start, pos_ - start);
  }

  char Terminator() {
    if (pos_ >= text_.size()) return '\0';
    const char c = text_[pos_++];
    if (c == '\r') {
      if (pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
      ++line_;
      return '\n';
    }
    if (c == '\n') ++line_;
    return c;
  }

  std::string_view text_;
  char delimiter_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
  std::size_t record_line_ = 1;
};

bool Blank(const std::vector<std::string>& fields) {
  for (const auto& f : fields) {
    if (!f.empty() && f.find_first_not_of('-') != std::string::npos) return false;
  }
  return true;
}

// "©2026 Microsoft Corporation. All rights reserved." (the documentation prints '@' for '©').
bool Footer(const std::vector<std::string>& fields) {
  std::string_view first = fields[0];
  if (first.rfind("\xC2\xA9", 0) == 0) {
    first.remove_prefix(2);
  } else if (first.rfind('@', 0) == 0) {
    first.remove_prefix(1);
  } else {
    return false;
  }
  const std::size_t digits = first.find_first_not_of("0123456789");
  return digits != 0 && digits != std::string_view::npos &&
         first.substr(digits).rfind(" Microsoft Corporation", 0) == 0;
}

void CheckRowCount(const ReportLayout& layout) {
  const std::string said = layout.Header("Rows");
  if (said.empty()) return;
  std::size_t rows = 0;
  const auto [end, ec] = std::from_chars(said.data(), said.data() + said.size(), rows);
  if (ec != std::errc() || end != said.data() + said.size()) {
    Malformed("its \"Rows\" header line is no count: " + Excerpt(said, 40));
  }
  if (rows != layout.rows) {
    Malformed("its header says " + said + " rows but " + std::to_string(layout.rows) +
              " were read (a cut file?)");
  }
}

}  // namespace

ReportLayout ReadReport(
    std::string_view text, char delimiter,
    const std::function<void(const ReportLayout&, const std::vector<std::string>&)>& on_row) {
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.remove_prefix(3);
  ReportLayout layout;
  RecordReader reader(text, delimiter);
  std::vector<std::string> fields;
  bool footer_seen = false;
  while (reader.Next(fields)) {
    if (Blank(fields)) continue;
    if (Footer(fields) || (layout.columns.empty() == false && fields[0] == "Total")) {
      footer_seen = true;
      continue;
    }
    if (footer_seen)
      Malformed("line " + std::to_string(reader.RecordLine()) + " follows the footer");
    if (layout.columns.empty()) {
      const std::size_t colon = fields[0].find(':');
      if (fields.size() == 1 && colon != std::string::npos) {
        const std::size_t value = fields[0].find_first_not_of(' ', colon + 1);
        layout.header.emplace_back(fields[0].substr(0, colon),
                                   value == std::string::npos ? "" : fields[0].substr(value));
        continue;
      }
      layout.columns = fields;
      continue;
    }
    if (fields.size() != layout.columns.size()) {
      Malformed("line " + std::to_string(reader.RecordLine()) + " has " +
                std::to_string(fields.size()) + " fields where the column row has " +
                std::to_string(layout.columns.size()));
    }
    ++layout.rows;
    on_row(layout, fields);
  }
  if (layout.columns.empty() && !text.empty()) Malformed("it has no column row");
  CheckRowCount(layout);
  return layout;
}

}  // namespace bingads::internal
