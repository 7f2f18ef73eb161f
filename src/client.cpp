#include <bingads/client.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <span>
#include <string>
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

  // True when every position 0..count-1 has at least one partial error.
  static bool Explained(const std::vector<PartialError>& errors, std::size_t count) {
    std::vector<bool> seen(count, false);
    for (const PartialError& e : errors) {
      const std::int32_t index = BaseOf(e).Index;
      if (index >= 0 && static_cast<std::size_t>(index) < count)
        seen[static_cast<std::size_t>(index)] = true;
    }
    return std::all_of(seen.begin(), seen.end(), [](bool b) { return b; });
  }

  // Runs an operation over `items` in calls of at most kMaxItemsPerCall and stitches the results.
  // `call` encodes, exchanges and decodes one chunk; `slots` is the result's positional list (a
  // member pointer), or nullptr for operations without one. An empty list is sent as one call.
  template <typename Result, typename Item, typename Call, typename Slots>
  Result Batched(const std::vector<Item>& items, Call call, Slots slots) {
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
                  (part.TrackingIds.empty() ? "" : " (TrackingId " + part.TrackingIds[0] + ")"));
        }
        auto& out = total.*slots;
        out.insert(out.end(), std::make_move_iterator(list.begin()),
                   std::make_move_iterator(list.end()));
      }
      for (PartialError& error : part.PartialErrors) {
        BatchError& base = BaseOf(error);
        // Index is the position within this call; an index outside it is left as the service sent
        // it.
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
  Impl& i = *impl_;
  return i.Batched<GetBudgetsByIdsResult>(
      budget_ids,
      [&i](internal::Ids ids) {
        return i.codec->DecodeGetBudgetsByIds(
            i.Exchange(i.codec->EncodeGetBudgetsByIds(i.target, ids), "GetBudgetsByIds"));
      },
      &GetBudgetsByIdsResult::Budgets);
}

AddBudgetsResult BudgetClient::AddBudgets(const std::vector<Budget>& budgets) {
  Impl& i = *impl_;
  return i.Batched<AddBudgetsResult>(
      budgets,
      [&i](internal::Budgets chunk) {
        return i.codec->DecodeAddBudgets(
            i.Exchange(i.codec->EncodeAddBudgets(i.target, chunk), "AddBudgets"));
      },
      &AddBudgetsResult::BudgetIds);
}

UpdateBudgetsResult BudgetClient::UpdateBudgets(const std::vector<Budget>& budgets) {
  Impl& i = *impl_;
  return i.Batched<UpdateBudgetsResult>(
      budgets,
      [&i](internal::Budgets chunk) {
        return i.codec->DecodeUpdateBudgets(
            i.Exchange(i.codec->EncodeUpdateBudgets(i.target, chunk), "UpdateBudgets"));
      },
      nullptr);
}

DeleteBudgetsResult BudgetClient::DeleteBudgets(const std::vector<std::int64_t>& budget_ids) {
  Impl& i = *impl_;
  return i.Batched<DeleteBudgetsResult>(
      budget_ids,
      [&i](internal::Ids ids) {
        return i.codec->DecodeDeleteBudgets(
            i.Exchange(i.codec->EncodeDeleteBudgets(i.target, ids), "DeleteBudgets"));
      },
      nullptr);
}

GetCampaignIdsByBudgetIdsResult BudgetClient::GetCampaignIdsByBudgetIds(
    const std::vector<std::int64_t>& budget_ids) {
  Impl& i = *impl_;
  return i.Batched<GetCampaignIdsByBudgetIdsResult>(
      budget_ids,
      [&i](internal::Ids ids) {
        return i.codec->DecodeGetCampaignIdsByBudgetIds(i.Exchange(
            i.codec->EncodeGetCampaignIdsByBudgetIds(i.target, ids), "GetCampaignIdsByBudgetIds"));
      },
      &GetCampaignIdsByBudgetIdsResult::CampaignIdCollection);
}

}  // namespace bingads
