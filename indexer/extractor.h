// Runs a reader of an untrusted binary format in a loupe-extract process, under CPU, memory and
// time limits: a file that crashes or hangs its parser costs that process, not the indexer.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <ostream>
#include <string>

#include "indexer/formats.h"

namespace loupe::indexer {

struct ExtractLimits {
  std::chrono::milliseconds wall{60'000};  // killed after this long, whatever it is doing
  unsigned cpu_seconds = 30;
  size_t memory_mb = 1024;  // address space
  // When it answers true (the run was interrupted), the extractor is killed at once, rather than
  // let a long PDF hold a stopping indexer for up to `wall`. Called from worker threads.
  std::function<bool()> stop;
};

// The program next to this one (loupe-index's folder), or $LOUPE_EXTRACT.
std::filesystem::path extractor_program();

// Reads `file` as `format` in a loupe-extract process. Throws ExtractionError naming what
// happened: the reader's own refusal (damaged, encrypted, a zip bomb), a crash, a time or
// memory limit.
ExtractedDocument extract_isolated(Format format, const std::filesystem::path& file,
                                   const ExtractLimits& limits = {});

// The wire form between loupe-extract and extract_isolated: one JSON object.
std::string encode_extracted(const ExtractedDocument& doc);
void write_extracted(std::ostream& out, const ExtractedDocument& doc);
ExtractedDocument decode_extracted(std::string_view json);  // throws ExtractionError

}  // namespace loupe::indexer
