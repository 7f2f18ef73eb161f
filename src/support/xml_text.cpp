#include "xml_text.h"

#include <bit>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "text.h"

namespace bingads::internal {
namespace {

bool XmlChar(std::uint32_t c) {
  return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
         (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

std::string At(std::size_t offset) { return " at byte " + std::to_string(offset); }

// How many bytes from p are plain: printable ASCII, not one of `specials` (at most three).
template <char... kSpecial>
std::size_t PlainRun(const char* p, const char* end) {
  const char* q = p;
  while (end - q >= 8) {
    std::uint64_t word;
    std::memcpy(&word, q, 8);
    // Bytes below 0x20 have their top three bits clear; bytes from 0x80 have the top one set.
    std::uint64_t special = ZeroBytes(word & (kEveryByte * 0xE0)) | (word & kHighBits);
    ((special |= ZeroBytes(word ^ (kEveryByte * static_cast<unsigned char>(kSpecial)))), ...);
    if (special != 0) return static_cast<std::size_t>(q - p) + (std::countr_zero(special) >> 3);
    q += 8;
  }
  while (q != end) {
    const auto c = static_cast<unsigned char>(*q);
    if (c < 0x20 || c >= 0x80 || ((c == static_cast<unsigned char>(kSpecial)) || ...)) break;
    ++q;
  }
  return static_cast<std::size_t>(q - p);
}

// The character at p (not plain ASCII): its length, or 0 with `problem` set.
std::size_t Character(const char* p, const char* end, std::size_t offset,
                      std::optional<std::string>& problem) {
  const auto c = static_cast<unsigned char>(*p);
  if (c < 0x80) {
    if (c == '\t' || c == '\n' || c == '\r' || c >= 0x20) return 1;
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02x", c);
    problem = (c == 0 ? std::string("a NUL byte") : "the control character " + std::string(hex)) +
              At(offset) + ", which XML 1.0 does not allow";
    return 0;
  }
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  const std::size_t n = Utf8Sequence(u, reinterpret_cast<const unsigned char*>(end));
  if (n == 0) {
    problem = "bytes that are not UTF-8" + At(offset) +
              " (an overlong form, a surrogate, a stray or cut-short sequence, or past U+10FFFF)";
    return 0;
  }
  if (n == 3 && u[0] == 0xEF && u[1] == 0xBF && u[2] >= 0xBE) {
    problem = "the noncharacter U+FFF" + std::string(u[2] == 0xBE ? "E" : "F") + At(offset) +
              ", which XML does not allow";
    return 0;
  }
  return n;
}

// One pass over the text, with the references and markup declarations it meets.
class Scanner {
 public:
  Scanner(std::string_view xml, std::string* out)
      : begin_(xml.data()), p_(begin_), end_(begin_ + xml.size()), copied_(begin_), out_(out) {}

  XmlTextCheck Run() {
    while (p_ != end_ && !result_.problem) {
      p_ += PlainRun<'&', '!', '?'>(p_, end_);
      if (p_ == end_) break;
      if (*p_ == '&') {
        Reference();
      } else if ((*p_ == '!' || *p_ == '?') && p_ != begin_ && p_[-1] == '<') {
        Markup();
      } else if (const std::size_t n = Character(p_, end_, Offset(), result_.problem)) {
        p_ += n;
      }
    }
    if (out_ != nullptr) out_->append(copied_, end_);
    return result_;
  }

 private:
  std::size_t Offset() const { return static_cast<std::size_t>(p_ - begin_); }

  // At a '&': one of the predefined entities, or a character reference to a character XML
  // allows. Character references gSOAP would misread are written shorter when copying.
  void Reference() {
    const std::string_view rest(p_, static_cast<std::size_t>(end_ - p_));
    const std::size_t semi = rest.substr(0, 32).find(';');
    if (semi == std::string_view::npos) {
      result_.problem = "a '&'" + At(Offset()) + " that starts no reference";
      return;
    }
    const std::string_view name = rest.substr(1, semi - 1);
    if (name == "amp" || name == "lt" || name == "gt" || name == "quot" || name == "apos") {
      p_ += semi + 1;
      return;
    }
    if (name.empty() || name[0] != '#') {
      result_.problem = "an entity reference" + At(Offset()) +
                        " that no DTD may declare here (only &amp; &lt; &gt; &quot; &apos; and "
                        "character references are read)";
      return;
    }
    const std::optional<std::uint32_t> code = CodePoint(name.substr(1));
    if (!code || !XmlChar(*code)) {
      result_.problem = "a character reference" + At(Offset()) +
                        " to no character XML allows (NUL, a control character, a surrogate, "
                        "U+FFFE, U+FFFF or past U+10FFFF), or malformed";
      return;
    }
    if (name.size() > 6) {
      result_.long_references = true;
      if (out_ != nullptr) Shorten(*code, semi);
    }
    p_ += semi + 1;
  }

  // Writes the reference at p_ (its ';' at p_ + semi), to `code`, shorter into out_.
  void Shorten(std::uint32_t code, std::size_t semi) {
    out_->append(copied_, p_);
    if (code >= 0x80) {
      AppendUtf8(*out_, code);  // no markup meaning: safe as it is
    } else {
      char text[8];
      std::snprintf(text, sizeof text, "&#x%X;", static_cast<unsigned>(code));
      out_->append(text);
    }
    copied_ = p_ + semi + 1;
  }

  // The digits of a character reference after '#': decimal, or hexadecimal after 'x'.
  static std::optional<std::uint32_t> CodePoint(std::string_view digits) {
    const bool hex = !digits.empty() && digits[0] == 'x';
    if (hex) digits.remove_prefix(1);
    if (digits.empty()) return std::nullopt;
    std::uint32_t code = 0;
    for (const char c : digits) {
      int digit = -1;
      if (c >= '0' && c <= '9') digit = c - '0';
      if (hex && c >= 'a' && c <= 'f') digit = c - 'a' + 10;
      if (hex && c >= 'A' && c <= 'F') digit = c - 'A' + 10;
      if (digit < 0 || code > 0x10FFFF) return std::nullopt;
      code = code * (hex ? 16 : 10) + static_cast<std::uint32_t>(digit);
    }
    return code;
  }

  // At the '!' or '?' after a '<': a comment, CDATA or a processing instruction is checked for
  // its characters and skipped; anything else (<!DOCTYPE, <!ENTITY...) is refused.
  void Markup() {
    const std::string_view rest(p_, static_cast<std::size_t>(end_ - p_));
    std::string_view close;
    std::size_t open = 1;
    if (rest.substr(0, 3) == "!--") {
      close = "-->";
      open = 3;
    } else if (rest.substr(0, 8) == "![CDATA[") {
      close = "]]>";
      open = 8;
    } else if (rest[0] == '?') {
      close = "?>";
    } else {
      result_.problem = "a DOCTYPE or other markup declaration" + At(Offset() - 1) +
                        ": SOAP messages may not carry a DTD, so it is refused unread (no entity "
                        "is expanded and nothing is fetched)";
      return;
    }
    const std::size_t end = rest.find(close, open);
    if (end == std::string_view::npos) {
      result_.problem = "a comment, CDATA section or processing instruction" + At(Offset() - 1) +
                        " that never ends";
      return;
    }
    const std::string_view inside = rest.substr(1, end - 1);
    result_.problem = XmlCharsProblem(inside, Offset() + 1);
    if (!result_.problem && rest[0] == '?') Declaration(inside);
    p_ += end + close.size();
  }

  // An XML declaration may name no encoding but UTF-8 (readers would otherwise transcode).
  void Declaration(std::string_view inside) {
    if (inside.size() < 4 || inside.substr(0, 3) != "xml" ||
        std::string_view(" \t\r\n").find(inside[3]) == std::string_view::npos)
      return;
    const std::size_t at = inside.find("encoding");
    if (at == std::string_view::npos) return;
    std::string_view value = inside.substr(at + 8);
    const std::size_t quote = value.find_first_of("\"'");
    if (quote == std::string_view::npos) return;  // malformed: the parser says so
    value.remove_prefix(quote + 1);
    value = value.substr(0, value.find_first_of("\"'"));
    if (!EqualsIgnoreCase(value, "utf-8") && !EqualsIgnoreCase(value, "us-ascii")) {
      result_.problem = "an XML declaration naming the encoding '" +
                        std::string(value.substr(0, 40)) + "'; only UTF-8 is read";
    }
  }

  const char* const begin_;
  const char* p_;
  const char* const end_;
  const char* copied_;  // copied to out_ up to here
  std::string* out_;
  XmlTextCheck result_;
};

}  // namespace

std::optional<std::string> XmlCharsProblem(std::string_view text, std::size_t base) {
  const char* p = text.data();
  const char* const end = p + text.size();
  std::optional<std::string> problem;
  while (p != end) {
    p += PlainRun<>(p, end);
    if (p == end) break;
    const std::size_t n =
        Character(p, end, base + static_cast<std::size_t>(p - text.data()), problem);
    if (n == 0) return problem;
    p += n;
  }
  return std::nullopt;
}

XmlTextCheck CheckXmlText(std::string_view xml) { return Scanner(xml, nullptr).Run(); }

std::string ShortenReferences(std::string_view xml) {
  std::string out;
  out.reserve(xml.size());
  Scanner(xml, &out).Run();
  return out;
}

}  // namespace bingads::internal
