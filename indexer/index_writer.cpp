#include "indexer/index_writer.h"

#include <sys/stat.h>

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
    analyzer_ = std::make_unique<analysis::Analyzer>(language_);
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

void IndexWriter::add_body(Xapian::Document& doc, const std::string& text,
                           db::DocumentRecord& record) {
  db::CheckpointPlanner planner(text);
  // Stems carry no positions: count them here and hand each to Xapian once, which saves a
  // lookup in the document's term map per word.
  stem_counts_.clear();
  // Positions start at 1, as Xapian's TermGenerator numbers them.
  analyzer_->analyze(text, 1, [&](const analysis::Token& token) {
    doc.add_posting(token.term, token.position);
    if (token.stemmable) {
      const std::string& stem = analyzer_->stem(token.term);
      if (!stem.empty()) ++stem_counts_[stem];
    }
    if (!token.joined) planner.add(token.begin, token.end, token.position);
  });
  const std::string stem_prefix(db::kStemPrefix);
  for (const auto& [stem, count] : stem_counts_) doc.add_term(stem_prefix + stem, count);
  record.text_bytes = text.size();
  record.checkpoint_offsets = planner.offsets();
  record.checkpoint_positions = planner.positions();
}

void IndexWriter::add_title(Xapian::Document& doc, const std::string& title) {
  const std::string title_prefix(db::prefix(db::Field::kTitle));
  const std::string stem_prefix(db::kStemPrefix);
  analyzer_->analyze(title, 1, [&](const analysis::Token& token) {
    doc.add_posting(title_prefix + token.term, token.position);
    doc.add_term(token.term, db::kTitleWdfBoost);
    if (token.stemmable) {
      const std::string& stem = analyzer_->stem(token.term);
      if (stem.empty()) return;
      doc.add_term(stem_prefix + stem, db::kTitleWdfBoost);
      // Omega's convention for a stemmed prefixed term: Z, then the field prefix, then the stem.
      doc.add_term(stem_prefix + title_prefix + stem);
    }
  });
}

void IndexWriter::put(db::DocumentRecord record, const ExtractedDocument& extracted,
                      const std::string& root, const std::optional<StoredDocument>& previous) {
  Xapian::Document doc;
  record.title = extracted.title;
  add_title(doc, extracted.title);
  add_body(doc, extracted.text, record);
  std::string ext = std::filesystem::path(record.id).extension().string();
  if (!ext.empty()) ext.erase(0, 1);
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string id_term = db::boolean_term(db::Field::kId, record.id);
  doc.add_boolean_term(id_term);
  doc.add_boolean_term(db::boolean_term(db::Field::kType, record.type));
  if (!ext.empty()) doc.add_boolean_term(db::boolean_term(db::Field::kExtension, ext));
  doc.add_boolean_term(db::boolean_term(db::Field::kRoot, root));
  doc.add_value(db::kModifiedSlot,
                Xapian::sortable_serialise(static_cast<double>(record.modified)));
  doc.add_value(db::kSizeSlot, Xapian::sortable_serialise(static_cast<double>(record.size)));
  db::store_record(doc, record);
  // The caller looked the id up already: no second lookup by term.
  if (previous)
    db_.replace_document(previous->docid, doc);
  else
    db_.add_document(doc);
  db::write_text(db_, record.id, extracted.text, previous ? previous->record.text_bytes : 0);
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
