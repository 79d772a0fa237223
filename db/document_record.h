// What Loupe stores about each document (Xapian document data) and where its text lives.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace loupe::db {

struct DocumentRecord {
  std::string id;     // path relative to the indexed root; stable across runs
  std::string path;   // path as the indexer found it
  std::string title;
  std::string type;   // "text", "markdown" or "html"
  uint64_t size = 0;  // bytes of the source file
  int64_t modified = 0;  // seconds since the epoch
  int64_t modified_ns = 0;  // full precision, to notice a change within the same second
  std::string hash;      // XXH3-64 of the source bytes, hex
  uint64_t text_bytes = 0;
  // The extracted text is stored in chunks (see text_store.h), so that a snippet reads a few KB
  // rather than the whole document. Chunk i starts at byte chunk_offsets[i] of the text and its
  // first word has position chunk_positions[i].
  std::vector<uint32_t> chunk_offsets;
  std::vector<uint32_t> chunk_positions;
};

// JSON, so that `xapian-delve -d` shows something a person can read.
std::string encode_record(const DocumentRecord& record);

// Throws std::runtime_error when `data` was not written by encode_record().
DocumentRecord decode_record(std::string_view data);

}  // namespace loupe::db
