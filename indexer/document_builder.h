// Turns a file's extracted title and text into the Xapian document Loupe stores for it.
#pragma once

#include <xapian.h>

#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "analysis/analyzer.h"
#include "db/document_record.h"
#include "db/schema.h"
#include "indexer/document_reader.h"

namespace loupe::indexer {

// Needs no database, so documents can be built on other threads than the one writing them: one
// builder per thread (it owns an Analyzer).
class DocumentBuilder {
 public:
  // Throws std::invalid_argument for an unknown language.
  explicit DocumentBuilder(const std::string& language) : analyzer_(language) {}

  // Terms, positions, boolean terms and values for `record` (whose id, path, type, size and
  // times are set); fills in the record's title and text checkpoints and stores it.
  Xapian::Document build(db::DocumentRecord& record, const ExtractedDocument& extracted,
                         const std::string& root);

 private:
  void add_body(Xapian::Document& doc, const ExtractedDocument& extracted, bool list_page,
                db::DocumentRecord& record);
  // Words of a metadata field (author, from, to), with positions, as title words are.
  void add_field_text(Xapian::Document& doc, db::Field field, const std::string& text);
  void add_title(Xapian::Document& doc, const std::string& title);
  void add_keys(Xapian::Document& doc, db::Field field, const std::vector<std::string>& keys);
  void add_file_name_key(Xapian::Document& doc, const std::string& id);
  // Calls `add` with the token's stem in the document's language and, for a document in
  // another language than the index's, with its stem in the index's language too (when that
  // differs): the index's stems find every document as they did before languages were told
  // apart, and a query adds another language's stem only where it finds more documents
  // (search/query_parser.cpp).
  template <typename Add>
  void for_each_stem(const analysis::Token& token, Add&& add) {
    const std::string& stem = analyzer_.token_stem(token);
    // Most documents are in the index's language: their stem goes in as it is, uncopied.
    if (analyzer_.stems_own_language()) {
      if (!stem.empty()) add(stem);
      return;
    }
    // Kept: the own language's stem of a compound reuses the analyzer's buffer.
    stem_ = stem;
    if (!stem_.empty()) add(stem_);
    const std::string& own = analyzer_.own_token_stem(token);
    if (!own.empty() && own != stem_) add(own);
  }
  // The language to read the document in: detected from its text, or the index's own.
  std::string document_language(const std::string& title, const ExtractedDocument& extracted);

  analysis::Analyzer analyzer_;
  std::unordered_map<std::string, Xapian::termcount> stem_counts_;  // per document, reused
  std::unordered_set<std::string> list_words_;  // of a list page: each counted once
  std::string stem_;                            // for_each_stem()'s, reused
  // Detection reads at most this much of a text (CLD2 is sure of a language well before).
  static constexpr size_t kLanguageSample = 16 * 1024;
};

}  // namespace loupe::indexer
