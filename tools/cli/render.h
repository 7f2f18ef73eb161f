// compare and migrate-check reports, as the CLI writes them.
#pragma once

#include <bingads/parity.h>

#include <string>
#include <vector>

namespace bingads::cli {

/// A plain-text table: one row per comparison with parity, latencies and bytes per protocol.
std::string RenderTable(const std::vector<Comparison>& comparisons);
/// The comparisons as JSON; the schema is documented in the README ("compare --json").
std::string RenderJson(const std::vector<Comparison>& comparisons);
/// A self-contained offline HTML page: parity matrix, SVG latency distributions and byte counts.
std::string RenderHtml(const std::vector<Comparison>& comparisons, const std::string& title);

}  // namespace bingads::cli
