#include "arguments.h"

#include <algorithm>

#include "text.h"

namespace bingads::tools {

void ParseArguments(const std::vector<std::string>& args, const std::vector<OptionSpec>& table,
                    const std::function<void(const std::string&)>& word) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    const auto option = std::find_if(table.begin(), table.end(),
                                     [&arg](const OptionSpec& o) { return o.name == arg; });
    if (option == table.end()) {
      if (!arg.empty() && arg[0] == '-') throw UsageError{"unknown option " + arg};
      word(arg);
      continue;
    }
    if (!option->takes_value) {
      option->apply("");
      continue;
    }
    if (i + 1 >= args.size()) throw UsageError{"missing value for " + arg};
    option->apply(args[++i]);
  }
}

long WholeNumber(std::string_view option, const std::string& value, long low, long high) {
  const auto number = internal::ParseWhole<long>(value);
  if (!number || *number < low || *number > high) {
    throw UsageError{std::string(option) + " needs a whole number from " + std::to_string(low) +
                     " to " + std::to_string(high)};
  }
  return *number;
}

}  // namespace bingads::tools
