#include "indexer/index_writer.h"

#include <sys/stat.h>

#include "analysis/analyzer.h"
#include "db/schema.h"
#include "db/text_store.h"

namespace loupe::indexer {
namespace {

Xapian::WritableDatabase open_database(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec) && !std::filesystem::is_directory(path, ec))
    throw DatabaseError("--db " + path.string() + ": not a directory");
  try {
    return Xapian::WritableDatabase(path.string(), Xapian::DB_CREATE_OR_OPEN);
  } catch (const Xapian::DatabaseLockError&) {
    throw DatabaseError("--db " + path.string() +
                        ": locked by another writer (is another loupe-index running?)");
  } catch (const Xapian::DatabaseError& e) {
    throw DatabaseError("--db " + path.string() + ": " + e.get_msg());
  }
}

}  // namespace

IndexWriter::IndexWriter(const std::filesystem::path& db_path, const std::string& language)
    : path_(db_path), db_(open_database(db_path)) {
  std::string stored = db_.get_metadata(std::string(db::kLanguageKey));
  if (!stored.empty() && !language.empty() && stored != language && db_.get_doccount() > 0)
    throw DatabaseError("--db " + path_.string() + ": indexed with --language " + stored +
                        "; use that language, or a new database for " + language);
  language_ = !language.empty() ? language : !stored.empty() ? stored : "english";
  try {
    analysis::Analyzer::check_language(language_);
  } catch (const std::invalid_argument& e) {
    throw DatabaseError(std::string("--language: ") + e.what());
  }
  db_.begin_transaction(/*flushed=*/true);
  in_transaction_ = true;
}

IndexWriter::~IndexWriter() {
  // Leaving without commit() means the run failed: keep the database as it was.
  if (in_transaction_) {
    try {
      db_.cancel_transaction();
    } catch (const Xapian::Error&) {
    }
  }
}

std::optional<StoredDocument> IndexWriter::find(const std::string& id) const {
  std::string term = db::boolean_term(db::Field::kId, id);
  Xapian::PostingIterator it = db_.postlist_begin(term);
  if (it == db_.postlist_end(term)) return std::nullopt;
  Xapian::docid docid = *it;
  return StoredDocument{docid, db::load_record(db_.get_document(docid))};
}

std::vector<StoredDocument> IndexWriter::documents_from_root(const std::string& root) const {
  std::vector<StoredDocument> out;
  std::string term = db::boolean_term(db::Field::kRoot, root);
  for (auto it = db_.postlist_begin(term); it != db_.postlist_end(term); ++it)
    out.push_back({*it, db::load_record(db_.get_document(*it))});
  return out;
}

void IndexWriter::put(const Xapian::Document& doc, const db::DocumentRecord& record,
                      const std::string& text, const std::optional<StoredDocument>& previous) {
  // The caller looked the id up already: no second lookup by term.
  if (previous)
    db_.replace_document(previous->docid, doc);
  else
    db_.add_document(doc);
  db::write_text(db_, record.id, text, previous ? previous->record.text_bytes : 0);
}

void IndexWriter::touch(const StoredDocument& stored, int64_t modified_ns) {
  db::DocumentRecord record = stored.record;
  record.modified_ns = modified_ns;
  record.modified = modified_ns / 1000000000;
  Xapian::Document doc = db_.get_document(stored.docid);
  db::store_record(doc, record);
  doc.add_value(db::kModifiedSlot,
                Xapian::sortable_serialise(static_cast<double>(record.modified)));
  db_.replace_document(stored.docid, doc);
}

void IndexWriter::remove(const StoredDocument& stored) {
  db_.delete_document(stored.docid);
  db::erase_text(db_, stored.record.id, stored.record.text_bytes);
}

void IndexWriter::commit() {
  db_.set_metadata(std::string(db::kLanguageKey), language_);
  db_.set_metadata(std::string(db::kFormatKey), std::string(db::kFormatVersion));
  db_.commit_transaction();
  in_transaction_ = false;
}

void IndexWriter::cancel() {
  if (!in_transaction_) return;
  db_.cancel_transaction();
  in_transaction_ = false;
}

}  // namespace loupe::indexer
