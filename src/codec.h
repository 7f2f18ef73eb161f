// The budget service's codecs: one per protocol, one encoder and decoder per operation. Only the
// budget connection (client/client.cpp) and the codecs themselves see this; the service-neutral
// core (internal.h, call_loop.h) names no operation.
#pragma once

#include <bingads/client.h>

#include <cstdint>
#include <memory>
#include <span>

#include "internal.h"

namespace bingads::internal {

using Ids = std::span<const std::int64_t>;
using Budgets = std::span<const Budget>;

/// One protocol's encoders and decoders, one pair per operation. Decoders throw ApiFault for a
/// fault and Error for anything undecodable, and set TrackingIds to the response's one id. Not
/// thread-safe; the client serialises its use.
class Codec {
 public:
  virtual ~Codec() = default;
  virtual HttpRequest EncodeGetBudgetsByIds(const CallTarget& target, Ids ids) = 0;
  virtual GetBudgetsByIdsResult DecodeGetBudgetsByIds(const HttpResponse& response) = 0;
  virtual HttpRequest EncodeAddBudgets(const CallTarget& target, Budgets budgets) = 0;
  virtual AddBudgetsResult DecodeAddBudgets(const HttpResponse& response) = 0;
  virtual HttpRequest EncodeUpdateBudgets(const CallTarget& target, Budgets budgets) = 0;
  virtual UpdateBudgetsResult DecodeUpdateBudgets(const HttpResponse& response) = 0;
  virtual HttpRequest EncodeDeleteBudgets(const CallTarget& target, Ids ids) = 0;
  virtual DeleteBudgetsResult DecodeDeleteBudgets(const HttpResponse& response) = 0;
  virtual HttpRequest EncodeGetCampaignIdsByBudgetIds(const CallTarget& target, Ids ids) = 0;
  virtual GetCampaignIdsByBudgetIdsResult DecodeGetCampaignIdsByBudgetIds(
      const HttpResponse& response) = 0;
};

/// The SOAP codec. `fast_path` lets GetBudgetsByIds responses of the usual shape skip gSOAP
/// (soap/fast_reader.h); tests and the differential fuzz target turn it off to compare.
std::unique_ptr<Codec> MakeSoapCodec(bool fast_path = true);
/// The REST codec. `fast_path` lets GetBudgetsByIds responses of the usual shape skip the DOM
/// (fast_scan.h); tests and the differential fuzz target turn it off to compare.
std::unique_ptr<Codec> MakeRestCodec(bool fast_path = true);

}  // namespace bingads::internal
