// Suggests a correction of a query's misspelled words from the index's spelling table.
#pragma once

#include <xapian.h>

#include <string>
#include <string_view>

#include "analysis/analyzer.h"

namespace loupe::search {

// The query with each probably misspelled word replaced, or "" when no word is. A word is
// probably misspelled when the index does not have it, or has it in far fewer documents than a
// word one or two edits away (Xapian's spelling table). Only plain words are looked at, in
// phrases too: operators, wildcards, filters and field names keep their place and syntax.
// Words the index has (in a few documents) are looked at only with `few_results`, when the search
// found next to nothing: a lookup in the spelling table costs about a millisecond, as much as
// the search itself, and queries of rare but right words are common.
inline constexpr uint64_t kFewResults = 3;
std::string spelling_suggestion(std::string_view query, analysis::Analyzer& analyzer,
                                const Xapian::Database& db, bool few_results);

}  // namespace loupe::search
