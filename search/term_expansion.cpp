#include "search/term_expansion.h"

#include <algorithm>

namespace loupe::search {
namespace {

// Terms of one stem or prefix read from the term list, at most: a bound on the cost of a query
// word like "a*" in a large index.
constexpr size_t kMaxScannedTerms = 2000;
// Answers kept per searcher: a few thousand query words, at most 64 words each.
constexpr size_t kMaxRemembered = 2048;

}  // namespace

std::vector<std::string> words_with_stem(const Xapian::Database& db, analysis::Analyzer& analyzer,
                                         const std::string& prefix, const std::string& stem,
                                         size_t max) {
  std::vector<std::string> out;
  // The stem's own language stems the words found (a stem of another language than the index's
  // carries its mark).
  analysis::StemLanguageScope language(analyzer, analysis::Analyzer::language_of_stem(stem));
  std::string_view bare = analysis::Analyzer::unmarked_stem(stem);
  // Snowball stems begin with all but the last letter or so of the word.
  std::string scan = prefix + std::string(bare.size() > 3 ? bare.substr(0, bare.size() - 1) : bare);
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

template <typename Read>
const std::vector<std::string>& TermExpansions::remembered(std::string key, Read&& read) {
  auto found = entries_.find(key);
  if (found != entries_.end()) return found->second;
  if (entries_.size() >= kMaxRemembered) entries_.clear();
  return entries_.emplace(std::move(key), read()).first->second;
}

const std::vector<std::string>& TermExpansions::words_with_stem(const Xapian::Database& db,
                                                                analysis::Analyzer& analyzer,
                                                                const std::string& prefix,
                                                                const std::string& stem,
                                                                size_t max) {
  std::string key = "S" + prefix + '\0' + stem + '\0' + std::to_string(max);
  return remembered(std::move(key),
                    [&] { return search::words_with_stem(db, analyzer, prefix, stem, max); });
}

const std::vector<std::string>& TermExpansions::frequent_completions(const Xapian::Database& db,
                                                                     const std::string& start,
                                                                     size_t max) {
  std::string key = "C" + start + '\0' + std::to_string(max);
  return remembered(std::move(key), [&] { return search::frequent_completions(db, start, max); });
}

bool TermExpansions::finds_more(const Xapian::Database& db, const std::string& term,
                                const std::string& other) {
  // Postings of a stem checked at most: beyond, the stem is kept, which costs speed, not matches.
  constexpr size_t kMaxChecked = 20000;
  std::string key = term + '\0' + other;
  auto found = finds_more_.find(key);
  if (found != finds_more_.end()) return found->second;
  if (finds_more_.size() >= kMaxRemembered) finds_more_.clear();
  bool more = false;
  Xapian::PostingIterator it = db.postlist_begin(term), end = db.postlist_end(term);
  Xapian::PostingIterator in_other = db.postlist_begin(other), other_end = db.postlist_end(other);
  for (size_t checked = 0; it != end && !more; ++it, ++checked) {
    if (checked == kMaxChecked) {
      more = true;
      break;
    }
    if (in_other != other_end) in_other.skip_to(*it);
    more = in_other == other_end || *in_other != *it;
  }
  finds_more_.emplace(std::move(key), more);
  return more;
}

Xapian::Query any_term(const std::vector<std::string>& terms, const std::string& fallback) {
  if (terms.empty()) return Xapian::Query(fallback);
  if (terms.size() == 1) return Xapian::Query(terms.front());
  return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
}

}  // namespace loupe::search
