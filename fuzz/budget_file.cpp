// The CLI's input files ({"Budgets":[...]} for add and update), as the CLI reads them.
#include <bingads/errors.h>
#include <bingads/json.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    bingads::BudgetsFromJson(std::string_view(reinterpret_cast<const char*>(data), size));
  } catch (const bingads::Error&) {
    // the documented refusal: a usage error naming the JSON path
  }
  return 0;
}
