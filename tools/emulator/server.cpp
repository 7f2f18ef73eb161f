#include "server.h"

#include <arpa/inet.h>
#include <bingads/client.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <map>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <vector>

#include "faults.h"
#include "fronts.h"
#include "http_request.h"
#include "reporting.h"
#include "text.h"

namespace bingads::emulator {
namespace {

using Clock = std::chrono::steady_clock;

const char* Reason(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 413:
      return "Content Too Large";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Status";
  }
}

bool AcceptsGzip(std::string_view accept_encoding) {
  for (std::size_t start = 0; start < accept_encoding.size();) {
    const auto comma = std::min(accept_encoding.find(',', start), accept_encoding.size());
    std::string_view item = internal::Trim(accept_encoding.substr(start, comma - start));
    start = comma + 1;
    const auto semicolon = item.find(';');
    const std::string_view coding = internal::Trim(item.substr(0, semicolon));
    if (!internal::EqualsIgnoreCase(coding, "gzip")) continue;
    if (semicolon == std::string_view::npos) return true;
    const std::string_view q = internal::Trim(item.substr(semicolon + 1));
    return !(q.rfind("q=0", 0) == 0 && q.find_first_not_of("q=0.") == std::string_view::npos);
  }
  return false;
}

// gzip at the fastest level. Each thread keeps its compressor: setting one up costs more than
// compressing a typical response.
std::string Gzip(std::string_view data) {
  struct Stream {
    Stream() {
      if (deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        throw std::runtime_error("zlib: deflateInit2 failed");
    }
    ~Stream() { deflateEnd(&z); }
    z_stream z{};
  };
  thread_local Stream stream;
  z_stream& z = stream.z;
  deflateReset(&z);
  std::string out(deflateBound(&z, static_cast<uLong>(data.size())), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  if (rc != Z_STREAM_END) throw std::runtime_error("zlib: deflate did not finish");
  return out;
}

// The bytes of a whole response. Text bodies of some size are gzip-encoded when the client asks.
std::string Serialize(const Reply& reply, bool keep_alive, bool gzip) {
  gzip = gzip && reply.body.size() >= 512;
  const std::string compressed = gzip ? Gzip(reply.body) : std::string();
  const std::string& body = gzip ? compressed : reply.body;
  std::string head =
      "HTTP/1.1 " + std::to_string(reply.status) + " " + Reason(reply.status) + "\r\n";
  if (!reply.content_type.empty()) head += "Content-Type: " + reply.content_type + "\r\n";
  if (!reply.tracking_id.empty()) head += "TrackingId: " + reply.tracking_id + "\r\n";
  for (const auto& [name, value] : reply.headers) head += name + ": " + value + "\r\n";
  if (gzip) head += "Content-Encoding: gzip\r\nVary: Accept-Encoding\r\n";
  head += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  head += keep_alive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
  head.reserve(head.size() + body.size());
  head += body;
  return head;
}

// A refusal of the front itself: text/plain, and the connection closes after it.
std::string Refusal(int status, const std::string& why) {
  Reply reply;
  reply.status = status;
  reply.content_type = "text/plain; charset=utf-8";
  reply.body = "bingads-emulator: " + why + "\n";
  return Serialize(reply, false, false);
}

bool IsApiPath(std::string_view path) {
  return IsSoapPath(path) || path.rfind(std::string(kRestPrefix) + "/", 0) == 0 ||
         path.rfind(kReportingRestPrefix, 0) == 0;
}

// The token endpoint at the identity platform's path, any tenant: /TENANT/oauth2/v2.0/token.
bool IsTokenPath(std::string_view path) {
  constexpr std::string_view tail = "/oauth2/v2.0/token";
  if (path.size() <= tail.size() + 1 || path.front() != '/') return false;
  if (path.substr(path.size() - tail.size()) != tail) return false;
  const std::string_view tenant = path.substr(1, path.size() - tail.size() - 1);
  return tenant.find('/') == std::string_view::npos;
}

// --replay: the recorded answer to what the request asks, whichever client sent it.
Reply Replay(HttpTransport& recording, const HttpRequestIn& req) {
  HttpRequest request{req.method, "http://replay" + req.path, {}, req.body};
  for (const auto& [name, value] : req.headers) request.headers.emplace_back(name, value);
  HttpResponse recorded;
  try {
    recorded = recording.Send(request);
  } catch (const std::exception& e) {  // Error, or anything else: the server keeps serving
    const std::string why = std::string("bingads-emulator --replay: ") + e.what();
    // A SOAP client shows a fault's faultstring: say it there.
    if (IsSoapPath(req.path)) return SoapFault("s:Client", why);
    return {500, "text/plain; charset=utf-8", why, "", {}};
  }
  Reply reply{recorded.status,
              recorded.Header("Content-Type").value_or(""),
              std::move(recorded.body),
              recorded.Header("TrackingId").value_or(""),
              {}};
  for (auto& header : recorded.headers) {  // no structured binding: clang 14 cannot capture one
    static constexpr const char* kOwn[] = {"Content-Type", "TrackingId",     "Connection",
                                           "Keep-Alive",   "Content-Length", "Vary"};
    const std::string& name = header.first;
    if (std::none_of(std::begin(kOwn), std::end(kOwn),
                     [&name](const char* own) { return internal::EqualsIgnoreCase(name, own); }))
      reply.headers.emplace_back(name, std::move(header.second));
  }
  return reply;
}

// GET of a report's download URL: served without credentials, and refused with them (a client
// that sends its tokens to the download host would leak them to whoever holds the URL).
Reply Download(BudgetService& service, const HttpRequestIn& req) {
  if (req.method != "GET") {
    Reply reply{405, "text/plain; charset=utf-8", "bingads-emulator: use GET\n", "", {}};
    reply.headers.emplace_back("Allow", "GET");
    return reply;
  }
  for (const char* secret : {"authorization", "developertoken", "authenticationtoken", "cookie"}) {
    if (!req.Header(secret).empty()) {
      return {400,
              "text/plain; charset=utf-8",
              std::string("bingads-emulator: a credential (") + secret +
                  ") was sent to the report download URL, which needs none\n",
              "",
              {}};
    }
  }
  const std::string token =
      req.path.substr(std::string_view(ReportingService::kDownloadPrefix).size());
  auto zip = service.Reports().Download(token);
  if (!zip)
    return {404,
            "text/plain; charset=utf-8",
            "bingads-emulator: no such report file, or its URL expired\n",
            "",
            {}};
  return {200, "application/x-zip-compressed", std::move(*zip), "", {}};
}

Reply Route(BudgetService& service, const HttpRequestIn& req) {
  if (req.path.rfind(ReportingService::kDownloadPrefix, 0) == 0) return Download(service, req);
  const bool rest = req.path.rfind(std::string(kRestPrefix) + "/", 0) == 0 ||
                    req.path.rfind(kReportingRestPrefix, 0) == 0;
  if (IsSoapPath(req.path) || IsTokenPath(req.path)) {
    if (req.method != "POST") {
      Reply reply{405, "text/plain; charset=utf-8", "bingads-emulator: use POST\n", "", {}};
      reply.headers.emplace_back("Allow", "POST");
      return reply;
    }
    if (req.path == kSoapServicePath) {
      return HandleSoap(service, req.Header("content-type"), req.Header("soapaction"), req.body);
    }
    if (req.path == kReportingSoapPath) {
      return HandleSoapReporting(service, req.Header("content-type"), req.Header("soapaction"),
                                 req.body,
                                 BaseUrlOf([&req](const char*) { return req.Header("host"); }));
    }
    const TokenReply token = service.Token(req.body);
    Reply reply{token.status, "application/json; charset=utf-8", token.body, "", {}};
    reply.headers.emplace_back("Cache-Control", "no-store");
    return reply;
  }
  if (rest) {
    if (req.method != "POST" && req.method != "PUT" && req.method != "DELETE") {
      Reply reply{
          405, "text/plain; charset=utf-8", "bingads-emulator: use POST, PUT or DELETE\n", "", {}};
      reply.headers.emplace_back("Allow", "POST, PUT, DELETE");
      return reply;
    }
    auto header = [&req](const char* name) {
      std::string lower(name);
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return req.Header(lower);
    };
    return HandleRest(service, req.method, req.path, header, req.body);
  }
  return {404, "text/plain; charset=utf-8", "bingads-emulator: no such resource\n", "", {}};
}

bool IsLoopback(const sockaddr_storage& peer) {
  if (peer.ss_family == AF_INET) {
    const auto& v4 = reinterpret_cast<const sockaddr_in&>(peer);
    return (ntohl(v4.sin_addr.s_addr) >> 24) == 127;
  }
  if (peer.ss_family == AF_INET6) {
    const auto& v6 = reinterpret_cast<const sockaddr_in6&>(peer).sin6_addr;
    return IN6_IS_ADDR_LOOPBACK(&v6) || (IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127);
  }
  return false;
}

// A credential header a call names: the REST header (`header`, lower case) or the SOAP header
// element (`element`).
std::string HeaderOf(const HttpRequestIn& request, const char* header, const char* element) {
  if (!IsSoapPath(request.path)) return request.Header(header);
  const std::string_view body = request.body;
  const std::string_view local = element;
  // The element's start tag: the name after '<' or a prefix's ':', then '>', a space or '/'.
  std::size_t name = body.find(local);
  while (
      name != std::string_view::npos &&
      (name == 0 || (body[name - 1] != '<' && body[name - 1] != ':') ||
       name + local.size() >= body.size() ||
       std::string_view("> \t\r\n/").find(body[name + local.size()]) == std::string_view::npos)) {
    name = body.find(local, name + 1);
  }
  const std::size_t open = name == std::string_view::npos ? name : body.find('>', name);
  if (open == std::string_view::npos) return "";
  const std::size_t close = body.find('<', open);
  return std::string(body.substr(open + 1, std::min(close, body.size()) - open - 1).substr(0, 32));
}

std::string AccountOf(const HttpRequestIn& request) {
  return HeaderOf(request, "customeraccountid", "CustomerAccountId");
}
std::string CustomerOf(const HttpRequestIn& request) {
  return HeaderOf(request, "customerid", "CustomerId");
}

FaultPlan PlanFor(FaultModel& faults, const HttpRequestIn& request) {
  const bool soap = IsSoapPath(request.path);
  return faults.Decide(soap ? "soap" : "rest",
                       OperationOf(request.method, request.path, request.Header("soapaction")),
                       AccountOf(request), request.body);
}

// What an "applied, then ..." fault makes of the service's reply.
void Spoil(FaultKind outcome, Reply& reply) {
  if (outcome == FaultKind::kError500 || outcome == FaultKind::kError503) {
    const int status = outcome == FaultKind::kError500 ? 500 : 503;
    reply = {status,
             "text/plain; charset=utf-8",
             "bingads-emulator: injected fault: HTTP " + std::to_string(status) +
                 " after the call was made\n",
             "",
             {}};
  } else if (outcome == FaultKind::kMalformed) {
    std::string garbage = "\x01\xff<<{{";
    while (garbage.size() < reply.body.size()) garbage += garbage;
    reply.body = garbage.substr(0, std::max<std::size_t>(reply.body.size(), 8));
  }
}

// The admin endpoint (loopback peers only): GET shows the faults and their counts; PUT
// {"faults":[SPEC...],"seed":N} replaces them; DELETE removes them all.
Reply Admin(FaultModel& faults, RateLimiter& rates, const HttpRequestIn& request, bool loopback) {
  auto text = [](int status, const std::string& body) {
    return Reply{status, "text/plain; charset=utf-8", "bingads-emulator: " + body + "\n", "", {}};
  };
  if (!loopback) return text(403, "the admin endpoint answers loopback peers only");
  try {
    if (request.method == "DELETE") {
      faults.Replace({}, std::nullopt);
    } else if (request.method == "PUT") {
      const auto [specs, seed] = ReadFaultRequest(request.body);
      faults.Replace(specs, seed);
    } else if (request.method != "GET") {
      Reply reply = text(405, "use GET, PUT or DELETE");
      reply.headers.emplace_back("Allow", "GET, PUT, DELETE");
      return reply;
    }
  } catch (const std::invalid_argument& e) {
    return text(400, e.what());
  }
  // The faults' state, and each customer's rate-limit window beside them.
  std::string state = faults.StateJson();
  state.insert(state.size() - 1, ",\"rate_limit\":" + rates.StateJson());
  return {200, "application/json", state, "", {}};
}

enum class State { kReading, kProcessing, kWriting };

struct Connection {
  Connection(int descriptor, std::uint64_t number, const ServerLimits& limits)
      : fd(descriptor), serial(number), parser(limits.max_header_bytes, limits.max_body_bytes) {}
  int fd;
  std::uint64_t serial;
  State state = State::kReading;
  std::string in;  // received and not yet parsed
  RequestParser parser;
  std::string out;
  std::size_t written = 0;
  bool close_after_write = false;
  Clock::time_point deadline;
  std::size_t counted = 0;  // bytes of this connection in the buffered total
  bool loopback = false;    // the peer is on this machine (the admin endpoint answers it only)
  FaultPlan plan;           // what the fault model does to the request under way
  std::optional<std::string> in_flight;  // the customer whose in-flight count holds this call
};

// A request waiting for its latency before it is answered, or a dribbled answer's next piece.
struct Delayed {
  int fd;
  std::uint64_t serial;
  bool write = false;
};

// What every event loop of one server shares.
struct Shared {
  Shared(BudgetService& s, ServerLimits l, std::shared_ptr<HttpTransport> r)
      : service(s), limits(l), replay(std::move(r)) {}
  BudgetService& service;
  ServerLimits limits;
  std::shared_ptr<HttpTransport> replay;  // answers from a recording instead of the service
  int listen_fd = -1;
  std::atomic<std::size_t> connections{0};
  std::atomic<std::size_t> buffered{0};  // request bytes held over all connections
  std::atomic<bool> stopping{false};
};

// One thread's event loop: it accepts its share of the connections (the listening socket is
// watched by every loop, waking one at a time), reads their requests, answers them inline and
// writes the answers, never blocking on a peer. Every socket is non-blocking.
class EventLoop {
 public:
  explicit EventLoop(Shared& shared) : shared_(shared), limits(shared.limits) {
    epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
    wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (epoll_fd_ < 0 || wake_fd_ < 0) throw std::runtime_error("epoll or eventfd failed");
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLEXCLUSIVE;
    ev.data.fd = shared.listen_fd;
    epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, shared.listen_fd, &ev);
    ev.events = EPOLLIN;
    ev.data.fd = wake_fd_;
    epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev);
  }
  ~EventLoop() {
    std::vector<int> open;
    for (const auto& entry : connections_) open.push_back(entry.first);
    for (int fd : open) Close(fd);
    ::close(epoll_fd_);
    ::close(wake_fd_);
  }
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  void Wake() const {
    const std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(wake_fd_, &one, sizeof one);
  }

  void Run() {
    std::vector<epoll_event> events(256);
    auto last_sweep = Clock::now();
    while (!shared_.stopping.load()) {
      auto now = Clock::now();
      int timeout = 50;
      if (!delayed_.empty()) {
        const auto wait =
            std::chrono::duration_cast<std::chrono::milliseconds>(delayed_.begin()->first - now);
        timeout = static_cast<int>(std::clamp<std::int64_t>(wait.count() + 1, 0, timeout));
      }
      const int n = epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), timeout);
      for (int i = 0; i < n; ++i) {
        const int fd = events[i].data.fd;
        const std::uint32_t what = events[i].events;
        if (fd == shared_.listen_fd) {
          Accept();
          continue;
        }
        if (fd == wake_fd_) {
          std::uint64_t count = 0;
          [[maybe_unused]] auto r = ::read(wake_fd_, &count, sizeof count);
          continue;
        }
        auto it = connections_.find(fd);
        if (it == connections_.end()) continue;
        Connection& c = it->second;
        if (c.state == State::kReading && (what & (EPOLLIN | EPOLLHUP | EPOLLERR))) {
          Read(c);
        } else if (c.state == State::kWriting && (what & EPOLLOUT)) {
          Write(c);
        } else if (what & (EPOLLHUP | EPOLLERR)) {
          Close(fd);
        }
      }
      now = Clock::now();
      while (!delayed_.empty() && delayed_.begin()->first <= now) {
        const Delayed due = delayed_.begin()->second;
        delayed_.erase(delayed_.begin());
        auto it = connections_.find(due.fd);
        if (it == connections_.end() || it->second.serial != due.serial) continue;
        if (due.write) {
          Write(it->second);
        } else {
          Answer(it->second);
        }
      }
      if (now - last_sweep >= std::chrono::milliseconds(50)) {
        Sweep(now);
        last_sweep = now;
      }
    }
  }

 private:
  void Watch(const Connection& c, std::uint32_t events) const {
    epoll_event ev{};
    ev.events = events;
    ev.data.fd = c.fd;
    epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c.fd, &ev);
  }

  // Keeps the shared count of held request bytes up to date with this connection's.
  void Count(Connection& c) {
    const std::size_t now = c.in.size() + c.parser.Request().body.size();
    shared_.buffered += now;
    shared_.buffered -= c.counted;
    c.counted = now;
  }

  void Close(int fd) {
    auto it = connections_.find(fd);
    if (it == connections_.end()) return;
    shared_.buffered -= it->second.counted;
    Landed(it->second);
    --shared_.connections;
    epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
    ::close(fd);
    connections_.erase(it);
  }

  void Accept() {
    while (true) {
      sockaddr_storage peer{};
      socklen_t peer_length = sizeof peer;
      const int fd = ::accept4(shared_.listen_fd, reinterpret_cast<sockaddr*>(&peer), &peer_length,
                               SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED) continue;
        return;  // EAGAIN (another loop took it), or out of descriptors: the rest wait
      }
      if (shared_.connections.fetch_add(1) >= limits.max_connections) {
        --shared_.connections;
        const std::string refusal =
            Refusal(503, "too many connections (the limit is " +
                             std::to_string(limits.max_connections) + "); try again later");
        [[maybe_unused]] auto n = ::send(fd, refusal.data(), refusal.size(), MSG_NOSIGNAL);
        ::close(fd);
        continue;
      }
      const int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      Connection& c = connections_.try_emplace(fd, fd, next_serial_++, limits).first->second;
      c.deadline = Clock::now() + limits.idle_timeout;
      c.loopback = IsLoopback(peer);
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.fd = fd;
      epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
    }
  }

  // Starts sending `bytes`; the connection reads its next request after them, or closes.
  void Respond(Connection& c, std::string bytes, bool close) {
    c.out = std::move(bytes);
    c.written = 0;
    c.close_after_write = close;
    c.state = State::kWriting;
    c.deadline = Clock::now() + limits.write_timeout;
    Write(c);
  }

  void Write(Connection& c) {
    while (c.written < c.out.size()) {
      // A dribbled answer: one piece now, the next after the interval.
      const std::size_t piece = c.plan.dribble_bytes > 0
                                    ? std::min(c.plan.dribble_bytes, c.out.size() - c.written)
                                    : c.out.size() - c.written;
      const ssize_t n = ::send(c.fd, c.out.data() + c.written, piece, MSG_NOSIGNAL);
      if (n > 0) {
        c.written += static_cast<std::size_t>(n);
        if (c.plan.dribble_bytes > 0 && c.written < c.out.size()) {
          Watch(c, 0);
          delayed_.emplace(Clock::now() + c.plan.dribble_every, Delayed{c.fd, c.serial, true});
          return;
        }
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        Watch(c, EPOLLOUT);
        return;
      } else {
        Close(c.fd);
        return;
      }
    }
    if (c.close_after_write) {
      Close(c.fd);
      return;
    }
    c.out.clear();
    c.out.shrink_to_fit();
    c.state = State::kReading;
    c.parser.Reset();
    Count(c);
    c.deadline = Clock::now() + (c.in.empty() ? limits.idle_timeout : limits.request_timeout);
    Watch(c, EPOLLIN);
    if (!c.in.empty()) Parse(c);  // a pipelined request
  }

  void Read(Connection& c) {
    char buffer[64 * 1024];
    for (int reads = 0; reads < 16; ++reads) {
      const ssize_t n = ::recv(c.fd, buffer, sizeof buffer, 0);
      if (n > 0) {
        if (c.in.empty() && !c.parser.Started()) {
          c.deadline = Clock::now() + limits.request_timeout;  // a request begins
        }
        c.in.append(buffer, static_cast<std::size_t>(n));
        Count(c);
        if (shared_.buffered.load() > limits.max_buffered_bytes) {
          Respond(c, Refusal(503, "the emulator holds too many request bytes; try again later"),
                  true);
          return;
        }
        if (static_cast<std::size_t>(n) < sizeof buffer) break;
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        break;
      } else {
        Close(c.fd);  // the peer closed, or the connection broke
        return;
      }
    }
    Parse(c);
  }

  void Parse(Connection& c) {
    try {
      if (!c.parser.Advance(c.in)) {
        if (c.parser.TakeContinue()) {
          static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
          [[maybe_unused]] auto n = ::send(c.fd, kContinue.data(), kContinue.size(), MSG_NOSIGNAL);
        }
        return;
      }
    } catch (const ParseError& e) {
      Respond(c, Refusal(e.status, e.why), true);
      return;
    }
    c.state = State::kProcessing;
    Watch(c, 0);
    const HttpRequestIn& request = c.parser.Request();
    c.plan = IsApiPath(request.path) ? PlanFor(shared_.service.Faults(), request) : FaultPlan{};
    if (IsApiPath(request.path)) Limit(c, request);
    if (c.plan.delay.count() > 0) {
      delayed_.emplace(Clock::now() + c.plan.delay, Delayed{c.fd, c.serial});
    } else {
      Answer(c);
    }
  }

  // The call-rate limit: a call past its customer's window (or in-flight cap) is throttled as the
  // service throttles (117, REST 429, Retry-After); an admitted one is in flight until answered.
  void Limit(Connection& c, const HttpRequestIn& request) {
    RateLimiter& rates = shared_.service.Rates();
    if (!rates.Active()) return;
    const std::string customer = CustomerOf(request);
    const Admission admission = rates.Admit(customer);
    if (!admission.admitted) {
      c.plan.outcome = FaultKind::kThrottle;
      c.plan.retry_after_seconds = admission.retry_after_seconds;
    } else {
      c.in_flight = customer;
    }
  }

  void Landed(Connection& c) {
    if (c.in_flight) shared_.service.Rates().Done(*c.in_flight);
    c.in_flight.reset();
  }

  // Closes with a reset (RST) instead of a clean close.
  void Reset(Connection& c) {
    const linger abort{1, 0};
    setsockopt(c.fd, SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
    Close(c.fd);
  }

  // Runs the request through the fronts (or the fault that replaces them) and starts writing the
  // answer, as the request's fault plan says.
  void Answer(Connection& c) {
    Landed(c);
    const HttpRequestIn& request = c.parser.Request();
    const std::optional<FaultKind> outcome = c.plan.outcome;
    if (outcome == FaultKind::kReset) return Reset(c);
    if (outcome == FaultKind::kEmpty) return Close(c.fd);
    std::string bytes;
    try {
      Reply reply = Compute(c, request);
      if (outcome == FaultKind::kDrop) return Close(c.fd);  // made, never answered
      if (outcome) Spoil(*outcome, reply);
      bytes = Serialize(reply, request.keep_alive, AcceptsGzip(request.Header("accept-encoding")));
    } catch (const std::exception& e) {
      Reply reply{500,
                  "text/plain; charset=utf-8",
                  std::string("emulator internal error: ") + e.what(),
                  "",
                  {}};
      bytes = Serialize(reply, request.keep_alive, false);
    }
    if (outcome == FaultKind::kTruncate) {
      // The head and half the body, then the connection closes.
      const std::size_t head = bytes.find("\r\n\r\n") + 4;
      bytes.resize(head + (bytes.size() - head) / 2);
      return Respond(c, std::move(bytes), true);
    }
    Respond(c, std::move(bytes), !request.keep_alive);
  }

  // The reply the request gets: from the admin endpoint, an injected service fault, the
  // recording or the service.
  Reply Compute(const Connection& c, const HttpRequestIn& request) {
    if (request.path == kAdminPath) {
      return Admin(shared_.service.Faults(), shared_.service.Rates(), request, c.loopback);
    }
    if (c.plan.outcome == FaultKind::kThrottle || c.plan.outcome == FaultKind::kInternalError) {
      const std::string tracking_id = BudgetService::NewTrackingId();
      const Fault fault =
          c.plan.outcome == FaultKind::kThrottle
              ? BudgetService::ThrottleFault(tracking_id, c.plan.retry_after_seconds)
              : BudgetService::InternalErrorFault(tracking_id);
      return IsSoapPath(request.path)
                 ? SoapServiceFault(fault, shared_.service.Options().soap_faults_with_200)
                 : RestServiceFault(fault);
    }
    return shared_.replay && (IsApiPath(request.path) || IsTokenPath(request.path))
               ? Replay(*shared_.replay, request)
               : Route(shared_.service, request);
  }

  // Closes connections whose deadline passed: idle ones silently, part-read requests with 408.
  void Sweep(Clock::time_point now) {
    std::vector<int> expired;
    for (const auto& [fd, c] : connections_)
      if (c.state != State::kProcessing && c.deadline <= now) expired.push_back(fd);
    for (int fd : expired) {
      Connection& c = connections_.at(fd);
      const bool started = c.state == State::kReading && (!c.in.empty() || c.parser.Started());
      if (started) {
        const std::string refusal =
            Refusal(408, "the request did not arrive whole within " +
                             std::to_string(limits.request_timeout.count()) + " ms");
        [[maybe_unused]] auto n = ::send(fd, refusal.data(), refusal.size(), MSG_NOSIGNAL);
      }
      Close(fd);
    }
  }

  Shared& shared_;
  const ServerLimits& limits;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  std::unordered_map<int, Connection> connections_;
  std::multimap<Clock::time_point, Delayed> delayed_;
  std::uint64_t next_serial_ = 1;
};

}  // namespace

struct Server::Impl {
  Impl(BudgetService& service, ServerLimits limits, std::shared_ptr<HttpTransport> replay)
      : shared(service, limits, std::move(replay)) {}
  Shared shared;
  std::vector<std::unique_ptr<EventLoop>> loops;
  std::vector<std::thread> threads;
};

Server::Server(BudgetService& service, ServerLimits limits, std::shared_ptr<HttpTransport> replay)
    : impl_(std::make_unique<Impl>(service, limits, std::move(replay))) {}

Server::~Server() { Stop(); }

const ServerLimits& Server::Limits() const { return impl_->shared.limits; }

int Server::Start(const std::string& host, int port) {
  Impl& s = *impl_;
  if (!s.threads.empty()) throw std::runtime_error("the emulator is already serving");
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  const std::string service_name = std::to_string(port);
  if (getaddrinfo(host.c_str(), service_name.c_str(), &hints, &found) != 0 || found == nullptr) {
    throw std::runtime_error("cannot resolve " + host);
  }
  int fd = -1;
  for (addrinfo* a = found; a != nullptr && fd < 0; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    const int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, a->ai_addr, a->ai_addrlen) != 0 || ::listen(fd, 4096) != 0) {
      ::close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(found);
  if (fd < 0) throw std::runtime_error("cannot listen on " + host + ":" + std::to_string(port));
  sockaddr_storage bound{};
  socklen_t length = sizeof bound;
  getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &length);
  const int bound_port =
      ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                        : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  // Each connection takes a descriptor: keep the cap where the process can still open them.
  ServerLimits& limits = s.shared.limits;
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY) {
    const std::size_t room = files.rlim_cur > 64 ? files.rlim_cur - 64 : 1;
    limits.max_connections = std::min(limits.max_connections, room);
  }
  s.shared.listen_fd = fd;
  s.shared.stopping = false;
  for (int i = 0; i < std::max(1, limits.threads); ++i) {
    s.loops.push_back(std::make_unique<EventLoop>(s.shared));
  }
  for (auto& loop : s.loops) s.threads.emplace_back([&loop] { loop->Run(); });
  return bound_port;
}

void Server::Stop() {
  Impl& s = *impl_;
  if (s.threads.empty()) return;
  s.shared.stopping = true;
  for (auto& loop : s.loops) loop->Wake();
  for (auto& thread : s.threads) thread.join();
  s.threads.clear();
  s.loops.clear();  // closes every connection
  ::close(s.shared.listen_fd);
  s.shared.listen_fd = -1;
}

}  // namespace bingads::emulator
