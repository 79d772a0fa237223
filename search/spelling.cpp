#include "search/spelling.h"

#include <algorithm>
#include <optional>

#include "analysis/utf8.h"
#include "db/schema.h"

namespace loupe::search {
namespace {

// A word in fewer documents than 1/kRarer of its neighbour's is taken for a typo of it; a word
// in more than kTrusted documents is taken as written.
constexpr Xapian::doccount kRarer = 30;
constexpr Xapian::doccount kTrusted = 3;
// Words remembered per searcher: each entry is two words, and a query has a few.
constexpr size_t kMaxRemembered = 4096;

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}
bool is_quote(std::string_view s, size_t i) {
  return s[i] == '"' || s.compare(i, 3, "\xE2\x80\x9C") == 0 ||
         s.compare(i, 3, "\xE2\x80\x9D") == 0;
}
size_t quote_length(std::string_view s, size_t i) {
  return s[i] == '"' ? 1 : 3;
}

bool is_operator(std::string_view word) {
  return word == "AND" || word == "OR" || word == "NOT" || word == "NEAR" || word == "&&" ||
         word == "||" || word.rfind("NEAR/", 0) == 0;
}

// The number of documents with `word`, by the spelling table (Xapian 1.4 has no direct lookup).
Xapian::doccount spelling_frequency(const Xapian::Database& db, const std::string& word) {
  Xapian::TermIterator it = db.spellings_begin();
  // An index without a spelling table (written before it had one) gives an end iterator, which
  // must not be moved.
  if (it == db.spellings_end()) return 0;
  it.skip_to(word);
  return it != db.spellings_end() && *it == word ? it.get_termfreq() : 0;
}

std::vector<std::string_view> characters(std::string_view text) {
  std::vector<std::string_view> out;
  for (size_t i = 0; i < text.size();) {
    size_t n =
        std::min(std::max<size_t>(1, analysis::utf8_sequence_length(text, i)), text.size() - i);
    out.push_back(text.substr(i, n));
    i += n;
  }
  return out;
}

// Edits from `a` to `b` (a character inserted, deleted or replaced, or two neighbours swapped);
// more than `max` reads as max + 1.
unsigned edit_distance(std::string_view a_text, std::string_view b_text, unsigned max) {
  std::vector<std::string_view> a = characters(a_text), b = characters(b_text);
  const size_t n = a.size(), m = b.size();
  if ((n > m ? n - m : m - n) > max) return max + 1;
  std::vector<std::vector<unsigned>> d(n + 1, std::vector<unsigned>(m + 1));
  for (size_t i = 0; i <= n; ++i) d[i][0] = static_cast<unsigned>(i);
  for (size_t j = 0; j <= m; ++j) d[0][j] = static_cast<unsigned>(j);
  for (size_t i = 1; i <= n; ++i) {
    unsigned row_best = max + 1;
    for (size_t j = 1; j <= m; ++j) {
      unsigned replace = d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, replace});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      row_best = std::min(row_best, d[i][j]);
    }
    if (row_best > max) return max + 1;
  }
  return std::min(d[n][m], max + 1);
}

// The word among `db`'s terms nearest to `term` within `edits` (the most frequent of the
// nearest), or "". For a database without a spelling table to ask: a remote shard. Only words
// that begin as `term` does, or with its second character (a first one doubled, added or
// swapped), are read: every word of a remote database would cost more than the search.
std::string nearest_term(const Xapian::Database& db, const std::string& term, unsigned edits) {
  std::vector<std::string_view> chars = characters(term);
  if (chars.empty()) return {};
  std::vector<std::string> starts{std::string(chars[0])};
  if (chars.size() > 1 && chars[1] != chars[0]) starts.emplace_back(chars[1]);
  std::string best;
  unsigned best_edits = edits + 1;
  Xapian::doccount best_count = 0;
  for (const std::string& start : starts) {
    for (auto it = db.allterms_begin(start); it != db.allterms_end(start); ++it) {
      std::string word = *it;
      if (word == term || !db::is_spelling_word(word)) continue;
      size_t length = analysis::count_chars(word);
      if (length + edits < chars.size() || length > chars.size() + edits) continue;
      unsigned distance = edit_distance(term, word, edits);
      if (distance > best_edits) continue;
      Xapian::doccount count = it.get_termfreq();
      if (distance == best_edits && count <= best_count) continue;
      best = std::move(word);
      best_edits = distance;
      best_count = count;
    }
  }
  return best;
}

class Corrector {
 public:
  Corrector(analysis::Analyzer& analyzer, const Xapian::Database& db, SpellingMemo& memo,
            bool check_rare_words)
      : analyzer_(analyzer), db_(db), memo_(memo), check_rare_words_(check_rare_words) {}

  // The correction of one written word, if it is a plain word that needs one.
  std::optional<std::string> correct(std::string_view written) {
    if (written.empty() || written.back() == '*' || is_operator(written)) return std::nullopt;
    std::string term;
    int tokens = 0;
    analyzer_.analyze(written, 0, [&](const analysis::Token& t) {
      if (!t.joined) ++tokens;
      term = t.term;
    });
    if (tokens != 1 || !db::is_spelling_word(term)) return std::nullopt;
    Xapian::doccount freq = memo_.frequency(db_, term);
    if (freq > kTrusted || (freq > 0 && !check_rare_words_)) return std::nullopt;
    // Short words have many neighbours one edit away, and none two away that is meant; words
    // of three letters have too many to guess at.
    size_t letters = analysis::count_chars(term);
    if (letters < 4) return std::nullopt;
    unsigned edits = letters <= 4 ? 1 : 2;
    const SpellingMemo::Nearest& nearest = memo_.nearest(db_, term, edits);
    if (nearest.word.empty()) return std::nullopt;
    if (freq > 0 && nearest.frequency < freq * kRarer) return std::nullopt;
    return nearest.word;
  }

 private:
  analysis::Analyzer& analyzer_;
  const Xapian::Database& db_;
  SpellingMemo& memo_;
  bool check_rare_words_;
};

}  // namespace

Xapian::doccount SpellingMemo::frequency(const Xapian::Database& db, const std::string& word) {
  if (remote_.empty()) return spelling_frequency(db, word);
  auto found = frequencies_.find(word);
  if (found != frequencies_.end()) return found->second;
  if (frequencies_.size() >= kMaxRemembered) frequencies_.clear();
  // A word is a term of its own, in each document that has it: its frequency is the count the
  // spelling table would keep.
  Xapian::doccount count = spelling_frequency(db, word);
  for (const Xapian::Database& remote : remote_) count += remote.get_termfreq(word);
  return frequencies_.emplace(word, count).first->second;
}

const SpellingMemo::Nearest& SpellingMemo::nearest(const Xapian::Database& db,
                                                   const std::string& term, unsigned edits) {
  // The key has the edits too, though the caller derives them from the word: a caller that
  // does not must not get an answer for another distance.
  std::string key = term + '\0' + std::to_string(edits);
  auto found = entries_.find(key);
  if (found != entries_.end()) return found->second;
  if (entries_.size() >= kMaxRemembered) entries_.clear();
  Nearest nearest;
  std::vector<std::string> candidates{db.get_spelling_suggestion(term, edits)};
  for (const Xapian::Database& remote : remote_)
    candidates.push_back(nearest_term(remote, term, edits));
  // The fewest edits, then the most documents, as Xapian chooses.
  unsigned best_edits = edits + 1;
  for (std::string& candidate : candidates) {
    if (candidate.empty() || candidate == term) continue;
    unsigned distance = remote_.empty() ? 1 : edit_distance(term, candidate, edits);
    if (distance > best_edits) continue;
    Xapian::doccount count = frequency(db, candidate);
    if (distance == best_edits && count <= nearest.frequency) continue;
    best_edits = distance;
    nearest.frequency = count;
    nearest.word = std::move(candidate);
  }
  return entries_.emplace(std::move(key), std::move(nearest)).first->second;
}

std::string spelling_suggestion(std::string_view query, analysis::Analyzer& analyzer,
                                const Xapian::Database& db, SpellingMemo& memo, bool few_results) {
  Corrector corrector(analyzer, db, memo, few_results);
  std::string out;
  bool changed = false;
  bool in_phrase = false;
  size_t i = 0;
  while (i < query.size()) {
    if (is_space(query[i]) || query[i] == '(' || query[i] == ')') {
      out += query[i++];
      continue;
    }
    if (is_quote(query, i)) {
      size_t n = quote_length(query, i);
      out.append(query.substr(i, n));
      i += n;
      in_phrase = !in_phrase;
      continue;
    }
    size_t end = i;
    while (end < query.size() && !is_space(query[end]) && query[end] != '(' && query[end] != ')' &&
           !is_quote(query, end))
      ++end;
    std::string_view item = query.substr(i, end - i);
    i = end;
    // Outside phrases: a +/- modifier and a field name stay as written; a filter's value too.
    size_t word_start = 0;
    if (!in_phrase) {
      if (item[0] == '+' || item[0] == '-') word_start = 1;
      size_t colon = item.find(':', word_start);
      if (colon != std::string_view::npos) {
        const db::FieldInfo* field =
            db::field_by_name(analysis::ascii_lower(item.substr(word_start, colon - word_start)));
        if (field != nullptr) {
          word_start = colon + 1;
          if (field->kind != db::FieldKind::kText) {
            // The value may be a quoted phrase: copied whole, up to its closing quote.
            out.append(item);
            if (word_start == item.size() && i < query.size() && is_quote(query, i)) {
              size_t close = i + quote_length(query, i);
              while (close < query.size() && !is_quote(query, close)) ++close;
              if (close < query.size()) close += quote_length(query, close);
              out.append(query.substr(i, close - i));
              i = close;
            }
            continue;
          }
        }
      }
    }
    out.append(item.substr(0, word_start));
    std::string_view word = item.substr(word_start);
    std::optional<std::string> fixed = corrector.correct(word);
    if (fixed) {
      out += *fixed;
      changed = true;
    } else {
      out.append(word);
    }
  }
  return changed ? out : std::string();
}

}  // namespace loupe::search
