// Decoded records and text blocks of the documents a reader showed lately, bounded in bytes.
#pragma once

#include <xapian.h>

#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "db/document_record.h"

namespace loupe::db {

// Every hit costs a record and a text block or two, each a B-tree lookup, an 8 KB block copied
// from the kernel and, for the record, a decode; and searches keep showing the same documents.
// One per reader (not thread-safe), like the Xapian::Database it reads. Least recently used
// entries go first once `max_bytes` is reached; 0 keeps nothing.
class DocumentCache {
 public:
  explicit DocumentCache(size_t max_bytes) : max_bytes_(max_bytes) {}

  // Entries hold for one revision of one database: call before reading, with the reader's
  // database, and the cache empties itself when that changed (a commit, a reopen, an index
  // rebuilt anew, whose revisions count again from 1).
  void use(const Xapian::Database& db);
  // The same for a reader of several databases: `identity` names them (their UUIDs), and
  // `revision` grows with every commit to any of them.
  void use(const std::string& identity, uint64_t revision);

  // The records of `docids`, in that order (missing ones read in ascending docid order, the
  // order Xapian stores them in). Throws as load_record() does.
  std::vector<std::shared_ptr<const DocumentRecord>> records(
      const Xapian::Database& db, const std::vector<Xapian::docid>& docids);

  // Bytes [begin, end) of document `docid`'s stored text, as read_text_range() reads them.
  std::string text_range(const Xapian::Database& db, Xapian::docid docid,
                         const DocumentRecord& record, uint64_t begin, uint64_t end);

  size_t bytes() const { return bytes_; }
  size_t entries() const { return index_.size(); }

 private:
  struct Entry {
    uint64_t key;
    std::shared_ptr<const DocumentRecord> record;  // a record entry
    std::string block;                             // or a text block
    size_t bytes;
  };
  using Lru = std::list<Entry>;  // most recently used first

  const Entry* find(uint64_t key);
  void insert(Entry entry);
  void clear();

  size_t max_bytes_;
  size_t bytes_ = 0;
  Lru lru_;
  std::unordered_map<uint64_t, Lru::iterator> index_;
  std::string uuid_;
  uint64_t revision_ = 0;
};

}  // namespace loupe::db
