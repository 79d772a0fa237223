// Writes documents into a Xapian database in one transaction: documents, their text, removals.
#pragma once

#include <xapian.h>

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "db/document_record.h"

namespace loupe::indexer {

// A problem with the database as a whole; the message names the --db path.
class DatabaseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct StoredDocument {
  Xapian::docid docid;
  db::DocumentRecord record;
};

class IndexWriter {
 public:
  // Opens or creates the database and starts a transaction. `language` empty means: the
  // database's own, or English for a new one. Throws DatabaseError.
  IndexWriter(const std::filesystem::path& db_path, const std::string& language);
  ~IndexWriter();

  std::optional<StoredDocument> find(const std::string& id) const;
  std::vector<StoredDocument> documents_from_root(const std::string& root) const;
  // The documents inside a file (db/document_id.h), by the file's id.
  std::vector<StoredDocument> parts_of(const std::string& file_id) const;
  // One of them, without reading the others' records: what stands for a file that is no
  // document itself (an mbox) in the size-and-time check of every run.
  std::optional<StoredDocument> first_part_of(const std::string& file_id) const;
  std::unordered_set<Xapian::docid> docids_from_root(const std::string& root) const;
  // The canonical root a document was indexed from ("" if it has none; "#..." when the path was
  // too long for a term and is stored hashed).
  std::string root_of(Xapian::docid docid) const;
  bool has_root(const std::string& root) const;
  // Roots indexed from folders inside `root`.
  std::vector<std::string> roots_inside(const std::string& root) const;

  // Adds `doc` (built by a DocumentBuilder for `record`), replacing `previous`, and stores the
  // text that snippets are cut from.
  void put(const Xapian::Document& doc, const db::DocumentRecord& record, const std::string& text,
           const std::optional<StoredDocument>& previous);
  // The content is unchanged but the file was touched, or found under another spelling or root:
  // record the new time, path and root without analysing the text again.
  // `reroot`: the document was indexed from another root, which `root` replaces.
  void touch(const StoredDocument& stored, int64_t modified_ns, const std::string& path,
             const std::string& root, bool reroot);
  void remove(const StoredDocument& stored);

  // Replaces the database's synonyms with these (key, synonym) pairs (indexer/synonyms.h;
  // search/query_parser.cpp looks them up).
  void set_synonyms(const std::vector<std::pair<std::string, std::string>>& pairs);

  // Makes every change visible to readers at once; until then they see the previous state.
  void commit();
  // Drops every change of this run.
  void cancel();

  const std::string& language() const { return language_; }
  // This database is shard `index` (from 0) of `count` (1: not sharded); recorded at the commit.
  void set_shard(unsigned index, unsigned count);
  // The database holds documents written by another format version (see db/schema.h): every
  // file is to be analysed again, changed or not.
  bool reanalyse_all() const { return reanalyse_all_; }

 private:
  // Whether two documents or more have the same content (see db::kDuplicatesKey).
  bool has_duplicates();
  std::vector<StoredDocument> documents_with(const std::string& term) const;
  std::optional<StoredDocument> first_with(const std::string& term) const;
  void update_spelling(const Xapian::Document& doc, int change);

  std::filesystem::path path_;
  std::string language_;  // before db_: checked before the database is opened
  Xapian::WritableDatabase db_;
  bool in_transaction_ = false;
  bool changed_ = false;
  std::string shard_;  // db::kShardKey's value
  bool reanalyse_all_ = false;
  Xapian::doccount written_ = 0;  // documents put this run
};

}  // namespace loupe::indexer
