// bingads-emulator: faults on demand, the way real networks and services break. Each fault is a
// spec (`--fault`, or the loopback-only admin endpoint at run time) naming what happens, to
// which calls and how often; every decision is drawn from a seed, so a failing run repeats.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bingads::emulator {

/// What a fault does to one API call. "Applied" means the call reaches the service (a write is
/// made) before the fault shows.
enum class FaultKind {
  kLatency,        ///< wait `ms` (plus up to `jitter-ms`) before answering; then as usual
  kDribble,        ///< send the answer `bytes` at a time, one piece every `ms`
  kReset,          ///< not applied: the connection is reset (RST), no answer
  kEmpty,          ///< not applied: the connection is closed without a byte of answer
  kDrop,           ///< applied, then the connection is closed without a byte of answer
  kError500,       ///< applied, then HTTP 500 with a text/plain page (as a proxy would)
  kError503,       ///< applied, then HTTP 503 with a text/plain page
  kTruncate,       ///< applied, then half the answer's body and the connection is closed
  kMalformed,      ///< applied, then the answer's body replaced by bytes of no format
  kThrottle,       ///< not applied: code 117 CallRateExceeded (REST: HTTP 429), Retry-After
  kInternalError,  ///< not applied: code 0 InternalError (REST: HTTP 500)
};

/// One fault as parsed from its spec:
///   KIND[,probability=P|every=N][,protocol=soap|rest][,operation=NAME|NAME...][,once]
///       [,ms=N][,jitter-ms=N][,bytes=N][,retry-after=S]
/// KIND: latency, dribble, reset, empty, drop, error-500, error-503, truncate, malformed,
/// throttle, internal-error. operation: an operation name, `reads` or `writes`, several joined by
/// '|'. once: at most once per distinct request (protocol, operation, account and body), so the
/// client's second attempt goes through. Without probability or every, the fault hits every
/// call it matches.
struct FaultSpec {
  std::string text;  ///< as given
  FaultKind kind = FaultKind::kLatency;
  double probability = 1.0;
  std::uint64_t every = 0;           ///< 0: by probability
  std::string protocol;              ///< "" for both
  std::set<std::string> operations;  ///< empty for all
  bool once = false;
  std::chrono::milliseconds ms{0};      ///< latency, or the dribble's interval
  std::chrono::milliseconds jitter{0};  ///< latency
  std::size_t bytes = 64;               ///< dribble
  int retry_after_seconds = 1;          ///< throttle
};

/// Parses one spec; throws std::invalid_argument naming what is wrong.
FaultSpec ParseFaultSpec(std::string_view text);

/// What one API call gets: a wait, a dribble, and at most one outcome.
struct FaultPlan {
  std::chrono::milliseconds delay{0};
  std::size_t dribble_bytes = 0;  ///< 0: sent at once
  std::chrono::milliseconds dribble_every{0};
  std::optional<FaultKind> outcome;  ///< none of latency and dribble
  int retry_after_seconds = 1;
};

/// The active faults and their counts. Thread-safe.
class FaultModel {
 public:
  /// Throws std::invalid_argument naming a bad spec.
  FaultModel(const std::vector<std::string>& specs, std::uint64_t seed);

  /// The plan for one API call. Faults are taken in order: every latency and dribble that hits
  /// adds to the plan, and the first other fault that hits is its outcome. A draw depends on the
  /// seed, the fault, the account and how many of that account's calls the fault has seen, so
  /// a run that makes the same calls per account meets the same faults.
  FaultPlan Decide(std::string_view protocol, std::string_view operation, std::string_view account,
                   std::string_view body);

  /// Replaces the faults (and the seed, when given); counts start again. Throws
  /// std::invalid_argument, leaving the faults as they were, when a spec is bad.
  void Replace(const std::vector<std::string>& specs, std::optional<std::uint64_t> seed);

  /// {"seed":N,"faults":[{"spec":"...","matched":N,"served":N}],"calls":N} (calls: API calls
  /// decided on).
  std::string StateJson() const;

 private:
  struct Active {
    FaultSpec spec;
    std::uint64_t matched = 0;  // calls it applied to
    std::uint64_t served = 0;   // calls it hit
    std::map<std::string, std::uint64_t> per_account;
    std::set<std::uint64_t> seen;  // request fingerprints, for `once`
  };
  bool Hits(std::size_t index, Active& fault, std::string_view account, std::uint64_t print,
            bool taken);

  mutable std::mutex mutex_;
  std::vector<Active> faults_;
  std::uint64_t seed_;
  std::uint64_t calls_ = 0;
};

/// The path of the emulator's admin endpoint for faults (loopback peers only).
inline constexpr std::string_view kAdminPath = "/emulator/faults";

/// The body of a PUT to the admin endpoint, {"faults":[SPEC,...],"seed":N} (seed optional): the
/// specs and the seed. Throws std::invalid_argument naming what is wrong.
std::pair<std::vector<std::string>, std::optional<std::uint64_t>> ReadFaultRequest(
    std::string_view body);

/// The operation an API call names: from the SOAPAction for SOAP, from the method and path for
/// REST ("" when it names none).
std::string OperationOf(std::string_view method, std::string_view path,
                        std::string_view soap_action);

}  // namespace bingads::emulator
