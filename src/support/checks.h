// Checks and escaping for text from outside, shared by the libraries and the tools (the support
// layer: src/support/, never installed): terminal-safe text, header values, ids and URLs bound
// for a request, and the redaction of secrets.
#pragma once

#include <string>
#include <string_view>

namespace bingads::internal {

/// Text from outside made safe for a terminal: C0 control characters (but tab, and newline when
/// `keep_newlines`), DEL and bytes that are not UTF-8 as \xNN; C1 control characters and the
/// bidirectional overrides (U+202A-U+202E, U+2066-U+2069) as \uNNNN. Everything else is kept,
/// so escaping twice changes nothing.
std::string EscapeControls(std::string_view text, bool keep_newlines = false);

/// A printable one-line excerpt of a body for error messages: line ends and tabs as one space,
/// other control characters escaped (EscapeControls), capped at about `max` bytes.
std::string Excerpt(std::string_view body, std::size_t max = 160);

/// Refuses a value bound for an HTTP or SOAP header that holds CR, LF, NUL or another control
/// character: throws Error(kUsage, unsent) naming `what`, never the value (it may be a secret).
void CheckHeaderValue(std::string_view what, std::string_view value);
/// Refuses (as CheckHeaderValue) a customer or account id that is not a positive decimal integer.
void CheckIdValue(std::string_view what, std::string_view value);
/// Whether `host` (as in a URL; IPv6 in brackets or not) is loopback: localhost, 127.0.0.0/8, ::1.
bool IsLoopbackHost(std::string_view host);
/// Refuses, before anything is sent, a URL whose scheme is not http or https, and an http:// URL
/// to a host that is not loopback unless `allow_insecure_http`: credentials would travel in clear
/// text. Throws Error(kUsage, unsent) naming `what` ("endpoint", "token URL"...) and https.
void CheckUrl(std::string_view what, const std::string& url, bool allow_insecure_http);

/// Redacts secrets in header values and in XML, JSON and form bodies.
std::string RedactHeader(std::string_view name, std::string_view value);
std::string RedactBody(std::string_view body);

}  // namespace bingads::internal
