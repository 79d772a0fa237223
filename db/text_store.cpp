#include "db/text_store.h"

#include <xxhash.h>

#include <algorithm>
#include <cstdio>

namespace loupe::db {

std::string block_key(std::string_view id, size_t block) {
  // Keyed by a hash of the id, not the docid: `xapian-compact` renumbers docids, and metadata
  // keys are limited to 245 bytes while paths are not.
  char key[64];
  std::snprintf(key, sizeof key, "loupe:text:%016llx:%zu",
                static_cast<unsigned long long>(XXH3_64bits(id.data(), id.size())), block);
  return key;
}

bool CheckpointPlanner::gap_allows_cut(uint32_t from, uint32_t to, bool need_space) const {
  if (to <= from) return false;
  bool space = false;
  for (uint32_t i = from; i < to; ++i) {
    char c = text_[i];
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') space = true;
    // Connectors join compound parts; a cut there would split the compound.
    if (!need_space && (c == '-' || c == '.' || c == '_' || c == '@' || c == ':' || c == '\xE2'))
      return false;
  }
  return space || !need_space;
}

void CheckpointPlanner::add(uint32_t begin, uint32_t end, uint32_t position) {
  if (!any_) {
    positions_[0] = position;
    any_ = true;
    last_end_ = end;
    return;
  }
  uint32_t since = begin - offsets_.back();
  // Text without spaces (CJK) gets a checkpoint at punctuation once it has gone on for a while.
  bool cut = (since >= kCheckpointBytes && gap_allows_cut(last_end_, begin, true)) ||
             (since >= 4 * kCheckpointBytes && gap_allows_cut(last_end_, begin, false));
  if (cut) {
    offsets_.push_back(begin);
    positions_.push_back(position);
  }
  last_end_ = std::max(last_end_, end);
}

void write_text(Xapian::WritableDatabase& db, std::string_view id, std::string_view text,
                uint64_t old_text_bytes) {
  size_t blocks = block_count(text.size());
  for (size_t i = 0; i < blocks; ++i)
    db.set_metadata(block_key(id, i), std::string(text.substr(i * kBlockBytes, kBlockBytes)));
  for (size_t i = blocks; i < block_count(old_text_bytes); ++i)
    db.set_metadata(block_key(id, i), "");
}

void erase_text(Xapian::WritableDatabase& db, std::string_view id, uint64_t text_bytes) {
  for (size_t i = 0; i < block_count(text_bytes); ++i) db.set_metadata(block_key(id, i), "");
}

std::string text_range_from_blocks(const DocumentRecord& record, uint64_t begin, uint64_t end,
                                   const std::function<std::string_view(size_t)>& block) {
  end = std::min(end, record.text_bytes);
  if (begin >= end) return {};
  std::string out;
  out.reserve(end - begin);
  for (size_t i = begin / kBlockBytes; i * kBlockBytes < end; ++i) {
    std::string_view data = block(i);
    uint64_t block_begin = i * kBlockBytes;
    uint64_t from = std::max(begin, block_begin) - block_begin;
    uint64_t to = std::min<uint64_t>(end - block_begin, data.size());
    if (from < to) out.append(data.substr(from, to - from));
  }
  return out;
}

std::string read_block(const Xapian::Database& db, const DocumentRecord& record, size_t block) {
  return db.get_metadata(block_key(record.id, block));
}

std::string read_text_range(const Xapian::Database& db, const DocumentRecord& record,
                            uint64_t begin, uint64_t end) {
  std::string data;
  return text_range_from_blocks(record, begin, end, [&](size_t block) -> std::string_view {
    data = read_block(db, record, block);
    return data;
  });
}

std::string read_text(const Xapian::Database& db, const DocumentRecord& record) {
  return read_text_range(db, record, 0, record.text_bytes);
}

size_t checkpoint_for_position(const DocumentRecord& record, uint32_t position) {
  const auto& p = record.checkpoint_positions;
  auto it = std::upper_bound(p.begin(), p.end(), position);
  return it == p.begin() ? 0 : static_cast<size_t>(it - p.begin()) - 1;
}

}  // namespace loupe::db
