/// @file
/// bingads-budgets: the budget client, over SOAP or REST, returning one domain model.
#pragma once

#include <bingads/auth.h>
#include <bingads/connection.h>
#include <bingads/errors.h>
#include <bingads/export.h>
#include <bingads/model.h>
#include <bingads/retry.h>
#include <bingads/transport.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

/// bingads-budgets: shared budgets of the Microsoft Advertising Campaign Management API v13 over
/// SOAP and REST, one domain model for both.
namespace bingads {

/// Which of the two wire protocols a client speaks.
enum class Protocol {
  kSoap,  ///< SOAP 1.1 to CampaignManagementService.svc (retired on 2027-01-31).
  kRest,  ///< REST JSON below /CampaignManagement/v13.
};
/// Which Microsoft Advertising environment a client talks to.
enum class Environment {
  kProduction,  ///< campaign.api.bingads.microsoft.com
  kSandbox,     ///< campaign.api.sandbox.bingads.microsoft.com
};

/// "soap" or "rest"; nullopt for anything else.
BINGADS_EXPORT std::optional<Protocol> ParseProtocol(std::string_view text);
/// "production" or "sandbox"; nullopt for anything else.
BINGADS_EXPORT std::optional<Environment> ParseEnvironment(std::string_view text);
/// "soap" or "rest".
BINGADS_EXPORT const char* ToString(Protocol protocol);

/// Base URL of an environment, e.g. https://campaign.api.bingads.microsoft.com
BINGADS_EXPORT std::string DefaultBaseUrl(Environment environment);
/// Path of the SOAP service below the base URL.
inline constexpr std::string_view kSoapServicePath =
    "/Api/Advertiser/CampaignManagement/v13/CampaignManagementService.svc";
/// Prefix of the REST resources below the base URL.
inline constexpr std::string_view kRestPrefix = "/CampaignManagement/v13";

/// Request credentials. The access token is an OAuth access token (sent as the SOAP
/// AuthenticationToken header, or as "Authorization: Bearer ..." over REST); it is used when
/// ClientOptions::token_provider is null.
struct BINGADS_EXPORT Credentials {
  std::string developer_token;  ///< DeveloperToken header, sent on every call.
  std::string access_token;     ///< OAuth access token, when no token_provider is set.
  std::string customer_id;      ///< CustomerId: the customer that owns the account.
  std::string account_id;       ///< CustomerAccountId: the account whose budgets are read.
};

/// Everything a client needs. Defaults: REST, production, libcurl with TransportOptions defaults.
struct BINGADS_EXPORT ClientOptions {
  Protocol protocol = Protocol::kRest;                 ///< Wire protocol; default REST.
  Environment environment = Environment::kProduction;  ///< Used when endpoint is empty.
  /// Base URL overriding the environment's (e.g. an emulator at http://127.0.0.1:PORT). The SOAP
  /// service path or the REST paths are appended to it.
  std::string endpoint;
  Credentials credentials;  ///< Developer token, customer, account (and a fixed access token).
  /// Where access tokens come from: null means the fixed credentials.access_token. See
  /// MakeOAuthTokenProvider for the refresh-token flow. When the service rejects a token (code
  /// 109, HTTP 401) and the provider has a new one, the call is sent once more.
  std::shared_ptr<TokenProvider> token_provider;
  /// Retries of failed calls (see RetryOptions for what is retried and the defaults).
  RetryOptions retry;
  TransportOptions transport_options;  ///< Settings of the default libcurl transport.
  /// A transport of your own (tests, custom stacks); null means MakeCurlTransport.
  std::shared_ptr<HttpTransport> transport;
  /// Receives each exchange's lines (request, headers and body capped; response likewise), secrets
  /// redacted. Calls of one client never run it at the same time.
  std::function<void(std::string_view)> log;
  std::size_t log_body_limit = 4096;  ///< Bytes of each body shown in the log.
  /// Test hooks, so that retry tests never wait: the clock, the sleep between attempts and the
  /// jitter source (numbers in [0,1)). Null means steady_clock, sleep_for and a random engine.
  std::function<std::chrono::steady_clock::time_point()> clock;
  std::function<void(std::chrono::milliseconds)> sleep;  ///< Test hook (see clock).
  std::function<double()> random;                        ///< Test hook (see clock).
  /// Calls of one GetBudgetsByIds or GetCampaignIdsByBudgetIds past kMaxItemsPerCall ids that may
  /// be in flight at once. 0 (the default) means 4 in production and 1 in sandbox, as
  /// Microsoft's sandbox guidance asks for one thread. Writes always go one call at a time.
  int max_concurrency = 0;
  /// Find the service's limit by itself (on by default): one limit per client and customer,
  /// shared by every operation, thread, parallel read and ForAccount client. Calls in flight grow
  /// by one per `limit` successes and halve on a throttle (HTTP 429, code 117), between 1 and
  /// max_concurrency (the ceiling). The first throttle ends a burst; the calls the service took
  /// before it and its Retry-After give the rate its window admits, and from then on calls go one
  /// by one at a pace 5% under it (every send waiting for that Retry-After first). A pace kept for
  /// a whole window without a throttle is confirmed and the next one probes higher (halfway to a
  /// pace that was throttled, or 12.5% higher); a throttle goes back to the confirmed pace and
  /// skips the calls the probe sent past it; only throttled calls wait their Retry-After.
  /// Against a sliding window of 50 calls per 2 s it uses 0.92-0.95 of the limit with 0.7% of calls
  /// throttled (BENCHMARKS.md). false: max_concurrency calls at once per operation (and any number
  /// from the caller's threads), each throttled call waiting its own Retry-After.
  bool adaptive_concurrency = true;
  /// When a write call's answer is lost (a timeout after sending, a connection reset, a 5xx, a
  /// body that cannot be read: WriteOutcomeUnknown), read the account back and settle each item
  /// instead of failing: AddBudgets counts an item whose name now exists with the values sent as
  /// added (its id in its slot), sends the absent ones again and gives kReconcileConflictCode to
  /// a name found with other values; UpdateBudgets counts items whose fields read back as sent
  /// and sends the others again; DeleteBudgets counts ids that no longer exist as deleted and
  /// sends the others again. Reads and resends obey `retry` (attempts and total time); the
  /// result's reconciliations say what happened. When the items cannot be settled, the error
  /// names those that are known and those that are not. Default on.
  bool reconcile_writes = true;
};

/// Calls of one read past kMaxItemsPerCall ids that these options send at once:
/// options.max_concurrency, or its default, 4 in production and 1 in sandbox.
BINGADS_EXPORT int ReadConcurrency(const ClientOptions& options);

/// A Campaign Management budget client. Thread-safe: calls on one client (and on its copies and
/// ForAccount clients, which share its connections, token provider and settings) may run from
/// any number of threads at once. Copying is cheap.
///
/// Every operation takes any number of items. Past kMaxItemsPerCall it sends calls of at most that
/// many and stitches the results: positions refer to the caller's list, each partial error's
/// Index is remapped to the caller's position, and every call's TrackingId is kept, in the order
/// of the calls. Reads send up to ClientOptions::max_concurrency calls at once; a throttled call
/// (HTTP 429, code 117) halves that for the rest of the operation and holds the calls not yet
/// sent until its Retry-After has passed. Writes go one call at a time, in order. When a call
/// fails, BatchInterrupted<Result> carries what the calls before it returned.
///
/// Errors: ApiFault for a fault, Error for transport failures or an undecodable response; partial
/// errors are data.
class BINGADS_EXPORT BudgetClient {
 public:
  /// Makes the transport (libcurl unless options.transport is set); nothing is sent yet. Throws
  /// Error(kUsage) for options that cannot be sent (see TransportOptions and Credentials).
  explicit BudgetClient(ClientOptions options);
  /// A client over `connection`: MakeBudgetConnection's, a decorator of one (shadow reads), or a
  /// fake in a test of your own. Throws Error(kUsage) when it is null.
  explicit BudgetClient(std::shared_ptr<BudgetConnection> connection);
  ~BudgetClient();
  BudgetClient(const BudgetClient&);             ///< Shares everything with `other`.
  BudgetClient& operator=(const BudgetClient&);  ///< As the copy constructor.
  BudgetClient(BudgetClient&&) noexcept;         ///< The moved-from client may only be destroyed.
  BudgetClient& operator=(BudgetClient&&) noexcept;  ///< As the move constructor.

  /// A client for another account (CustomerAccountId) and, when given, customer (CustomerId),
  /// sharing this one's connections, token provider and settings: one client serves many
  /// accounts. The ids are checked as the constructor checks them.
  BudgetClient ForAccount(std::string account_id, std::string customer_id = {}) const;

  /// The service's limit of items per call.
  static constexpr std::size_t kMaxItemsPerCall = 100;

  /// GetBudgetsByIds. An empty list asks for every budget of the account (one call).
  GetBudgetsByIdsResult GetBudgetsByIds(const std::vector<std::int64_t>& budget_ids = {}) const;

  /// AddBudgets. Id and AssociationCount are read-only and never sent; Name, Amount and BudgetType
  /// are required by the service.
  AddBudgetsResult AddBudgets(const std::vector<Budget>& budgets) const;

  /// UpdateBudgets. Id is required; of the other fields only those set are sent, so the service
  /// leaves the unset ones unchanged. AssociationCount is never sent.
  UpdateBudgetsResult UpdateBudgets(const std::vector<Budget>& budgets) const;

  /// DeleteBudgets. The service refuses to delete a budget that campaigns still share.
  DeleteBudgetsResult DeleteBudgets(const std::vector<std::int64_t>& budget_ids) const;

  /// GetCampaignIdsByBudgetIds: for each budget id, the campaigns that share it.
  GetCampaignIdsByBudgetIdsResult GetCampaignIdsByBudgetIds(
      const std::vector<std::int64_t>& budget_ids) const;

  const ClientOptions& Options() const;  ///< The options the client was made with.
  /// How fast it sends to its customer now (the adaptive limit), for progress lines.
  Pacing CurrentPacing() const;
  /// The connection it calls (MakeBudgetConnection's, or the one it was given).
  const std::shared_ptr<BudgetConnection>& Connection() const;

 private:
  std::shared_ptr<BudgetConnection> connection_;
};

}  // namespace bingads
