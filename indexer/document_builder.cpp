#include "indexer/document_builder.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "analysis/phrase_key.h"
#include "analysis/utf8.h"
#include "db/schema.h"
#include "db/text_store.h"

namespace loupe::indexer {

void DocumentBuilder::add_body(Xapian::Document& doc, const std::string& text,
                               db::DocumentRecord& record) {
  db::CheckpointPlanner planner(text);
  // Stems carry no positions: count them here and hand each to Xapian once, which saves a
  // lookup in the document's term map per word.
  stem_counts_.clear();
  // Positions start at 1, as Xapian's TermGenerator numbers them.
  analyzer_.analyze(text, 1, [&](const analysis::Token& token) {
    doc.add_posting(token.term, token.position);
    const std::string& stem = analyzer_.token_stem(token);
    if (!stem.empty()) ++stem_counts_[stem];
    if (!token.joined) planner.add(token.begin, token.end, token.position);
  });
  const std::string stem_prefix(db::kStemPrefix);
  for (const auto& [stem, count] : stem_counts_) doc.add_term(stem_prefix + stem, count);
  record.text_bytes = text.size();
  record.checkpoint_offsets = planner.offsets();
  record.checkpoint_positions = planner.positions();
}

void DocumentBuilder::add_title(Xapian::Document& doc, const std::string& title) {
  const std::string title_prefix(db::prefix(db::Field::kTitle));
  const std::string stem_prefix(db::kStemPrefix);
  analyzer_.analyze(title, 1, [&](const analysis::Token& token) {
    doc.add_posting(title_prefix + token.term, token.position);
    doc.add_term(token.term, db::kTitleWdfBoost);
    const std::string& stem = analyzer_.token_stem(token);
    if (stem.empty()) return;
    doc.add_term(stem_prefix + stem, db::kTitleWdfBoost);
    // Omega's convention for a stemmed prefixed term: Z, then the field prefix, then the stem.
    doc.add_term(stem_prefix + title_prefix + stem);
  });
}

// Words of a field that ranking weighs but no query names: stems where they have one, for
// words in any inflection, else the words.
void DocumentBuilder::add_ranked_words(Xapian::Document& doc, db::Field field,
                                       std::string_view text) {
  const std::string prefix(db::prefix(field));
  const std::string stem_prefix = std::string(db::kStemPrefix) + prefix;
  analyzer_.analyze(text, 1, [&](const analysis::Token& token) {
    const std::string& stem = analyzer_.token_stem(token);
    if (!stem.empty())
      doc.add_term(stem_prefix + stem);
    else if (!token.part)
      doc.add_term(prefix + token.term);
  });
}

void DocumentBuilder::add_phrase_keys(Xapian::Document& doc, db::Field field,
                                      std::string_view text) {
  const std::string prefix(db::prefix(field));
  for (const std::string& key : analysis::segment_keys(analyzer_, text)) doc.add_term(prefix + key);
}

// The words a file is called by: its name's ("dataclasses.html" is "dataclasses"), and for a
// folder's index page ("keys/index.html", "README.md"), the folder's too.
void DocumentBuilder::add_file_name(Xapian::Document& doc, const std::string& id) {
  std::filesystem::path path(id);
  std::string stem = path.stem().string();
  add_ranked_words(doc, db::Field::kFileName, analysis::repair_utf8(stem));
  std::string lower = analysis::ascii_lower(stem);
  if ((lower == "index" || lower == "readme") && path.has_parent_path())
    add_ranked_words(doc, db::Field::kFileName,
                     analysis::repair_utf8(path.parent_path().filename().string()));
}

namespace {

// 1 for a page of prose; less the more of it is the text of links, and the more link text
// it holds: a generated index or site map is nearly all links, and long.
double page_value(const ExtractedDocument& extracted) {
  // Link text beyond this many bytes (a few hundred words) makes a page a full list.
  constexpr double kListBytes = 4096;
  if (extracted.text.empty()) return 1;
  double links = static_cast<double>(extracted.link_text_bytes);
  double share = links / static_cast<double>(extracted.text.size());
  return 1 - share * std::min(1.0, links / kListBytes);
}

}  // namespace

Xapian::Document DocumentBuilder::build(db::DocumentRecord& record,
                                        const ExtractedDocument& extracted,
                                        const std::string& root) {
  Xapian::Document doc;
  // A file with no words of its own (empty, only a picture's markup) is still called something.
  record.title = !extracted.title.empty()
                     ? extracted.title
                     : analysis::repair_utf8(std::filesystem::path(record.id).stem().string());
  add_title(doc, record.title);
  add_body(doc, extracted.text, record);
  add_phrase_keys(doc, db::Field::kTitleKey, record.title);
  for (const std::string& heading : extracted.headings) {
    add_ranked_words(doc, db::Field::kHeading, heading);
    add_phrase_keys(doc, db::Field::kHeadingKey, heading);
  }
  add_file_name(doc, record.id);
  std::string ext = std::filesystem::path(record.id).extension().string();
  if (!ext.empty()) ext.erase(0, 1);
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  doc.add_boolean_term(db::boolean_term(db::Field::kId, record.id));
  doc.add_boolean_term(db::boolean_term(db::Field::kType, record.type));
  if (!ext.empty()) doc.add_boolean_term(db::boolean_term(db::Field::kExtension, ext));
  doc.add_boolean_term(db::boolean_term(db::Field::kRoot, root));
  doc.add_value(db::kModifiedSlot,
                Xapian::sortable_serialise(static_cast<double>(record.modified)));
  doc.add_value(db::kSizeSlot, Xapian::sortable_serialise(static_cast<double>(record.size)));
  doc.add_value(db::kPageSlot,
                Xapian::sortable_serialise(std::round(page_value(extracted) * db::kPageLevels)));
  db::store_record(doc, record);
  return doc;
}

}  // namespace loupe::indexer
