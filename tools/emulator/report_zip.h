// The emulator's report files: one CSV entry in a ZIP, as the Reporting service serves them.
#pragma once

#include <string>
#include <string_view>

namespace bingads::emulator {

/// A ZIP archive in memory holding one entry `name` with `content`, deflated.
/// Throws std::runtime_error should libzip fail.
std::string ZipOneEntry(std::string_view name, std::string_view content);

}  // namespace bingads::emulator
