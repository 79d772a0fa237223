// Suggests a correction of a query's misspelled words from the index's spelling table.
#pragma once

#include <xapian.h>

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

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

// Remembers the spelling table's nearest word to each word looked up, for one state of the
// database: a lookup reads and merges the table's lists of words for each three letters of the
// word (thousands of words, inflated anew each time) and measures edits to each, about 7 million
// instructions on a large index, several times the search itself, and queries repeat their
// words. Its owner clears it whenever its database moves to another revision (or another
// index). Not thread-safe: one per Searcher, like the database it reads.
class SpellingMemo {
 public:
  struct Nearest {
    std::string word;                // "" when none is near enough, or the nearest is the word
    Xapian::doccount frequency = 0;  // of `word`, in documents
  };
  // Xapian's suggestion for `term` within `edits`, with its frequency; the reference holds
  // until the next call or clear().
  const Nearest& nearest(const Xapian::Database& db, const std::string& term, unsigned edits);
  // Documents with `word`: the spelling table's count, and the remote shards'.
  Xapian::doccount frequency(const Xapian::Database& db, const std::string& word);
  // Forgets everything, and takes the remote shards of the database to come (see below).
  void clear(std::vector<Xapian::Database> remote = {}) {
    entries_.clear();
    frequencies_.clear();
    remote_ = std::move(remote);
  }

 private:
  std::unordered_map<std::string, Nearest> entries_;
  std::unordered_map<std::string, Xapian::doccount> frequencies_;
  // Xapian's remote protocol (1.4) carries no spelling table: a remote shard's words are
  // looked up among its terms instead (see nearest_term()).
  std::vector<Xapian::Database> remote_;
};

std::string spelling_suggestion(std::string_view query, analysis::Analyzer& analyzer,
                                const Xapian::Database& db, SpellingMemo& memo, bool few_results);

}  // namespace loupe::search
