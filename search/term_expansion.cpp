#include "search/term_expansion.h"

#include <algorithm>

namespace loupe::search {
namespace {

// Terms of one stem or prefix read from the term list, at most: a bound on the cost of a query
// word like "a*" in a large index.
constexpr size_t kMaxScannedTerms = 2000;

}  // namespace

std::vector<std::string> words_with_stem(const Xapian::Database& db, analysis::Analyzer& analyzer,
                                         const std::string& prefix, const std::string& stem,
                                         size_t max) {
  std::vector<std::string> out;
  // Snowball stems begin with all but the last letter or so of the word.
  std::string scan = prefix + (stem.size() > 3 ? stem.substr(0, stem.size() - 1) : stem);
  size_t scanned = 0;
  for (auto it = db.allterms_begin(scan);
       it != db.allterms_end(scan) && scanned < kMaxScannedTerms && out.size() < max;
       ++it, ++scanned) {
    const std::string& term = *it;
    if (analyzer.stem(term.substr(prefix.size())) == stem) out.push_back(term);
  }
  return out;
}

std::vector<std::string> frequent_completions(const Xapian::Database& db, const std::string& start,
                                              size_t max) {
  std::vector<std::pair<Xapian::doccount, std::string>> completions;
  for (auto it = db.allterms_begin(start);
       it != db.allterms_end(start) && completions.size() < kMaxScannedTerms; ++it)
    completions.emplace_back(it.get_termfreq(), *it);
  size_t keep = std::min(completions.size(), max);
  std::partial_sort(completions.begin(), completions.begin() + static_cast<ptrdiff_t>(keep),
                    completions.end(),
                    [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<std::string> out;
  for (size_t i = 0; i < keep; ++i) out.push_back(std::move(completions[i].second));
  return out;
}

Xapian::Query any_term(const std::vector<std::string>& terms, const std::string& fallback) {
  if (terms.empty()) return Xapian::Query(fallback);
  if (terms.size() == 1) return Xapian::Query(terms.front());
  return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
}

}  // namespace loupe::search
