// bingads-emulator: the HTTP server (cpp-httplib) that routes to the SOAP and REST fronts.
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "service.h"

namespace bingads::emulator {

class Server {
 public:
  explicit Server(BudgetService& service);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds host:port (port 0 picks a free one), starts serving on a background thread and returns
  /// the bound port. Throws std::runtime_error when the address cannot be bound.
  int Start(const std::string& host, int port);
  /// Stops serving and joins the thread; safe to call twice.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bingads::emulator
