// The raw text of an XML message from outside, checked before any parser sees it: UTF-8, the
// characters XML 1.0 allows, no DTD, and references that are either predefined or characters
// XML allows. Shared by the SOAP readers, the emulator's SOAP front and replay's request matcher.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace bingads::internal {

/// What CheckXmlText found.
struct XmlTextCheck {
  /// The first problem, naming it and its byte offset; nullopt when the text may be parsed.
  std::optional<std::string> problem;
  /// Whether a character reference is longer than gSOAP reads right (see ShortenReferences).
  bool long_references = false;
};

/// Checks `xml` as a whole: well-formed UTF-8 with no character XML 1.0 forbids (C0 controls
/// other than tab, LF and CR; U+FFFE, U+FFFF), in comments and CDATA too; no DOCTYPE or other
/// markup declaration (SOAP messages may not carry a DTD: refused unread, so no entity expands
/// and nothing is fetched); every reference outside comments, CDATA and processing instructions
/// either one of the five predefined entities or a character reference to a character XML
/// allows; an XML declaration's encoding, if any, UTF-8.
XmlTextCheck CheckXmlText(std::string_view xml);

/// Where `text` breaks UTF-8 or holds a character XML 1.0 forbids: a problem naming the byte
/// offset (counted from `base`), or nullopt. No markup is interpreted.
std::optional<std::string> XmlCharsProblem(std::string_view text, std::size_t base = 0);

/// `xml` (which CheckXmlText passed) with every character reference longer than `&#` and four
/// more characters (`&#x1F600;`, `&#x00041;`, `&#000065;`) written shorter: as the character's
/// UTF-8 bytes from U+0080 on, else as `&#xHH;`. The same document; gSOAP reads at most six
/// characters of a reference and decodes a longer one with a stray ';' or to other characters.
std::string ShortenReferences(std::string_view xml);

}  // namespace bingads::internal
