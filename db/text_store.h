// Document text kept in Xapian metadata, committed with the document, read back by byte range.
#pragma once

#include <xapian.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "db/document_record.h"

namespace loupe::db {

// Storage unit: the text cut every kBlockBytes bytes, one metadata entry each. Large enough to
// keep the entry count (and indexing cost) low; a snippet decompresses one or two.
inline constexpr size_t kBlockBytes = 8192;

// A checkpoint every kCheckpointBytes or so: where a word starts, and its position. A snippet
// analyses from the checkpoint before its passage, so it scans at most this much before it.
// 128 rather than 256 bytes: 2.6% fewer instructions per search on Python's docs, for a record
// of about 8 more bytes per KB of text. Only the indexer uses it; any spacing reads back.
inline constexpr size_t kCheckpointBytes = 128;

std::string block_key(std::string_view id, size_t block);
inline size_t block_count(uint64_t text_bytes) {
  return (text_bytes + kBlockBytes - 1) / kBlockBytes;
}

// Decides where checkpoints go while a text is analysed, so that analysing the text from a
// checkpoint gives the same words at the same positions as analysing the whole text: always at
// a word that follows white space, never inside a compound.
class CheckpointPlanner {
 public:
  explicit CheckpointPlanner(std::string_view text) : text_(text) {}
  // Feed every part token (not the joined forms of compounds) in analysis order.
  void add(uint32_t begin, uint32_t end, uint32_t position);
  const std::vector<uint32_t>& offsets() const { return offsets_; }
  const std::vector<uint32_t>& positions() const { return positions_; }

 private:
  bool gap_allows_cut(uint32_t from, uint32_t to, bool need_space) const;
  std::string_view text_;
  std::vector<uint32_t> offsets_{0};
  std::vector<uint32_t> positions_{0};
  uint32_t last_end_ = 0;
  bool any_ = false;
};

// Stores `text` under `id`, removing blocks an older, longer version left.
void write_text(Xapian::WritableDatabase& db, std::string_view id, std::string_view text,
                uint64_t old_text_bytes);
void erase_text(Xapian::WritableDatabase& db, std::string_view id, uint64_t text_bytes);

// Bytes [begin, end) of the stored text (clamped to its length).
std::string read_text_range(const Xapian::Database& db, const DocumentRecord& record,
                            uint64_t begin, uint64_t end);
// The same from blocks fetched by `block` (block index -> its bytes, read before the next call),
// for a reader that keeps blocks of its own.
std::string text_range_from_blocks(const DocumentRecord& record, uint64_t begin, uint64_t end,
                                   const std::function<std::string_view(size_t)>& block);
// One stored block of the text, whole (the last one may be shorter).
std::string read_block(const Xapian::Database& db, const DocumentRecord& record, size_t block);
std::string read_text(const Xapian::Database& db, const DocumentRecord& record);

// Index of the checkpoint at or before word `position`.
size_t checkpoint_for_position(const DocumentRecord& record, uint32_t position);

}  // namespace loupe::db
