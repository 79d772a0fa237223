#include "indexer/progress.h"

namespace loupe::indexer {
namespace {

// A bar is redrawn at most this often, and a log line written at most this often.
constexpr std::chrono::milliseconds kBarInterval{200};
constexpr std::chrono::seconds kLineInterval{5};
constexpr int kBarWidth = 24;

std::string clock_time(double seconds) {
  long s = static_cast<long>(seconds + 0.5);
  char text[32];
  if (s >= 3600)
    std::snprintf(text, sizeof text, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  else
    std::snprintf(text, sizeof text, "%ld:%02ld", s / 60, s % 60);
  return text;
}

}  // namespace

void Progress::clear_line() {
  if (drawn_) std::fputs("\r\033[K", out_);
  drawn_ = false;
}

void Progress::note(const std::string& message) {
  clear_line();
  std::fprintf(out_, "loupe-index: %s\n", message.c_str());
  std::fflush(out_);
  ++note_count_;
  if (notes_.size() < kKeptNotes) notes_.push_back(message);
}

void Progress::restart() {
  started_ = last_draw_ = std::chrono::steady_clock::now();
  notes_.clear();
  note_count_ = 0;
}

std::string Progress::status(size_t done, size_t total, uint64_t bytes) const {
  double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  char text[160];
  int n = std::snprintf(text, sizeof text, "%zu/%zu files, %.1f MB/s", done, total,
                        elapsed > 0 ? static_cast<double>(bytes) / 1e6 / elapsed : 0.0);
  // Files, not bytes, predict the rest: the walk knows how many there are, not their sizes.
  if (done > 0 && done < total && elapsed > 1 && n > 0)
    std::snprintf(text + n, sizeof text - n, ", %s left",
                  clock_time(elapsed * static_cast<double>(total - done) / done).c_str());
  return text;
}

void Progress::update(size_t done, size_t total, uint64_t bytes) {
  if (mode_ == Mode::kNone || total == 0) return;
  auto now = std::chrono::steady_clock::now();
  if (mode_ == Mode::kLines) {
    if (now - last_draw_ < kLineInterval) return;
    last_draw_ = now;
    std::fprintf(out_, "loupe-index: indexing: %s\n", status(done, total, bytes).c_str());
    std::fflush(out_);
    return;
  }
  if (drawn_ && now - last_draw_ < kBarInterval && done != total) return;
  last_draw_ = now;
  int filled = static_cast<int>(kBarWidth * done / total);
  std::string bar(filled, '#');
  bar.append(kBarWidth - filled, '-');
  std::fprintf(out_, "\r\033[K[%s] %s", bar.c_str(), status(done, total, bytes).c_str());
  std::fflush(out_);
  drawn_ = true;
}

void Progress::finish() {
  clear_line();
}

}  // namespace loupe::indexer
