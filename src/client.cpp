#include <bingads/client.h>

#include <chrono>
#include <mutex>
#include <string>

#include "internal.h"

namespace bingads {

std::optional<Protocol> ParseProtocol(std::string_view text) {
  if (text == "soap") return Protocol::kSoap;
  if (text == "rest") return Protocol::kRest;
  return std::nullopt;
}

std::optional<Environment> ParseEnvironment(std::string_view text) {
  if (text == "production") return Environment::kProduction;
  if (text == "sandbox") return Environment::kSandbox;
  return std::nullopt;
}

const char* ToString(Protocol protocol) { return protocol == Protocol::kSoap ? "soap" : "rest"; }

std::string DefaultBaseUrl(Environment environment) {
  return environment == Environment::kSandbox ? "https://campaign.api.sandbox.bingads.microsoft.com"
                                              : "https://campaign.api.bingads.microsoft.com";
}

struct BudgetClient::Impl {
  explicit Impl(ClientOptions o) : options(std::move(o)) {
    target.base_url =
        options.endpoint.empty() ? DefaultBaseUrl(options.environment) : options.endpoint;
    while (!target.base_url.empty() && target.base_url.back() == '/') target.base_url.pop_back();
    target.credentials = options.credentials;
    codec =
        options.protocol == Protocol::kSoap ? internal::MakeSoapCodec() : internal::MakeRestCodec();
    transport =
        options.transport ? options.transport : MakeCurlTransport(options.transport_options);
  }

  void Log(const std::string& line) const {
    if (options.log) options.log(line);
  }

  std::string Capped(std::string_view body) const {
    std::string shown = internal::RedactBody(body.substr(0, options.log_body_limit));
    if (body.size() > options.log_body_limit) {
      shown += " ... (" + std::to_string(body.size() - options.log_body_limit) + " more bytes)";
    }
    return shown;
  }

  HttpResponse Exchange(const HttpRequest& request, std::string_view operation) {
    if (options.log) {
      Log("> " + request.Method + " " + request.Url + " (" + ToString(options.protocol) + " " +
          std::string(operation) + ", " + std::to_string(request.Body.size()) + " bytes)");
      for (const auto& [name, value] : request.Headers) {
        Log("> " + name + ": " + internal::RedactHeader(name, value));
      }
      Log("> " + Capped(request.Body));
    }
    const auto start = std::chrono::steady_clock::now();
    try {
      HttpResponse response = transport->Send(request);
      if (options.log) {
        const auto ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start);
        Log("< HTTP " + std::to_string(response.Status) + " in " + std::to_string(ms.count()) +
            " ms, " + std::to_string(response.Body.size()) + " bytes, " +
            (response.NewConnections > 0 ? "new connection" : "reused connection"));
        for (const auto& [name, value] : response.Headers) {
          Log("< " + name + ": " + internal::RedactHeader(name, value));
        }
        Log("< " + Capped(response.Body));
      }
      return response;
    } catch (const Error& e) {
      Log(std::string("! ") + e.what());
      throw;
    }
  }

  ClientOptions options;
  internal::CallTarget target;
  std::unique_ptr<internal::Codec> codec;
  std::shared_ptr<HttpTransport> transport;
  std::mutex mutex;
};

BudgetClient::BudgetClient(ClientOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}
BudgetClient::~BudgetClient() = default;
BudgetClient::BudgetClient(BudgetClient&&) noexcept = default;
BudgetClient& BudgetClient::operator=(BudgetClient&&) noexcept = default;

const ClientOptions& BudgetClient::Options() const { return impl_->options; }

GetBudgetsByIdsResult BudgetClient::GetBudgetsByIds(const std::vector<std::int64_t>& budget_ids) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  const HttpRequest request = impl_->codec->EncodeGetBudgetsByIds(impl_->target, budget_ids);
  const HttpResponse response = impl_->Exchange(request, "GetBudgetsByIds");
  return impl_->codec->DecodeGetBudgetsByIds(response);
}

}  // namespace bingads
