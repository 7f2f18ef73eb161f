// One command-line option parser for both executables (bingads-budgets, bingads-emulator): a table
// of options, each with what it does with its value, and the words that are no option.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace bingads::tools {

/// A usage error: the message names the option and what is wrong (exit status 2).
struct UsageError {
  std::string message;
};

/// One option: its name, whether the next argument is its value, and what it does. `apply`
/// throws UsageError for a value it refuses.
struct OptionSpec {
  std::string_view name;
  bool takes_value = false;
  std::function<void(const std::string& value)> apply;
};

/// Walks `args` in order: an argument naming an option of `table` applies it (with the next
/// argument as its value, when it takes one), any other argument that starts with '-' is a
/// UsageError ("unknown option X"), and the rest go to `word`. A missing value is a UsageError
/// ("missing value for X").
void ParseArguments(const std::vector<std::string>& args, const std::vector<OptionSpec>& table,
                    const std::function<void(const std::string&)>& word);

/// `value` as a whole number from `low` to `high`, or UsageError "OPTION needs a whole number
/// from LOW to HIGH".
long WholeNumber(std::string_view option, const std::string& value, long low, long high);

}  // namespace bingads::tools
