#include "search/ranking.h"

#include <string>
#include <vector>

#include "analysis/phrase_key.h"
#include "db/schema.h"

namespace loupe::search {
namespace {

// Factors on BM25's weight of a phrase key (a key few pages have weighs about log(N / df), 4-8
// on a few thousand documents, with the words' own weights of the same order): a page the query
// names outranks pages that only use its words, long ones too, whose key BM25 weighs less for
// their length. Chosen with tests/relevance (3/2/1 ranked a heading of a 60-page-long reference
// page out of the top 10); why keys and not per-word field weights is in docs/design.md.
constexpr double kTitleKeyWeight = 5.0;    // the title, a run of its segments or the file name
constexpr double kHeadingKeyWeight = 4.0;  // a section heading
constexpr double kTitlePartWeight = 1.5;   // a shorter run of the title's words
// Words written apart name files written together ("data classes": "dataclasses.html") up to
// this many.
constexpr size_t kMaxJoinedWords = 3;

Xapian::Query key_query(db::Field field, double weight, const std::string& key) {
  return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT,
                       Xapian::Query(std::string(db::prefix(field)) + key), weight);
}

// The query's words written as one ("dataclass" of "data classes"), as a key; "" when there is
// one word, or too many.
std::string joined_key(analysis::Analyzer& analyzer, std::string_view words) {
  std::string joined;
  size_t count = 0;
  analyzer.analyze(words, 0, [&](const analysis::Token& t) {
    if (t.joined) return;
    joined += t.term;
    ++count;
  });
  if (count < 2 || count > kMaxJoinedWords) return {};
  return analysis::phrase_key(analyzer, joined);
}

}  // namespace

Xapian::Query ranking_boost(analysis::Analyzer& analyzer, std::string_view words) {
  std::string key = analysis::phrase_key(analyzer, words);
  if (key.empty()) return Xapian::Query();
  std::vector<Xapian::Query> parts{key_query(db::Field::kTitleKey, kTitleKeyWeight, key),
                                   key_query(db::Field::kHeadingKey, kHeadingKeyWeight, key)};
  parts.push_back(key_query(db::Field::kTitlePartKey, kTitlePartWeight, key));
  std::string joined = joined_key(analyzer, words);
  if (!joined.empty() && joined != key)
    parts.push_back(key_query(db::Field::kTitleKey, kTitleKeyWeight, joined));
  return Xapian::Query(Xapian::Query::OP_OR, parts.begin(), parts.end());
}

Xapian::Query ranked(const Xapian::Query& matching, const Xapian::Query& boost) {
  if (boost.empty() || matching.empty()) return matching;
  return Xapian::Query(Xapian::Query::OP_AND_MAYBE, matching, boost);
}

}  // namespace loupe::search
