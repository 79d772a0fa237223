#include "server/metrics.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "server/responses.h"

namespace loupe::server {
namespace {

// One family: its HELP and TYPE lines, then its samples.
class Family {
 public:
  Family(std::string& out, const char* name, const char* type, const char* help)
      : out_(out), name_(name) {
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    out_ += help;
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
  }
  // `labels` is already rendered: route="/api/search",status="200".
  Family& sample(double value, const std::string& labels = "", const char* suffix = "") {
    out_ += name_;
    out_ += suffix;
    if (!labels.empty()) out_ += "{" + labels + "}";
    out_ += ' ';
    out_ += number(value);
    out_ += '\n';
    return *this;
  }

  static std::string number(double value) {
    if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
    char text[32];
    // Whole numbers as such (counters can pass 2^53 only after years); others with 9 digits.
    if (value == std::floor(value) && std::fabs(value) < 1e15)
      std::snprintf(text, sizeof text, "%.0f", value);
    else
      std::snprintf(text, sizeof text, "%.9g", value);
    return text;
  }

 private:
  std::string& out_;
  const char* name_;
};

// A label value, escaped as the text format requires (backslash, double quote, line feed).
std::string label(std::string_view name, std::string_view value) {
  std::string out(name);
  out += "=\"";
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  out += '"';
  return out;
}

double unix_seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

void render_index(std::string& out, search::SearcherPool& pool) {
  auto searcher = pool.acquire();
  Family(out, "loupe_index_documents", "gauge", "Documents in the index.")
      .sample(static_cast<double>(searcher->document_count()));
  Family(out, "loupe_index_revision", "gauge", "The revision of the index being served.")
      .sample(static_cast<double>(searcher->revision()));
  Family(out, "loupe_index_last_commit_timestamp_seconds", "gauge",
         "When loupe-index last committed the index (Unix time; 0: not recorded).")
      .sample(static_cast<double>(searcher->committed()));
  std::vector<search::ShardStatus> shards = searcher->shards();
  Family up(out, "loupe_shard_up", "gauge",
            "1 when the database (shard) answers, 0 when it is left out of answers.");
  for (const search::ShardStatus& shard : shards)
    up.sample(shard.state == "up" ? 1 : 0, label("shard", shard.location));
  Family documents(out, "loupe_shard_documents", "gauge", "Documents in each database (shard).");
  for (const search::ShardStatus& shard : shards)
    documents.sample(static_cast<double>(shard.documents), label("shard", shard.location));
}

// The watcher's status file (indexer/watch_loop.h), when one keeps the index current.
void render_watcher(std::string& out, const std::filesystem::path& db) {
  if (db.empty()) return;  // every database is remote
  std::ifstream in(db / "loupe-watch.json");
  if (!in) return;
  nlohmann::json status = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!status.is_object()) return;
  auto value = [&](const char* key) {
    auto it = status.find(key);
    return it != status.end() && it->is_number() ? it->get<double>() : 0.0;
  };
  struct Row {
    const char* name;
    const char* type;
    const char* key;
    const char* help;
  };
  static constexpr Row kRows[] = {
      {"loupe_watch_runs_total", "counter", "runs", "Indexing runs of the watcher."},
      {"loupe_watch_rescans_total", "counter", "rescans",
       "Full rescans of the watcher (at start, periodic, asked for, after an overflow)."},
      {"loupe_watch_overflows_total", "counter", "overflows",
       "Times the file-system event queue overflowed."},
      {"loupe_watch_files_indexed_total", "counter", "indexed",
       "Files added or updated by the watcher."},
      {"loupe_watch_files_removed_total", "counter", "removed",
       "Documents removed by the watcher."},
      {"loupe_watch_files_skipped_total", "counter", "skipped",
       "Files the watcher skipped (types not read, binary content, ids taken)."},
      {"loupe_watch_files_failed_total", "counter", "failed",
       "Files or folders the watcher could not read."},
      {"loupe_watch_failed_runs_total", "counter", "failed_runs",
       "Watcher runs that could not write the index."},
      {"loupe_watch_last_run_timestamp_seconds", "gauge", "last_run",
       "When the watcher's last run ended (Unix time)."},
      {"loupe_watch_last_run_duration_seconds", "gauge", "last_run_seconds",
       "How long the watcher's last run took."},
      {"loupe_watch_started_timestamp_seconds", "gauge", "started",
       "When the watcher started (Unix time)."},
      {"loupe_watch_folders", "gauge", "watched_folders", "Folders the watcher watches."},
  };
  for (const Row& row : kRows) Family(out, row.name, row.type, row.help).sample(value(row.key));
  auto complete = status.find("complete");
  Family(out, "loupe_watch_complete", "gauge",
         "1 when every folder is watched; 0 when some are found by rescans only.")
      .sample(complete != status.end() && complete->is_boolean() && complete->get<bool>() ? 1 : 0);
}

}  // namespace

void RequestMetrics::observe(std::string_view route, int status, double seconds) {
  size_t bucket = 0;
  while (bucket < kBuckets.size() && seconds > kBuckets[bucket]) ++bucket;
  std::lock_guard lock(mutex_);
  ++requests_[{std::string(route), status}];
  Latency& latency = latency_[std::string(route)];
  if (bucket < kBuckets.size()) ++latency.buckets[bucket];
  ++latency.count;
  latency.sum += seconds;
}

std::string RequestMetrics::render() const {
  std::string out;
  std::lock_guard lock(mutex_);
  Family requests(out, "loupe_http_requests_total", "counter",
                  "HTTP requests answered, by route and status.");
  for (const auto& [key, count] : requests_)
    requests.sample(static_cast<double>(count),
                    label("route", key.first) + "," + label("status", std::to_string(key.second)));
  Family latency(out, "loupe_http_request_duration_seconds", "histogram",
                 "Time to answer an HTTP request, by route.");
  for (const auto& [route, l] : latency_) {
    uint64_t cumulative = 0;
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += l.buckets[i];
      latency.sample(static_cast<double>(cumulative),
                     label("route", route) + "," + label("le", Family::number(kBuckets[i])),
                     "_bucket");
    }
    latency.sample(static_cast<double>(l.count), label("route", route) + ",le=\"+Inf\"", "_bucket");
    latency.sample(l.sum, label("route", route), "_sum");
    latency.sample(static_cast<double>(l.count), label("route", route), "_count");
  }
  return out;
}

std::string render_metrics(const MetricsSources& s) {
  std::string out = s.requests.render();
  const search::ResultCache& cache = s.searchers.cache();
  Family(out, "loupe_result_cache_hits_total", "counter",
         "Searches answered from the cache of recent results.")
      .sample(static_cast<double>(cache.hits()));
  Family(out, "loupe_result_cache_misses_total", "counter",
         "Searches the cache of recent results could not answer (when it is on).")
      .sample(static_cast<double>(cache.misses()));
  Family(out, "loupe_searchers", "gauge", "Searchers (open readers of the index).")
      .sample(static_cast<double>(s.searchers.size()));
  Family(out, "loupe_searcher_waits_total", "counter",
         "Requests that had to wait for a free searcher.")
      .sample(static_cast<double>(s.searchers.waits()));
  Family(out, "loupe_searcher_wait_seconds_total", "counter",
         "Time requests spent waiting for a free searcher.")
      .sample(s.searchers.wait_seconds());
  Family(out, "loupe_http_open_connections", "gauge", "HTTP connections open now.")
      .sample(static_cast<double>(s.open_connections.load()));
  render_index(out, s.searchers);
  render_watcher(out, s.db);
  Family(out, "loupe_start_time_seconds", "gauge", "When loupe-server started (Unix time).")
      .sample(unix_seconds(s.started));
  Family(out, "loupe_build_info", "gauge", "Loupe's version, as a label.")
      .sample(1, label("version", LOUPE_VERSION));
  return out;
}

void add_metrics_route(Router& router, MetricsSources sources) {
  router.add("GET", "/metrics", [sources](const auto&, auto& res, const auto&) {
    res.status = 200;
    res.set_content(render_metrics(sources), "text/plain; version=0.0.4; charset=utf-8");
  });
}

}  // namespace loupe::server
