/// @file
/// bingads-budgets: shadow reads — production reads answered by one protocol while a share of
/// them also goes to the other protocol in the background and is compared field by field. The
/// caller always gets the primary's result or error, and never waits for the shadow.
#pragma once

#include <bingads/client.h>
#include <bingads/export.h>
#include <bingads/parity.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace bingads {

/// One shadow comparison: a read answered by the primary protocol, repeated on the shadow one.
struct BINGADS_EXPORT ShadowComparison {
  std::string operation;               ///< "GetBudgetsByIds" or "GetCampaignIdsByBudgetIds".
  Protocol primary = Protocol::kRest;  ///< The protocol that answered the caller.
  /// SOAP against REST, field by field (empty when the shadow failed).
  ParityReport report;
  std::string shadow_error;  ///< What the shadow call failed with; empty when it succeeded.
  std::chrono::microseconds primary_latency{0};   ///< The primary call, as the caller saw it.
  std::chrono::microseconds shadow_latency{0};    ///< The shadow call, in the background.
  std::vector<std::string> primary_tracking_ids;  ///< The primary's TrackingIds.
  std::vector<std::string> shadow_tracking_ids;   ///< The shadow's TrackingIds (or its error's).
  /// True when both succeeded and agree.
  bool Matched() const { return shadow_error.empty() && report.Parity(); }
};

/// What a shadow client has done so far.
struct BINGADS_EXPORT ShadowCounters {
  std::uint64_t compared = 0;       ///< Shadow calls made and compared (errors included).
  std::uint64_t matched = 0;        ///< Of those, the ones that agreed.
  std::uint64_t mismatched = 0;     ///< Of those, the ones with at least one difference.
  std::uint64_t skipped = 0;        ///< Sampled reads dropped because the queue was full.
  std::uint64_t shadow_errors = 0;  ///< Shadow calls that failed (never seen by the caller).
};

/// Settings of a shadow client.
struct BINGADS_EXPORT ShadowOptions {
  /// The primary client; the shadow is the same client on the other protocol (same endpoint,
  /// credentials, token provider, retries).
  ClientOptions client;
  double sample = 1.0;  ///< Share of reads also sent to the shadow, from 0 to 1.
  /// Shadow calls waiting at most; past it a sampled read is skipped (and counted), never waited.
  std::size_t queue_capacity = 64;
  /// After a write (which goes to the primary only, never twice), read the written ids back on
  /// both protocols and compare them, as a shadow comparison of GetBudgetsByIds.
  bool read_back_writes = false;
  /// Receives every comparison, on the shadow's thread. Must not throw.
  std::function<void(const ShadowComparison&)> on_comparison;
  /// Test hook: the sampling source (numbers in [0,1)); null means a random engine.
  std::function<double()> random;
};

/// Shadow reads as a connection decorator: `primary` answers the caller, exactly as without the
/// shadow; a sampled share of reads is repeated on `shadow` by one background thread from a
/// bounded queue and compared (ShadowOptions, whose `client` it does not use). Writes go to the
/// primary only. Put it in a BudgetClient to use it like any client. Thread-safe.
class BINGADS_EXPORT ShadowConnection : public BudgetConnection {
 public:
  /// Starts the background thread; throws Error(kUsage) for a sample outside [0, 1].
  ShadowConnection(BudgetClient primary, BudgetClient shadow, ShadowOptions options);
  ~ShadowConnection() override;
  ShadowConnection(const ShadowConnection&) = delete;
  ShadowConnection& operator=(const ShadowConnection&) = delete;

  /// The primary's GetBudgetsByIds; a sampled call is repeated on the shadow and compared.
  GetBudgetsByIdsResult GetBudgetsByIds(const std::vector<std::int64_t>& budget_ids) override;
  /// The primary's GetCampaignIdsByBudgetIds; a sampled call is repeated on the shadow.
  GetCampaignIdsByBudgetIdsResult GetCampaignIdsByBudgetIds(
      const std::vector<std::int64_t>& budget_ids) override;
  /// Writes go to the primary only (see ShadowOptions::read_back_writes).
  AddBudgetsResult AddBudgets(const std::vector<Budget>& budgets) override;
  UpdateBudgetsResult UpdateBudgets(const std::vector<Budget>& budgets) override;  ///< As Add.
  DeleteBudgetsResult DeleteBudgets(
      const std::vector<std::int64_t>& budget_ids) override;  ///< As Add.
  const ClientOptions& Options() const override;              ///< The primary's.
  /// The primary's pacing (the shadow's calls go through a client of their own).
  Pacing CurrentPacing() const override;

  /// Waits until every queued shadow call has been compared, at most `timeout`; true if so.
  bool Drain(std::chrono::milliseconds timeout);
  ShadowCounters Counters() const;      ///< What has been done so far.
  const BudgetClient& Primary() const;  ///< The primary client.
  const BudgetClient& Shadow() const;   ///< The shadow client.

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// A client whose reads go to the primary protocol and, for a sampled share, to the other one in
/// the background (one thread, a bounded queue), in the manner of GitHub's Scientist: the caller
/// gets exactly the primary's result or error and pays only for putting a job on the queue. A
/// convenience over ShadowConnection with the two clients made from ShadowOptions::client.
/// Thread-safe. Destroying it waits for the shadow call under way (bounded by its timeouts) and
/// drops the ones still queued.
class BINGADS_EXPORT ShadowClient {
 public:
  /// Makes both clients; throws as BudgetClient does.
  explicit ShadowClient(ShadowOptions options);
  ~ShadowClient();
  ShadowClient(const ShadowClient&) = delete;
  ShadowClient& operator=(const ShadowClient&) = delete;

  /// The primary's GetBudgetsByIds; a sampled call is repeated on the shadow and compared.
  GetBudgetsByIdsResult GetBudgetsByIds(const std::vector<std::int64_t>& budget_ids = {});
  /// The primary's GetCampaignIdsByBudgetIds; a sampled call is repeated on the shadow.
  GetCampaignIdsByBudgetIdsResult GetCampaignIdsByBudgetIds(
      const std::vector<std::int64_t>& budget_ids);
  /// Writes go to the primary only (see ShadowOptions::read_back_writes).
  AddBudgetsResult AddBudgets(const std::vector<Budget>& budgets);
  UpdateBudgetsResult UpdateBudgets(const std::vector<Budget>& budgets);  ///< As AddBudgets.
  DeleteBudgetsResult DeleteBudgets(const std::vector<std::int64_t>& budget_ids);  ///< As above.

  /// Waits until every queued shadow call has been compared, at most `timeout`; true if so.
  bool Drain(std::chrono::milliseconds timeout);
  ShadowCounters Counters() const;      ///< What has been done so far.
  const BudgetClient& Primary() const;  ///< The primary client.
  const BudgetClient& Shadow() const;   ///< The shadow client.
  /// The decorator it runs on (a BudgetClient may be made over it).
  const std::shared_ptr<ShadowConnection>& Connection() const;

 private:
  std::shared_ptr<ShadowConnection> connection_;
};

}  // namespace bingads
