#include "search/ranking.h"

#include <string>
#include <vector>

#include "analysis/phrase_key.h"
#include "db/schema.h"

namespace loupe::search {
namespace {

// Factors on BM25's weight of each signal's term (a rare term weighs about log(N / df), 4-8 on
// a few thousand documents), so they are in the units of the words' own weights. Chosen by
// tests/relevance (see docs/design.md).
constexpr double kTitleKeyWeight = 3.0;    // the title, or a run of its segments, is the query
constexpr double kHeadingKeyWeight = 2.0;  // a heading is the query
constexpr double kTitleWordWeight = 1.0;   // each query word in the title
constexpr double kHeadingWordWeight = 0.5; // ... in a heading
constexpr double kFileWordWeight = 1.0;    // ... in the file's name
constexpr double kPageWeight = 2.0;        // a page of its own, not a list of pages

// Joined words name files ("data classes" -> "dataclasses.html") up to this many.
constexpr size_t kMaxJoinedFileWords = 3;

Xapian::Query scaled(double factor, const Xapian::Query& q) {
  return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q, factor);
}

std::string prefixed(db::Field field, bool stemmed, const std::string& word) {
  std::string term = stemmed ? std::string(db::kStemPrefix) : std::string();
  term += db::prefix(field);
  term += word;
  return term;
}

}  // namespace

Xapian::Query ranking_boost(analysis::Analyzer& analyzer, std::string_view words) {
  std::vector<Xapian::Query> parts;
  std::string key = analysis::phrase_key(analyzer, words);
  if (!key.empty()) {
    parts.push_back(scaled(kTitleKeyWeight, Xapian::Query(prefixed(db::Field::kTitleKey, false, key))));
    parts.push_back(
        scaled(kHeadingKeyWeight, Xapian::Query(prefixed(db::Field::kHeadingKey, false, key))));
  }
  std::string joined;
  size_t word_count = 0;
  analyzer.analyze(words, 0, [&](const analysis::Token& t) {
    if (t.part) return;  // its compound's joined form stands for it
    if (!t.joined) {
      joined += t.term;
      ++word_count;
    }
    const std::string& stem = analyzer.token_stem(t);
    bool stemmed = !stem.empty();
    const std::string& word = stemmed ? stem : t.term;
    parts.push_back(scaled(kTitleWordWeight, Xapian::Query(prefixed(db::Field::kTitle, stemmed, word))));
    parts.push_back(
        scaled(kHeadingWordWeight, Xapian::Query(prefixed(db::Field::kHeading, stemmed, word))));
    parts.push_back(
        scaled(kFileWordWeight, Xapian::Query(prefixed(db::Field::kFileName, stemmed, word))));
  });
  if (parts.empty()) return Xapian::Query();
  if (word_count >= 2 && word_count <= kMaxJoinedFileWords) {
    const std::string& stem = analyzer.stem(joined);
    bool stemmed = !stem.empty();
    parts.push_back(scaled(kFileWordWeight,
                           Xapian::Query(prefixed(db::Field::kFileName, stemmed, stemmed ? stem : joined))));
  }
  auto* page = new Xapian::ValueMapPostingSource(db::kPageSlot);
  for (int level = 0; level <= db::kPageLevels; ++level)
    page->add_mapping(Xapian::sortable_serialise(level), kPageWeight * level / db::kPageLevels);
  parts.emplace_back(page->release());
  return Xapian::Query(Xapian::Query::OP_OR, parts.begin(), parts.end());
}

Xapian::Query ranked(const Xapian::Query& matching, const Xapian::Query& boost) {
  if (boost.empty() || matching.empty()) return matching;
  return Xapian::Query(Xapian::Query::OP_AND_MAYBE, matching, boost);
}

}  // namespace loupe::search
