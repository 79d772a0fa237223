// docs/openapi.json against the routes the server registers: every documented operation reaches
// a route of its own (not the /api/ catch-all's 404), and every route is documented.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "server/api.h"
#include "server/errors.h"
#include "server/metrics.h"

using loupe::server::Router;
using nlohmann::json;

namespace {

using RouteList = std::vector<std::pair<std::string, std::string>>;  // method, pattern

// Answers 404 to any /api/ path no other route takes: a documented path that only it matches is
// not served.
const std::string kCatchAll = "/api/.*";

// Documented paths whose routes come from calls not in server_routes() yet (none now). Each must
// still be unserved here; once its call is listed, the test says to take the path out.
const std::set<std::string> kNotYetRouted = {};

// Every route loupe-server registers, in its order. A new route-adding function goes in this
// list, as HttpServer calls it.
RouteList server_routes() {
  // Nothing is searched: the pool only has to exist for the handlers to capture it.
  loupe::search::SearcherPool pool("/nonexistent/loupe-api-routes-test", 1, 0, 0);
  loupe::server::RequestMetrics requests;
  std::atomic<size_t> connections{0};
  const std::function<void(Router&)> adders[] = {
      [&pool](Router& router) { loupe::server::add_api_routes(router, pool, false); },
      [&](Router& router) {
        loupe::server::add_metrics_route(router, {requests, pool, connections, "/nonexistent",
                                                  std::chrono::system_clock::now()});
      },
  };
  Router router;
  for (const auto& add : adders) add(router);
  return router.routes();
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in, "cannot read " << path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string source_document() {
  return read_file(std::filesystem::path(LOUPE_SOURCE_DIR) / "docs/openapi.json");
}

struct Operation {
  std::string method;  // upper case, as the Router has it
  std::string path;    // as documented: /api/documents/{id}
};

std::vector<Operation> documented_operations(const json& doc) {
  static const char* const kMethods[] = {"get",     "put",  "post",  "delete",
                                         "options", "head", "patch", "trace"};
  std::vector<Operation> operations;
  for (const auto& [path, item] : doc.at("paths").items())
    for (const char* method : kMethods)
      if (item.contains(method)) {
        std::string upper(method);
        for (char& c : upper) c = static_cast<char>(c - 'a' + 'A');
        operations.push_back({upper, path});
      }
  return operations;
}

// The documented path with each {parameter} given a value, as a client would send it.
std::string sample_path(const std::string& templated) {
  static const std::regex kParameter("\\{[^}]*\\}");
  return std::regex_replace(templated, kParameter, "sample.txt");
}

// The index of the route Router::dispatch would run (the first of the method whose pattern
// matches; HEAD runs the GET route), or -1.
int dispatched_route(const RouteList& routes, std::string method, const std::string& path) {
  if (method == "HEAD") method = "GET";
  for (size_t i = 0; i < routes.size(); ++i)
    if (routes[i].first == method && std::regex_match(path, std::regex(routes[i].second)))
      return static_cast<int>(i);
  return -1;
}

// Each disagreement between the document and the routes, as a sentence.
std::vector<std::string> mismatches(const json& doc, const RouteList& routes,
                                    const std::set<std::string>& not_yet_routed) {
  std::vector<std::string> problems;
  std::set<int> documented;
  for (const Operation& op : documented_operations(doc)) {
    std::string path = sample_path(op.path);
    int route = dispatched_route(routes, op.method, path);
    bool served = route >= 0 && routes[static_cast<size_t>(route)].second != kCatchAll;
    if (not_yet_routed.count(op.path)) {
      if (served) {
        problems.push_back(op.method + " " + op.path + " is routed now: take it out of the " +
                           "list of paths not yet routed");
        documented.insert(route);
      }
      continue;
    }
    if (!served)
      problems.push_back(op.method + " " + op.path + " is documented, but " + path +
                         " reaches no route of its own");
    else
      documented.insert(route);
  }
  for (size_t i = 0; i < routes.size(); ++i)
    if (routes[i].second != kCatchAll && !documented.count(static_cast<int>(i)))
      problems.push_back(routes[i].first + " " + routes[i].second +
                         " is routed, but no path of docs/openapi.json reaches it");
  return problems;
}

// One per line, so that a failed comparison shows them (doctest cannot print a vector).
std::string lines(const std::vector<std::string>& items) {
  std::string text;
  for (const std::string& item : items) text += item + "\n";
  return text;
}

}  // namespace

TEST_CASE("docs/openapi.json documents every route, and every documented path is routed") {
  json doc = json::parse(source_document());
  RouteList routes = server_routes();
  REQUIRE(routes.size() > 1);
  for (const std::string& problem : mismatches(doc, routes, kNotYetRouted)) FAIL_CHECK(problem);
}

TEST_CASE("the route check notices an undocumented route and an unrouted path") {
  json doc = json::parse(source_document());
  RouteList routes = server_routes();
  routes.insert(routes.begin(), {"GET", "/api/undocumented"});
  doc["paths"]["/api/unrouted/{id}"] = {{"get", {{"responses", json::object()}}}};
  doc["paths"]["/api/search"]["post"] = {{"responses", json::object()}};
  const std::vector<std::string> expected = {
      "POST /api/search is documented, but /api/search reaches no route of its own",
      "GET /api/unrouted/{id} is documented, but /api/unrouted/sample.txt reaches no route of "
      "its own",
      "GET /api/undocumented is routed, but no path of docs/openapi.json reaches it"};
  CHECK(lines(mismatches(doc, routes, kNotYetRouted)) == lines(expected));
  // A path still listed as not yet routed once its route is there.
  std::set<std::string> not_yet_routed = kNotYetRouted;
  not_yet_routed.insert("/api/health");
  CHECK(lines(mismatches(json::parse(source_document()), server_routes(), not_yet_routed)) ==
        lines({"GET /api/health is routed now: take it out of the list of paths not yet routed"}));
}

TEST_CASE("the server serves docs/openapi.json as it is in the source tree") {
  std::string source = source_document();
  CHECK(std::string(loupe::server::openapi_document()) == source);
  json doc = json::parse(source);
  CHECK(doc["info"]["version"] == LOUPE_VERSION);
  // The limits the document states are the server's.
  const json& search = doc["paths"]["/api/search"]["get"];
  const json& components = doc["components"]["parameters"];
  CHECK(components["RequiredQuery"]["schema"]["maxLength"] == loupe::server::kMaxQueryBytes);
  CHECK(components["PerPage"]["schema"]["maximum"] == loupe::server::kMaxPerPage);
  CHECK(doc["components"]["schemas"]["Suggestions"]["properties"]["suggestions"]["maxItems"] ==
        loupe::server::kMaxSuggestions);
  bool saw_page = false;
  for (const json& parameter : search["parameters"])
    if (parameter.value("name", "") == "page") {
      saw_page = true;
      CHECK(parameter["schema"]["maximum"] == loupe::server::kMaxPage);
    }
  CHECK(saw_page);
  // Every error code the server sends, and no other.
  std::set<std::string> codes;
  for (const auto& info : loupe::server::kErrors) codes.insert(std::string(info.code));
  const json& documented =
      doc["components"]["schemas"]["Error"]["properties"]["error"]["properties"]["code"]["enum"];
  CHECK(documented.get<std::set<std::string>>() == codes);
}
