// Document text kept in Xapian metadata in chunks cut between words, committed with the document.
#pragma once

#include <xapian.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "db/document_record.h"

namespace loupe::db {

// Small enough that a snippet reads and scans little more than its passage, large enough to keep
// the key count and per-entry overhead low.
inline constexpr size_t kChunkBytes = 1024;

std::string chunk_key(std::string_view id, size_t index);

// Decides where chunks start while a text is analysed, so that analysing a chunk on its own
// yields the same words at the same positions as analysing the whole text: a chunk starts at a
// word that follows white space, never inside a compound.
class ChunkPlanner {
 public:
  explicit ChunkPlanner(std::string_view text) : text_(text) {}
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

// Stores `text` under `id` cut at `offsets`, removing chunks an older, longer version left.
void write_text(Xapian::WritableDatabase& db, std::string_view id, std::string_view text,
                const std::vector<uint32_t>& offsets, size_t old_chunk_count);
void erase_text(Xapian::WritableDatabase& db, std::string_view id, size_t chunk_count);

std::string read_chunk(const Xapian::Database& db, std::string_view id, size_t index);
std::string read_text(const Xapian::Database& db, const DocumentRecord& record);

// Index of the chunk holding word `position` (the last chunk starting at or before it).
size_t chunk_for_position(const DocumentRecord& record, uint32_t position);

}  // namespace loupe::db
