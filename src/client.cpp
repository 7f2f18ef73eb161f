#include <bingads/client.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <random>
#include <span>
#include <string>
#include <thread>
#include <type_traits>

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

namespace {

// The service refused the access token: code 109 (expired) in a fault, or HTTP 401 over REST.
bool TokenRejected(const Error& e) {
  if (e.HttpStatus() == 401) return true;
  const auto* fault = dynamic_cast<const ApiFault*>(&e);
  if (fault == nullptr) return false;
  const auto& errors = fault->Detail().Errors;
  return std::any_of(errors.begin(), errors.end(),
                     [](const AdApiError& a) { return a.Code == 109; });
}

std::string TrackingIdOf(const Error& e) {
  const auto* fault = dynamic_cast<const ApiFault*>(&e);
  return fault != nullptr ? fault->Detail().TrackingId : std::string();
}

}  // namespace

struct BudgetClient::Impl {
  explicit Impl(ClientOptions o) : options(std::move(o)) {
    target.base_url =
        options.endpoint.empty() ? DefaultBaseUrl(options.environment) : options.endpoint;
    while (!target.base_url.empty() && target.base_url.back() == '/') target.base_url.pop_back();
    target.credentials = options.credentials;
    // Everything that goes into a header is checked before anything is sent, and so is the URL:
    // no header injection, no credentials in clear text.
    internal::CheckUrl("the endpoint", target.base_url + "/",
                       options.transport_options.allow_insecure_http);
    const Credentials& c = options.credentials;
    internal::CheckHeaderValue("Credentials::developer_token", c.developer_token);
    internal::CheckHeaderValue("Credentials::access_token", c.access_token);
    internal::CheckIdValue("Credentials::customer_id", c.customer_id);
    internal::CheckIdValue("Credentials::account_id", c.account_id);
    codec =
        options.protocol == Protocol::kSoap ? internal::MakeSoapCodec() : internal::MakeRestCodec();
    transport =
        options.transport ? options.transport : MakeCurlTransport(options.transport_options);
    tokens = options.token_provider ? options.token_provider
                                    : MakeStaticTokenProvider(options.credentials.access_token);
  }

  void Log(const std::string& line) const {
    if (options.log) options.log(line);
  }

  std::chrono::steady_clock::time_point Now() const {
    return options.clock ? options.clock() : std::chrono::steady_clock::now();
  }

  void Sleep(std::chrono::milliseconds delay) const {
    if (options.sleep) {
      options.sleep(delay);
    } else {
      std::this_thread::sleep_for(delay);
    }
  }

  double Random() {
    if (options.random) return options.random();
    return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
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

  // One operation on one chunk: fetches the token, sends, decodes; sends once more after a
  // rejected token the provider could renew, and retries as RetryOptions allow. The result's
  // TrackingIds (or the error's AttemptTrackingIds) list every attempt's.
  template <typename Result, typename Encode, typename Decode>
  Result Call(const char* operation, Idempotency idempotency, Encode encode, Decode decode) {
    std::vector<std::string> tracking;
    const auto start = Now();
    bool token_renewed = false;
    for (int attempt = 1;; ++attempt) {
      internal::CallTarget call_target = target;
      std::optional<std::chrono::milliseconds> retry_after;
      std::string response_tracking;  // the TrackingId header of a reply that is no fault
      try {
        call_target.credentials.access_token = tokens->AccessToken();
        internal::CheckHeaderValue("the access token from the token provider",
                                   call_target.credentials.access_token);
        const HttpResponse response = Exchange(encode(call_target), operation);
        if (auto value = response.Header("Retry-After")) retry_after = ParseRetryAfter(*value);
        response_tracking = response.Header("TrackingId").value_or("");
        Result result = decode(response);
        tracking.insert(tracking.end(), result.TrackingIds.begin(), result.TrackingIds.end());
        result.TrackingIds = std::move(tracking);
        return result;
      } catch (Error& e) {
        if (auto id = TrackingIdOf(e); !id.empty()) {
          tracking.push_back(id);
        } else if (!response_tracking.empty()) {
          tracking.push_back(response_tracking);
        }
        if (!token_renewed && TokenRejected(e) &&
            tokens->Invalidate(call_target.credentials.access_token)) {
          token_renewed = true;
          --attempt;  // a resend with a new token is not a retry
          Log("! access token rejected; sending once more with a renewed token");
          continue;
        }
        const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Now() - start);
        const RetryDecision decision =
            DecideRetry(options.retry, e, idempotency, attempt, elapsed, retry_after, Random());
        if (!decision.retry) {
          e.SetAttemptTrackingIds(tracking);
          throw;
        }
        Log("! attempt " + std::to_string(attempt) + " failed (" + decision.reason +
            "); retrying in " + std::to_string(decision.delay.count()) + " ms");
        Sleep(decision.delay);
      }
    }
  }

  // True when every position 0..count-1 has at least one partial error.
  static bool Explained(const std::vector<PartialError>& errors, std::size_t count) {
    std::vector<bool> seen(count, false);
    for (const PartialError& e : errors) {
      const std::int32_t index = BaseOf(e).Index;
      if (index >= 0 && static_cast<std::size_t>(index) < count) {
        seen[static_cast<std::size_t>(index)] = true;
      }
    }
    return std::all_of(seen.begin(), seen.end(), [](bool b) { return b; });
  }

  // Runs an operation over `items` in calls of at most kMaxItemsPerCall and stitches the results.
  // `call` does one chunk; `slots` is the result's positional list (a member pointer), or nullptr
  // for operations without one. An empty list is sent as one call.
  template <typename Result, typename Item, typename ChunkCall, typename Slots>
  Result Batched(const std::vector<Item>& items, ChunkCall call, Slots slots) {
    std::lock_guard<std::mutex> lock(mutex);
    const std::span<const Item> all(items);
    const std::size_t size = all.size();
    const std::size_t step = BudgetClient::kMaxItemsPerCall;
    Result total;
    std::size_t offset = 0;
    do {
      const auto chunk = all.subspan(offset, std::min(step, size - offset));
      Result part;
      try {
        part = call(chunk);
      } catch (const Error& e) {
        if (offset == 0) throw;
        throw BatchInterrupted<Result>(std::move(total), offset, size, std::current_exception(), e);
      }
      if constexpr (!std::is_same_v<Slots, std::nullptr_t>) {
        auto& list = part.*slots;
        // One slot per item. A missing or empty list stands for "none of them" only when a partial
        // error explains every position; otherwise something was lost on the way (e.g. items in
        // an unexpected namespace) and pretending nothing happened would be a silent wrong answer.
        if (!chunk.empty() && list.empty() && Explained(part.PartialErrors, chunk.size())) {
          list.resize(chunk.size());
        }
        if (!chunk.empty() && list.size() != chunk.size()) {
          throw Error(
              ErrorKind::kMalformedResponse,
              "the service returned " + std::to_string(list.size()) + " slots for " +
                  std::to_string(chunk.size()) + " items, so positions cannot be trusted" +
                  (part.TrackingIds.empty() ? ""
                                            : " (TrackingId " + part.TrackingIds.back() + ")"));
        }
        auto& out = total.*slots;
        out.insert(out.end(), std::make_move_iterator(list.begin()),
                   std::make_move_iterator(list.end()));
      }
      for (PartialError& error : part.PartialErrors) {
        BatchError& base = BaseOf(error);
        // Index is the position within this call; an index outside it is left as sent.
        if (base.Index >= 0 && static_cast<std::size_t>(base.Index) < chunk.size()) {
          base.Index += static_cast<std::int32_t>(offset);
        }
        total.PartialErrors.push_back(std::move(error));
      }
      total.TrackingIds.insert(total.TrackingIds.end(), part.TrackingIds.begin(),
                               part.TrackingIds.end());
      offset += chunk.size();
    } while (offset < size);
    return total;
  }

  // Batched + Call for one operation: `encode(target, chunk)` and `decode(response)` are the
  // codec's member functions for it.
  template <typename Result, typename Item, typename Slots>
  Result Run(const char* operation, Idempotency idempotency, const std::vector<Item>& items,
             HttpRequest (internal::Codec::*encode)(const internal::CallTarget&,
                                                    std::span<const Item>),
             Result (internal::Codec::*decode)(const HttpResponse&), Slots slots) {
    return Batched<Result>(
        items,
        [&](std::span<const Item> chunk) {
          return Call<Result>(
              operation, idempotency,
              [&](const internal::CallTarget& t) { return (codec.get()->*encode)(t, chunk); },
              [&](const HttpResponse& r) { return (codec.get()->*decode)(r); });
        },
        slots);
  }

  ClientOptions options;
  internal::CallTarget target;
  std::unique_ptr<internal::Codec> codec;
  std::shared_ptr<HttpTransport> transport;
  std::shared_ptr<TokenProvider> tokens;
  std::mt19937_64 rng{std::random_device{}()};
  std::mutex mutex;
};

BudgetClient::BudgetClient(ClientOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}
BudgetClient::~BudgetClient() = default;
BudgetClient::BudgetClient(BudgetClient&&) noexcept = default;
BudgetClient& BudgetClient::operator=(BudgetClient&&) noexcept = default;

const ClientOptions& BudgetClient::Options() const { return impl_->options; }

GetBudgetsByIdsResult BudgetClient::GetBudgetsByIds(const std::vector<std::int64_t>& budget_ids) {
  return impl_->Run("GetBudgetsByIds", Idempotency::kRead, budget_ids,
                    &internal::Codec::EncodeGetBudgetsByIds,
                    &internal::Codec::DecodeGetBudgetsByIds, &GetBudgetsByIdsResult::Budgets);
}

AddBudgetsResult BudgetClient::AddBudgets(const std::vector<Budget>& budgets) {
  return impl_->Run("AddBudgets", Idempotency::kWrite, budgets, &internal::Codec::EncodeAddBudgets,
                    &internal::Codec::DecodeAddBudgets, &AddBudgetsResult::BudgetIds);
}

UpdateBudgetsResult BudgetClient::UpdateBudgets(const std::vector<Budget>& budgets) {
  return impl_->Run("UpdateBudgets", Idempotency::kWrite, budgets,
                    &internal::Codec::EncodeUpdateBudgets, &internal::Codec::DecodeUpdateBudgets,
                    nullptr);
}

DeleteBudgetsResult BudgetClient::DeleteBudgets(const std::vector<std::int64_t>& budget_ids) {
  return impl_->Run("DeleteBudgets", Idempotency::kWrite, budget_ids,
                    &internal::Codec::EncodeDeleteBudgets, &internal::Codec::DecodeDeleteBudgets,
                    nullptr);
}

GetCampaignIdsByBudgetIdsResult BudgetClient::GetCampaignIdsByBudgetIds(
    const std::vector<std::int64_t>& budget_ids) {
  return impl_->Run("GetCampaignIdsByBudgetIds", Idempotency::kRead, budget_ids,
                    &internal::Codec::EncodeGetCampaignIdsByBudgetIds,
                    &internal::Codec::DecodeGetCampaignIdsByBudgetIds,
                    &GetCampaignIdsByBudgetIdsResult::CampaignIdCollection);
}

}  // namespace bingads
