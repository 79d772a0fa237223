#include "server/http_server.h"

#include <linux/filter.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iterator>
#include <optional>
#include <thread>

#include <xapian.h>

#include "analysis/utf8.h"
#include "server/api.h"
#include "server/responses.h"
#include "server/thread_pool.h"

namespace loupe::server {
namespace {

// The API takes no bodies; the page posts nothing.
constexpr size_t kMaxBodyBytes = size_t{64} * 1024;
// Stopping waits for idle keep-alive connections to time out (cpp-httplib 0.11 cannot wake
// them), so this bounds how long SIGTERM takes; a client reconnects cheaply after it.
constexpr time_t kKeepAliveSeconds = 2;
constexpr size_t kKeepAliveRequests = 10000;
// Also bounds how long stopping waits for a client that sent half a request.
constexpr time_t kReadTimeoutSeconds = 3;
constexpr size_t kInitialThreads = 8;
constexpr int kListenBacklog = 4096;  // the kernel caps it at net.core.somaxconn
// Stopping waits this long at most for the connections already made to be answered and closed.
constexpr auto kDrainLimit = std::chrono::milliseconds(500);
constexpr auto kGrace = std::chrono::milliseconds(20);
// A header line, the request line included: 8 KiB is plenty (cpp-httplib's own limit on the
// request target is the same), and a line is refused before it is read whole.
constexpr size_t kMaxLineBytes = 8192;
constexpr size_t kMaxHeaderLines = 100;
// One client address may hold this share of the connections (of the worker threads): a
// reverse proxy in front is one address, so it is half, not a handful.
constexpr size_t kShareOfOneAddress = 2;
// Longer paths are refused before a route's regex sees them (std::regex recurses once a
// character); no document id or page path comes near.
constexpr size_t kMaxPathBytes = 4096;

// The path of a request target in absolute form ("http://host/api/search"), which HTTP/1.1
// servers must accept (RFC 9112, 3.2.2: clients send it through proxies); nullopt for the usual
// origin form ("/api/search"). The authority is not checked: the Host header is not either.
std::optional<std::string> absolute_form_path(const std::string& target) {
  if (target.empty() || target[0] == '/') return std::nullopt;
  size_t scheme_end = target.find("://");
  if (scheme_end == std::string::npos) return std::nullopt;
  std::string scheme = analysis::ascii_lower(std::string_view(target).substr(0, scheme_end));
  if (scheme != "http" && scheme != "https") return std::nullopt;
  size_t path = target.find('/', scheme_end + 3);
  return path == std::string::npos ? std::string("/") : target.substr(path);
}

// Compares in time that depends on the lengths only, not on how much of the key was right.
bool same_secret(const std::string& given, const std::string& key) {
  unsigned char diff = given.size() == key.size() ? 0 : 1;
  for (size_t i = 0; i < given.size(); ++i)
    diff |= static_cast<unsigned char>(given[i] ^ (i < key.size() ? key[i] : 0));
  return diff == 0 && !key.empty();
}

}  // namespace

namespace {

RequestLimits request_limits() {
  RequestLimits limits;
  limits.max_line_bytes = kMaxLineBytes;
  limits.max_header_lines = kMaxHeaderLines;
  limits.deadline = std::chrono::seconds(kReadTimeoutSeconds);
  return limits;
}

}  // namespace

HttpServer::HttpServer(const ServerConfig& config, search::SearcherPool& searchers)
    : config_(config),
      log_(config.log_format),
      static_files_(config.web),
      http_(request_limits(), static_cast<size_t>(config.threads),
            std::max<size_t>(1, static_cast<size_t>(config.threads) / kShareOfOneAddress)) {
  add_api_routes(router_, searchers, !config_.api_key.empty());
  add_metrics_route(router_, {metrics_, searchers, open_connections_, watched_database(config_),
                              std::chrono::system_clock::now()});
  router_.fallback(
      [this](const auto& req, auto& res, const auto&) { static_files_.serve(req, res); });

  size_t max_threads = static_cast<size_t>(config_.threads);
  http_.new_task_queue = [this, max_threads] {
    return new GrowingThreadPool(kInitialThreads, max_threads, &open_connections_);
  };
  // Without TCP_NODELAY every keep-alive response waits for the client's delayed ACK (~40 ms).
  http_.set_tcp_nodelay(true);
  http_.set_keep_alive_timeout(kKeepAliveSeconds);
  http_.set_keep_alive_max_count(kKeepAliveRequests);
  http_.set_read_timeout(kReadTimeoutSeconds);  // see request_limits(): the deadline is ours
  http_.set_payload_max_length(kMaxBodyBytes);
  // cpp-httplib sets SO_REUSEPORT, which lets a second server bind the same port and take half
  // its requests; SO_REUSEADDR alone still allows a quick restart.
  http_.set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  // Runs before cpp-httplib reads a body: its own limit covers Content-Length bodies only, so a
  // chunked one would otherwise be read into memory whole.
  http_.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (req.method == "OPTIONS" && req.has_header("Access-Control-Request-Method") &&
        cors_allowed(req)) {
      // A browser's preflight for a page of another origin: it may GET, with an API key.
      allow_origin(req, res);
      res.set_header("Access-Control-Allow-Methods", "GET, HEAD");
      res.set_header("Access-Control-Allow-Headers", "Authorization");
      res.set_header("Access-Control-Max-Age", "600");
      res.status = 204;
      log_.write(req, res.status, 0);
      metrics_.observe(kRefusedRoute, res.status, 0);
      return httplib::Server::HandlerResponse::Handled;
    }
    std::optional<Error> error;
    if (req.method != "GET" && req.method != "HEAD") {
      res.set_header("Allow", "GET, HEAD");
      error = Error::kMethodNotAllowed;
    } else if (req.has_header("Transfer-Encoding") ||
               std::strtoull(req.get_header_value("Content-Length").c_str(), nullptr, 10) > 0) {
      // cpp-httplib 0.11 reads no body of a GET: it would be read as the next request.
      error = Error::kPayloadTooLarge;
    } else if (req.ranges.size() > 1) {
      // Each range would be a copy of the whole response: the page and the API need none.
      error = Error::kRangeNotSatisfiable;
      // cpp-httplib would cut the error answer itself into those ranges. The request is not
      // const (cpp-httplib hands its own over as const), and nothing reads its ranges after.
      const_cast<httplib::Request&>(req).ranges.clear();
    } else if (req.path.size() > kMaxPathBytes) {
      error = Error::kUriTooLong;
    }
    if (!error) return httplib::Server::HandlerResponse::Unhandled;
    // A body not read means the connection cannot carry another request; the connection's
    // loop (ListeningServer::serve) ends it on this header.
    res.set_header("Connection", "close");
    std::string message;
    switch (*error) {
      case Error::kMethodNotAllowed:
        message = req.method + " is not allowed; the API and the page answer GET and HEAD";
        break;
      case Error::kRangeNotSatisfiable:
        message = "at most one range per request";
        break;
      case Error::kUriTooLong:
        message = "the path is over " + std::to_string(kMaxPathBytes) + " bytes";
        break;
      default:
        message = "the API takes no request bodies";
    }
    send_error(res, *error, message);
    log_.write(req, res.status, 0);
    metrics_.observe(kRefusedRoute, res.status, 0);
    return httplib::Server::HandlerResponse::Handled;
  });

  auto handler = [this](const httplib::Request& req, httplib::Response& res) { handle(req, res); };
  // Every path, a decoded newline in it too ("a%0Ab.txt" is a file name): '.' matches no line
  // terminator, and a path cpp-httplib matches to no handler gets its own plain 404.
  const char* every_path = "[^]*";
  for (auto add : {&httplib::Server::Get, &httplib::Server::Put, &httplib::Server::Patch,
                   &httplib::Server::Delete, &httplib::Server::Options})
    (http_.*add)(every_path, handler);
  http_.Post(every_path, httplib::Server::Handler(handler));

  // Without a handler, cpp-httplib 0.11 sends the exception's text to the client in a header.
  http_.set_exception_handler([this](const httplib::Request& req, httplib::Response& res,
                                     std::exception_ptr ep) {
    std::string what = "unknown exception";
    try {
      std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (const Xapian::Error& e) {
      what = e.get_description();
    } catch (...) {
    }
    std::fprintf(stderr, "error: %s %s: %s\n", req.method.c_str(), req.path.c_str(), what.c_str());
    res.headers.clear();
    send_error(res, Error::kInternal, "internal error");
  });
  // Errors cpp-httplib answers itself (malformed request, body or URI too long) get the API's
  // shape.
  http_.set_error_handler(httplib::Server::HandlerWithResponse([this](const httplib::Request& req,
                                                                      httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    int status = res.status;
    switch (status) {
      case 413:
        send_error(res, Error::kPayloadTooLarge, "the request is too large");
        break;
      case 414:
        send_error(res, Error::kUriTooLong,
                   "the request line is over " + std::to_string(CPPHTTPLIB_REQUEST_URI_MAX_LENGTH) +
                       " bytes (a query may have at most " + std::to_string(kMaxQueryBytes) +
                       " bytes)");
        break;
      case 404:
        send_error(res, Error::kNotFound, "no such path");
        break;
      default:
        send_error(res, Error::kBadRequest, "a malformed HTTP request, or an unknown method");
    }
    res.status = status;
    log_.write(req, status, 0);
    metrics_.observe(kRefusedRoute, status, 0);
    return httplib::Server::HandlerResponse::Handled;
  }));
}

bool HttpServer::cors_allowed(const httplib::Request& req) const {
  if (config_.cors_origins.empty() || !req.has_header("Origin")) return false;
  const std::string origin = req.get_header_value("Origin");
  return std::any_of(
      config_.cors_origins.begin(), config_.cors_origins.end(),
      [&](const std::string& allowed) { return allowed == "*" || allowed == origin; });
}

void HttpServer::allow_origin(const httplib::Request& req, httplib::Response& res) const {
  res.set_header("Access-Control-Allow-Origin", req.get_header_value("Origin"));
  // The answer depends on the Origin header: a cache must not hand it to another origin.
  res.set_header("Vary", "Origin");
}

bool HttpServer::authorized(const httplib::Request& req) const {
  // The API's description is public, as it is in the repository: a client needs it to learn
  // how to pass the key.
  if (config_.api_key.empty() || req.path == "/api/health" || req.path == "/api/openapi.json")
    return true;
  // Metrics tell what is searched and how much is indexed: the key's, unless opened on purpose.
  bool guarded =
      req.path.rfind("/api/", 0) == 0 || (req.path == "/metrics" && !config_.metrics_public);
  if (!guarded) return true;
  const std::string header = req.get_header_value("Authorization");
  const std::string scheme = "bearer ";  // auth schemes are case-insensitive (RFC 9110)
  bool bearer = header.size() > scheme.size() &&
                std::equal(scheme.begin(), scheme.end(), header.begin(), [](char s, char h) {
                  return s == (h >= 'A' && h <= 'Z' ? static_cast<char>(h - 'A' + 'a') : h);
                });
  return bearer && same_secret(header.substr(scheme.size()), config_.api_key);
}

void HttpServer::handle(const httplib::Request& request, httplib::Response& res) const {
  auto started = std::chrono::steady_clock::now();
  // Routed, authorised and logged by its path alone, as if it had come in origin form.
  std::optional<httplib::Request> origin_form;
  if (std::optional<std::string> path = absolute_form_path(request.path)) {
    origin_form.emplace(request);
    origin_form->path = std::move(*path);
  }
  const httplib::Request& req = origin_form ? *origin_form : request;
  std::string_view route;
  if (!authorized(req)) {
    res.set_header("WWW-Authenticate", "Bearer");
    send_error(res, Error::kUnauthorized,
               "this server needs an API key: Authorization: Bearer <key>");
    route = router_.label_of(req);
  } else {
    route = router_.dispatch(req, res);
  }
  if (cors_allowed(req)) allow_origin(req, res);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  log_.write(req, res, seconds * 1000);
  // cpp-httplib sends an unset status (-1) as 200.
  metrics_.observe(route, res.status == -1 ? 200 : res.status, seconds);
}

bool ListeningServer::process_and_close_socket(socket_t sock) {
  GuardedStream stream(sock, limits_);
  std::string address;
  int port = 0;
  stream.get_remote_ip_and_port(address, port);
  bool refused = true;
  if (connections_.admit(address)) {
    serve(stream);
    connections_.leave(address);
    refused = stream.refusal() != Refusal::kNone || stream.closes();
  } else {
    write_error_response(sock, Error::kTooManyConnections,
                         "too many connections from " + address + "; try again later",
                         limits_.write_timeout);
  }
  if (refused) {
    closer_.close(sock);
  } else {
    ::shutdown(sock, SHUT_RDWR);
    ::close(sock);
  }
  return true;
}

// cpp-httplib's keep-alive loop, over a GuardedStream: each request within its deadline and
// limits, and a response that says "Connection: close" ends the connection.
void ListeningServer::serve(GuardedStream& stream) {
  auto idle = std::chrono::seconds(keep_alive_timeout_sec_);
  auto stopping = [this] { return svr_sock_ == INVALID_SOCKET; };
  for (size_t left = keep_alive_max_count_; left > 0; --left) {
    if (!stream.wait_for_request(idle, stopping)) return;
    stream.begin_request();
    bool closed = false;
    bool done = process_request(stream, left == 1, closed, nullptr);
    if (!done || closed || stream.closes() || stream.refusal() != Refusal::kNone) return;
  }
}

bool ListeningServer::widen_backlog(int backlog) {
  return ::listen(svr_sock_, backlog) == 0;
}

bool ListeningServer::refuse_new_connections() {
  // A socket filter on the listening socket sees each segment from its TCP header on: it drops
  // the SYNs of new connections and keeps the rest, so handshakes already answered complete.
  constexpr uint32_t kTcpFlagsOffset = 13, kSyn = 0x02;
  sock_filter drop_syns[] = {
      BPF_STMT(BPF_LD | BPF_B | BPF_ABS, kTcpFlagsOffset),  // the flags byte
      BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, kSyn, 0, 1),     // SYN set: next, else skip one
      BPF_STMT(BPF_RET | BPF_K, 0),                         // keep none of it
      BPF_STMT(BPF_RET | BPF_K, 0xFFFFFFFF),                // keep all of it
  };
  sock_fprog program{static_cast<unsigned short>(std::size(drop_syns)), drop_syns};
  return ::setsockopt(svr_sock_, SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof program) == 0;
}

bool ListeningServer::has_unaccepted_connections() const {
  pollfd listener{svr_sock_, POLLIN, 0};
  return ::poll(&listener, 1, 0) > 0 && (listener.revents & POLLIN) != 0;
}

// Closing the listening socket resets the connections still in the kernel's queue, and a
// cpp-httplib worker that takes a connection after the close drops it unread: clients that
// had sent a request would see it cut off. So new connections are refused first, and the
// socket closes once every connection made is answered and closed, or after kDrainLimit (an
// idle keep-alive connection then ends after its next answer, as cpp-httplib ends them).
void HttpServer::stop() {
  // Without the filter, connections would keep coming while the others drain.
  if (http_.refuse_new_connections()) {
    auto deadline = std::chrono::steady_clock::now() + kDrainLimit;
    // Quiet twice, a grace apart: handshakes the kernel answered just before the filter complete
    // within a round trip, and the accept loop hands a connection to the pool just after
    // accept() returns it.
    for (int quiet = 0; quiet < 2 && std::chrono::steady_clock::now() < deadline;) {
      std::this_thread::sleep_for(kGrace);
      bool idle = !http_.has_unaccepted_connections() && open_connections_ == 0;
      quiet = idle ? quiet + 1 : 0;
    }
  }
  http_.stop();
}

int HttpServer::bind() {
  int port = config_.port == 0
                 ? http_.bind_to_any_port(config_.bind)
                 : (http_.bind_to_port(config_.bind, config_.port) ? config_.port : -1);
  if (port > 0 && !http_.widen_backlog(kListenBacklog))
    std::fprintf(stderr, "loupe-server: warning: could not widen the listen backlog\n");
  return port;
}

void HttpServer::run() {
  http_.listen_after_bind();
}

}  // namespace loupe::server
