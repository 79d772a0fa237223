// loupe-index --watch: keeps an index current from file-system events, with rescans as the net.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>

#include "indexer/index_run.h"

namespace loupe::indexer {

struct WatchOptions {
  // A full incremental run this often catches what events miss (network mounts, folders that
  // could not be watched); zero: only at start and after an overflow.
  std::chrono::seconds rescan{300};
  // A burst of events is one run: it starts once no event came for `quiet`, or `longest` after
  // the burst's first event, whichever is sooner.
  std::chrono::milliseconds quiet{200};
  std::chrono::milliseconds longest{1000};
  // Called after each run with its outcome (loupe-index prints it).
  std::function<void(const IndexStats&, RunResult, const Progress&)> on_run;
};

// What the watcher has done since it started, as /metrics reports it. Written as JSON to
// `watch_status_path(db)` after every run.
struct WatchTotals {
  int64_t started = 0;   // Unix seconds
  int64_t last_run = 0;  // Unix seconds, when the last run ended
  double last_run_seconds = 0;
  uint64_t runs = 0;
  uint64_t rescans = 0;
  uint64_t overflows = 0;
  uint64_t indexed = 0;  // files added or updated
  uint64_t removed = 0;
  uint64_t skipped = 0;
  uint64_t failed = 0;
  uint64_t failed_runs = 0;  // runs that could not write (a locked or damaged database)
  size_t watched_folders = 0;
  bool complete = true;  // every folder watched
};

// The watcher's status file, in the database's folder: Xapian ignores it, and neither
// xapian-compact nor replication copies it.
std::filesystem::path watch_status_path(const std::filesystem::path& db);

// Indexes `options.paths`, then keeps them current until `interrupted`. `rescan_now` is polled
// too: true asks for a full run at once (SIGHUP). Returns as run_index would for its last run:
// kInterrupted when stopped, kFailed when watching could not start.
RunResult run_watch(const IndexOptions& options, const WatchOptions& watch, Progress& progress,
                    const std::function<bool()>& interrupted,
                    const std::function<bool()>& rescan_now);

}  // namespace loupe::indexer
