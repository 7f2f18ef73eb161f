// bingads-emulator: the HTTP/1.1 front that routes to the SOAP and REST fronts. A few event-loop
// threads (epoll, non-blocking sockets) each own their share of the connections, so connections
// that stay idle or trickle bytes cost a file descriptor and a buffer, never a thread; a complete
// request is answered on its loop (--delay-ms is a timer there, not a sleep). Every connection
// has deadlines, and the number of connections and buffered bytes are capped, with a clear
// refusal past each cap.
#pragma once

#include <bingads/transport.h>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "service.h"

namespace bingads::emulator {

/// What the front tolerates from its peers. Every limit has a clear refusal (an HTTP status with
/// a text/plain reason, then the connection is closed).
struct ServerLimits {
  /// Open connections at once; past it a new connection gets 503 and is closed. Lowered at start
  /// to what the process's file-descriptor limit allows.
  std::size_t max_connections = 4096;
  /// A kept-alive connection with no request under way is closed after this.
  std::chrono::milliseconds idle_timeout{5'000};
  /// A request must arrive whole (headers and body) within this of its first byte; otherwise 408.
  std::chrono::milliseconds request_timeout{10'000};
  /// A response must be taken by the peer within this; otherwise the connection is closed.
  std::chrono::milliseconds write_timeout{30'000};
  std::size_t max_header_bytes = 64 * 1024;       ///< Request line and headers; past it 431.
  std::size_t max_body_bytes = 64 * 1024 * 1024;  ///< One request body; past it 413.
  std::size_t max_buffered_bytes = 1024u << 20;   ///< Request bytes held over all connections; 503.
  /// Event-loop threads; each accepts, reads, answers and writes for its share of the
  /// connections.
  int threads = 4;
};

class Server {
 public:
  /// Serves `service`; with `replay` (MakeReplayTransport), API and token calls are answered from
  /// that recording instead, matched on what they ask, so any client can run against it.
  explicit Server(BudgetService& service, ServerLimits limits = {},
                  std::shared_ptr<HttpTransport> replay = nullptr);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds host:port (port 0 picks a free one), starts serving on background threads and returns
  /// the bound port. Throws std::runtime_error when the address cannot be bound.
  int Start(const std::string& host, int port);
  /// Stops serving, closes every connection and joins the threads; safe to call twice.
  void Stop();
  /// The limits in force (max_connections as lowered at Start).
  const ServerLimits& Limits() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bingads::emulator
