// Access tokens: a fixed one, or the OAuth refresh-token flow.
#include <bingads/auth.h>
#include <curl/curl.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <charconv>
#include <mutex>

#include "internal.h"
#include "text.h"

namespace bingads {
namespace {

class StaticTokenProvider final : public TokenProvider {
 public:
  explicit StaticTokenProvider(std::string token) : token_(std::move(token)) {}
  std::string AccessToken() override { return token_; }
  bool Invalidate(const std::string&) override { return false; }

 private:
  const std::string token_;
};

std::string FormEncode(std::string_view value) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

class OAuthTokenProvider final : public TokenProvider {
 public:
  explicit OAuthTokenProvider(OAuthOptions options) : options_(std::move(options)) {
    if (options_.client_id.empty()) throw Error(ErrorKind::kUsage, "OAuth: client_id is required");
    if (options_.refresh_token.empty())
      throw Error(ErrorKind::kUsage, "OAuth: refresh_token is required");
    internal::CheckUrl("the token URL", options_.token_url,
                       options_.transport_options.allow_insecure_http);
    if (!options_.transport) options_.transport = MakeCurlTransport(options_.transport_options);
  }

  std::string AccessToken() override {
    std::lock_guard<std::mutex> lock(mutex_);  // concurrent callers wait for one refresh
    if (access_token_.empty() || Now() + options_.refresh_margin >= expires_at_) Refresh();
    return access_token_;
  }

  bool Invalidate(const std::string& rejected) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (rejected != access_token_) return !access_token_.empty();  // another call refreshed already
    Refresh();
    return access_token_ != rejected;
  }

 private:
  std::chrono::steady_clock::time_point Now() const {
    return options_.clock ? options_.clock() : std::chrono::steady_clock::now();
  }

  void Log(const std::string& line) const {
    if (options_.log) options_.log(internal::EscapeControls(line, /*keep_newlines=*/true));
  }

  // Called with mutex_ held.
  void Refresh() {
    HttpRequest request;
    request.method = "POST";
    request.url = options_.token_url;
    request.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                       {"Accept", "application/json"}};
    request.body =
        "client_id=" + FormEncode(options_.client_id) + "&scope=" + FormEncode(options_.scope) +
        "&refresh_token=" + FormEncode(options_.refresh_token) + "&grant_type=refresh_token";
    if (!options_.client_secret.empty())
      request.body += "&client_secret=" + FormEncode(options_.client_secret);
    Log("> POST " + request.url + " (OAuth refresh_token grant)");
    Log("> " + internal::RedactBody(request.body));
    const auto start = Now();
    CallContext context;
    context.operation = "OAuth token refresh";
    HttpResponse response = options_.transport->Send(request, context);
    Log("< HTTP " + std::to_string(response.status) + " " + internal::RedactBody(response.body));

    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseNumbersAsStringsFlag | rapidjson::kParseIterativeFlag>(
        response.body.data(), response.body.size());
    const bool json = !doc.HasParseError() && doc.IsObject();
    auto text = [&](const char* name) -> std::string {
      if (!json) return {};
      auto it = doc.FindMember(name);
      return it != doc.MemberEnd() && it->value.IsString() ? it->value.GetString() : std::string();
    };
    if (json && !text("error").empty()) {
      throw OAuthError(text("error"), text("error_description"), response.status);
    }
    // What an error shows of the body has its secrets redacted.
    auto malformed = [&response](const std::string& problem) {
      HttpResponse shown = response;
      shown.body = internal::RedactBody(response.body);
      internal::ThrowMalformed("OAuth token", shown, problem);
    };
    if (response.status < 200 || response.status > 299 || !json) malformed("not a token response");
    const std::string token = text("access_token");
    const auto expires_in = internal::ParseWhole<std::int64_t>(text("expires_in"));
    if (token.empty() || !expires_in || *expires_in <= 0) {
      malformed("no access_token or expires_in");
    }
    if (std::any_of(token.begin(), token.end(),
                    [](unsigned char c) { return c < 0x21 || c == 0x7f; })) {
      malformed("the access_token holds a space or a control character");
    }
    access_token_ = token;
    expires_at_ = start + std::chrono::seconds(*expires_in);
    const std::string rotated = text("refresh_token");
    if (!rotated.empty() && rotated != options_.refresh_token) {
      options_.refresh_token = rotated;
      if (options_.on_refresh_token) options_.on_refresh_token(rotated);
    }
  }

  OAuthOptions options_;
  std::mutex mutex_;
  std::string access_token_;
  std::chrono::steady_clock::time_point expires_at_{};
};

}  // namespace

std::shared_ptr<TokenProvider> MakeStaticTokenProvider(std::string access_token) {
  return std::make_shared<StaticTokenProvider>(std::move(access_token));
}

std::shared_ptr<TokenProvider> MakeOAuthTokenProvider(OAuthOptions options) {
  return std::make_shared<OAuthTokenProvider>(std::move(options));
}

OAuthError::OAuthError(std::string error, std::string description, int http_status)
    : Error(ErrorKind::kAuthentication,
            "OAuth token refresh refused: " + error +
                (description.empty() ? "" : " (" + description + ")") +
                "; a new consent (refresh token) may be needed",
            http_status),
      error_(std::move(error)),
      description_(std::move(description)) {}

}  // namespace bingads
