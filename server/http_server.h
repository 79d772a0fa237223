// Puts the router behind cpp-httplib with the settings a long-running server needs.
#pragma once

#include <httplib.h>

#include <atomic>
#include <memory>
#include <string>

#include "search/searcher_pool.h"
#include "server/config.h"
#include "server/connection_table.h"
#include "server/guarded_stream.h"
#include "server/lingering_closer.h"
#include "server/metrics.h"
#include "server/request_log.h"
#include "server/router.h"
#include "server/static_files.h"

namespace loupe::server {

// cpp-httplib's server, with the control over its listening socket and the limits on each
// connection that 0.11 lacks.
class ListeningServer : public httplib::Server {
 public:
  ListeningServer(const RequestLimits& limits, size_t max_connections, size_t max_per_address)
      : limits_(limits), connections_(max_connections, max_per_address) {}
  // cpp-httplib 0.11 listens with a backlog of 5, compiled into Debian's library: a few dozen
  // clients connecting at once overflow it, and the kernel drops their SYNs (each waits a
  // second or more to retry). Listening again on the bound socket widens the queue.
  bool widen_backlog(int backlog);
  // The kernel drops new connection attempts from now on (the clients see a refusal once the
  // socket is closed); those it has already completed stay queued for accept().
  bool refuse_new_connections();
  // True while completed connections wait in the kernel's queue for accept().
  bool has_unaccepted_connections() const;

 private:
  // Each connection's requests, read through a GuardedStream (see guarded_stream.h), from a
  // client under the caps of connections_.
  bool process_and_close_socket(socket_t sock) override;
  void serve(GuardedStream& stream);

  RequestLimits limits_;
  ConnectionTable connections_;
  LingeringCloser closer_;
};

class HttpServer {
 public:
  HttpServer(const ServerConfig& config, search::SearcherPool& searchers);

  // Binds the listening socket; returns the port (useful with port 0), or -1.
  int bind();
  // Serves until stop(); requests in flight finish first.
  void run();
  // Safe to call from another thread. Every connection already made gets its answer: see
  // http_server.cpp.
  void stop();

 private:
  void handle(const httplib::Request& req, httplib::Response& res) const;
  bool authorized(const httplib::Request& req) const;
  // A request from a page of an origin --cors-origin allows; its answer says so.
  bool cors_allowed(const httplib::Request& req) const;
  void allow_origin(const httplib::Request& req, httplib::Response& res) const;

  ServerConfig config_;
  RequestLog log_;
  mutable RequestMetrics metrics_;  // counted as requests are answered
  Router router_;
  StaticFiles static_files_;
  ListeningServer http_;
  std::atomic<size_t> open_connections_{0};  // accepted and not yet closed
};

}  // namespace loupe::server
