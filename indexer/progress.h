// What loupe-index tells its user while it runs: notes about files, and a progress line on a
// terminal.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace loupe::indexer {

class Progress {
 public:
  // `live` draws a self-updating line on `out` (use it when `out` is a terminal).
  Progress(std::FILE* out, bool live) : out_(out), live_(live) {}
  void note(const std::string& message);
  void update(size_t done, size_t total, uint64_t bytes);
  void finish();

 private:
  void clear_line();
  std::FILE* out_;
  bool live_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace loupe::indexer
