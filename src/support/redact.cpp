#include <regex>
#include <string>

#include "checks.h"

namespace bingads::internal {
namespace {

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

constexpr const char* kSecretNames =
    "AuthenticationToken|DeveloperToken|Password|client_secret|refresh_token|access_token|"
    "Authorization|ReportDownloadUrl";  // a report's download URL is a bearer credential

}  // namespace

std::string RedactHeader(std::string_view name, std::string_view value) {
  for (std::string_view secret : {"Authorization", "DeveloperToken", "AuthenticationToken",
                                  "Password", "Proxy-Authorization"}) {
    if (IEquals(name, secret)) {
      if (IEquals(name, "Authorization") && value.substr(0, 7) == "Bearer ") return "Bearer ***";
      return "***";
    }
  }
  return std::string(value);
}

std::string RedactBody(std::string_view body) {
  static const std::regex xml(std::string("(<([A-Za-z_][\\w.-]*:)?(") + kSecretNames +
                              ")(\\s[^>]*)?>)[^<]*");
  static const std::regex json(
      std::string("(\"(") + kSecretNames + ")\"\\s*:\\s*)\"(\\\\.|[^\"\\\\])*\"",
      std::regex::icase);
  static const std::regex form(std::string("((^|&)(") + kSecretNames + ")=)[^&]*");
  std::string out = std::regex_replace(std::string(body), xml, "$1***");
  out = std::regex_replace(out, json, "$1\"***\"");
  return std::regex_replace(out, form, "$1***");
}

}  // namespace bingads::internal
