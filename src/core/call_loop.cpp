#include "call_loop.h"

#include <algorithm>
#include <thread>

namespace bingads::internal {

// The service refused the access token: code 109 (expired) in a fault, or HTTP 401 over REST.
bool TokenRejected(const Error& e) {
  if (e.HttpStatus() == 401) return true;
  const auto* fault = dynamic_cast<const ApiFault*>(&e);
  if (fault == nullptr) return false;
  const auto& errors = fault->Detail().Errors;
  return std::any_of(errors.begin(), errors.end(),
                     [](const AdApiError& a) { return a.Code == 109; });
}

// A SOAP call that failed the way a retired endpoint would: HTTP 404 or 410 on the SOAP path, or
// a fault with code 303 ApiVersionNoLongerSupported.
bool LooksRetired(const Error& e) {
  return e.HttpStatus() == 404 || e.HttpStatus() == 410 || HasFaultCode(e, 303);
}

std::string TrackingIdOf(const Error& e) {
  const auto* fault = dynamic_cast<const ApiFault*>(&e);
  return fault != nullptr ? fault->Detail().TrackingId : std::string();
}

ServiceCore::ServiceCore(const ClientOptions& options)
    : transport(options.transport ? options.transport
                                  : MakeCurlTransport(options.transport_options)),
      tokens(options.token_provider ? options.token_provider
                                    : MakeStaticTokenProvider(options.credentials.access_token)),
      retry_budget(options.retry.budget_tokens, options.retry.budget_refill),
      log_function_(options.log),
      ceiling_(ReadConcurrency(options)),
      adaptive_(options.adaptive_concurrency),
      clock_(options.clock),
      sleep_(options.sleep) {}

AdaptiveLimit& ServiceCore::LimitFor(const std::string& customer_id) {
  std::lock_guard<std::mutex> lock(limits_mutex_);
  auto& limit = limits_[customer_id];
  if (!limit) limit = std::make_unique<AdaptiveLimit>(ceiling_, adaptive_, clock_, sleep_);
  return *limit;
}

void ServiceCore::Log(const std::string& line) {
  if (!log_function_) return;
  const std::string shown = EscapeControls(line, /*keep_newlines=*/true);
  std::lock_guard<std::mutex> lock(log_mutex_);  // lines of parallel calls never interleave
  log_function_(shown);
}

double ServiceCore::Random(const ClientOptions& options) {
  if (options.random) return options.random();
  std::lock_guard<std::mutex> lock(rng_mutex_);
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
}

CallTarget TargetOf(const ClientOptions& options, const std::string& default_base_url) {
  CallTarget target;
  target.base_url = options.endpoint.empty() ? default_base_url : options.endpoint;
  while (!target.base_url.empty() && target.base_url.back() == '/') target.base_url.pop_back();
  target.credentials = options.credentials;
  return target;
}

ClientOptions Checked(ClientOptions options, const std::string& default_base_url) {
  CheckUrl("the endpoint", TargetOf(options, default_base_url).base_url + "/",
           options.transport_options.allow_insecure_http);
  const Credentials& c = options.credentials;
  CheckHeaderValue("Credentials::developer_token", c.developer_token);
  CheckHeaderValue("Credentials::access_token", c.access_token);
  CheckIdValue("Credentials::customer_id", c.customer_id);
  CheckIdValue("Credentials::account_id", c.account_id);
  if (options.max_concurrency < 0) {
    throw Error(ErrorKind::kUsage, "max_concurrency must be 0 (the default) or more", 0, true);
  }
  return options;
}

ClientOptions OptionsForAccount(ClientOptions options, const std::string& account_id,
                                const std::string& customer_id) {
  options.credentials.account_id = account_id;
  if (!customer_id.empty()) options.credentials.customer_id = customer_id;
  return options;
}

std::chrono::steady_clock::time_point ClockNow(const ClientOptions& options) {
  return options.clock ? options.clock() : std::chrono::steady_clock::now();
}

void Pause(const ClientOptions& options, std::chrono::milliseconds delay) {
  if (options.sleep) {
    options.sleep(delay);
  } else {
    std::this_thread::sleep_for(delay);
  }
}

std::chrono::steady_clock::time_point CallLoop::Now() const { return ClockNow(options_); }

void CallLoop::Sleep(std::chrono::milliseconds delay) const { Pause(options_, delay); }

std::string CallLoop::Capped(std::string_view body) const {
  std::string shown = RedactBody(body.substr(0, options_.log_body_limit));
  if (body.size() > options_.log_body_limit) {
    shown += " ... (" + std::to_string(body.size() - options_.log_body_limit) + " more bytes)";
  }
  return shown;
}

HttpResponse CallLoop::Exchange(const HttpRequest& request, std::string_view operation,
                                int attempt) const {
  if (options_.log) {
    // A URL's query is never shown, and a report's download URL (a bearer credential, in its
    // path or its query) shows its host only.
    const std::size_t host_end = request.url.find('/', request.url.find("://") + 3);
    const std::string url =
        operation == "DownloadReport"
            ? request.url.substr(0, host_end) + "/[withheld]"
            : request.url.substr(0, request.url.find('?')) +
                  (request.url.find('?') != std::string::npos ? "?[withheld]" : "");
    std::string lines = "> " + request.method + " " + url + " (" + ToString(options_.protocol) +
                        " " + std::string(operation) + ", " + std::to_string(request.body.size()) +
                        " bytes)";
    for (const auto& [name, value] : request.headers) {
      lines += "\n> " + name + ": " + RedactHeader(name, value);
    }
    core_.Log(lines + "\n> " + Capped(request.body));
  }
  const auto start = std::chrono::steady_clock::now();
  try {
    // The cost is asked for only to log whether the connection was new.
    ExchangeCost cost;
    CallContext context{operation, attempt, std::nullopt, nullptr, options_.log ? &cost : nullptr};
    HttpResponse response = core_.transport->Send(request, context);
    if (options_.log) {
      const auto ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start);
      std::string lines = "< HTTP " + std::to_string(response.status) + " in " +
                          std::to_string(ms.count()) + " ms, " +
                          std::to_string(response.body.size()) + " bytes, " +
                          (cost.new_connections > 0 ? "new connection" : "reused connection");
      for (const auto& [name, value] : response.headers) {
        lines += "\n< " + name + ": " + RedactHeader(name, value);
      }
      core_.Log(lines + "\n< " + Capped(response.body));
    }
    return response;
  } catch (const Error& e) {
    core_.Log(std::string("! ") + e.what());
    throw;
  }
}

}  // namespace bingads::internal
