// One run of loupe-index: walks the paths, indexes what changed, removes what is gone, commits
// once.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "indexer/extractor.h"
#include "indexer/progress.h"

namespace loupe::indexer {

struct IndexOptions {
  std::filesystem::path db;
  std::string language;  // empty: the database's own, or English
  std::vector<std::string> paths;
  // A synonyms file (see synonyms.h) that replaces the database's synonyms; empty: kept as
  // they are.
  std::filesystem::path synonyms = {};
  ExtractLimits extract_limits = {};  // for readers of binary formats (extractor.h)
  // This database is shard `shard` (from 0) of `shards`: it holds the files db::shard_of()
  // gives it, and no others (those of a database sharded otherwise before are removed).
  unsigned shard = 0;
  unsigned shards = 1;
};

// Why files were skipped: the keys of IndexStats::skipped_reasons.
inline constexpr const char* kSkippedUnsupported = "unsupported type";
inline constexpr const char* kSkippedBinary = "binary content";
inline constexpr const char* kSkippedIdTaken = "id taken by another root";
// Damaged, encrypted, a zip bomb, or its reader crashed or ran out of time or memory.
inline constexpr const char* kSkippedNotExtracted = "could not be extracted";

struct IndexStats {
  size_t added = 0;
  size_t updated = 0;
  size_t removed = 0;
  size_t unchanged = 0;
  size_t skipped = 0;  // files left out on purpose, by reason in `skipped_reasons`
  size_t failed = 0;   // files (or folders) that could not be read
  std::map<std::string, size_t> skipped_reasons;
  uint64_t bytes_read = 0;
  double seconds = 0;

  void skip(const char* reason);
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

// The run as one JSON object (loupe-index --json): its result, the counts, skips by reason, the
// speed and the notes it wrote.
std::string summary_json(const IndexStats& stats, RunResult result, const Progress& progress);

}  // namespace loupe::indexer
