// Maps method and path to a handler; answers 404 and 405 itself, in the API's JSON shape.
#pragma once

#include <httplib.h>

#include <functional>
#include <regex>
#include <string>
#include <utility>
#include <vector>

namespace loupe::server {

// `match` holds the path's capture groups.
using RouteHandler =
    std::function<void(const httplib::Request&, httplib::Response&, const std::smatch& match)>;

class Router {
 public:
  // `pattern` must match the whole (decoded) path. HEAD is served by the GET route.
  void add(std::string method, const std::string& pattern, RouteHandler handler);
  // For paths no pattern matches (the static page).
  void fallback(RouteHandler handler) { fallback_ = std::move(handler); }
  void dispatch(const httplib::Request& req, httplib::Response& res) const;
  // Method and pattern of each route, in the order they are tried: what a test compares with
  // the API's description (docs/openapi.json).
  std::vector<std::pair<std::string, std::string>> routes() const;

 private:
  struct Route {
    std::string method;
    std::string source;  // the pattern as given, which std::regex does not keep
    std::regex pattern;
    RouteHandler handler;
  };
  std::vector<Route> routes_;
  RouteHandler fallback_;
};

}  // namespace loupe::server
