// Text analysis shared by indexing, querying and highlighting: which words a text holds and their
// terms.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace loupe::analysis {

// One term of an analysed text. A compound written with connectors ("e-mail", "U.S.A",
// "snake_case") yields each part at its own position plus a `joined` term ("email") spanning the
// whole compound, placed at the first and at the last part's position so that a phrase matches
// whichever neighbour it is written next to.
struct Token {
  const std::string& term;  // normalised: NFKC, case-folded, accent-folded, ASCII apostrophes
  uint32_t begin;           // byte offsets of the written word in the analysed text
  uint32_t end;
  uint32_t position;  // word position; counts parts, not joined forms
  bool joined;        // the joined form of a compound
  bool stemmable;     // alphabetic (not a number, not CJK): worth a stemmed term
  // A part of a hyphenated compound of words ("co" and "founder" of "co-founder"): found by a
  // phrase or by the compound, not as a word of its own ("co" is not a word of "co-founder").
  // Parts of compounds with a number ("GPT-4", "x86-64") or of split words ("example.com") are
  // words of their own.
  bool part = false;
  // Of a joined form: where its last part starts in `term`. A compound is stemmed by its last
  // word, as English compounds inflect ("co-founders" is "co" + stem("founders")).
  uint32_t head = 0;
};

using TokenSink = std::function<void(const Token&)>;

// The positions a caller wants tokens for. Words before `from` are only counted (cheaply, without
// normalising ASCII words), and analysis stops after `to`: a snippet pays for its passage, not
// for the whole text around it.
struct PositionWindow {
  uint32_t from = 0;
  uint32_t to = UINT32_MAX;
};

// Not thread-safe (it owns an ICU break iterator and a Snowball stemmer): one per thread.
class Analyzer {
 public:
  // `language` is a Snowball language name ("english", "french", ...) or "none" for no stemming.
  // Throws std::invalid_argument for an unknown language.
  explicit Analyzer(const std::string& language = "english");
  ~Analyzer();
  // The language's Snowball name ("English", "en" -> "english"; "none"), checked without building
  // an analyzer. Throws std::invalid_argument, as the constructor would.
  static std::string canonical_language(const std::string& language);
  Analyzer(const Analyzer&) = delete;
  Analyzer& operator=(const Analyzer&) = delete;

  // Calls `sink` for every token of `text` (UTF-8; invalid bytes are read as U+FFFD) in text
  // order. Positions start at `first_position`. Returns the position after the last token seen.
  uint32_t analyze(std::string_view text, uint32_t first_position, const TokenSink& sink,
                   PositionWindow window = {});

  // The stem of a term produced by analyze() in the stem language (set_stem_language()), or ""
  // when that language stems nothing. Cached:
  // the reference stays valid until the next call.
  const std::string& stem(const std::string& term);
  // The stem of a compound's joined form: its parts before `head` as written, then the stem of
  // its last part; "" when the language stems nothing. Keeps "co-founder" apart from "co-founded"
  // (whole-word stemmers make both "cofound") while "e-mails" stays "email".
  // The reference stays valid until the next call of a stem function.
  const std::string& compound_stem(std::string_view joined, uint32_t head);
  // The stem a token is indexed and searched under, "" for none (see Token::part).
  const std::string& token_stem(const Token& token);
  // The stems in the analyzer's own language whatever the stem language: a document in another
  // language is indexed under both, so that the own language's stems find it as they would
  // without detection. The reference stays valid until the next call of a stem function.
  const std::string& own_token_stem(const Token& token);
  const std::string& own_stem(const std::string& term);
  // True when the stem language is the analyzer's own (or stems as it does: CJK, unknown).
  bool stems_own_language() const;

  // Stems from now on in the language of a document: its code (analysis/languages.h), or "" for
  // the analyzer's own. Another language's stems carry its mark ("svilupp@it"); a language
  // Snowball lacks keeps its words whole ("programistow@pl"); Chinese, Japanese and Korean stem
  // as the own language.
  void set_stem_language(std::string_view code);
  // The code set by set_stem_language(), as normalised; the own language's code by default.
  const std::string& stem_language() const;
  // The language code a stem is marked with ("it" of "svilupp@it"), "" for the own language.
  static std::string_view language_of_stem(std::string_view stem);
  // A stem without its language's mark: how its words begin.
  static std::string_view unmarked_stem(std::string_view stem);
  // The code of the analyzer's own language ("en"), "" when it stems nothing.
  const std::string& own_language_code() const { return own_code_; }

  // True when every stem begins with the first letter of its word (the stemmer only strips
  // suffixes), which lets a matcher rule words out without stemming them. Of the stem language.
  bool stems_keep_first_letter() const;

  // Normalises one word the way analyze() normalises each part it finds.
  std::string normalize(std::string_view word) const;

  const std::string& language() const { return language_; }

 private:
  struct Impl;
  void emit_group(std::string_view text, uint32_t& position, const TokenSink& sink,
                  const PositionWindow& window);
  uint32_t count_group(std::string_view text) const;
  void normalize_into(std::string& out, std::string_view word) const;
  // How a word found by segmentation splits: at connectors, not at all, or as CJK does.
  enum class WordShape { kMayJoin, kWhole, kCjk };
  bool add_word(std::string_view text, uint32_t start, uint32_t end, bool letters, WordShape shape,
                uint32_t& position, const TokenSink& sink, const PositionWindow& window);
  bool icu_words(std::string_view text, uint32_t begin, uint32_t end, uint32_t& position,
                 const TokenSink& sink, const PositionWindow& window);
  std::string language_;
  std::string own_code_;
  std::unique_ptr<Impl> impl_;
};

// Sets an analyzer's stem language for a scope, and puts the one before back.
class StemLanguageScope {
 public:
  StemLanguageScope(Analyzer& analyzer, std::string_view code)
      : analyzer_(analyzer), saved_(analyzer.stem_language()) {
    analyzer.set_stem_language(code);
  }
  ~StemLanguageScope() { analyzer_.set_stem_language(saved_); }
  StemLanguageScope(const StemLanguageScope&) = delete;
  StemLanguageScope& operator=(const StemLanguageScope&) = delete;

 private:
  Analyzer& analyzer_;
  std::string saved_;
};

}  // namespace loupe::analysis
