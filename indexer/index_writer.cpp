#include "indexer/index_writer.h"

#include <chrono>

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "analysis/analyzer.h"
#include "db/schema.h"
#include "db/text_store.h"

namespace loupe::indexer {
namespace {

// B-tree block size of a new index (Xapian's default is 8 KB; an existing index keeps its own).
// Xapian reads every block with pread into the cursor's own copy, so a search pays a copy from
// the page cache per block it touches: with 16 KB blocks a search on the Python docs made 40
// reads instead of 72, and measured 20-25% less CPU per query on both HTML corpora. Larger
// blocks copy more than they save.
constexpr unsigned kBlockSize = 16384;

// A folder that holds files but no Xapian database is somebody's documents: writing an index
// there would mix the two (and the walk would leave that folder out).
bool foreign_folder(const std::filesystem::path& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(path / "iamglass", ec) || fs::exists(path / "iamchert", ec) ||
      fs::exists(path / "iamhoney", ec))
    return false;
  fs::directory_iterator it(path, ec);
  return !ec && it != fs::directory_iterator();
}

Xapian::WritableDatabase open_database(const std::filesystem::path& path) {
  std::error_code ec;
  bool exists = std::filesystem::exists(path, ec);
  if (exists && !std::filesystem::is_directory(path, ec))
    throw DatabaseError("--db " + path.string() + ": not a directory");
  if (exists && ::access(path.c_str(), R_OK | W_OK | X_OK) != 0)
    throw DatabaseError("--db " + path.string() + ": " + std::strerror(errno));
  if (exists && foreign_folder(path))
    throw DatabaseError("--db " + path.string() +
                        ": a folder with other files and no Loupe index; give a new or empty "
                        "folder for the index");
  try {
    return Xapian::WritableDatabase(path.string(), Xapian::DB_CREATE_OR_OPEN, kBlockSize);
  } catch (const Xapian::DatabaseLockError&) {
    // Xapian reports a lock it could not take; files this user may not write are the cause
    // more often than a second writer is.
    std::error_code walk_ec;
    for (const auto& entry : std::filesystem::directory_iterator(path, walk_ec))
      if (::access(entry.path().c_str(), W_OK) != 0)
        throw DatabaseError("--db " + path.string() + ": " + entry.path().filename().string() +
                            ": " + std::strerror(errno));
    throw DatabaseError("--db " + path.string() +
                        ": locked by another writer (is another loupe-index running?)");
  } catch (const Xapian::DatabaseError& e) {
    const char* reason = e.get_error_string();
    throw DatabaseError("--db " + path.string() + ": " + e.get_msg() +
                        (reason != nullptr ? std::string(" (") + reason + ")" : std::string()));
  }
}

// Checked before the database is opened, so that a bad flag creates no folder.
std::string requested_language(const std::string& language) {
  if (language.empty()) return language;
  try {
    return analysis::Analyzer::canonical_language(language);
  } catch (const std::invalid_argument& e) {
    throw DatabaseError(std::string("--language: ") + e.what());
  }
}

}  // namespace

IndexWriter::IndexWriter(const std::filesystem::path& db_path, const std::string& language)
    : path_(db_path), language_(requested_language(language)), db_(open_database(db_path)) {
  std::string stored = db_.get_metadata(std::string(db::kLanguageKey));
  if (!stored.empty() && !language_.empty() && stored != language_ && db_.get_doccount() > 0)
    throw DatabaseError("--db " + path_.string() + ": indexed with --language " + stored +
                        "; use that language, or a new database for " + language_);
  if (language_.empty()) language_ = !stored.empty() ? stored : "english";
  // Metadata to write at commit: a new database's, or an older format's.
  bool other_format = db_.get_metadata(std::string(db::kFormatKey)) != db::kFormatVersion;
  changed_ = stored != language_ || other_format;
  reanalyse_all_ = other_format && db_.get_doccount() > 0;
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

std::optional<StoredDocument> IndexWriter::first_with(const std::string& term) const {
  Xapian::PostingIterator it = db_.postlist_begin(term);
  if (it == db_.postlist_end(term)) return std::nullopt;
  Xapian::docid docid = *it;
  return StoredDocument{docid, db::load_record(db_.get_document(docid))};
}

std::optional<StoredDocument> IndexWriter::find(const std::string& id) const {
  return first_with(db::boolean_term(db::Field::kId, id));
}

std::vector<StoredDocument> IndexWriter::documents_with(const std::string& term) const {
  std::vector<StoredDocument> out;
  for (auto it = db_.postlist_begin(term); it != db_.postlist_end(term); ++it)
    out.push_back({*it, db::load_record(db_.get_document(*it))});
  return out;
}

std::vector<StoredDocument> IndexWriter::documents_from_root(const std::string& root) const {
  return documents_with(db::boolean_term(db::Field::kRoot, root));
}

std::vector<StoredDocument> IndexWriter::parts_of(const std::string& file_id) const {
  return documents_with(db::boolean_term(db::Field::kPartOf, file_id));
}

std::optional<StoredDocument> IndexWriter::first_part_of(const std::string& file_id) const {
  return first_with(db::boolean_term(db::Field::kPartOf, file_id));
}

std::unordered_set<Xapian::docid> IndexWriter::docids_from_root(const std::string& root) const {
  std::unordered_set<Xapian::docid> out;
  std::string term = db::boolean_term(db::Field::kRoot, root);
  for (auto it = db_.postlist_begin(term); it != db_.postlist_end(term); ++it) out.insert(*it);
  return out;
}

std::string IndexWriter::root_of(Xapian::docid docid) const {
  const std::string prefix(db::prefix(db::Field::kRoot));
  Xapian::TermIterator it = db_.termlist_begin(docid);
  it.skip_to(prefix);
  if (it == db_.termlist_end(docid) || (*it).rfind(prefix, 0) != 0) return {};
  std::string value = (*it).substr(prefix.size());
  if (!value.empty() && value[0] == ':') value.erase(0, 1);
  return value;
}

bool IndexWriter::has_root(const std::string& root) const {
  return db_.term_exists(db::boolean_term(db::Field::kRoot, root));
}

std::vector<std::string> IndexWriter::roots_inside(const std::string& root) const {
  std::vector<std::string> out;
  const std::string prefix(db::prefix(db::Field::kRoot));
  std::string start = db::boolean_term(db::Field::kRoot, root + "/");
  if (start.compare(0, prefix.size(), prefix) != 0 || start.find('#') == prefix.size()) return out;
  for (auto it = db_.allterms_begin(start); it != db_.allterms_end(start); ++it)
    out.push_back((*it).substr(prefix.size()));
  return out;
}

// The spelling table counts the documents that have each word: a word goes once a document
// with it is removed or rewritten without it.
void IndexWriter::update_spelling(const Xapian::Document& doc, int change) {
  for (auto it = doc.termlist_begin(); it != doc.termlist_end(); ++it) {
    const std::string& term = *it;
    if (!db::is_spelling_word(term)) continue;
    if (change > 0)
      db_.add_spelling(term, 1);
    else
      db_.remove_spelling(term, 1);
  }
}

void IndexWriter::set_synonyms(const std::vector<std::pair<std::string, std::string>>& pairs) {
  changed_ = true;
  std::vector<std::string> old_keys;
  for (auto it = db_.synonym_keys_begin(); it != db_.synonym_keys_end(); ++it)
    old_keys.push_back(*it);
  for (const std::string& key : old_keys) db_.clear_synonyms(key);
  for (const auto& [key, synonym] : pairs) db_.add_synonym(key, synonym);
}

void IndexWriter::put(const Xapian::Document& doc, const db::DocumentRecord& record,
                      const std::string& text, const std::optional<StoredDocument>& previous) {
  // The caller looked the id up already: no second lookup by term.
  changed_ = true;
  ++written_;
  if (previous) {
    update_spelling(db_.get_document(previous->docid), -1);
    db_.replace_document(previous->docid, doc);
  } else {
    db_.add_document(doc);
  }
  update_spelling(doc, +1);
  db::write_text(db_, record.id, text, previous ? previous->record.text_bytes : 0);
}

void IndexWriter::touch(const StoredDocument& stored, int64_t modified_ns, const std::string& path,
                        const std::string& root, bool reroot) {
  changed_ = true;
  db::DocumentRecord record = stored.record;
  // A document dated by its content (an e-mail's Date) keeps that date; others follow the file.
  bool dated_by_file = record.modified == record.modified_ns / 1000000000;
  record.modified_ns = modified_ns;
  if (dated_by_file) record.modified = modified_ns / 1000000000;
  record.path = path;
  Xapian::Document doc = db_.get_document(stored.docid);
  // Reading the root term means scanning the document's term list: only for a move.
  std::string old_root = reroot ? root_of(stored.docid) : root;
  if (old_root != root) {
    if (!old_root.empty()) doc.remove_term(db::boolean_term(db::Field::kRoot, old_root));
    doc.add_boolean_term(db::boolean_term(db::Field::kRoot, root));
  }
  db::store_record(doc, record);
  db::set_document_values(doc, record.type, record.id, record.modified, record.language);
  db_.replace_document(stored.docid, doc);
}

void IndexWriter::remove(const StoredDocument& stored) {
  changed_ = true;
  update_spelling(db_.get_document(stored.docid), -1);
  db_.delete_document(stored.docid);
  db::erase_text(db_, stored.record.id, stored.record.text_bytes);
}

void IndexWriter::set_shard(unsigned index, unsigned count) {
  shard_ = count > 1 ? std::to_string(index + 1) + "/" + std::to_string(count) : std::string();
  if (db_.get_metadata(std::string(db::kShardKey)) != shard_) changed_ = true;
}

void IndexWriter::commit() {
  // Nothing changed: no new revision, so readers keep their caches and need not reopen.
  if (!changed_) {
    cancel();
    return;
  }
  db_.set_metadata(std::string(db::kLanguageKey), language_);
  db_.set_metadata(std::string(db::kShardKey), shard_);
  db_.set_metadata(std::string(db::kDuplicatesKey), has_duplicates() ? "1" : "0");
  db_.set_metadata(std::string(db::kCommittedKey),
                   std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                      std::chrono::system_clock::now().time_since_epoch())
                                      .count()));
  // A run over some of the database's roots leaves the others' documents in the older format:
  // the version moves on once every document is written anew.
  if (!reanalyse_all_ || written_ >= db_.get_doccount())
    db_.set_metadata(std::string(db::kFormatKey), std::string(db::kFormatVersion));
  db_.commit_transaction();
  in_transaction_ = false;
}

bool IndexWriter::has_duplicates() {
  // One term per distinct content: a copy makes one of them shared. A walk over the hash terms
  // is one B-tree scan, a few milliseconds for a hundred thousand documents.
  const std::string prefix(db::prefix(db::Field::kHash));
  for (auto it = db_.allterms_begin(prefix); it != db_.allterms_end(prefix); ++it)
    if (it.get_termfreq() > 1) return true;
  return false;
}

void IndexWriter::cancel() {
  if (!in_transaction_) return;
  db_.cancel_transaction();
  in_transaction_ = false;
}

}  // namespace loupe::indexer
