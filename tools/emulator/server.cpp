#include "server.h"

#include <httplib.h>

#include <stdexcept>
#include <thread>

#include "fronts.h"

namespace bingads::emulator {

struct Server::Impl {
  explicit Impl(BudgetService& s) : service(s) {}
  BudgetService& service;
  httplib::Server http;
  std::thread thread;
};

namespace {

void Send(httplib::Response& res, const Reply& reply) {
  res.status = reply.status;
  if (!reply.tracking_id.empty()) res.set_header("TrackingId", reply.tracking_id);
  for (const auto& [name, value] : reply.headers) res.set_header(name.c_str(), value);
  res.set_content(reply.body, reply.content_type.c_str());
}

void Delay(const BudgetService& service) {
  if (service.Options().delay.count() > 0) std::this_thread::sleep_for(service.Options().delay);
}

}  // namespace

Server::Server(BudgetService& service) : impl_(std::make_unique<Impl>(service)) {
  auto& http = impl_->http;
  BudgetService& svc = impl_->service;
  http.set_read_timeout(30, 0);
  http.set_write_timeout(30, 0);
  http.set_payload_max_length(64 * 1024 * 1024);
  http.set_keep_alive_max_count(100000);  // long keep-alive runs reuse one connection
  // An idle keep-alive connection holds a worker until this passes, and stopping waits for it.
  http.set_keep_alive_timeout(2);
  // Headers and body go out in separate writes; without this, Nagle and delayed ACKs add ~40 ms.
  http.set_tcp_nodelay(true);
  http.Post("/Api/Advertiser/CampaignManagement/v13/CampaignManagementService.svc",
            [&svc](const httplib::Request& req, httplib::Response& res) {
              Delay(svc);
              Send(res, HandleSoap(svc, req.get_header_value("Content-Type"),
                                   req.get_header_value("SOAPAction"), req.body));
            });
  auto rest = [&svc](const httplib::Request& req, httplib::Response& res) {
    Delay(svc);
    auto header = [&req](const char* name) { return req.get_header_value(name); };
    Send(res, HandleRest(svc, req.method, req.path, header, req.body));
  };
  // The OAuth token endpoint, at the identity platform's path (any tenant).
  http.Post(R"(/[^/]+/oauth2/v2\.0/token)",
            [&svc](const httplib::Request& req, httplib::Response& res) {
              const TokenReply reply = svc.Token(req.body);
              res.status = reply.status;
              res.set_header("Cache-Control", "no-store");
              res.set_content(reply.body, "application/json; charset=utf-8");
            });
  const char* rest_paths = R"(/CampaignManagement/v13/.*)";
  http.Post(rest_paths, rest);
  http.Put(rest_paths, rest);
  http.Delete(rest_paths, rest);
  http.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "unknown error";
        try {
          std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        res.status = 500;
        res.set_content("emulator internal error: " + what, "text/plain; charset=utf-8");
      });
}

Server::~Server() { Stop(); }

int Server::Start(const std::string& host, int port) {
  auto& http = impl_->http;
  const int bound =
      port == 0 ? http.bind_to_any_port(host) : (http.bind_to_port(host, port) ? port : -1);
  if (bound <= 0) {
    throw std::runtime_error("cannot listen on " + host + ":" + std::to_string(port));
  }
  // The socket already listens after binding, so clients may connect before the loop starts.
  impl_->thread = std::thread([&http] { http.listen_after_bind(); });
  return bound;
}

void Server::Stop() {
  impl_->http.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace bingads::emulator
