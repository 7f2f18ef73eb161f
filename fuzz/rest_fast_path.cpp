// Differential target: the GetBudgetsByIds reader with its fast path and without it must agree on
// every body: the same slots text for text, the same partial errors, or the same error. A
// disagreement aborts. The whole input is the body (status 200). Built twice: rest_fast_path
// (fast_scan.h against the RapidJSON reader) and, with FUZZ_SOAP, soap_fast_path
// (soap/fast_reader.h against the gSOAP reader).
#include <bingads/errors.h>
#include <bingads/json.h>

#include <cstdio>
#include <cstdlib>
#include <string>

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
  response.Status = 200;
  response.Headers = {{"Content-Type", type}, {"TrackingId", "t"}};
  response.Body.assign(reinterpret_cast<const char*>(data), size);
  const std::string a = Outcome(*fast, response);
  const std::string b = Outcome(*general, response);
  if (a != b) {
    std::fprintf(stderr, "fast path and general reader disagree\n fast:    %s\n general: %s\n",
                 a.c_str(), b.c_str());
    std::abort();
  }
  return 0;
}
