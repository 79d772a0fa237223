#include "search/spelling.h"

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
    Xapian::doccount freq = spelling_frequency(db_, term);
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

const SpellingMemo::Nearest& SpellingMemo::nearest(const Xapian::Database& db,
                                                   const std::string& term, unsigned edits) {
  // The key has the edits too, though the caller derives them from the word: a caller that
  // does not must not get an answer for another distance.
  std::string key = term + '\0' + std::to_string(edits);
  auto found = entries_.find(key);
  if (found != entries_.end()) return found->second;
  if (entries_.size() >= kMaxRemembered) entries_.clear();
  Nearest nearest;
  std::string suggestion = db.get_spelling_suggestion(term, edits);
  if (!suggestion.empty() && suggestion != term) {
    nearest.frequency = spelling_frequency(db, suggestion);
    nearest.word = std::move(suggestion);
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
