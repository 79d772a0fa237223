#include "indexer/progress.h"

namespace loupe::indexer {

void Progress::clear_line() {
  if (drawn_) std::fputs("\r\033[K", out_);
  drawn_ = false;
}

void Progress::note(const std::string& message) {
  clear_line();
  std::fprintf(out_, "loupe-index: %s\n", message.c_str());
}

void Progress::update(size_t done, size_t total, uint64_t bytes) {
  if (!live_) return;
  auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_draw_ < std::chrono::milliseconds(200) && done != total) return;
  last_draw_ = now;
  std::fprintf(out_, "\r\033[Kindexing: %zu/%zu files, %.1f MB read", done, total,
               static_cast<double>(bytes) / 1e6);
  std::fflush(out_);
  drawn_ = true;
}

void Progress::finish() {
  clear_line();
}

}  // namespace loupe::indexer
