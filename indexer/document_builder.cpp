#include "indexer/document_builder.h"

#include <algorithm>
#include <filesystem>

#include "analysis/language_detector.h"
#include "analysis/phrase_key.h"
#include "analysis/utf8.h"
#include "db/document_id.h"
#include "db/schema.h"
#include "db/text_store.h"

namespace loupe::indexer {

void DocumentBuilder::add_body(Xapian::Document& doc, const ExtractedDocument& extracted,
                               bool list_page, db::DocumentRecord& record) {
  const std::string& text = extracted.text;
  db::CheckpointPlanner planner(text);
  // Each page starts at its first word's position (an empty page at the next page's).
  const std::vector<ExtractedDocument::Page>& pages = extracted.pages;
  record.page_positions.assign(pages.size(), 0);
  size_t next_page = 0;
  uint32_t last_position = 0;
  // Stems carry no positions: count them here and hand each to Xapian once, which saves a
  // lookup in the document's term map per word. A list page's words are counted the same way.
  stem_counts_.clear();
  list_words_.clear();
  // A list of pages repeats a word once per entry that has it ("(module)" hundreds of times in
  // a generated index): that says nothing of what the page is about, so it counts once.
  Xapian::termcount wdf_per_word = list_page ? 0 : 1;
  // Positions start at 1, as Xapian's TermGenerator numbers them.
  analyzer_.analyze(text, 1, [&](const analysis::Token& token) {
    while (next_page < pages.size() && token.begin >= pages[next_page].offset)
      record.page_positions[next_page++] = token.position;
    last_position = std::max(last_position, token.position);
    doc.add_posting(token.term, token.position, wdf_per_word);
    if (list_page) list_words_.insert(token.term);
    for_each_stem(token, [&](const std::string& stem) { ++stem_counts_[stem]; });
    if (!token.joined) planner.add(token.begin, token.end, token.position);
  });
  for (const std::string& word : list_words_) doc.add_term(word);
  const std::string stem_prefix(db::kStemPrefix);
  for (const auto& [stem, count] : stem_counts_)
    doc.add_term(stem_prefix + stem, list_page ? 1 : count);
  // Pages after the last word start after it.
  for (; next_page < pages.size(); ++next_page)
    record.page_positions[next_page] = last_position + 1;
  record.text_bytes = text.size();
  record.checkpoint_offsets = planner.offsets();
  record.checkpoint_positions = planner.positions();
  record.page_kind = pages.empty() ? std::string() : extracted.page_kind;
  record.page_offsets.clear();
  record.page_names.clear();
  bool named = false;
  for (const ExtractedDocument::Page& page : pages) {
    record.page_offsets.push_back(static_cast<uint32_t>(page.offset));
    record.page_names.push_back(page.name);
    named = named || !page.name.empty();
  }
  if (!named) record.page_names.clear();
}

void DocumentBuilder::add_field_text(Xapian::Document& doc, db::Field field,
                                     const std::string& text) {
  const std::string prefix(db::prefix(field));
  const std::string stem_prefix(db::kStemPrefix);
  analyzer_.analyze(text, 1, [&](const analysis::Token& token) {
    doc.add_posting(prefix + token.term, token.position);
    for_each_stem(token,
                  [&](const std::string& stem) { doc.add_term(stem_prefix + prefix + stem); });
  });
}

void DocumentBuilder::add_title(Xapian::Document& doc, const std::string& title) {
  const std::string title_prefix(db::prefix(db::Field::kTitle));
  const std::string stem_prefix(db::kStemPrefix);
  analyzer_.analyze(title, 1, [&](const analysis::Token& token) {
    doc.add_posting(title_prefix + token.term, token.position);
    doc.add_term(token.term, db::kTitleWdfBoost);
    for_each_stem(token, [&](const std::string& stem) {
      doc.add_term(stem_prefix + stem, db::kTitleWdfBoost);
      // Omega's convention for a stemmed prefixed term: Z, then the field prefix, then the stem.
      doc.add_term(stem_prefix + title_prefix + stem);
    });
  });
}

void DocumentBuilder::add_keys(Xapian::Document& doc, db::Field field,
                               const std::vector<std::string>& keys) {
  const std::string prefix(db::prefix(field));
  for (const std::string& key : keys) doc.add_term(prefix + key);
}

// A file's name is a title too ("dataclasses.html", "asyncio-task.html" is "asyncio task"), and
// a folder's index page ("keys/index.html", "README.md") is called by the folder's name.
void DocumentBuilder::add_file_name_key(Xapian::Document& doc, const std::string& id) {
  std::filesystem::path path(id);
  std::string name = path.stem().string();
  std::string lower = analysis::ascii_lower(name);
  if ((lower == "index" || lower == "readme") && path.has_parent_path())
    name = path.parent_path().filename().string();
  // Its separators part words: "asyncio-task" is two words, not a compound.
  for (char& c : name)
    if (c == '-' || c == '_' || c == '.') c = ' ';
  std::string key = analysis::phrase_key(analyzer_, analysis::repair_utf8(name));
  if (!key.empty()) doc.add_term(std::string(db::prefix(db::Field::kTitleKey)) + key);
}

namespace {

// A page that is mostly the text of links, and holds a lot of it, lists other pages: a
// generated index, a site map, a table of contents. On Python's docs the share of link text is
// either under a tenth or over nine tenths, the lists being the genindex pages and section hubs.
bool is_list_page(const ExtractedDocument& extracted) {
  // Link text beyond this many bytes (a few hundred words) makes a page a full list.
  constexpr double kListBytes = 4096;
  constexpr double kListThreshold = 0.5;
  if (extracted.text.empty()) return false;
  double links = static_cast<double>(extracted.link_text_bytes);
  double share = links / static_cast<double>(extracted.text.size());
  return share * std::min(1.0, links / kListBytes) > kListThreshold;
}

}  // namespace

std::string DocumentBuilder::document_language(const std::string& title,
                                               const ExtractedDocument& extracted) {
  // A title mostly repeats the text's first line, and CLD2 reads a repeated passage as a clue of
  // its own: the text alone, or the title of a document without text.
  std::string_view text = extracted.text.empty() ? std::string_view(title) : extracted.text;
  return analysis::detect_language(analysis::truncate_utf8(text, kLanguageSample),
                                   extracted.language, analyzer_.own_language_code());
}

Xapian::Document DocumentBuilder::build(db::DocumentRecord& record,
                                        const ExtractedDocument& extracted,
                                        const std::string& root) {
  Xapian::Document doc;
  // A file with no words of its own (empty, only a picture's markup) is still called something.
  record.title =
      !extracted.title.empty()
          ? extracted.title
          : analysis::repair_utf8(
                std::filesystem::path(std::string(db::own_name(record.id))).stem().string());
  record.language = document_language(record.title, extracted);
  analyzer_.set_stem_language(record.language);
  add_title(doc, record.title);
  add_body(doc, extracted, is_list_page(extracted), record);
  record.author = analysis::repair_utf8(extracted.author);
  record.created = extracted.created;
  if (!record.author.empty()) add_field_text(doc, db::Field::kAuthor, record.author);
  add_field_text(doc, db::Field::kFrom, analysis::repair_utf8(extracted.from));
  add_field_text(doc, db::Field::kTo, analysis::repair_utf8(extracted.to));
  if (extracted.date != 0) record.modified = extracted.date;
  // Ranking's keys (analysis/phrase_key.h) are stemmed in the index's own language, as a query's
  // words are when ranking compares them: a title matches its query as written, in any language.
  analyzer_.set_stem_language("");
  add_keys(doc, db::Field::kTitleKey, analysis::segment_keys(analyzer_, record.title));
  add_keys(doc, db::Field::kTitlePartKey, analysis::part_keys(analyzer_, record.title));
  // An attachment's name is its file name; an mbox's messages have numbers, no names.
  if (!db::is_part(record.id) || record.type != "email")
    add_file_name_key(doc, std::string(db::own_name(record.id)));
  for (const std::string& heading : extracted.headings)
    add_keys(doc, db::Field::kHeadingKey, analysis::segment_keys(analyzer_, heading));
  std::string ext =
      std::filesystem::path(std::string(db::own_name(record.id))).extension().string();
  if (!ext.empty()) ext.erase(0, 1);
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  doc.add_boolean_term(db::boolean_term(db::Field::kId, record.id));
  doc.add_boolean_term(db::boolean_term(db::Field::kType, record.type));
  if (!ext.empty()) doc.add_boolean_term(db::boolean_term(db::Field::kExtension, ext));
  if (!record.language.empty())
    doc.add_boolean_term(db::boolean_term(db::Field::kLanguage, record.language));
  doc.add_boolean_term(db::boolean_term(db::Field::kRoot, root));
  // Empty files all hash alike: they are no copies of each other.
  if (!record.hash.empty() && !extracted.text.empty()) {
    doc.add_boolean_term(db::boolean_term(db::Field::kHash, record.hash));
    doc.add_value(db::kHashSlot, record.hash);
  }
  if (db::is_part(record.id))
    doc.add_boolean_term(db::boolean_term(db::Field::kPartOf, db::file_of(record.id)));
  // A part is in its file's folders.
  std::vector<std::string> folders = db::folders_of(db::file_of(record.id));
  for (const std::string& folder : folders)
    doc.add_boolean_term(db::boolean_term(db::Field::kFolder, folder));
  db::set_document_values(doc, record.type, db::file_of(record.id), record.modified,
                          record.language);
  doc.add_value(db::kSizeSlot, Xapian::sortable_serialise(static_cast<double>(record.size)));
  db::store_record(doc, record);
  return doc;
}

}  // namespace loupe::indexer
