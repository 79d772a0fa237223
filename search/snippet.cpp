#include "search/snippet.h"

#include <algorithm>
#include <map>

#include "analysis/utf8.h"
#include "db/text_store.h"
#include "search/term_expansion.h"

namespace loupe::search {
namespace {

// Matches closer than this many words count as one cluster.
constexpr uint32_t kWindowWords = 20;
// Words of context shown before the first match, within this many characters.
constexpr uint32_t kLeadWords = 6;
constexpr size_t kLeadChars = 60;
// Words analysed after the first match: more than a passage of kSnippetChars usually holds.
constexpr uint32_t kTrailWords = 50;
// A passage shorter than this (a match near the end of the text, or CJK words, which are
// short) is built again from a wider window, reaching further back and forward.
constexpr size_t kMinSnippetChars = kSnippetChars * 3 / 4;
constexpr uint32_t kWideWords = 4 * kTrailWords;
// Occurrences of one word considered per document: a word that frequent is everywhere, and the
// first ones place the passage as well as the rest would.
constexpr size_t kMaxPositionsPerTerm = 500;
// Words of one stem looked up per query.
constexpr size_t kMaxExpansions = 64;
// Each completion costs a posting-list read per query and a position lookup per hit holding it.
constexpr size_t kMaxWildcardCompletions = 16;
// Phrases whose occurrences are placed per hit ("e-ma*" makes one per completion).
constexpr size_t kMaxPlannedPhrases = 16;

// Punctuation that belongs with the word it touches: shown with the passage's first and last word.
constexpr std::string_view kOpening[] = {
    "\"", "'", "(", "[", "{", "<", "\xE2\x80\x9C", "\xE2\x80\x98", "\xC2\xAB"};
// clang-format off
constexpr std::string_view kClosing[] = {"()", ".", ",", ";", ":", "!", "?", "\"", "'", ")", "]", "}", ">",
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

SnippetPlan plan_snippets(const Xapian::Database& db, Highlighter& highlighter,
                          TermExpansions& expansions) {
  SnippetPlan plan;
  std::map<std::string, unsigned> concept_ids;
  std::map<std::string, bool> added;
  analysis::Analyzer& analyzer = highlighter.analyzer();
  auto concept_of = [&](const std::string& key) {
    auto [it, inserted] = concept_ids.emplace(key, static_cast<unsigned>(concept_ids.size()));
    return it->second;
  };
  // Words first by name, numbered once all are known.
  std::vector<std::pair<std::string, unsigned>> planned_terms;
  std::vector<std::pair<std::vector<std::string>, unsigned>> planned_phrases;
  auto add = [&](const std::string& term, unsigned concept_id) {
    if (added.emplace(term, true).second) planned_terms.emplace_back(term, concept_id);
  };
  const QueryTerms& terms = highlighter.terms();
  for (size_t i = 0; i < terms.phrases.size() && i < kMaxPlannedPhrases; ++i) {
    std::string key = "\"";
    for (const std::string& w : terms.phrases[i]) key += w + " ";
    planned_phrases.emplace_back(terms.phrases[i], concept_of(key));
  }
  std::vector<std::pair<const QueryTerms::Near*, unsigned>> planned_nears;
  for (size_t i = 0; i < terms.nears.size() && i < kMaxPlannedPhrases; ++i) {
    std::string key = "~";
    for (const std::vector<std::string>& forms : terms.nears[i].forms) {
      for (const std::string& form : forms) key += form + ",";
      key += ";";
    }
    planned_nears.emplace_back(&terms.nears[i], concept_of(key));
  }
  for (const std::string& term : terms.exact) {
    if (terms.phrase_only.count(term) != 0) continue;
    // A word is one concept with the forms of its stem, in whichever language that stem is.
    std::string concept_key = term;
    for (const std::string& stem : terms.stems) {
      analysis::StemLanguageScope language(analyzer, analysis::Analyzer::language_of_stem(stem));
      if (analyzer.stem(term) == stem) {
        concept_key = "Z" + stem;
        break;
      }
    }
    add(term, concept_of(concept_key));
  }
  // Stems have no positions in the index (Xapian's convention), so find the indexed words that
  // share the stem: Snowball stems begin with all but the last letter or so of the word.
  for (const std::string& stem : terms.stems) {
    unsigned id = concept_of("Z" + stem);
    for (const std::string& word :
         expansions.words_with_stem(db, analyzer, "", stem, kMaxExpansions)) {
      add(word, id);
      highlighter.add_known_match(word);
    }
  }
  // A wildcard's most frequent completions: the ones its query mostly matched.
  for (const std::string& prefix : terms.prefixes) {
    unsigned id = concept_of("*" + prefix);
    for (const std::string& word :
         expansions.frequent_completions(db, prefix, kMaxWildcardCompletions))
      add(word, id);
  }
  plan.concepts = static_cast<unsigned>(concept_ids.size());

  for (const auto& [term, id] : planned_terms) plan.words.push_back(term);
  for (const auto& [words, id] : planned_phrases)
    plan.words.insert(plan.words.end(), words.begin(), words.end());
  for (const auto& [near, id] : planned_nears)
    for (const std::vector<std::string>& forms : near->forms)
      plan.words.insert(plan.words.end(), forms.begin(), forms.end());
  std::sort(plan.words.begin(), plan.words.end());
  plan.words.erase(std::unique(plan.words.begin(), plan.words.end()), plan.words.end());
  auto index_of = [&](const std::string& word) {
    return static_cast<size_t>(std::lower_bound(plan.words.begin(), plan.words.end(), word) -
                               plan.words.begin());
  };
  for (const auto& [term, id] : planned_terms) plan.terms.push_back({index_of(term), id});
  for (const auto& [words, id] : planned_phrases) {
    SnippetPlan::Phrase phrase{{}, id};
    for (const std::string& w : words) phrase.words.push_back(index_of(w));
    plan.phrases.push_back(std::move(phrase));
  }
  for (const auto& [near, id] : planned_nears) {
    SnippetPlan::Near planned{{}, near->window, id};
    for (const std::vector<std::string>& forms : near->forms) {
      planned.operands.emplace_back();
      for (const std::string& form : forms) planned.operands.back().push_back(index_of(form));
    }
    plan.nears.push_back(std::move(planned));
  }
  return plan;
}

std::vector<HitPositions> read_positions(const Xapian::Database& db, const SnippetPlan& plan,
                                         const std::vector<Xapian::docid>& docids, bool remote) {
  std::vector<HitPositions> out(docids.size(), HitPositions(plan.words.size()));
  std::vector<size_t> order = db::ascending_order(docids);
  auto read = [&](size_t hit, size_t w) {
    std::vector<uint32_t>& list = out[hit][w];
    const std::string& word = plan.words[w];
    for (auto p = db.positionlist_begin(docids[hit], word);
         p != db.positionlist_end(docids[hit], word) && list.size() < kMaxPositionsPerTerm; ++p)
      list.push_back(*p);
  };
  for (size_t w = 0; w < plan.words.size(); ++w) {
    if (remote) {
      for (size_t hit : order) read(hit, w);
      continue;
    }
    // Most of a stem's written forms are in few documents, and a position lookup costs as much
    // for a document without the word as for one with it: the posting list says which have it.
    const std::string& word = plan.words[w];
    Xapian::PostingIterator post = db.postlist_begin(word);
    const Xapian::PostingIterator post_end = db.postlist_end(word);
    for (size_t hit : order) {
      post.skip_to(docids[hit]);
      if (post == post_end) break;
      if (*post == docids[hit]) read(hit, w);
    }
  }
  return out;
}

namespace {

struct Passage {
  std::string html;
  size_t chars = 0;
  size_t lead_chars = 0;  // of `chars`, before the match
  bool reaches_match = false;
  bool cut_before = false;
  bool cut_after = false;
};

// The passage around position `target`: up to `lead_words` (within `lead_chars`) before it, and
// as much after it as kSnippetChars allows, analysing at most `trail_words` after it.
Passage build_passage(const db::DocumentRecord& record, const TextReader& read_text,
                      uint32_t target, uint32_t lead_words, size_t lead_chars, uint32_t trail_words,
                      Highlighter& highlighter) {
  Passage passage;
  // Read from the checkpoint before the lead words to the one after the longest passage.
  analysis::PositionWindow window{target > lead_words ? target - lead_words : 0,
                                  target + trail_words};
  const auto& positions = record.checkpoint_positions;
  size_t first = db::checkpoint_for_position(record, window.from);
  auto after = std::upper_bound(positions.begin(), positions.end(), window.to);
  uint64_t range_end =
      after == positions.end()
          ? record.text_bytes
          : record.checkpoint_offsets[static_cast<size_t>(after - positions.begin())];
  std::string text = read_text(record.checkpoint_offsets[first], range_end);
  bool more_text = range_end < record.text_bytes;
  std::vector<MarkedToken> tokens = highlighter.tokens(text, positions[first], window);
  auto at = std::find_if(tokens.begin(), tokens.end(),
                         [&](const MarkedToken& t) { return !t.joined && t.position >= target; });
  if (tokens.empty()) return passage;

  // A little context before the first match.
  size_t index = at == tokens.end() ? 0 : static_cast<size_t>(at - tokens.begin());
  // Counted from the earliest byte taken so far: a compound's joined form starts where its
  // first part does, so tokens do not come in text order.
  size_t lead_begin = tokens[index].begin;
  size_t chars_before = 0;
  for (size_t lead = 0; index > 0 && lead < lead_words;) {
    size_t prev = index - 1;
    size_t from = std::min<size_t>(lead_begin, tokens[prev].begin);
    size_t more = analysis::count_chars(std::string_view(text).substr(from, lead_begin - from));
    if (chars_before + more > lead_chars) break;
    chars_before += more;
    lead_begin = from;
    index = prev;
    if (!tokens[prev].joined) ++lead;
  }
  while (index > 0 && tokens[index].joined) --index;
  // Never start inside a compound ("mail" of "e-mail"): start where its joined form does.
  for (size_t k = index; k-- > 0 && tokens[k].end >= tokens[index].begin;)
    if (tokens[k].joined && tokens[k].begin < tokens[index].begin) index = k;
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
  passage.cut_before = tokens[index].position > positions.front();
  // Tokens after `last` may be a compound's joined form that ends where the passage does.
  bool words_after = std::any_of(tokens.begin() + static_cast<ptrdiff_t>(last) + 1, tokens.end(),
                                 [&](const MarkedToken& t) { return t.end > end; });
  passage.cut_after = words_after || more_text || tokens.back().position >= window.to;
  passage.chars = chars;
  passage.lead_chars = chars_before;
  passage.reaches_match = at == tokens.end() || end >= at->end;
  passage.html = Highlighter::render(text, begin, end, tokens, /*flatten=*/true);
  return passage;
}

}  // namespace

std::string make_snippet(const db::DocumentRecord& record, const TextReader& read_text,
                         const SnippetPlan& plan, const HitPositions& positions,
                         Highlighter& highlighter, uint32_t* target_out) {
  if (record.checkpoint_offsets.empty()) return {};
  std::vector<Match> matches;
  for (const SnippetPlan::Term& t : plan.terms)
    for (uint32_t p : positions[t.word]) matches.push_back({p, t.concept_id});
  for (const SnippetPlan::Phrase& phrase : plan.phrases) {
    for (uint32_t p : positions[phrase.words.front()]) {
      bool whole = true;
      for (size_t k = 1; k < phrase.words.size() && whole; ++k) {
        const std::vector<uint32_t>& next = positions[phrase.words[k]];
        whole = std::binary_search(next.begin(), next.end(), p + static_cast<uint32_t>(k));
      }
      if (whole) matches.push_back({p, phrase.concept_id});
    }
  }
  for (const SnippetPlan::Near& near : plan.nears) {
    std::vector<NearOccurrence> occurrences;
    for (size_t k = 0; k < near.operands.size(); ++k)
      for (size_t word : near.operands[k])
        for (uint32_t p : positions[word]) occurrences.push_back({p, k});
    std::vector<bool> in_match = near_matches(occurrences, near.operands.size(), near.window);
    for (size_t i = 0; i < occurrences.size(); ++i)
      if (in_match[i]) matches.push_back({occurrences[i].position, near.concept_id});
  }
  uint32_t target =
      matches.empty() ? record.checkpoint_positions.front() : best_window(matches, plan.concepts);
  if (target_out != nullptr) *target_out = target;
  Passage passage =
      build_passage(record, read_text, target, kLeadWords, kLeadChars, kTrailWords, highlighter);
  if (passage.chars < kMinSnippetChars && (passage.cut_before || passage.cut_after)) {
    // Near the end of the text, the room left goes before the match; with short words (CJK),
    // more words are read after it.
    uint32_t lead = passage.cut_after ? kLeadWords : kWideWords;
    size_t lead_chars =
        passage.cut_after ? kLeadChars : kSnippetChars - (passage.chars - passage.lead_chars);
    Passage wider =
        build_passage(record, read_text, target, lead, lead_chars, kWideWords, highlighter);
    if (wider.chars > passage.chars && wider.reaches_match) passage = std::move(wider);
  }
  std::string out;
  if (passage.cut_before) out += "\xE2\x80\xA6 ";
  out += passage.html;
  if (passage.cut_after) out += " \xE2\x80\xA6";
  return out;
}

}  // namespace loupe::search
