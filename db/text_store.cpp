#include "db/text_store.h"

#include <xxhash.h>

#include <algorithm>
#include <cstdio>

namespace loupe::db {

std::string chunk_key(std::string_view id, size_t index) {
  // Keyed by a hash of the id, not the docid: `xapian-compact` renumbers docids, and metadata
  // keys are limited to 245 bytes while paths are not.
  char key[64];
  std::snprintf(key, sizeof key, "loupe:text:%016llx:%zu",
                static_cast<unsigned long long>(XXH3_64bits(id.data(), id.size())), index);
  return key;
}

bool ChunkPlanner::gap_allows_cut(uint32_t from, uint32_t to, bool need_space) const {
  if (to <= from) return false;
  bool space = false;
  for (uint32_t i = from; i < to; ++i) {
    char c = text_[i];
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') space = true;
    // Connectors join compound parts; cutting there would split the compound.
    if (!need_space && (c == '-' || c == '.' || c == '_' || c == '@' || c == ':' || c == '\xE2'))
      return false;
  }
  return space || !need_space;
}

void ChunkPlanner::add(uint32_t begin, uint32_t end, uint32_t position) {
  if (!any_) {
    positions_[0] = position;
    any_ = true;
    last_end_ = end;
    return;
  }
  uint32_t since = begin - offsets_.back();
  // Text without spaces (CJK) is cut at punctuation once a chunk grows well past its size.
  bool cut = (since >= kChunkBytes && gap_allows_cut(last_end_, begin, true)) ||
             (since >= 4 * kChunkBytes && gap_allows_cut(last_end_, begin, false));
  if (cut) {
    offsets_.push_back(begin);
    positions_.push_back(position);
  }
  last_end_ = std::max(last_end_, end);
}

void write_text(Xapian::WritableDatabase& db, std::string_view id, std::string_view text,
                const std::vector<uint32_t>& offsets, size_t old_chunk_count) {
  for (size_t i = 0; i < offsets.size(); ++i) {
    size_t end = i + 1 < offsets.size() ? offsets[i + 1] : text.size();
    db.set_metadata(chunk_key(id, i), std::string(text.substr(offsets[i], end - offsets[i])));
  }
  for (size_t i = offsets.size(); i < old_chunk_count; ++i) db.set_metadata(chunk_key(id, i), "");
}

void erase_text(Xapian::WritableDatabase& db, std::string_view id, size_t chunk_count) {
  for (size_t i = 0; i < chunk_count; ++i) db.set_metadata(chunk_key(id, i), "");
}

std::string read_chunk(const Xapian::Database& db, std::string_view id, size_t index) {
  return db.get_metadata(chunk_key(id, index));
}

std::string read_text(const Xapian::Database& db, const DocumentRecord& record) {
  std::string text;
  text.reserve(record.text_bytes);
  for (size_t i = 0; i < record.chunk_offsets.size(); ++i) text += read_chunk(db, record.id, i);
  return text;
}

size_t chunk_for_position(const DocumentRecord& record, uint32_t position) {
  const auto& p = record.chunk_positions;
  auto it = std::upper_bound(p.begin(), p.end(), position);
  return it == p.begin() ? 0 : static_cast<size_t>(it - p.begin()) - 1;
}

}  // namespace loupe::db
