// The indexed words behind a stem or a wildcard prefix, read from the database's term list.
#pragma once

#include <xapian.h>

#include <string>
#include <vector>

#include "analysis/analyzer.h"

namespace loupe::search {

// Indexed terms `prefix` + word whose word stems to `stem` (stems have no positions in the
// index, so phrase-like operators and snippets need the words). At most `max` of them.
std::vector<std::string> words_with_stem(const Xapian::Database& db, analysis::Analyzer& analyzer,
                                         const std::string& prefix, const std::string& stem,
                                         size_t max);

// The `max` most frequent indexed terms that begin with `start` (prefix included).
std::vector<std::string> frequent_completions(const Xapian::Database& db, const std::string& start,
                                              size_t max);

// Any one of `terms` at a position, for OP_PHRASE and OP_NEAR (which take no wildcards or
// synonyms in Xapian 1.4); `fallback` when there are none, which then matches nothing new.
Xapian::Query any_term(const std::vector<std::string>& terms, const std::string& fallback);

}  // namespace loupe::search
