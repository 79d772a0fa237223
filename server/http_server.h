// Puts the router behind cpp-httplib with the settings a long-running server needs.
#pragma once

#include <httplib.h>

#include <memory>
#include <string>

#include "search/searcher_pool.h"
#include "server/config.h"
#include "server/router.h"
#include "server/static_files.h"

namespace loupe::server {

// cpp-httplib 0.11 listens with a backlog of 5, compiled into Debian's library: a few dozen
// clients connecting at once overflow it, and the kernel drops their SYNs (each waits a second
// or more to retry). Listening again on the bound socket widens the queue.
class WideBacklogServer : public httplib::Server {
 public:
  bool widen_backlog(int backlog);
};

class HttpServer {
 public:
  HttpServer(const ServerConfig& config, search::SearcherPool& searchers);

  // Binds the listening socket; returns the port (useful with port 0), or -1.
  int bind();
  // Serves until stop(); requests in flight finish first.
  void run();
  // Safe to call from another thread.
  void stop() { http_.stop(); }

 private:
  void handle(const httplib::Request& req, httplib::Response& res) const;
  bool authorized(const httplib::Request& req) const;

  ServerConfig config_;
  Router router_;
  StaticFiles static_files_;
  WideBacklogServer http_;
};

}  // namespace loupe::server
