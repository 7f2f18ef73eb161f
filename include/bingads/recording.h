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

/// A transport that sends through `inner` and writes each exchange into `directory` (made
/// owner-only if missing; a recording already there is continued). Every file it writes is new
/// and owner-only: it never writes through a symbolic link nor onto a file it did not make, and
/// only appends to index.jsonl (refused when that is a link or has other hard links). Throws
/// Error(kUsage) when the folder or a file cannot be written. Thread-safe.
BINGADS_EXPORT std::shared_ptr<HttpTransport> MakeRecordingTransport(
    std::shared_ptr<HttpTransport> inner, const std::string& directory);

/// A transport that answers from the recording in `directory`, with no network. A request
/// matches a recorded one on protocol, operation and what it asks (its ids, or its budgets),
/// not on its bytes, so another client's request for the same ids finds it; requests asking the
/// same thing are answered in recorded order (the last answer repeats). A request with no match
/// is Error(kTransport) naming the nearest recorded request and what differs. Thread-safe.
///
/// A recording is input from outside and is read as such: every field of every index line is
/// type-checked, and the files it names must be plain names in `directory` (no path, no "..")
/// that are regular files, not links, of at most `max_file_bytes` each (index.jsonl too); a FIFO
/// or device is refused, never waited on. Throws Error(kUsage) naming the index line and the
/// reason when the recording cannot be read.
BINGADS_EXPORT std::shared_ptr<HttpTransport> MakeReplayTransport(
    const std::string& directory, std::size_t max_file_bytes = kDefaultMaxResponseBytes);

}  // namespace bingads
