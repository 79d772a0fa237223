// Ranking beyond BM25 over the words: where the words are (title, headings, file name), whether
// a title or heading is the query itself, and whether a page is a list of other pages.
#pragma once

#include <xapian.h>

#include <string_view>

#include "analysis/analyzer.h"

namespace loupe::search {

// What a ranked pass adds to the weight of each document its query matches, for the query's
// positive words as written (ParsedQuery::ranking_words). Empty when there are none.
Xapian::Query ranking_boost(analysis::Analyzer& analyzer, std::string_view words);

// `matching` ranked with `boost`: the same documents, weighed by both.
Xapian::Query ranked(const Xapian::Query& matching, const Xapian::Query& boost);

}  // namespace loupe::search
