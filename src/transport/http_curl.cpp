#include <bingads/version.h>
#include <curl/curl.h>

#include <algorithm>
#include <bit>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "internal.h"
#include "text.h"

namespace bingads {

std::optional<std::string> HttpResponse::Header(std::string_view name) const {
  for (const auto& [key, value] : headers)
    if (internal::EqualsIgnoreCase(key, name)) return value;
  return std::nullopt;
}

HttpResponse SendMetered(HttpTransport& transport, const HttpRequest& request,
                         const CallContext& context, ExchangeCost& cost) {
  ExchangeCost mine;
  CallContext metered = context;
  metered.cost = &mine;
  HttpResponse response = transport.Send(request, metered);
  for (ExchangeCost* to : {&cost, context.cost}) {
    if (to == nullptr) continue;
    to->new_connections += mine.new_connections;
    to->request_bytes += mine.request_bytes;
    to->response_bytes += mine.response_bytes;
  }
  return response;
}

namespace {

std::once_flag g_curl_init;

// Where a response goes as it arrives: headers and body, counted against the limit.
struct Sink {
  HttpResponse* response;
  std::size_t limit;
  std::size_t header_bytes = 0;  // header and trailer lines, against kMaxResponseHeaderBytes
  bool too_large = false;
  bool headers_too_large = false;
  bool encoded = false;      // Content-Encoding: the declared length is not the body's
  std::size_t declared = 0;  // Content-Length
};

// A compressed body is reserved for this many times its declared length (within the limit):
// budgets compress 10 to 20 times. What is reserved and never written costs no memory.
constexpr std::size_t kInflation = 32;

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  std::string& body = sink->response->body;
  const std::size_t n = size * count;
  if (n > sink->limit - body.size()) {  // decompressed bytes, as libcurl hands them over
    sink->too_large = true;
    return 0;  // a short count makes libcurl stop reading
  }
  if (body.empty() && sink->declared > 0) {
    // The first bytes: room for the whole body at once, so it is never copied to grow (a power of
    // two when guessed, as growth below keeps to; `declared` is within the limit).
    const std::size_t inflated = sink->declared > sink->limit / kInflation
                                     ? sink->limit
                                     : std::bit_ceil(sink->declared * kInflation);
    body.reserve(sink->encoded ? std::min(sink->limit, inflated) : sink->declared);
  }
  if (body.capacity() - body.size() < n) {
    // Grow through powers of two, never past the limit, so that the last copy is from half the
    // limit and memory stays near it. (A fresh string takes the capacity asked for; reserve on
    // this one could double past the limit.)
    std::string bigger;
    bigger.reserve(
        std::min(sink->limit, std::bit_ceil(std::max(body.size() + n, 2 * body.capacity()))));
    bigger.append(body);
    body.swap(bigger);
  }
  body.append(data, n);
  return n;
}

// Counts the bytes libcurl writes to the socket for the request (headers and body).
int OnDebug(CURL*, curl_infotype type, char*, size_t size, void* user) {
  if (type == CURLINFO_HEADER_OUT || type == CURLINFO_DATA_OUT)
    *static_cast<std::uint64_t*>(user) += size;
  return 0;
}

// Stops the exchange once the caller's flag is set (libcurl calls this about once a second, and
// whenever data moves).
int OnProgress(void* cancelled, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<const std::atomic<bool>*>(cancelled)->load() ? 1 : 0;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  HttpResponse* response = sink->response;
  const std::size_t n = size * count;
  sink->header_bytes += n;
  if (sink->header_bytes > kMaxResponseHeaderBytes) {
    sink->too_large = sink->headers_too_large = true;
    return 0;
  }
  std::string_view line(data, n);
  if (line.rfind("HTTP/", 0) == 0) {
    response->headers.clear();  // a new response (after 100-continue or a redirect)
    sink->encoded = false;
    sink->declared = 0;
    return n;
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  auto trim = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == '\r' || s.back() == '\n' || s.back() == ' '))
      s.remove_suffix(1);
    return s;
  };
  const std::string_view name = trim(line.substr(0, colon));
  const std::string_view value = trim(line.substr(colon + 1));
  if (internal::EqualsIgnoreCase(name, "Content-Encoding")) sink->encoded = true;
  if (internal::EqualsIgnoreCase(name, "Content-Length")) {
    // A declared length past the limit is refused before any byte of the body is read.
    const auto declared = internal::ParseWhole<std::int64_t>(value);
    if (declared && *declared > 0 && static_cast<std::uint64_t>(*declared) > sink->limit) {
      sink->too_large = true;
      return 0;
    }
    if (declared && *declared > 0) sink->declared = static_cast<std::size_t>(*declared);
  }
  response->headers.emplace_back(std::string(name), std::string(value));
  return n;
}

std::string Mebibytes(std::size_t bytes) {
  const std::size_t mib = std::size_t{1} << 20;
  return bytes % mib == 0 ? std::to_string(bytes / mib) + " MiB" : std::to_string(bytes) + " bytes";
}

// A pool of libcurl easy handles, each keeping its connection alive, so that calls from many
// threads run at once: a call takes the handle used last (sequential calls reuse one connection),
// or a new one while fewer than max_connections exist, or waits for one to come back. The DNS
// cache and TLS sessions are shared between the handles; connections are not, since libcurl does
// not support sharing them between threads.
class CurlTransport final : public HttpTransport {
 public:
  CurlTransport(TransportOptions options, internal::CurlOptionHook hook)
      : options_(std::move(options)), option_hook_(std::move(hook)) {
    if (!options_.user_agent.empty()) internal::CheckHeaderValue("user agent", options_.user_agent);
    if (options_.max_response_bytes == 0) {
      throw Error(ErrorKind::kUsage, "max_response_bytes must be above 0");
    }
    if (options_.max_connections == 0) {
      throw Error(ErrorKind::kUsage, "max_connections must be above 0");
    }
    std::call_once(g_curl_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    share_ = curl_share_init();
    if (share_ == nullptr) throw Error(ErrorKind::kTransport, "libcurl: curl_share_init failed");
    if (curl_share_setopt(share_, CURLSHOPT_LOCKFUNC, Lock) != CURLSHE_OK ||
        curl_share_setopt(share_, CURLSHOPT_UNLOCKFUNC, Unlock) != CURLSHE_OK ||
        curl_share_setopt(share_, CURLSHOPT_USERDATA, this) != CURLSHE_OK ||
        curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS) != CURLSHE_OK ||
        curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION) != CURLSHE_OK) {
      curl_share_cleanup(share_);
      throw Error(ErrorKind::kTransport,
                  "libcurl refused an option of its shared DNS and TLS cache");
    }
  }
  ~CurlTransport() override {
    for (CURL* curl : idle_) curl_easy_cleanup(curl);
    curl_share_cleanup(share_);
  }
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  HttpResponse Send(const HttpRequest& request, const CallContext& context) override {
    CheckRequest(request);
    const auto timeout = Timeout(request, context);
    CURL* const curl = Acquire(request);
    struct Return {
      CurlTransport* pool;
      CURL* curl;
      ~Return() { pool->Release(curl); }
    } give_back{this, curl};
    Exchange x(curl, request, context);
    x.sink.limit = options_.max_response_bytes;
    Configure(x, timeout);
    const CURLcode rc = curl_easy_perform(curl);
    if (x.sink.too_large) TooLarge(x);
    if (rc != CURLE_OK) Failed(x, rc);
    return Finish(x);
  }

 private:
  // One request under way on one handle: what libcurl writes into, and what it points at.
  struct Exchange {
    Exchange(CURL* handle, const HttpRequest& r, const CallContext& c)
        : curl(handle), request(r), context(c) {}
    CURL* curl;
    const HttpRequest& request;
    const CallContext& context;
    HttpResponse response;
    Sink sink{&response, 0};
    char error_buffer[CURL_ERROR_SIZE] = {0};
    std::string agent;
    std::uint64_t sent = 0;
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers{nullptr,
                                                                        curl_slist_free_all};
  };

  // Refused before anything is sent: a non-HTTP URL, clear text to a remote host, header
  // injection.
  void CheckRequest(const HttpRequest& request) const {
    internal::CheckUrl("URL", request.url, options_.allow_insecure_http);
    for (const auto& [name, value] : request.headers) {
      internal::CheckHeaderValue("header name", name);
      internal::CheckHeaderValue("the " + name + " header", value);
      if (name.empty() || name.find_first_of(" :") != std::string::npos) {
        throw Error(ErrorKind::kUsage, "a header name is empty or holds ' ' or ':'", 0, true);
      }
    }
  }

  // Sets one option and makes sure libcurl took it: an option silently refused (an older
  // libcurl, say) could drop a safeguard, such as the http/https restriction.
  template <typename T>
  void Set(CURL* curl, CURLoption option, const char* name, T value) const {
    CURLcode rc = curl_easy_setopt(curl, option, value);
    if (option_hook_) rc = static_cast<CURLcode>(option_hook_(option, rc));
    if (rc != CURLE_OK) {
      throw Error(ErrorKind::kTransport,
                  std::string("libcurl refused the option ") + name + " (" +
                      curl_easy_strerror(rc) + "; libcurl " +
                      curl_version_info(CURLVERSION_NOW)->version +
                      "), so the request was not sent",
                  0, true);
    }
  }

  // The exchange's time: request_timeout, or less when the call's deadline comes first. A call
  // already cancelled or past its deadline goes no further.
  std::chrono::milliseconds Timeout(const HttpRequest& request, const CallContext& context) const {
    const auto refuse = [&request](ErrorKind kind, const std::string& why) {
      throw Error(kind, why + " (" + request.method + " " + request.url + ", not sent)", 0, true);
    };
    if (context.cancelled != nullptr && context.cancelled->load()) {
      refuse(ErrorKind::kCancelled, "cancelled");
    }
    auto timeout = options_.request_timeout;
    if (context.deadline) {
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(
          *context.deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) refuse(ErrorKind::kTimeout, "timeout: the call's deadline passed");
      timeout = std::min(timeout, left);
    }
    return timeout;
  }

  // Every option of one exchange, each checked. The handle keeps its connection cache.
  void Configure(Exchange& x, std::chrono::milliseconds timeout) const {
    CURL* const curl = x.curl;
#define BINGADS_SET(option, value) Set(curl, option, #option, value)
    curl_easy_reset(curl);
    BINGADS_SET(CURLOPT_SHARE, share_);
    BINGADS_SET(CURLOPT_ERRORBUFFER, x.error_buffer);
    BINGADS_SET(CURLOPT_URL, x.request.url.c_str());
    BINGADS_SET(CURLOPT_NOSIGNAL, 1L);
    BINGADS_SET(CURLOPT_PROTOCOLS_STR, "http,https");
    BINGADS_SET(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    BINGADS_SET(CURLOPT_FOLLOWLOCATION, 0L);  // a redirect is a response, not a hop
    // libcurl sends a request again, unasked, when the kept-alive connection it reused closes
    // before any answer; a write must not leave twice without the client deciding so.
    if (!x.request.idempotent) BINGADS_SET(CURLOPT_FRESH_CONNECT, 1L);
    BINGADS_SET(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
    BINGADS_SET(CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
    BINGADS_SET(CURLOPT_SSL_VERIFYPEER, options_.verify_tls ? 1L : 0L);
    BINGADS_SET(CURLOPT_SSL_VERIFYHOST, options_.verify_tls ? 2L : 0L);
    if (!options_.ca_file.empty()) BINGADS_SET(CURLOPT_CAINFO, options_.ca_file.c_str());
    if (!options_.ca_path.empty()) BINGADS_SET(CURLOPT_CAPATH, options_.ca_path.c_str());
    if (!options_.proxy.empty()) BINGADS_SET(CURLOPT_PROXY, options_.proxy.c_str());
    x.agent = options_.user_agent.empty() ? std::string("bingads-budgets/") + kVersion
                                          : options_.user_agent;
    BINGADS_SET(CURLOPT_USERAGENT, x.agent.c_str());
    if (options_.accept_gzip) BINGADS_SET(CURLOPT_ACCEPT_ENCODING, "gzip");
    BINGADS_SET(CURLOPT_CUSTOMREQUEST, x.request.method.c_str());
    if (x.request.method != "GET") {
      BINGADS_SET(CURLOPT_POSTFIELDS, x.request.body.data());
      BINGADS_SET(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(x.request.body.size()));
    }
    for (const auto& [name, value] : x.request.headers) Append(x, name + ": " + value);
    Append(x, "Expect:");  // no 100-continue round trip
    BINGADS_SET(CURLOPT_HTTPHEADER, x.headers.get());
    BINGADS_SET(CURLOPT_WRITEFUNCTION, OnBody);
    BINGADS_SET(CURLOPT_WRITEDATA, &x.sink);
    BINGADS_SET(CURLOPT_HEADERFUNCTION, OnHeader);
    BINGADS_SET(CURLOPT_HEADERDATA, &x.sink);
    if (x.context.cancelled != nullptr) {
      BINGADS_SET(CURLOPT_XFERINFOFUNCTION, OnProgress);
      BINGADS_SET(CURLOPT_XFERINFODATA, x.context.cancelled);
      BINGADS_SET(CURLOPT_NOPROGRESS, 0L);
    }
    if (x.context.cost != nullptr) {
      BINGADS_SET(CURLOPT_DEBUGFUNCTION, OnDebug);
      BINGADS_SET(CURLOPT_DEBUGDATA, &x.sent);
      BINGADS_SET(CURLOPT_VERBOSE, 1L);  // feeds OnDebug only; nothing is printed
    }
#undef BINGADS_SET
  }

  static void Append(Exchange& x, const std::string& line) {
    curl_slist* list = curl_slist_append(x.headers.get(), line.c_str());
    if (list == nullptr) throw Error(ErrorKind::kTransport, "libcurl: out of memory", 0, true);
    x.headers.release();
    x.headers.reset(list);
  }

  [[noreturn]] void TooLarge(Exchange& x) const {
    long status = 0;
    curl_easy_getinfo(x.curl, CURLINFO_RESPONSE_CODE, &status);
    x.response = HttpResponse{};  // give the memory back before anything else happens
    const std::string what = x.sink.headers_too_large
                                 ? "its header and trailer lines are over the limit of " +
                                       std::to_string(kMaxResponseHeaderBytes >> 10) +
                                       " KiB (kMaxResponseHeaderBytes)"
                                 : "over the limit of " + Mebibytes(options_.max_response_bytes) +
                                       " (counted after decompression)";
    throw Error(ErrorKind::kResponseTooLarge,
                "response too large: " + what + ", so reading stopped (HTTP " +
                    std::to_string(status) + ", " + x.request.method + " " + x.request.url +
                    "); the body's limit is TransportOptions::max_response_bytes, CLI "
                    "--max-response-mb",
                static_cast<int>(status));
  }

  [[noreturn]] static void Failed(const Exchange& x, CURLcode rc) {
    const std::string detail = x.error_buffer[0] != '\0' ? x.error_buffer : curl_easy_strerror(rc);
    if (rc == CURLE_ABORTED_BY_CALLBACK) {
      throw Error(ErrorKind::kCancelled,
                  "cancelled while under way (" + x.request.method + " " + x.request.url + ")");
    }
    const bool timeout = rc == CURLE_OPERATION_TIMEDOUT;
    // Nothing of the request left this machine when no connection was made or no byte of it
    // was written: such a request may be sent again, even a write.
    long request_bytes = 0;
    curl_easy_getinfo(x.curl, CURLINFO_REQUEST_SIZE, &request_bytes);
    const bool unsent = rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST ||
                        rc == CURLE_COULDNT_RESOLVE_PROXY || request_bytes == 0;
    throw Error(timeout ? ErrorKind::kTimeout : ErrorKind::kTransport,
                std::string(timeout ? "timeout: " : "transport error: ") + detail + " (" +
                    x.request.method + " " + x.request.url + (unsent ? ", not sent" : "") + ")",
                0, unsent);
  }

  // The response with its status; what it cost on the wire when the context asks.
  static HttpResponse Finish(Exchange& x) {
    long status = 0;
    curl_easy_getinfo(x.curl, CURLINFO_RESPONSE_CODE, &status);
    x.response.status = static_cast<int>(status);
    if (ExchangeCost* cost = x.context.cost) {
      long connects = 0, header_size = 0;
      curl_off_t download = 0;
      curl_easy_getinfo(x.curl, CURLINFO_NUM_CONNECTS, &connects);
      curl_easy_getinfo(x.curl, CURLINFO_HEADER_SIZE, &header_size);
      curl_easy_getinfo(x.curl, CURLINFO_SIZE_DOWNLOAD_T, &download);  // as received: compressed
      cost->new_connections += static_cast<int>(connects);
      cost->request_bytes += x.sent;
      cost->response_bytes +=
          static_cast<std::uint64_t>(header_size) + static_cast<std::uint64_t>(download);
    }
    return std::move(x.response);
  }

  CURL* Acquire(const HttpRequest& request) {
    std::unique_lock<std::mutex> lock(mutex_);
    const auto deadline = std::chrono::steady_clock::now() + options_.connect_timeout;
    while (idle_.empty() && total_ >= options_.max_connections) {
      if (returned_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
          total_ >= options_.max_connections) {
        throw Error(ErrorKind::kTimeout,
                    "timeout: all " + std::to_string(options_.max_connections) +
                        " connections stayed busy for the connect timeout (" + request.method +
                        " " + request.url + ", not sent)",
                    0, true);
      }
    }
    if (!idle_.empty()) {
      CURL* curl = idle_.back();
      idle_.pop_back();
      return curl;
    }
    CURL* curl = curl_easy_init();
    if (curl == nullptr) throw Error(ErrorKind::kTransport, "libcurl: curl_easy_init failed");
    ++total_;
    return curl;
  }

  void Release(CURL* curl) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      idle_.push_back(curl);
    }
    returned_.notify_one();
  }

  static void Lock(CURL*, curl_lock_data data, curl_lock_access, void* user) {
    static_cast<CurlTransport*>(user)->share_locks_[data].lock();
  }
  static void Unlock(CURL*, curl_lock_data data, void* user) {
    static_cast<CurlTransport*>(user)->share_locks_[data].unlock();
  }

  TransportOptions options_;
  internal::CurlOptionHook option_hook_;
  CURLSH* share_ = nullptr;
  std::mutex share_locks_[CURL_LOCK_DATA_LAST];
  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<CURL*> idle_;  // most recently returned last
  std::size_t total_ = 0;    // handles made
};

}  // namespace

std::shared_ptr<HttpTransport> MakeCurlTransport(const TransportOptions& options) {
  return std::make_shared<CurlTransport>(options, nullptr);
}

std::shared_ptr<HttpTransport> internal::MakeCurlTransport(const TransportOptions& options,
                                                           CurlOptionHook hook) {
  return std::make_shared<CurlTransport>(options, std::move(hook));
}

}  // namespace bingads
