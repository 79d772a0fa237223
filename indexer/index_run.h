// One run of loupe-index: walks the paths, indexes what changed, removes what is gone, commits
// once.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "indexer/progress.h"

namespace loupe::indexer {

struct IndexOptions {
  std::filesystem::path db;
  std::string language;  // empty: the database's own, or English
  std::vector<std::string> paths;
  // A synonyms file (see synonyms.h) that replaces the database's synonyms; empty: kept as
  // they are.
  std::filesystem::path synonyms = {};
};

struct IndexStats {
  size_t added = 0;
  size_t updated = 0;
  size_t removed = 0;
  size_t unchanged = 0;
  size_t skipped = 0;
  uint64_t bytes_read = 0;
  double seconds = 0;
};

enum class RunResult {
  kDone,         // every path indexed
  kPartial,      // committed, but some path or file could not be read
  kFailed,       // nothing could be done (bad --db, locked database, no usable path)
  kInterrupted,  // stopped by a signal; nothing was written
};

// `interrupted` is polled between files.
RunResult run_index(const IndexOptions& options, Progress& progress,
                    const std::function<bool()>& interrupted, IndexStats& stats);

// "added 5, updated 0, ... in 0.12 s (1.3 MB/s)"
std::string summary_line(const IndexStats& stats);

}  // namespace loupe::indexer
