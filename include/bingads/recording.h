/// @file
/// bingads-budgets: record real traffic and replay it offline. A recording is a folder a person
/// can read and diff: one request and one response file per exchange (`.xml` for SOAP, `.json`
/// for REST and token calls) and an index, `index.jsonl`, one line per exchange. Every secret
/// (the log's redaction list, in headers and bodies) is replaced by `***`; nothing else changes.
#pragma once

#include <bingads/export.h>
#include <bingads/transport.h>

#include <memory>
#include <string>

namespace bingads {

/// A transport that sends through `inner` and writes each exchange into `directory` (made if
/// missing; a recording already there is continued). Throws Error(kUsage) when the folder cannot
/// be written. Thread-safe.
BINGADS_EXPORT std::shared_ptr<HttpTransport> MakeRecordingTransport(
    std::shared_ptr<HttpTransport> inner, const std::string& directory);

/// A transport that answers from the recording in `directory`, with no network. A request
/// matches a recorded one on protocol, operation and what it asks (its ids, or its budgets),
/// not on its bytes, so another client's request for the same ids finds it; requests asking the
/// same thing are answered in recorded order (the last answer repeats). A request with no match
/// is Error(kTransport) naming the nearest recorded request and what differs. Throws
/// Error(kUsage) when the recording cannot be read. Thread-safe.
BINGADS_EXPORT std::shared_ptr<HttpTransport> MakeReplayTransport(const std::string& directory);

}  // namespace bingads
