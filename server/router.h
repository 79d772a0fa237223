// Maps method and path to a handler; answers 404 and 405 itself, in the API's JSON shape.
#pragma once

#include <httplib.h>

#include <functional>
#include <regex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace loupe::server {

// `match` holds the path's capture groups.
using RouteHandler =
    std::function<void(const httplib::Request&, httplib::Response&, const std::smatch& match)>;

class Router {
 public:
  // `pattern` must match the whole (decoded) path. HEAD is served by the GET route. `label`
  // names the route in metrics (as the API's description writes it: /api/documents/{id});
  // empty: the pattern.
  void add(std::string method, const std::string& pattern, RouteHandler handler,
           std::string label = {});
  // For paths no pattern matches (the static page).
  void fallback(RouteHandler handler) { fallback_ = std::move(handler); }
  // Answers the request; returns the label of the route that did (kPageRoute for the
  // fallback, kNoRoute when none).
  std::string_view dispatch(const httplib::Request& req, httplib::Response& res) const;
  // The label of the route that would answer, without answering.
  std::string_view label_of(const httplib::Request& req) const;

  static constexpr std::string_view kPageRoute = "(page)";
  static constexpr std::string_view kNoRoute = "(none)";
  // Method and pattern of each route, in the order they are tried: what a test compares with
  // the API's description (docs/openapi.json).
  std::vector<std::pair<std::string, std::string>> routes() const;

 private:
  struct Route {
    std::string method;
    std::string source;  // the pattern as given, which std::regex does not keep
    std::string label;
    std::regex pattern;
    RouteHandler handler;
  };
  std::vector<Route> routes_;
  RouteHandler fallback_;
};

}  // namespace loupe::server
