// Checks against Microsoft's official v13 WSDLs in ../shared/reference (read, never copied).
#pragma once

#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace testing {

/// Path of the official Campaign Management production WSDL, if the reference folder is present.
std::optional<std::filesystem::path> OfficialWsdl();

/// Path of the official Reporting production WSDL, if the reference folder is present.
std::optional<std::filesystem::path> OfficialReportingWsdl();

/// Differences between a WSDL of ours and the official one, for everything ours declares: schema
/// types and elements (names, order, occurrence, nillability, resolved types, bases, enumerations),
/// messages, portType actions, binding (soapAction, headers, faults) and the service's port
/// addresses. Empty when compatible. Any namespaces; components are matched by namespace and name.
///
/// A component named in `subsets` ("{namespace}kind:name", e.g.
/// "{https://bingads.microsoft.com/Reporting/v13}simpleType:CampaignPerformanceReportColumn") may
/// leave out enumeration values and optional (minOccurs="0") elements; what it keeps must match
/// the official one line for line and in the same order. Every other component must be identical.
std::vector<std::string> CompareWithOfficial(const std::filesystem::path& ours,
                                             const std::filesystem::path& official,
                                             const std::set<std::string>& subsets = {});

/// Validates every element of a SOAP envelope's Header and its Body payload against the official
/// WSDL's schemas with xmllint. Returns "" when valid, else xmllint's complaint. Throws when the
/// validator itself cannot run.
std::string ValidateEnvelopeAgainstOfficial(const std::string& envelope,
                                            const std::filesystem::path& official);

/// True when xmllint is on PATH.
bool HaveXmllint();

}  // namespace testing
