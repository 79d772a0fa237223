#include "server/router.h"

#include "server/responses.h"

namespace loupe::server {

void Router::add(std::string method, const std::string& pattern, RouteHandler handler,
                 std::string label) {
  if (label.empty()) label = pattern;
  routes_.push_back(
      {std::move(method), pattern, std::move(label), std::regex(pattern), std::move(handler)});
}

std::string_view Router::label_of(const httplib::Request& req) const {
  const std::string& method = req.method == "HEAD" ? std::string("GET") : req.method;
  for (const Route& route : routes_)
    if (route.method == method && std::regex_match(req.path, route.pattern)) return route.label;
  return fallback_ ? kPageRoute : kNoRoute;
}

std::vector<std::pair<std::string, std::string>> Router::routes() const {
  std::vector<std::pair<std::string, std::string>> listed;
  listed.reserve(routes_.size());
  for (const Route& route : routes_) listed.emplace_back(route.method, route.source);
  return listed;
}

std::string_view Router::dispatch(const httplib::Request& req, httplib::Response& res) const {
  const std::string& method = req.method == "HEAD" ? std::string("GET") : req.method;
  std::smatch match;
  std::string allowed;
  for (const Route& route : routes_) {
    if (!std::regex_match(req.path, match, route.pattern)) continue;
    if (route.method == method) {
      route.handler(req, res, match);
      return route.label;
    }
    if (allowed.find(route.method) == std::string::npos)
      allowed += (allowed.empty() ? "" : ", ") + route.method;
  }
  if (!allowed.empty()) {
    res.set_header("Allow", allowed);
    send_error(res, Error::kMethodNotAllowed, req.method + " is not allowed on " + req.path);
    return kNoRoute;
  }
  if (fallback_) {
    fallback_(req, res, match);
    return kPageRoute;
  }
  send_error(res, Error::kNotFound, "no such path: " + req.path);
  return kNoRoute;
}

}  // namespace loupe::server
