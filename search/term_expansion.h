// The indexed words behind a stem or a wildcard prefix, read from the database's term list.
#pragma once

#include <xapian.h>

#include <string>
#include <unordered_map>
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

// Remembers what words_with_stem() and frequent_completions() answered for one state of the
// database: queries repeat their words, and each answer scans up to thousands of terms. Its owner
// clears it whenever its database moves to another revision (or another index). Not thread-safe:
// one per Searcher, like the database it reads.
class TermExpansions {
 public:
  // As the functions above; the reference holds until the next call or clear().
  const std::vector<std::string>& words_with_stem(const Xapian::Database& db,
                                                  analysis::Analyzer& analyzer,
                                                  const std::string& prefix,
                                                  const std::string& stem, size_t max);
  const std::vector<std::string>& frequent_completions(const Xapian::Database& db,
                                                       const std::string& start, size_t max);
  // Whether a document has `term` and not `other`: whether another language's stem of a word
  // finds documents its stem in the index's language does not. Exact; a posting list too long
  // to check says yes.
  bool finds_more(const Xapian::Database& db, const std::string& term, const std::string& other);
  void clear() {
    entries_.clear();
    finds_more_.clear();
  }
  size_t size() const { return entries_.size(); }

 private:
  template <typename Read>
  const std::vector<std::string>& remembered(std::string key, Read&& read);
  std::unordered_map<std::string, std::vector<std::string>> entries_;
  std::unordered_map<std::string, bool> finds_more_;
};

// Any one of `terms` at a position, for OP_PHRASE and OP_NEAR (which take no wildcards or
// synonyms in Xapian 1.4); `fallback` when there are none, which then matches nothing new.
Xapian::Query any_term(const std::vector<std::string>& terms, const std::string& fallback);

}  // namespace loupe::search
