// Finds a query's words in a text through the analysis that indexed them, and marks them in HTML.
#pragma once

#include <bitset>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "analysis/analyzer.h"
#include "search/query_parser.h"

namespace loupe::search {

struct MarkedToken {
  uint32_t begin;
  uint32_t end;
  uint32_t position;
  bool joined;
  bool match;
  bool part = false;  // a part of a compound of words (analysis::Token::part)
};

// One occurrence of a word of a NEAR operand.
struct NearOccurrence {
  uint32_t position;
  size_t operand;
};

// Which of `found` (in any order) a NEAR match is made of: those in a window of `window`
// positions that holds every one of the `operands`, each at a position of its own.
std::vector<bool> near_matches(const std::vector<NearOccurrence>& found, size_t operands,
                               uint32_t window);

// HTML-escapes text for element content and attribute values alike.
void append_escaped(std::string& out, std::string_view text);
std::string escape_html(std::string_view text);

class Highlighter {
 public:
  // Stems in the analyzer's stem language until use_language(); puts it back when destroyed.
  Highlighter(const QueryTerms& terms, analysis::Analyzer& analyzer);
  ~Highlighter();
  Highlighter(const Highlighter&) = delete;
  Highlighter& operator=(const Highlighter&) = delete;

  // The language of the document whose text or title is marked next (a record's `language`):
  // its words are stemmed as they were indexed.
  void use_language(std::string_view code);

  // True when the query looks for this word: the same term, the same stem, or a wildcard prefix.
  bool matches(const std::string& term, bool stemmable);
  // The same for a token as analysis gives it: a compound's joined form is stemmed by its last
  // part, and a part of a compound of words matches only by a phrase or a wildcard.
  bool matches(const analysis::Token& token);

  // Records an indexed word known to share a query stem (found while planning snippets), so that
  // meeting it in a passage costs one lookup instead of stemming.
  void add_known_match(const std::string& term);

  // Analyses `text` (positions from `first_position`) and says which words match; with a window,
  // only words in it (and possibly a compound reaching into it) are returned.
  std::vector<MarkedToken> tokens(std::string_view text, uint32_t first_position,
                                  analysis::PositionWindow window = {});

  // text[begin, end) escaped, with every matching word wrapped in <mark>. With `flatten`, runs of
  // white space become one space (for one-line snippets).
  static std::string render(std::string_view text, size_t begin, size_t end,
                            const std::vector<MarkedToken>& tokens, bool flatten);

  // The whole of `text`, escaped and marked; `count` receives the number of marks.
  std::string mark_all(std::string_view text, size_t* count = nullptr);

  analysis::Analyzer& analyzer() { return analyzer_; }
  const QueryTerms& terms() const { return terms_; }

 private:
  // Position -> (token index, term) of the passage's words that phrases hold.
  using PhraseWords = std::multimap<uint32_t, std::pair<size_t, std::string>>;
  void keep_phrase_matches(std::vector<MarkedToken>& tokens, const PhraseWords& words) const;
  static void mark_whole_compounds(std::vector<MarkedToken>& tokens);
  // Token index and occurrence of each word of a NEAR operand, by NEAR (index in terms().nears).
  using NearWords = std::vector<std::vector<std::pair<size_t, NearOccurrence>>>;
  static void mark_near_matches(std::vector<MarkedToken>& tokens, const NearWords& words,
                                const QueryTerms& terms);

  // The analyzer is shared (by the title's highlighter, by snippet planning): each stemming
  // first makes sure it is in this one's language.
  const std::string& stem(const std::string& term);
  const std::string& compound_stem(const std::string& term, uint32_t head);

  const QueryTerms& terms_;
  analysis::Analyzer& analyzer_;
  std::string saved_language_;                         // the analyzer's, before
  std::string language_;                               // normalised, as the analyzer gives it back
  std::unordered_set<std::string> phrase_vocabulary_;  // every word of every phrase
  std::unordered_multimap<std::string, size_t> phrases_by_first_;  // first word -> phrase
  // A NEAR operand's word -> (NEAR, operand).
  std::unordered_multimap<std::string, std::pair<size_t, size_t>> near_forms_;
  std::unordered_set<std::string> known_;
  // Words already stemmed for this query: passages repeat their words, and this table holds only
  // the words of this query's passages (a whole document's for the document view), where the
  // analyzer's stem cache holds every word it has seen.
  std::unordered_map<std::string, bool> stem_verdicts_;
  // First bytes of the query's stems, when the language's stemmer keeps a word's first letter:
  // a word starting otherwise cannot share a stem, and skips the stemmer.
  std::bitset<256> stem_initials_;
  bool initials_filter_ = false;
  // First bytes of the known words and the wildcard prefixes: most words start otherwise and
  // are ruled out without a hash lookup.
  std::bitset<256> word_initials_;
  void note_initial(const std::string& term);
};

}  // namespace loupe::search
