// loupe-index: the command line in front of run_index().
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <cstdlib>

#include "indexer/index_run.h"

namespace {

// Set by SIGINT/SIGTERM; the run stops at the next file and cancels its transaction.
volatile std::sig_atomic_t g_interrupted = 0;

void on_signal(int) {
  g_interrupted = 1;
}

}  // namespace

int main(int argc, char** argv) {
  loupe::indexer::IndexOptions options;
  std::string db;
  CLI::App app{
      "Index plain text, Markdown and HTML files into a Loupe (Xapian) database.\n"
      "Runs are incremental: only changed files are read again, vanished ones removed.",
      "loupe-index"};
  app.set_version_flag("--version", "loupe-index " LOUPE_VERSION);
  app.add_option("--db", db, "database folder (created if missing)")->required();
  app.add_option(
      "--language", options.language,
      "stemming language (english, french, ..., or none); default: the database's, or english");
  app.add_option("--synonyms", options.synonyms,
                 "file of synonyms, a group per line: word, other, several words, ... "
                 "(replaces the database's)")
      ->envname("LOUPE_SYNONYMS");
  app.add_option("paths", options.paths, "files and folders to index")->required();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help prints and succeeds; a bad command line is "nothing could be done" (2), as
    // documented, rather than one of CLI11's own codes.
    return app.exit(e) == 0 ? 0 : 2;
  }
  options.db = db;
  // Xapian keeps a run's postings in memory until this many documents, then writes them to the
  // (still uncommitted) tables: 10000 by default, gigabytes for a folder of text. Fewer keep the
  // memory of a one-transaction run bounded, and are no slower. The caller's setting wins.
  setenv("XAPIAN_FLUSH_THRESHOLD", "1000", /*overwrite=*/0);

  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);

  loupe::indexer::Progress progress(stderr, isatty(STDERR_FILENO) != 0);
  loupe::indexer::IndexStats stats;
  auto result = loupe::indexer::run_index(
      options, progress, [] { return g_interrupted != 0; }, stats);
  switch (result) {
    case loupe::indexer::RunResult::kInterrupted:
      progress.note("interrupted: the database was left as it was");
      return 130;
    case loupe::indexer::RunResult::kFailed:
      return 2;
    case loupe::indexer::RunResult::kDone:
    case loupe::indexer::RunResult::kPartial:
      std::printf("loupe-index: %s\n", loupe::indexer::summary_line(stats).c_str());
      return result == loupe::indexer::RunResult::kDone ? 0 : 1;
  }
  return 2;
}
