// libFuzzer harness: a query and a document, both from the input, through the indexer's document
// builder into an index of that one document; then the hit's snippet and marked title, and the
// document view's fully marked text, as the searcher builds them. The output is HTML: apart from
// the <mark> tags it adds, no '<' may reach it.
//   input: one byte choosing the format, the query up to the first '\n', then the document.
#include <xapian.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "analysis/analyzer.h"
#include "db/document_record.h"
#include "indexer/document_builder.h"
#include "indexer/formats.h"
#include "indexer/text_decoder.h"
#include "search/highlighter.h"
#include "search/query_parser.h"
#include "search/ranking.h"
#include "search/snippet.h"

namespace {

// Aborts when `html` holds a '<' that does not start one of the marks the highlighter adds.
void check_escaped(const std::string& html) {
  for (size_t at = html.find('<'); at != std::string::npos; at = html.find('<', at + 1)) {
    std::string_view rest = std::string_view(html).substr(at);
    if (rest.substr(0, 6) != "<mark>" && rest.substr(0, 7) != "</mark>") std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace loupe;
  static analysis::Analyzer analyzer("english");
  static indexer::DocumentBuilder builder("english");
  if (size < 1) return 0;
  std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  size_t newline = input.find('\n');
  if (newline == std::string_view::npos || newline > 1024) return 0;  // the API's query limit

  // The text formats: the first rows of the table.
  indexer::Format format = &indexer::formats()[data[0] % 3];
  std::string query(input.substr(0, newline));
  std::string text = indexer::decode_text(input.substr(newline + 1));
  indexer::ExtractedDocument extracted = indexer::read_document(format, text);
  db::DocumentRecord record;
  record.id = "folder/doc.txt";
  record.path = record.id;
  record.type = std::string(indexer::format_name(format));
  record.size = text.size();
  Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
  Xapian::docid docid = db.add_document(builder.build(record, extracted, "root"));

  search::TermExpansions expansions;
  search::ParsedQuery parsed = search::parse_query(query, analyzer, db, expansions);
  search::Highlighter highlighter(parsed.terms, analyzer);
  if (!parsed.strict.empty()) {
    Xapian::Enquire enquire(db);
    enquire.set_query(
        search::ranked(parsed.strict, search::ranking_boost(analyzer, parsed.ranking_words)));
    (void)enquire.get_mset(0, 10);
  }
  // The snippet whether or not the query matched: a hit of a looser query still gets one.
  search::SnippetPlan plan = search::plan_snippets(db, highlighter, expansions);
  std::vector<search::HitPositions> positions = search::read_positions(db, plan, {docid});
  auto read_text = [&](uint64_t begin, uint64_t end) {
    if (begin > end || end > extracted.text.size()) std::abort();  // a checkpoint out of range
    return extracted.text.substr(begin, end - begin);
  };
  check_escaped(search::make_snippet(record, read_text, plan, positions[0], highlighter));
  std::vector<search::MarkedToken> title = highlighter.tokens(record.title, 0);
  check_escaped(search::Highlighter::render(record.title, 0, record.title.size(), title, true));
  size_t marks = 0;
  check_escaped(highlighter.mark_all(extracted.text, &marks));
  return 0;
}
