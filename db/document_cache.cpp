#include "db/document_cache.h"

#include "db/text_store.h"

namespace loupe::db {
namespace {

// A record and its document's text blocks, one key each: docids are 32 bits, and the low 24
// bits number the blocks from 1 (128 GB of text; blocks past that are read, not kept).
constexpr int kBlockBits = 24;
constexpr size_t kMaxCachedBlock = (size_t{1} << kBlockBits) - 2;
uint64_t record_key(Xapian::docid docid) {
  return static_cast<uint64_t>(docid) << kBlockBits;
}
uint64_t block_key(Xapian::docid docid, size_t block) {
  return record_key(docid) | (block + 1);
}

// What an entry holds, roughly: enough to keep the bound honest without measuring allocations.
constexpr size_t kEntryOverhead = 96;
size_t record_bytes(const DocumentRecord& r) {
  return sizeof(DocumentRecord) + r.id.size() + r.path.size() + r.title.size() + r.type.size() +
         r.hash.size() +
         (r.checkpoint_offsets.capacity() + r.checkpoint_positions.capacity()) * sizeof(uint32_t);
}

}  // namespace

void DocumentCache::use(const Xapian::Database& db) {
  if (max_bytes_ == 0) return;
  use(db.get_uuid(), db.get_revision());
}

void DocumentCache::use(const std::string& identity, uint64_t revision) {
  // The same revision number can be a different index only when it was built anew.
  if (max_bytes_ == 0 || (revision == revision_ && identity == uuid_ && !lru_.empty())) return;
  clear();
  revision_ = revision;
  uuid_ = identity;
}

void DocumentCache::clear() {
  lru_.clear();
  index_.clear();
  bytes_ = 0;
}

const DocumentCache::Entry* DocumentCache::find(uint64_t key) {
  auto it = index_.find(key);
  if (it == index_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second);
  return &*it->second;
}

void DocumentCache::insert(Entry entry) {
  if (max_bytes_ == 0 || entry.bytes > max_bytes_) return;
  while (bytes_ + entry.bytes > max_bytes_ && !lru_.empty()) {
    bytes_ -= lru_.back().bytes;
    index_.erase(lru_.back().key);
    lru_.pop_back();
  }
  bytes_ += entry.bytes;
  uint64_t key = entry.key;
  lru_.push_front(std::move(entry));
  index_[key] = lru_.begin();
}

std::vector<std::shared_ptr<const DocumentRecord>> DocumentCache::records(
    const Xapian::Database& db, const std::vector<Xapian::docid>& docids) {
  std::vector<std::shared_ptr<const DocumentRecord>> out(docids.size());
  for (size_t i : ascending_order(docids)) {
    uint64_t key = record_key(docids[i]);
    if (const Entry* cached = find(key)) {
      out[i] = cached->record;
      continue;
    }
    auto record = std::make_shared<const DocumentRecord>(load_record(db.get_document(docids[i])));
    insert({key, record, {}, kEntryOverhead + record_bytes(*record)});
    out[i] = std::move(record);
  }
  return out;
}

std::string DocumentCache::text_range(const Xapian::Database& db, Xapian::docid docid,
                                      const DocumentRecord& record, uint64_t begin, uint64_t end) {
  std::string missed;
  return text_range_from_blocks(record, begin, end, [&](size_t block) -> std::string_view {
    missed.clear();
    if (block > kMaxCachedBlock) return missed = read_block(db, record, block);
    uint64_t key = block_key(docid, block);
    if (const Entry* cached = find(key)) return cached->block;
    missed = read_block(db, record, block);
    // A view of `missed`, not of an entry: a block bigger than the whole cache is never kept.
    insert({key, nullptr, missed, kEntryOverhead + missed.size()});
    return missed;
  });
}

}  // namespace loupe::db
