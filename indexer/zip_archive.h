// Reads the parts of a zip container (DOCX, ODT, EPUB, ...) from memory, within size limits.
#pragma once

#include <optional>
#include <string>
#include <string_view>

struct zip;

namespace loupe::indexer {

// One part may inflate to this much, all parts of one file together to kMaxInflatedBytes: past
// either, the file is a zip bomb or not a document anyone reads, and is skipped.
inline constexpr size_t kMaxPartBytes = size_t{64} << 20;
inline constexpr size_t kMaxInflatedBytes = size_t{256} << 20;

class ZipArchive {
 public:
  // Throws ExtractionError when `bytes` is no zip file. `bytes` must outlive the archive.
  explicit ZipArchive(std::string_view bytes);
  ~ZipArchive();
  ZipArchive(const ZipArchive&) = delete;
  ZipArchive& operator=(const ZipArchive&) = delete;

  // The part's inflated bytes; nullopt when there is no such part. Throws ExtractionError when
  // it is damaged or inflates past the limits.
  std::optional<std::string> read(const std::string& name);
  bool has(const std::string& name) const;

 private:
  struct zip* zip_ = nullptr;
  size_t inflated_ = 0;
};

}  // namespace loupe::indexer
