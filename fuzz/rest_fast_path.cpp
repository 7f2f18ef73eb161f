// Differential target: the GetBudgetsByIds reader with its fast path and without it must agree on
// every body: the same slots text for text, the same partial errors, or the same error (on the
// SOAP side, so must the UpdateBudgets and DeleteBudgets readers). A disagreement aborts. The
// whole input is the body (status 200). Built twice: rest_fast_path (fast_scan.h against the
// RapidJSON reader) and, with FUZZ_SOAP, soap_fast_path (soap/fast_reader.h against the gSOAP
// reader).
#include <bingads/errors.h>
#include <bingads/json.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "codec.h"
#include "internal.h"

namespace {

// Everything a decode produced, or the error it ended with, as text: ToJson covers every field
// of the slots and partial errors; the amounts' received text is added (ToJson writes JsonText).
std::string Outcome(bingads::internal::Codec& codec, const bingads::HttpResponse& response) {
  try {
    const auto result = codec.DecodeGetBudgetsByIds(response);
    std::string out = bingads::ToJson(result);
    for (const auto& slot : result.Budgets) {
      out += slot && slot->Amount ? "|" + slot->Amount->Text() : "|-";
    }
    return out;
  } catch (const bingads::Error& e) {
    return "error " + std::to_string(static_cast<int>(e.Kind())) + ": " + e.what();
  }
}

#ifdef FUZZ_SOAP
// The same for the responses that carry partial errors alone (SOAP reads them fast too).
template <typename Decode>
std::string ErrorsOutcome(Decode decode) {
  try {
    return bingads::ToJson(decode());
  } catch (const bingads::Error& e) {
    return "error " + std::to_string(static_cast<int>(e.Kind())) + ": " + e.what();
  }
}
#endif

void Agree(const std::string& what, const std::string& a, const std::string& b) {
  if (a != b) {
    std::fprintf(stderr, "%s: fast path and general reader disagree\n fast:    %s\n general: %s\n",
                 what.c_str(), a.c_str(), b.c_str());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
#ifdef FUZZ_SOAP
  static auto fast = bingads::internal::MakeSoapCodec(true);
  static auto general = bingads::internal::MakeSoapCodec(false);
  const char* type = "text/xml; charset=utf-8";
#else
  static auto fast = bingads::internal::MakeRestCodec(true);
  static auto general = bingads::internal::MakeRestCodec(false);
  const char* type = "application/json";
#endif
  bingads::HttpResponse response;
  response.status = 200;
  response.headers = {{"Content-Type", type}, {"TrackingId", "t"}};
  response.body.assign(reinterpret_cast<const char*>(data), size);
  Agree("GetBudgetsByIds", Outcome(*fast, response), Outcome(*general, response));
#ifdef FUZZ_SOAP
  Agree("UpdateBudgets", ErrorsOutcome([&] { return fast->DecodeUpdateBudgets(response); }),
        ErrorsOutcome([&] { return general->DecodeUpdateBudgets(response); }));
  Agree("DeleteBudgets", ErrorsOutcome([&] { return fast->DecodeDeleteBudgets(response); }),
        ErrorsOutcome([&] { return general->DecodeDeleteBudgets(response); }));
#endif
  return 0;
}
