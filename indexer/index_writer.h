// Writes documents into a Xapian database in one transaction: terms, positions, values, text.
#pragma once

#include <xapian.h>

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "analysis/analyzer.h"
#include "db/document_record.h"
#include "indexer/document_reader.h"

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

  // Adds or replaces the document whose id is record.id.
  void put(db::DocumentRecord record, const ExtractedDocument& doc, const std::string& root,
           const std::optional<StoredDocument>& previous);
  // The content is unchanged but the file was touched: record the new time only.
  void touch(const StoredDocument& stored, int64_t modified_ns);
  void remove(const StoredDocument& stored);

  // Makes every change visible to readers at once; until then they see the previous state.
  void commit();
  // Drops every change of this run.
  void cancel();

  const std::string& language() const { return language_; }

 private:
  void add_body(Xapian::Document& doc, const std::string& text, db::DocumentRecord& record);
  void add_title(Xapian::Document& doc, const std::string& title);

  std::filesystem::path path_;
  Xapian::WritableDatabase db_;
  std::string language_;
  std::unique_ptr<analysis::Analyzer> analyzer_;
  std::unordered_map<std::string, Xapian::termcount> stem_counts_;  // per document, reused
  bool in_transaction_ = false;
};

}  // namespace loupe::indexer
