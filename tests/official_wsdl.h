// Checks against Microsoft's official v13 WSDL in ../shared/reference (read, never copied).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace testing {

/// Path of the official production WSDL, if the reference folder is present.
std::optional<std::filesystem::path> OfficialWsdl();

/// Differences between a WSDL of ours and the official one, for everything ours declares: schema
/// types and elements (names, order, occurrence, nillability, resolved types, bases, enumerations),
/// messages, portType actions and binding (soapAction, headers, faults). Empty when compatible.
std::vector<std::string> CompareWithOfficial(const std::filesystem::path& ours,
                                             const std::filesystem::path& official);

/// Validates every element of a SOAP envelope's Header and its Body payload against the official
/// WSDL's schemas with xmllint. Returns "" when valid, else xmllint's complaint. Throws when the
/// validator itself cannot run.
std::string ValidateEnvelopeAgainstOfficial(const std::string& envelope,
                                            const std::filesystem::path& official);

/// True when xmllint is on PATH.
bool HaveXmllint();

}  // namespace testing
