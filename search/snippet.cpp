#include "search/snippet.h"

#include <algorithm>
#include <map>

#include "analysis/utf8.h"
#include "db/text_store.h"

namespace loupe::search {
namespace {

// Matches closer than this many words count as one cluster.
constexpr uint32_t kWindowWords = 20;
// Words of context shown before the first match, within this many bytes.
constexpr uint32_t kLeadWords = 6;
constexpr size_t kLeadBytes = 60;
// Words analysed after the first match: more than a passage of kSnippetChars usually holds
// (when it does not, the passage is merely shorter).
constexpr uint32_t kTrailWords = 50;
// Occurrences of one word considered per document: a word that frequent is everywhere, and the
// first ones place the passage as well as the rest would.
constexpr size_t kMaxPositionsPerTerm = 500;
// Completions of one stem or prefix looked up per query.
constexpr size_t kMaxScannedTerms = 2000;
constexpr size_t kMaxExpansions = 64;
// Each completion costs a position lookup per hit.
constexpr size_t kMaxWildcardCompletions = 16;

// Punctuation that belongs with the word it touches: shown with the passage's first and last word.
constexpr std::string_view kOpening[] = {
    "\"", "'", "(", "[", "{", "<", "\xE2\x80\x9C", "\xE2\x80\x98", "\xC2\xAB"};
// clang-format off
constexpr std::string_view kClosing[] = {".", ",", ";", ":", "!", "?", "\"", "'", ")", "]", "}", ">",
                                         "\xE2\x80\x9D", "\xE2\x80\x99", "\xC2\xBB", "\xE2\x80\xA6"};
// clang-format on
constexpr size_t kMaxPunctuation = 4;

template <size_t N>
size_t extend_over_punctuation(std::string_view text, size_t at, size_t limit,
                               const std::string_view (&marks)[N], bool backward) {
  for (size_t taken = 0; taken < kMaxPunctuation; ++taken) {
    bool moved = false;
    for (std::string_view mark : marks) {
      if (backward && at >= mark.size() && text.substr(at - mark.size(), mark.size()) == mark) {
        at -= mark.size();
        moved = true;
        break;
      }
      if (!backward && at + mark.size() <= limit && text.substr(at, mark.size()) == mark) {
        at += mark.size();
        moved = true;
        break;
      }
    }
    if (!moved) break;
  }
  return at;
}

struct Match {
  uint32_t position;
  unsigned concept_id;
};

// The first position of the window holding the most distinct query words (then the most
// matches); earlier wins ties.
uint32_t best_window(std::vector<Match>& matches, unsigned concepts) {
  std::sort(matches.begin(), matches.end(),
            [](const Match& a, const Match& b) { return a.position < b.position; });
  std::vector<unsigned> in_window(concepts, 0);
  size_t distinct = 0, best_distinct = 0, best_count = 0, lo = 0;
  uint32_t best = matches.front().position;
  for (size_t hi = 0; hi < matches.size(); ++hi) {
    if (in_window[matches[hi].concept_id]++ == 0) ++distinct;
    while (matches[hi].position - matches[lo].position >= kWindowWords) {
      if (--in_window[matches[lo].concept_id] == 0) --distinct;
      ++lo;
    }
    size_t count = hi - lo + 1;
    if (distinct > best_distinct || (distinct == best_distinct && count > best_count)) {
      best_distinct = distinct;
      best_count = count;
      best = matches[lo].position;
    }
  }
  return best;
}

}  // namespace

SnippetPlan plan_snippets(const Xapian::Database& db, Highlighter& highlighter) {
  SnippetPlan plan;
  std::map<std::string, unsigned> concept_ids;
  std::map<std::string, bool> added;
  analysis::Analyzer& analyzer = highlighter.analyzer();
  auto concept_of = [&](const std::string& key) {
    auto [it, inserted] = concept_ids.emplace(key, static_cast<unsigned>(concept_ids.size()));
    return it->second;
  };
  auto add = [&](const std::string& term, unsigned concept_id) {
    if (added.emplace(term, true).second) plan.terms.push_back({term, concept_id});
  };
  const QueryTerms& terms = highlighter.terms();
  for (const std::string& term : terms.exact) {
    std::string stem = analyzer.stem(term);
    add(term, concept_of(!stem.empty() && terms.stems.count(stem) ? "Z" + stem : term));
  }
  // Stems have no positions in the index (Xapian's convention), so find the indexed words that
  // share the stem: Snowball stems begin with all but the last letter or so of the word.
  for (const std::string& stem : terms.stems) {
    unsigned id = concept_of("Z" + stem);
    std::string scan = stem.size() > 3 ? stem.substr(0, stem.size() - 1) : stem;
    size_t scanned = 0, expansions = 0;
    for (auto it = db.allterms_begin(scan);
         it != db.allterms_end(scan) && scanned < kMaxScannedTerms && expansions < kMaxExpansions;
         ++it, ++scanned) {
      const std::string& word = *it;
      if (analyzer.stem(word) == stem) {
        add(word, id);
        highlighter.add_known_match(word);
        ++expansions;
      }
    }
  }
  // A wildcard's most frequent completions: the ones its query mostly matched.
  for (const std::string& prefix : terms.prefixes) {
    unsigned id = concept_of("*" + prefix);
    std::vector<std::pair<Xapian::doccount, std::string>> completions;
    for (auto it = db.allterms_begin(prefix);
         it != db.allterms_end(prefix) && completions.size() < kMaxScannedTerms; ++it)
      completions.emplace_back(it.get_termfreq(), *it);
    size_t keep = std::min(completions.size(), kMaxWildcardCompletions);
    std::partial_sort(completions.begin(), completions.begin() + static_cast<ptrdiff_t>(keep),
                      completions.end(),
                      [](const auto& a, const auto& b) { return a.first > b.first; });
    for (size_t i = 0; i < keep; ++i) add(completions[i].second, id);
  }
  plan.concepts = static_cast<unsigned>(concept_ids.size());
  return plan;
}

std::string make_snippet(const Xapian::Database& db, Xapian::docid docid,
                         const db::DocumentRecord& record, const SnippetPlan& plan,
                         Highlighter& highlighter) {
  if (record.checkpoint_offsets.empty()) return {};
  std::vector<Match> matches;
  for (const SnippetPlan::Term& t : plan.terms) {
    size_t taken = 0;
    for (auto it = db.positionlist_begin(docid, t.term);
         it != db.positionlist_end(docid, t.term) && taken < kMaxPositionsPerTerm; ++it, ++taken)
      matches.push_back({*it, t.concept_id});
  }
  uint32_t target =
      matches.empty() ? record.checkpoint_positions.front() : best_window(matches, plan.concepts);

  // Read from the checkpoint before the lead words to the one after the longest passage.
  analysis::PositionWindow window{target > kLeadWords ? target - kLeadWords : 0,
                                  target + kTrailWords};
  const auto& positions = record.checkpoint_positions;
  size_t first = db::checkpoint_for_position(record, window.from);
  auto after = std::upper_bound(positions.begin(), positions.end(), window.to);
  uint64_t range_end =
      after == positions.end()
          ? record.text_bytes
          : record.checkpoint_offsets[static_cast<size_t>(after - positions.begin())];
  std::string text = db::read_text_range(db, record, record.checkpoint_offsets[first], range_end);
  bool more_text = range_end < record.text_bytes;
  std::vector<MarkedToken> tokens = highlighter.tokens(text, positions[first], window);
  auto at = std::find_if(tokens.begin(), tokens.end(),
                         [&](const MarkedToken& t) { return !t.joined && t.position >= target; });
  if (tokens.empty()) return {};

  // A little context before the first match.
  size_t index = at == tokens.end() ? 0 : static_cast<size_t>(at - tokens.begin());
  size_t match_begin = tokens[index].begin;
  for (size_t lead = 0; index > 0 && lead < kLeadWords;) {
    size_t prev = index - 1;
    if (tokens[prev].joined) {
      index = prev;
      continue;
    }
    if (match_begin - tokens[prev].begin > kLeadBytes) break;
    index = prev;
    ++lead;
  }
  while (index > 0 && tokens[index].joined) --index;
  size_t begin = tokens[index].begin;
  size_t end = begin;
  size_t last = index;
  size_t chars = 0;  // in text[begin, end), counted as the passage grows
  for (size_t i = index; i < tokens.size(); ++i) {
    if (tokens[i].end <= end) continue;
    size_t more = analysis::count_chars(std::string_view(text).substr(end, tokens[i].end - end));
    if (chars + more > kSnippetChars) break;
    chars += more;
    end = tokens[i].end;
    last = i;
  }
  begin = extend_over_punctuation(text, begin, end, kOpening, /*backward=*/true);
  end = extend_over_punctuation(text, end, text.size(), kClosing, /*backward=*/false);
  bool cut_before = tokens[index].position > positions.front();
  bool cut_after = last + 1 < tokens.size() || more_text || tokens.back().position >= window.to;
  std::string out;
  if (cut_before) out += "\xE2\x80\xA6 ";
  out += Highlighter::render(text, begin, end, tokens, /*flatten=*/true);
  if (cut_after) out += " \xE2\x80\xA6";
  return out;
}

}  // namespace loupe::search
