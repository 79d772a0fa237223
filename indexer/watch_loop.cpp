#include "indexer/watch_loop.h"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <system_error>

#include "indexer/folder_watcher.h"

namespace loupe::indexer {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
namespace {

// A run that could not write (the database locked by another loupe-index, every root gone) is
// tried again after kRetry, then twice as long each time, up to kLongestRetry.
constexpr std::chrono::milliseconds kRetry{1000};
constexpr std::chrono::milliseconds kLongestRetry{60'000};
// The longest the loop sleeps without looking at its signals: a signal that lands just before
// poll() does not cut it short.
constexpr int kLongestSleepMs = 500;

int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Written to a temporary file and renamed, so that a reader never sees half of it.
void write_status(const fs::path& db, const WatchTotals& t) {
  nlohmann::json status = {
      {"pid", static_cast<int64_t>(getpid())},
      {"started", t.started},
      {"last_run", t.last_run},
      {"last_run_seconds", t.last_run_seconds},
      {"runs", t.runs},
      {"rescans", t.rescans},
      {"overflows", t.overflows},
      {"indexed", t.indexed},
      {"removed", t.removed},
      {"skipped", t.skipped},
      {"failed", t.failed},
      {"failed_runs", t.failed_runs},
      {"watched_folders", t.watched_folders},
      {"complete", t.complete},
  };
  fs::path path = watch_status_path(db);
  fs::path temporary = path;
  temporary += ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << status.dump() << '\n';
    if (!out) return;  // a full disk: the status waits for the next run
  }
  std::error_code ec;
  fs::rename(temporary, path, ec);
}

// The watcher's state between runs: what must be looked at, and when.
class WatchLoop {
 public:
  WatchLoop(const IndexOptions& options, const WatchOptions& watch, Progress& progress,
            FolderWatcher& watcher)
      : options_(options), watch_(watch), progress_(progress), watcher_(watcher) {
    totals_.started = unix_now();
  }

  RunResult loop(const std::function<bool()>& interrupted,
                 const std::function<bool()>& rescan_now) {
    RunResult last = full_run(interrupted);
    if (last == RunResult::kFailed) return last;  // a bad --db: nothing to watch for
    while (!interrupted()) {
      auto now = Clock::now();
      auto deadline = next_deadline(now);
      int timeout =
          deadline
              ? static_cast<int>(std::clamp<int64_t>(
                    std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - now).count() +
                        1,
                    0, kLongestSleepMs))
              : kLongestSleepMs;
      pollfd waiting{watcher_.fd(), POLLIN, 0};
      int ready = poll(&waiting, 1, timeout);  // a signal ends it early (EINTR)
      if (interrupted()) break;
      now = Clock::now();
      if (ready > 0) {
        watcher_.read_events();
        if (!first_event_) first_event_ = now;
        last_event_ = now;
        if (watcher_.root_lost() && !rescan_due_) {
          progress_.note("a folder given to watch was moved or deleted: looking for it again");
          rescan_due_ = true;
        }
      }
      if (rescan_now()) {
        progress_.note("rescanning, as asked");
        rescan_due_ = true;
      }
      if (watcher_.take_overflow()) {
        ++totals_.overflows;
        progress_.note("too many changes at once (the event queue overflowed): rescanning");
        watcher_.rewatch();
        rescan_due_ = true;
      }
      if (watch_.rescan.count() > 0 && now >= next_rescan_) rescan_due_ = true;
      if (rescan_due_ && (!retry_at_ || now >= *retry_at_)) {
        last = full_run(interrupted);
      } else if (batch_ready(now)) {
        last = changed_run(interrupted);
      }
      if (last == RunResult::kInterrupted) break;
    }
    return RunResult::kInterrupted;
  }

 private:
  // When the loop must wake without an event: a burst's end, a retry, the next rescan.
  std::optional<Clock::time_point> next_deadline(Clock::time_point now) const {
    std::optional<Clock::time_point> at;
    auto sooner = [&](Clock::time_point t) { at = at ? std::min(*at, t) : t; };
    if (first_event_) sooner(std::min(*last_event_ + watch_.quiet, *first_event_ + watch_.longest));
    if (retry_at_) sooner(*retry_at_);
    if (watch_.rescan.count() > 0) sooner(next_rescan_);
    if (at && *at < now) at = now;
    return at;
  }

  bool batch_ready(Clock::time_point now) const {
    if (retry_at_ && now < *retry_at_) return false;
    if (retry_at_ && !pending_.empty()) return true;
    if (!first_event_) return false;
    return now - *last_event_ >= watch_.quiet || now - *first_event_ >= watch_.longest;
  }

  RunResult full_run(const std::function<bool()>& interrupted) {
    // Watches first, then the walk: a change between the two is seen by one or the other.
    if (!watcher_.complete()) watcher_.rewatch();
    watcher_.take_changed();
    pending_.clear();
    first_event_.reset();
    rescan_due_ = false;
    ++totals_.rescans;
    RunResult result = run(options_.paths, interrupted, /*with_synonyms=*/totals_.runs == 0);
    // From the run's end: a run longer than the interval must not start the next at once.
    next_rescan_ = Clock::now() + watch_.rescan;
    if (result == RunResult::kFailed) rescan_due_ = true;  // again once retry_at_ has passed
    return result;
  }

  RunResult changed_run(const std::function<bool()>& interrupted) {
    for (std::string& path : watcher_.take_changed()) pending_.push_back(std::move(path));
    first_event_.reset();
    // A root that is gone (the only path take_changed gives that may not exist) is a full
    // run's to look at, with its backoff; a run of nothing but it would fail again and again.
    std::erase_if(pending_, [&](const std::string& path) {
      std::error_code ec;
      bool gone = !std::filesystem::exists(path, ec);
      if (gone) rescan_due_ = true;
      return gone;
    });
    if (pending_.empty()) return RunResult::kDone;
    std::sort(pending_.begin(), pending_.end());
    pending_.erase(std::unique(pending_.begin(), pending_.end()), pending_.end());
    std::vector<std::string> paths = pending_;
    RunResult result = run(paths, interrupted, false);
    // Not written: the same paths wait for the next try.
    if (result != RunResult::kFailed) pending_.clear();
    return result;
  }

  RunResult run(const std::vector<std::string>& paths, const std::function<bool()>& interrupted,
                bool with_synonyms) {
    IndexOptions options = options_;
    options.paths = paths;
    if (!with_synonyms) options.synonyms.clear();
    progress_.restart();
    IndexStats stats;
    RunResult result = run_index(options, progress_, interrupted, stats);
    if (result == RunResult::kInterrupted) return result;
    ++totals_.runs;
    retry_at_.reset();
    if (result == RunResult::kFailed) {
      ++totals_.failed_runs;
      retry_after_ = retry_after_.count() == 0 ? kRetry : std::min(retry_after_ * 2, kLongestRetry);
      retry_at_ = Clock::now() + retry_after_;
    } else {
      retry_after_ = std::chrono::milliseconds(0);
    }
    totals_.last_run = unix_now();
    totals_.last_run_seconds = stats.seconds;
    totals_.indexed += stats.added + stats.updated;
    totals_.removed += stats.removed;
    totals_.skipped += stats.skipped;
    totals_.failed += stats.failed;
    totals_.watched_folders = watcher_.watched_folders();
    totals_.complete = watcher_.complete();
    write_status(options_.db, totals_);
    if (watch_.on_run) watch_.on_run(stats, result, progress_);
    return result;
  }

  const IndexOptions& options_;
  const WatchOptions& watch_;
  Progress& progress_;
  FolderWatcher& watcher_;
  WatchTotals totals_;
  std::vector<std::string> pending_;  // paths of a run that could not write
  std::optional<Clock::time_point> first_event_, last_event_, retry_at_;
  std::chrono::milliseconds retry_after_{0};
  Clock::time_point next_rescan_ = Clock::now();
  bool rescan_due_ = false;
};

}  // namespace

fs::path watch_status_path(const fs::path& db) {
  return db / "loupe-watch.json";
}

RunResult run_watch(const IndexOptions& options, const WatchOptions& watch, Progress& progress,
                    const std::function<bool()>& interrupted,
                    const std::function<bool()>& rescan_now) {
  std::error_code ec;
  std::optional<FolderWatcher> watcher;
  try {
    watcher.emplace(fs::weakly_canonical(options.db, ec),
                    [&progress](const std::string& message) { progress.note(message); });
  } catch (const std::system_error& e) {
    progress.note(std::string("--watch: cannot watch for changes: ") + e.code().message());
    return RunResult::kFailed;
  }
  for (const std::string& path : options.paths) watcher->watch_root(path);
  progress.note("watching " + std::to_string(watcher->watched_folders()) + " folders" +
                (watch.rescan.count() > 0
                     ? ", rescanning every " + std::to_string(watch.rescan.count()) + " s"
                     : std::string()));
  WatchLoop loop(options, watch, progress, *watcher);
  return loop.loop(interrupted, rescan_now);
}

}  // namespace loupe::indexer
