// What Loupe stores about each document (Xapian document data) and where its text lives.
#pragma once

#include <xapian.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace loupe::db {

struct DocumentRecord {
  std::string id;    // path relative to the indexed root; stable across runs
  std::string path;  // path as the indexer found it
  std::string title;
  std::string type;         // the format's name: "text", "markdown", "html", "pdf", ...
  uint64_t size = 0;        // bytes of the source file
  int64_t modified = 0;     // seconds since the epoch
  int64_t modified_ns = 0;  // full precision, to notice a change within the same second
  std::string hash;         // XXH3-64 of the source bytes, hex
  uint64_t text_bytes = 0;
  // Checkpoints into the extracted text (see text_store.h), so that a snippet reads and analyses
  // its passage rather than the whole document: a word starts at byte checkpoint_offsets[i] of the
  // text, and its position is checkpoint_positions[i].
  std::vector<uint32_t> checkpoint_offsets;
  std::vector<uint32_t> checkpoint_positions;
  // Pages of a PDF, slides, sheets: what they are called, and where each starts, as a word
  // position (a hit's page is the last that starts at or before its match) and a byte offset of
  // the text. Names only for sheets (empty, or one per page).
  std::string page_kind;
  std::vector<uint32_t> page_positions;
  std::vector<uint32_t> page_offsets;
  std::vector<std::string> page_names;
  // From the format's metadata, when it has them.
  std::string author;
  int64_t created = 0;  // seconds since the epoch; 0: unknown
  // A part of a file (an attachment, an mbox's message: db/document_id.h) that belongs to
  // another document: that document's id and title. Empty for a file's own document and for
  // an mbox's messages.
  std::string parent;
  std::string parent_title;
  // The language its words were read in (analysis/language_detector.h): an ISO 639-1 code, ""
  // when unknown.
  std::string language;
};

// The page (1-based) holding word position `position`; 0 for a document without pages.
size_t page_of(const DocumentRecord& record, uint32_t position);

// The record goes into a value slot in a compact binary form, which every hit reads (no parsing
// in proportion to the text's length); the document data holds the same fields as JSON, for
// people (`xapian-delve -d`) and other tools.
void store_record(Xapian::Document& doc, const DocumentRecord& record);

// Reads the binary form. Throws std::runtime_error when the document was not written by
// store_record().
DocumentRecord load_record(const Xapian::Document& doc);

// Indexes into `docids` by ascending docid: the order to read per-document data in.
std::vector<size_t> ascending_order(const std::vector<Xapian::docid>& docids);

// The checkpoints' binary form: varint deltas, offsets and positions interleaved.
std::string encode_checkpoints(const std::vector<uint32_t>& offsets,
                               const std::vector<uint32_t>& positions);
bool decode_checkpoints(std::string_view data, std::vector<uint32_t>& offsets,
                        std::vector<uint32_t>& positions);

}  // namespace loupe::db
