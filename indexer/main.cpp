// loupe-index: the command line in front of run_index(), run_watch() and backup_database().
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>

#include "indexer/backup.h"
#include "indexer/index_run.h"
#include "indexer/watch_loop.h"

namespace {

// Set by SIGINT/SIGTERM; the run stops at the next file and cancels its transaction. Atomic:
// extraction threads read it too, to stop a reader at work (lock-free, so a handler may set it).
std::atomic<int> g_interrupted{0};
static_assert(std::atomic<int>::is_always_lock_free);
// Set by SIGHUP: a watcher rescans at once.
volatile std::sig_atomic_t g_rescan = 0;

void on_stop(int) {
  g_interrupted = 1;
}
void on_hangup(int) {
  g_rescan = 1;
}

// No SA_RESTART: a watcher's poll() returns at once to look at the flags.
void handle(int signal, void (*handler)(int)) {
  struct sigaction action {};
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  sigaction(signal, &action, nullptr);
}

// Paths from LOUPE_PATHS when none are given: colon-separated, as PATH is.
std::vector<std::string> paths_from_environment() {
  std::vector<std::string> paths;
  const char* value = std::getenv("LOUPE_PATHS");
  if (value == nullptr) return paths;
  std::string all = value;
  size_t start = 0;
  while (start <= all.size()) {
    size_t colon = std::min(all.find(':', start), all.size());
    if (colon > start) paths.push_back(all.substr(start, colon - start));
    start = colon + 1;
  }
  return paths;
}

int exit_status(loupe::indexer::RunResult result) {
  switch (result) {
    case loupe::indexer::RunResult::kDone:
      return 0;
    case loupe::indexer::RunResult::kPartial:
      return 1;
    case loupe::indexer::RunResult::kFailed:
      return 2;
    case loupe::indexer::RunResult::kInterrupted:
      return 130;
  }
  return 2;
}

// The run's outcome on stdout: the summary line, or with --json one JSON object (a line per run
// when watching).
void report(const loupe::indexer::IndexStats& stats, loupe::indexer::RunResult result,
            const loupe::indexer::Progress& progress, bool json, bool quiet_when_idle) {
  using loupe::indexer::RunResult;
  if (json) {
    std::printf("%s\n", loupe::indexer::summary_json(stats, result, progress).c_str());
  } else if (result == RunResult::kDone || result == RunResult::kPartial) {
    bool idle = stats.added + stats.updated + stats.removed + stats.failed == 0 &&
                result == RunResult::kDone;
    if (!(quiet_when_idle && idle))
      std::printf("loupe-index: %s\n", loupe::indexer::summary_line(stats).c_str());
  }
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  loupe::indexer::IndexOptions options;
  std::string db;
  std::string backup;
  bool json = false;
  bool watch = false;
  unsigned rescan_seconds = 300;
  CLI::App app{
      "Index plain text, Markdown and HTML files into a Loupe (Xapian) database.\n"
      "Runs are incremental: only changed files are read again, vanished ones removed.\n"
      "Every option can also be set by the LOUPE_* variable shown; paths by LOUPE_PATHS\n"
      "(colon-separated).",
      "loupe-index"};
  app.set_version_flag("--version", "loupe-index " LOUPE_VERSION);
  app.add_option("--db", db, "database folder (created if missing)")
      ->envname("LOUPE_DB")
      ->required();
  app.add_option(
         "--language", options.language,
         "stemming language (english, french, ..., or none); default: the database's, or english")
      ->envname("LOUPE_LANGUAGE");
  app.add_option("--synonyms", options.synonyms,
                 "file of synonyms, a group per line: word, other, several words, ... "
                 "(replaces the database's)")
      ->envname("LOUPE_SYNONYMS");
  app.add_flag("--json", json,
               "print the run's summary as one JSON object on stdout (a line per run with "
               "--watch)")
      ->envname("LOUPE_JSON");
  app.add_flag("--watch", watch,
               "index, then keep the index current from file-system events until stopped "
               "(SIGHUP: rescan now)")
      ->envname("LOUPE_WATCH");
  app.add_option("--rescan-seconds", rescan_seconds,
                 "with --watch, a full incremental run this often catches what events miss "
                 "(network mounts); 0: never")
      ->envname("LOUPE_RESCAN_SECONDS")
      ->check(CLI::Range(0u, 86400u * 365));
  app.add_option("--backup", backup,
                 "copy the database's last committed revision into this new folder and exit "
                 "(safe while the server and a watcher run)")
      ->envname("LOUPE_BACKUP");
  unsigned extract_seconds = 60;
  app.add_option("--extract-seconds", extract_seconds,
                 "longest a PDF, Office, OpenDocument or EPUB file may take to read (its reader "
                 "gets half of it in CPU time); a file over it is skipped with a note")
      ->envname("LOUPE_EXTRACT_SECONDS")
      ->check(CLI::Range(1u, 3600u));
  unsigned extract_mb = 1024;
  app.add_option("--extract-mb", extract_mb,
                 "memory a reader of one such file may use, MB; a file over it is skipped")
      ->envname("LOUPE_EXTRACT_MB")
      ->check(CLI::Range(64u, 65536u));
  std::string shard;
  app.add_option("--shard", shard,
                 "K/N: write the K-th of N shards (1 <= K <= N), the files whose id hashes to it; "
                 "loupe-server --db each --db ... searches them as one")
      ->envname("LOUPE_SHARD")
      ->check([](const std::string& value) -> std::string {
        unsigned k = 0, n = 0;
        char end = 0;
        if (std::sscanf(value.c_str(), "%u/%u%c", &k, &n, &end) == 2 && k >= 1 && k <= n &&
            n <= 1024)
          return {};
        return "--shard is K/N with 1 <= K <= N <= 1024, such as 2/3, not '" + value + "'";
      });
  app.add_option("paths", options.paths, "files and folders to index");
  try {
    app.parse(argc, argv);
    if (!backup.empty() && (watch || !options.paths.empty()))
      throw CLI::ValidationError("--backup", "takes no paths and no --watch");
    if (backup.empty() && options.paths.empty()) options.paths = paths_from_environment();
    if (backup.empty() && options.paths.empty()) throw CLI::RequiredError("paths (or LOUPE_PATHS)");
  } catch (const CLI::ParseError& e) {
    // --help prints and succeeds; a bad command line is "nothing could be done" (2), as
    // documented, rather than one of CLI11's own codes.
    return app.exit(e) == 0 ? 0 : 2;
  }
  options.db = db;
  if (!shard.empty()) {
    std::sscanf(shard.c_str(), "%u/%u", &options.shard, &options.shards);
    --options.shard;
  }
  options.extract_limits.wall = std::chrono::seconds(extract_seconds);
  options.extract_limits.cpu_seconds = std::max(1u, extract_seconds / 2);
  options.extract_limits.memory_mb = extract_mb;

  if (!backup.empty()) {
    loupe::indexer::BackupResult result = loupe::indexer::backup_database(options.db, backup);
    std::fprintf(result.ok ? stdout : stderr, "loupe-index: %s\n", result.message.c_str());
    return result.ok ? 0 : 2;
  }

  // Xapian keeps a run's postings in memory until this many documents, then writes them to the
  // (still uncommitted) tables: 10000 by default, gigabytes for a folder of text. Fewer keep the
  // memory of a one-transaction run bounded, and are no slower. The caller's setting wins.
  setenv("XAPIAN_FLUSH_THRESHOLD", "1000", /*overwrite=*/0);
  handle(SIGINT, on_stop);
  handle(SIGTERM, on_stop);
  handle(SIGHUP, on_hangup);

  using loupe::indexer::Progress;
  Progress progress(stderr,
                    isatty(STDERR_FILENO) != 0 ? Progress::Mode::kBar : Progress::Mode::kLines);
  auto interrupted = [] { return g_interrupted.load() != 0; };
  loupe::indexer::RunResult result;
  if (watch) {
    loupe::indexer::WatchOptions watching;
    watching.rescan = std::chrono::seconds(rescan_seconds);
    watching.on_run = [json](const loupe::indexer::IndexStats& stats, loupe::indexer::RunResult run,
                             const Progress& p) {
      report(stats, run, p, json, /*quiet_when_idle=*/true);
    };
    result = loupe::indexer::run_watch(options, watching, progress, interrupted, [] {
      bool asked = g_rescan != 0;
      g_rescan = 0;
      return asked;
    });
    if (result == loupe::indexer::RunResult::kInterrupted) {
      progress.note("stopped watching");
      return 0;
    }
    return exit_status(result);
  }
  loupe::indexer::IndexStats stats;
  result = loupe::indexer::run_index(options, progress, interrupted, stats);
  if (result == loupe::indexer::RunResult::kInterrupted)
    progress.note("interrupted: the database was left as it was");
  report(stats, result, progress, json, /*quiet_when_idle=*/false);
  return exit_status(result);
}
