#include "search/highlighter.h"

#include <algorithm>
#include <array>
#include <functional>
#include <map>
#include <optional>
#include <set>

namespace loupe::search {

namespace {

enum ByteKind : uint8_t { kPlain, kSpace, kEscaped };

// One lookup per byte of every passage and title shown.
constexpr std::array<ByteKind, 256> kByteKinds = [] {
  std::array<ByteKind, 256> table{};
  for (unsigned char c : {'&', '<', '>', '"', '\''}) table[c] = kEscaped;
  for (unsigned char c : {' ', '\n', '\t', '\r', '\f', '\v'}) table[c] = kSpace;
  return table;
}();

ByteKind kind_of(char c) {
  return kByteKinds[static_cast<unsigned char>(c)];
}

const char* entity(char c) {
  switch (c) {
    case '&':
      return "&amp;";
    case '<':
      return "&lt;";
    case '>':
      return "&gt;";
    case '"':
      return "&quot;";
    default:
      return "&#39;";
  }
}

// text[from, to) escaped; with `flatten`, each run of white space as one space. Runs of plain
// bytes are appended whole: snippets and documents are mostly plain text.
void append_text(std::string& out, std::string_view text, size_t from, size_t to, bool flatten) {
  while (from < to) {
    size_t run = from;
    while (run < to && (kind_of(text[run]) == kPlain || (!flatten && kind_of(text[run]) == kSpace)))
      ++run;
    out.append(text, from, run - from);
    if (run == to) return;
    if (kind_of(text[run]) == kEscaped) {
      out += entity(text[run]);
      from = run + 1;
    } else {
      out += ' ';
      for (from = run + 1; from < to && kind_of(text[from]) == kSpace;) ++from;
    }
  }
}

}  // namespace

void append_escaped(std::string& out, std::string_view text) {
  append_text(out, text, 0, text.size(), /*flatten=*/false);
}

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  append_escaped(out, text);
  return out;
}

Highlighter::Highlighter(const QueryTerms& terms, analysis::Analyzer& analyzer)
    : terms_(terms),
      analyzer_(analyzer),
      saved_language_(analyzer.stem_language()),
      language_(saved_language_),
      known_(terms.exact.begin(), terms.exact.end()) {
  initials_filter_ = analyzer.stems_keep_first_letter();
  for (size_t i = 0; i < terms.phrases.size(); ++i) {
    phrase_vocabulary_.insert(terms.phrases[i].begin(), terms.phrases[i].end());
    phrases_by_first_.emplace(terms.phrases[i].front(), i);
  }
  for (size_t n = 0; n < terms.nears.size(); ++n)
    for (size_t k = 0; k < terms.nears[n].forms.size(); ++k)
      for (const std::string& form : terms.nears[n].forms[k])
        near_forms_.emplace(form, std::pair(n, k));
  for (const std::string& stem : terms.stems)
    if (!stem.empty()) stem_initials_.set(static_cast<unsigned char>(stem[0]));
  for (const std::string& term : known_) note_initial(term);
  for (const std::string& prefix : terms.prefixes) note_initial(prefix);
}

Highlighter::~Highlighter() {
  analyzer_.set_stem_language(saved_language_);
}

void Highlighter::use_language(std::string_view code) {
  analyzer_.set_stem_language(code);
  if (analyzer_.stem_language() == language_) return;
  language_ = analyzer_.stem_language();
  stem_verdicts_.clear();
  initials_filter_ = analyzer_.stems_keep_first_letter();
}

const std::string& Highlighter::stem(const std::string& term) {
  if (analyzer_.stem_language() != language_) analyzer_.set_stem_language(language_);
  return analyzer_.stem(term);
}

const std::string& Highlighter::compound_stem(const std::string& term, uint32_t head) {
  if (analyzer_.stem_language() != language_) analyzer_.set_stem_language(language_);
  return analyzer_.compound_stem(term, head);
}

void Highlighter::add_known_match(const std::string& term) {
  known_.insert(term);
  note_initial(term);
}

void Highlighter::note_initial(const std::string& term) {
  if (term.empty())
    word_initials_.set();  // an empty prefix matches every word
  else
    word_initials_.set(static_cast<unsigned char>(term[0]));
}

// Called for every word of every passage shown: most words match nothing, so the cheap
// rejections come first and the stemmer last.
bool Highlighter::matches(const std::string& term, bool stemmable) {
  if (term.empty()) return false;
  auto initial = static_cast<unsigned char>(term[0]);
  if (word_initials_.test(initial)) {
    if (known_.count(term) != 0) return true;
    for (const std::string& prefix : terms_.prefixes)
      if (term.compare(0, prefix.size(), prefix) == 0) return true;
  }
  if (!stemmable || terms_.stems.empty()) return false;
  if (initials_filter_ && !stem_initials_.test(initial)) return false;
  auto [verdict, added] = stem_verdicts_.try_emplace(term, false);
  if (added) {
    // A document in another language is also indexed under the index's own stems.
    verdict->second =
        terms_.stems.count(stem(term)) != 0 ||
        (!analyzer_.stems_own_language() && terms_.stems.count(analyzer_.own_stem(term)) != 0);
  }
  return verdict->second;
}

bool Highlighter::matches(const analysis::Token& token) {
  if (!token.joined && !token.part) return matches(token.term, token.stemmable);
  const std::string& term = token.term;
  // A part is no word of its own: only a phrase (checked in keep_phrase_matches) or a wildcard
  // holds it.
  if (token.part) {
    bool in_phrase = phrase_vocabulary_.count(term) != 0 && known_.count(term) != 0;
    return in_phrase || std::any_of(terms_.prefixes.begin(), terms_.prefixes.end(),
                                    [&](const std::string& p) { return term.rfind(p, 0) == 0; });
  }
  // A joined form: as written, or by its compound stem.
  if (matches(term, false)) return true;
  if (!token.stemmable || terms_.stems.empty() || term.empty()) return false;
  // The compound stem begins as the joined form does (its head as written, or the stem of the
  // whole), so most joined forms are ruled out by their first byte, as words are, unstemmed.
  if (initials_filter_ && !stem_initials_.test(static_cast<unsigned char>(term[0]))) return false;
  if (terms_.stems.count(compound_stem(term, token.head)) != 0) return true;
  return !analyzer_.stems_own_language() &&
         terms_.stems.count(analyzer_.own_token_stem(token)) != 0;
}

std::vector<MarkedToken> Highlighter::tokens(std::string_view text, uint32_t first_position,
                                             analysis::PositionWindow window) {
  std::vector<MarkedToken> out;
  // Words of a phrase, by position (a compound's joined form shares its parts' positions), to
  // check where the phrases really are.
  PhraseWords phrase_words;
  // Parts of compounds are words of phrases only: phrases are checked whenever one may match.
  bool phrases = !terms_.phrase_only.empty() || !terms_.phrases.empty();
  NearWords near_words(terms_.nears.size());
  analyzer_.analyze(
      text, first_position,
      [&](const analysis::Token& t) {
        bool match = matches(t);
        if (phrases && match && phrase_vocabulary_.count(t.term) != 0)
          phrase_words.emplace(t.position, std::make_pair(out.size(), t.term));
        if (!near_forms_.empty()) {
          auto [from, to] = near_forms_.equal_range(t.term);
          for (auto it = from; it != to; ++it)
            near_words[it->second.first].push_back(
                {out.size(), NearOccurrence{t.position, it->second.second}});
        }
        out.push_back({t.begin, t.end, t.position, t.joined, match, t.part});
      },
      window);
  if (phrases) keep_phrase_matches(out, phrase_words);
  if (!near_forms_.empty()) mark_near_matches(out, near_words, terms_);
  mark_whole_compounds(out);
  return out;
}

namespace {

// Whether every operand can have a position of its own among occurrences[lo, hi]: Xapian's NEAR
// puts its terms at distinct positions, so one word cannot stand for two operands that share a
// form ("otter NEAR otters" needs two words). Operands and window are small: Kuhn's matching.
bool distinct_positions(const std::vector<NearOccurrence>& occurrences, size_t lo, size_t hi,
                        size_t operands) {
  std::map<uint32_t, size_t> owner;  // position -> operand it is given to
  std::function<bool(size_t, std::set<uint32_t>&)> place = [&](size_t operand,
                                                               std::set<uint32_t>& tried) {
    for (size_t i = lo; i <= hi; ++i) {
      const NearOccurrence& o = occurrences[i];
      if (o.operand != operand || !tried.insert(o.position).second) continue;
      auto held = owner.find(o.position);
      if (held == owner.end() || place(held->second, tried)) {
        owner[o.position] = operand;
        return true;
      }
    }
    return false;
  };
  for (size_t operand = 0; operand < operands; ++operand) {
    std::set<uint32_t> tried;
    if (!place(operand, tried)) return false;
  }
  return true;
}

}  // namespace

std::vector<bool> near_matches(const std::vector<NearOccurrence>& found, size_t operands,
                               uint32_t window) {
  // Callers gather occurrences operand by operand; the window slides over them in text order.
  std::vector<size_t> order(found.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return found[a].position < found[b].position; });
  std::vector<NearOccurrence> occurrences;
  occurrences.reserve(found.size());
  for (size_t i : order) occurrences.push_back(found[i]);
  std::vector<bool> out(found.size(), false);
  std::vector<size_t> in_window(operands, 0);
  // Only where operands share a word can one position be counted for two of them.
  bool shared = false;
  for (size_t i = 1; i < occurrences.size() && !shared; ++i)
    shared = occurrences[i].position == occurrences[i - 1].position;
  size_t present = 0, lo = 0, marked_to = 0;
  for (size_t hi = 0; hi < occurrences.size(); ++hi) {
    if (in_window[occurrences[hi].operand]++ == 0) ++present;
    while (lo < hi && occurrences[hi].position - occurrences[lo].position >= window) {
      if (--in_window[occurrences[lo].operand] == 0) --present;
      ++lo;
    }
    // Every occurrence in the window is within reach of one of each other operand in it. The
    // window is the widest ending at `hi`: if it holds no match, no narrower one does.
    if (present == operands && (!shared || distinct_positions(occurrences, lo, hi, operands))) {
      for (size_t k = std::max(lo, marked_to); k <= hi; ++k) out[order[k]] = true;
      marked_to = hi + 1;
    }
  }
  return out;
}

// A word of a NEAR is marked only where the whole NEAR matches, not wherever it appears.
void Highlighter::mark_near_matches(std::vector<MarkedToken>& tokens, const NearWords& words,
                                    const QueryTerms& terms) {
  for (size_t n = 0; n < words.size(); ++n) {
    const std::vector<std::pair<size_t, NearOccurrence>>& found = words[n];
    std::vector<NearOccurrence> occurrences;
    for (const auto& [token, occurrence] : found) occurrences.push_back(occurrence);
    std::vector<bool> near =
        near_matches(occurrences, terms.nears[n].forms.size(), terms.nears[n].window);
    for (size_t i = 0; i < found.size(); ++i)
      if (near[i]) tokens[found[i].first].match = true;
  }
}

// "e-mail" found as its parts (the phrase "e-mail address") is one match, as it is when found
// joined ("email"): marked whole, not as "e" and "mail" apart.
void Highlighter::mark_whole_compounds(std::vector<MarkedToken>& tokens) {
  for (size_t i = 0; i < tokens.size(); ++i) {
    MarkedToken& joined = tokens[i];
    if (!joined.joined || joined.match) continue;
    // Its parts are next to it: the first just before it, the others after.
    size_t from = i;
    while (from > 0 && tokens[from - 1].begin >= joined.begin) --from;
    bool every_part = true;
    size_t parts = 0;
    for (size_t k = from; k < tokens.size() && tokens[k].begin < joined.end && every_part; ++k) {
      if (tokens[k].joined || tokens[k].end > joined.end) continue;
      every_part = tokens[k].match;
      ++parts;
    }
    joined.match = every_part && parts > 1;
  }
}

// A word searched only as part of a phrase ("the" in "the ferret") is a match only where the
// whole phrase is.
void Highlighter::keep_phrase_matches(std::vector<MarkedToken>& tokens,
                                      const PhraseWords& words) const {
  auto token_at = [&](uint32_t position, const std::string& term) -> std::optional<size_t> {
    auto [from, to] = words.equal_range(position);
    for (auto it = from; it != to; ++it)
      if (it->second.second == term) return it->second.first;
    return std::nullopt;
  };
  std::vector<bool> in_phrase(tokens.size(), false);
  for (const auto& [position, word] : words) {
    auto [from, to] = phrases_by_first_.equal_range(word.second);
    for (auto it = from; it != to; ++it) {
      const std::vector<std::string>& phrase = terms_.phrases[it->second];
      std::vector<size_t> found{word.first};
      for (size_t k = 1; k < phrase.size(); ++k) {
        std::optional<size_t> at = token_at(position + static_cast<uint32_t>(k), phrase[k]);
        if (!at) break;
        found.push_back(*at);
      }
      if (found.size() < phrase.size()) continue;
      for (size_t index : found) in_phrase[index] = true;
    }
  }
  for (const auto& [position, word] : words)
    if (!in_phrase[word.first] &&
        (terms_.phrase_only.count(word.second) != 0 || tokens[word.first].part))
      tokens[word.first].match = false;
}

std::string Highlighter::render(std::string_view text, size_t begin, size_t end,
                                const std::vector<MarkedToken>& tokens, bool flatten) {
  // Matches as byte spans within [begin, end), merged where a compound's joined form overlaps
  // its parts.
  std::vector<std::pair<size_t, size_t>> spans;
  for (const MarkedToken& t : tokens) {
    if (!t.match || t.begin < begin || t.end > end) continue;
    if (!spans.empty() && t.begin <= spans.back().second)
      spans.back().second = std::max<size_t>(spans.back().second, t.end);
    else
      spans.emplace_back(t.begin, t.end);
  }
  std::string out;
  out.reserve((end - begin) + spans.size() * 13 + 16);
  size_t at = begin;
  for (const auto& [b, e] : spans) {
    append_text(out, text, at, b, flatten);
    out += "<mark>";
    append_escaped(out, text.substr(b, e - b));
    out += "</mark>";
    at = e;
  }
  append_text(out, text, at, end, flatten);
  return out;
}

std::string Highlighter::mark_all(std::string_view text, size_t* count) {
  std::vector<MarkedToken> marked = tokens(text, 0);
  std::string html = render(text, 0, text.size(), marked, /*flatten=*/false);
  if (count != nullptr) {
    size_t marks = 0;
    for (size_t at = html.find("<mark>"); at != std::string::npos; at = html.find("<mark>", at + 6))
      ++marks;
    *count = marks;
  }
  return html;
}

}  // namespace loupe::search
