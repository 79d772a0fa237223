// libFuzzer harness: any bytes as a query, parsed against an index of a few documents, searched
// and highlighted. The parser promises never to throw on user input.
#include <xapian.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "analysis/analyzer.h"
#include "search/highlighter.h"
#include "search/query_parser.h"
#include "search/ranking.h"

namespace {

Xapian::WritableDatabase& index_of_a_few() {
  static Xapian::WritableDatabase db = [] {
    Xapian::WritableDatabase w(std::string(), Xapian::DB_BACKEND_INMEMORY);
    loupe::analysis::Analyzer analyzer("english");
    for (const char* text :
         {"The co-founder of Tesla’s Autopilot team", "e-mail C++ résumé 東京タワー",
          "running runs ran NEAR phrase words"}) {
      Xapian::Document doc;
      analyzer.analyze(text, 1, [&](const loupe::analysis::Token& t) {
        doc.add_posting(t.term, t.position);
        const std::string& stem = analyzer.token_stem(t);
        if (!stem.empty()) doc.add_term("Z" + stem);
      });
      w.add_document(doc);
    }
    return w;
  }();
  return db;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static loupe::analysis::Analyzer analyzer("english");
  static loupe::search::TermExpansions expansions;
  if (size > 1024) return 0;  // the API refuses longer queries
  std::string query(reinterpret_cast<const char*>(data), size);
  Xapian::Database& db = index_of_a_few();
  loupe::search::ParsedQuery parsed = loupe::search::parse_query(query, analyzer, db, expansions);
  if (!parsed.strict.empty()) {
    Xapian::Enquire enquire(db);
    enquire.set_query(loupe::search::ranked(
        parsed.strict, loupe::search::ranking_boost(analyzer, parsed.ranking_words)));
    (void)enquire.get_mset(0, 10);
  }
  loupe::search::Highlighter highlighter(parsed.terms, analyzer);
  (void)highlighter.mark_all("The co-founder of Tesla’s Autopilot, e-mail C++ running 東京タワー");
  return 0;
}
