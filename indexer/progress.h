// What loupe-index tells its user while it runs: notes about files, and how far the run is.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace loupe::indexer {

class Progress {
 public:
  enum class Mode {
    kBar,    // a self-updating bar (files done of total, MB/s, time left): for a terminal
    kLines,  // a line every few seconds of a long run: for logs
    kNone,   // notes only
  };
  Progress(std::FILE* out, Mode mode) : out_(out), mode_(mode) {}
  // `live`: a bar, else notes only (tests).
  Progress(std::FILE* out, bool live) : Progress(out, live ? Mode::kBar : Mode::kNone) {}

  void note(const std::string& message);
  // Called as each file starts: `done` files of `total`, `bytes` read so far.
  void update(size_t done, size_t total, uint64_t bytes);
  void finish();

  // The run's notes, the first kKeptNotes of them, for a machine-readable summary.
  const std::vector<std::string>& notes() const { return notes_; }
  size_t note_count() const { return note_count_; }
  // Starts the clock and the note list again: a watcher's next run.
  void restart();

  static constexpr size_t kKeptNotes = 100;

 private:
  void clear_line();
  // "1,234/3,185 files, 12.3 MB/s, 0:12 left"
  std::string status(size_t done, size_t total, uint64_t bytes) const;
  std::FILE* out_;
  Mode mode_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_draw_ = started_;
  std::vector<std::string> notes_;
  size_t note_count_ = 0;
};

}  // namespace loupe::indexer
