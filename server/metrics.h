// GET /metrics: the server's counters in Prometheus's text format (exposition format 0.0.4).
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "search/searcher_pool.h"
#include "server/router.h"

namespace loupe::server {

// The route label of requests refused before routing (a method, a body, a malformed request).
inline constexpr std::string_view kRefusedRoute = "(refused)";

// Requests by route and status, and a latency histogram per route. Routes are the router's
// labels, a handful, so the series stay few whatever clients ask for.
class RequestMetrics {
 public:
  // Upper bounds of the latency buckets, in seconds: half a millisecond (a cached search) to
  // five seconds (a request that waited for a searcher).
  static constexpr std::array<double, 13> kBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};

  void observe(std::string_view route, int status, double seconds);
  // The request counters and histograms, as text.
  std::string render() const;

 private:
  struct Latency {
    std::array<uint64_t, kBuckets.size()> buckets{};  // not cumulative; summed when rendered
    uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, uint64_t> requests_;
  std::map<std::string, Latency> latency_;
};

// What else /metrics reports, read when it is asked for.
struct MetricsSources {
  const RequestMetrics& requests;
  search::SearcherPool& searchers;
  const std::atomic<size_t>& open_connections;
  std::filesystem::path db;  // for the watcher's status file
  std::chrono::system_clock::time_point started;
};

// The whole page: requests, caches, searchers, connections, the index and, when a watcher
// keeps it current, the watcher.
std::string render_metrics(const MetricsSources& sources);

// Adds GET /metrics.
void add_metrics_route(Router& router, MetricsSources sources);

}  // namespace loupe::server
