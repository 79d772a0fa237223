// Reads a user's query (words, "phrases", AND OR NOT NEAR, +/-, prefix*, field:) into Xapian
// queries.
#pragma once

#include <xapian.h>

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/analyzer.h"
#include "search/term_expansion.h"

namespace loupe::search {

// The words a query looks for, in the forms needed to find and mark them in a text.
struct QueryTerms {
  std::set<std::string> exact;        // analysed words, as the index holds them unprefixed
  // Stems (without "Z") of words that match in any form, in each language searched (a stem of
  // another language than the index's own carries its mark: analysis/analyzer.h).
  std::set<std::string> stems;
  std::vector<std::string> prefixes;  // analysed prefixes of wildcard words
  // Phrases (as analysed words), and the words of `exact` searched only inside them: those match
  // in a text only where the whole phrase is.
  std::vector<std::vector<std::string>> phrases;
  std::set<std::string> phrase_only;
  // Words joined by NEAR ("a NEAR/3 b"): each operand's written forms (the indexed words the
  // match looked for), marked only where every operand is, within `window` positions.
  struct Near {
    std::vector<std::vector<std::string>> forms;
    uint32_t window = 0;
  };
  std::vector<Near> nears;
  bool empty() const { return exact.empty() && stems.empty() && prefixes.empty() && nears.empty(); }
};

struct ParsedQuery {
  // `strict` ranks documents that have every word; `loose` also finds documents with some of
  // them. They differ only when the query has several words joined by the default operator.
  Xapian::Query strict;
  Xapian::Query loose;
  bool tiered = false;
  // A phrase or NEAR: matching checks word positions, by far the costliest part of a match.
  bool positional = false;
  // The positive words (not the ones after NOT or -) to mark in a document's text; a word
  // searched in a field ("title:word") is marked only there, in `title_terms`, which also has
  // every word of `terms`.
  QueryTerms terms;
  QueryTerms title_terms;
  bool fielded_words = false;  // title_terms has words of its own
  // The positive words and phrases searched in the text, as written, in query order: what
  // ranking compares with titles, headings and file names (search/ranking.h).
  std::string ranking_words;
  // Nothing but filters ("folder:howto type:html"): every match weighs the same.
  bool filters_only = false;
  // Why a filter's value cannot be read ("modified:2024-13"): the query is refused, not run.
  std::string error;
  // The folders of its folder: filters (not excluded ones), normalised.
  std::vector<std::string> folders;
};

// Every document, as a query of its own. Xapian::Query::MatchAll is one static object whose
// reference count is not atomic: copied on several threads at once, it ends up freed while in
// use (loupe-server segfaulted in libxapian under load, on queries with exclusions).
inline Xapian::Query match_all() {
  return Xapian::Query(std::string());
}

// Never throws on user input: unbalanced quotes and parentheses or stray operators are read
// leniently; a filter's malformed value is reported in ParsedQuery::error. The analyzer must be the
// one the index was built with (same language); `db` gives the words behind a wildcard or a stem
// where a phrase or NEAR needs them, through `expansions`. `languages`: the codes of the
// documents' languages in the index (XLANG terms); a word is looked up under its stem in each
// of them, as well as in the analyzer's own.
ParsedQuery parse_query(std::string_view query, analysis::Analyzer& analyzer,
                        const Xapian::Database& db, TermExpansions& expansions,
                        const std::vector<std::string>& languages = {});

}  // namespace loupe::search
