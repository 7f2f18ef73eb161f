// Response decoding (SOAP or REST, chosen at build time by FUZZ_SOAP): every operation's decoder,
// at a success status and at the error statuses where faults arrive. Built twice per protocol:
// for responses, and with FUZZ_FAULTS for faults (error statuses first, seeded with faults).
#include <bingads/errors.h>

#include "codec.h"
#include "fuzz.h"
#include "internal.h"

namespace {

#ifdef FUZZ_FAULTS
// Where faults arrive: error statuses, and HTTP 200 (some SOAP stacks send faults with it).
constexpr int kStatuses[] = {500, 400, 401, 200, 403, 429, 503};
#else
constexpr int kStatuses[] = {200, 200, 200, 500, 400, 401, 403, 429, 503};
#endif

template <typename Decode>
void Expect(Decode decode) {
  try {
    decode();
  } catch (const bingads::Error&) {
    // the documented way to refuse a body: a fault or an undecodable-response error
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto in = bingads::fuzz::Split(data, size);
  bingads::HttpResponse response;
  response.status = kStatuses[(in.selector >> 3) % std::size(kStatuses)];
  response.body = in.body;
#ifdef FUZZ_SOAP
  response.headers = {{"Content-Type", "text/xml; charset=utf-8"}};
  static auto codec = bingads::internal::MakeSoapCodec();
#else
  response.headers = {{"Content-Type", "application/json"}, {"TrackingId", "t"}};
  static auto codec = bingads::internal::MakeRestCodec();
#endif
  switch (in.selector % 5) {
    case 0:
      Expect([&] { codec->DecodeGetBudgetsByIds(response); });
      break;
    case 1:
      Expect([&] { codec->DecodeAddBudgets(response); });
      break;
    case 2:
      Expect([&] { codec->DecodeUpdateBudgets(response); });
      break;
    case 3:
      Expect([&] { codec->DecodeDeleteBudgets(response); });
      break;
    default:
      Expect([&] { codec->DecodeGetCampaignIdsByBudgetIds(response); });
      break;
  }
  return 0;
}
