#include "analysis/analyzer.h"

#include "analysis/ascii_words.h"
#include "analysis/korean.h"
#include "analysis/languages.h"
#include "analysis/utf8.h"
#include "analysis/wordless.h"

#include <unicode/brkiter.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utext.h>
#include <xapian.h>

#include <algorithm>
#include <stdexcept>
#include <unordered_map>
#include <vector>

namespace loupe::analysis {
namespace {

// Longer "words" are base64, hashes or minified code: noise that would bloat the index, and
// Xapian refuses terms over 245 bytes anyway.
constexpr size_t kMaxTermBytes = 64;
// Snowball is the costliest step per word; a vocabulary this size covers most collections.
constexpr size_t kStemCacheEntries = 100000;

struct Piece {
  uint32_t begin;
  uint32_t end;
  bool stemmable;
};

bool is_ascii_digit(char c) {
  return c >= '0' && c <= '9';
}

// Byte length of the hyphen at `at` (ASCII hyphen-minus, U+2010 HYPHEN, U+2011 NON-BREAKING
// HYPHEN, U+FF0D FULLWIDTH HYPHEN-MINUS, which NFKC makes '-'), or 0. En and em dashes separate
// words rather than compound them.
// Called after every word: byte tests, not string compares.
size_t hyphen_length(std::string_view text, size_t at) {
  if (at >= text.size()) return 0;
  if (text[at] == '-') return 1;
  if (at + 2 >= text.size()) return 0;
  if (text[at] == '\xE2' && text[at + 1] == '\x80' &&
      (text[at + 2] == '\x90' || text[at + 2] == '\x91'))
    return 3;
  if (text[at] == '\xEF' && text[at + 1] == '\xBC' && text[at + 2] == '\x8D') return 3;
  return 0;
}

// A word directly followed by one to three '+' or by one '#', and then by no word character,
// keeps them: "C++", "C#", "g++", "Notepad++" name something the bare letters do not. Xapian's
// term generator does the same. Returns the suffix's length, or 0.
size_t symbol_suffix_length(std::string_view text, size_t at) {
  constexpr size_t kMaxPluses = 3;
  size_t length = 0;
  if (at < text.size() && text[at] == '#') {
    length = 1;
  } else {
    while (at + length < text.size() && text[at + length] == '+') ++length;
    if (length > kMaxPluses) return 0;
  }
  size_t next = at + length;
  if (length == 0 || next == text.size()) return length;
  auto byte = static_cast<unsigned char>(text[next]);
  if (byte < 0x80) {
    bool word_char = (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') ||
                     (byte >= '0' && byte <= '9') || byte == '_' || byte == '+' || byte == '#';
    return word_char ? 0 : length;
  }
  auto i = static_cast<int32_t>(next);
  UChar32 c;
  U8_NEXT(text.data(), i, static_cast<int32_t>(text.size()), c);
  bool word_char = c >= 0 && (u_isalnum(c) || u_charType(c) == U_NON_SPACING_MARK);
  return word_char ? 0 : length;
}

// ICU keeps "example.com", "a:b", "snake_case" and "doe@example" as one word; searchers expect
// each part to be found on its own, so split there; the parts stay one group (a compound). A dot
// or colon between two digits stays ("3.14").
void split_word(std::string_view text, uint32_t begin, uint32_t end, bool stemmable,
                std::vector<Piece>& pieces) {
  uint32_t part_begin = begin;
  auto flush = [&](uint32_t part_end) {
    if (part_end > part_begin)
      pieces.push_back({part_begin, part_end, stemmable && !is_ascii_digit(text[part_begin])});
  };
  for (uint32_t i = begin; i < end; ++i) {
    char c = text[i];
    bool splits = c == '_' || c == '@';
    if (c == '.' || c == ':') {
      bool digits_around =
          i > begin && i + 1 < end && is_ascii_digit(text[i - 1]) && is_ascii_digit(text[i + 1]);
      splits = !digits_around;
    }
    if (splits) {
      flush(i);
      part_begin = i + 1;
    }
  }
  flush(end);
}

// ICU's dictionaries return some compounds whole ("東京タワー", "北京大学"), so a query for the
// one word a reader sees in them ("東京", "大学") would miss. Such a word becomes a compound of
// its parts, as a hyphenated one does: kanji and katakana on either side of a change between
// them (hiragana stays with what it follows, as okurigana do: "行き"), and a four-ideograph word
// as two pairs, the commonest shape of a compound of two words.
void split_cjk_word(std::string_view text, uint32_t begin, uint32_t end,
                    std::vector<Piece>& pieces) {
  constexpr int kPairedLength = 4;
  struct Run {
    uint32_t begin, end;
    UScriptCode script;
    int chars;
    bool ideographs;  // every character a Han ideograph
  };
  std::vector<Run> runs;
  for (int32_t i = static_cast<int32_t>(begin); i < static_cast<int32_t>(end);) {
    int32_t at = i;
    UChar32 c;
    U8_NEXT(text.data(), i, static_cast<int32_t>(end), c);
    UErrorCode status = U_ZERO_ERROR;
    UScriptCode script = c < 0 ? USCRIPT_COMMON : uscript_getScript(c, &status);
    bool ideograph = script == USCRIPT_HAN;
    // The long-vowel mark and iteration marks are "Common": they belong to the run they are in.
    if (script == USCRIPT_COMMON || script == USCRIPT_INHERITED || script == USCRIPT_HIRAGANA ||
        U_FAILURE(status))
      script = runs.empty() ? script : runs.back().script;
    if (!runs.empty() && runs.back().script == script) {
      runs.back().end = static_cast<uint32_t>(i);
      ++runs.back().chars;
      runs.back().ideographs = runs.back().ideographs && ideograph;
    } else {
      runs.push_back({static_cast<uint32_t>(at), static_cast<uint32_t>(i), script, 1, ideograph});
    }
  }
  for (const Run& run : runs) {
    if (run.ideographs && run.chars == kPairedLength) {
      int32_t middle = static_cast<int32_t>(run.begin);
      for (int k = 0; k < kPairedLength / 2; ++k) U8_FWD_1(text.data(), middle, run.end);
      pieces.push_back({run.begin, static_cast<uint32_t>(middle), false});
      pieces.push_back({static_cast<uint32_t>(middle), run.end, false});
    } else {
      pieces.push_back({run.begin, run.end, false});
    }
  }
}

// "Tesla's" (or "Tesla’s", folded to ASCII before this) is the word "tesla" as far as search
// goes: a phrase "Tesla Autopilot" finds "Tesla's Autopilot", and the word is still marked as
// written (offsets are the written word's). Contractions other than 's ("don't") stay whole.
void drop_possessive(std::string& term) {
  if (term.size() > 2 && term.compare(term.size() - 2, 2, "'s") == 0) term.resize(term.size() - 2);
}

bool folds_marks(UScriptCode script) {
  return script == USCRIPT_LATIN || script == USCRIPT_GREEK || script == USCRIPT_CYRILLIC ||
         script == USCRIPT_COMMON || script == USCRIPT_INHERITED;
}

// Letters with no decomposition that readers still treat as accented forms of ASCII letters.
const char16_t* special_fold(UChar32 c) {
  switch (c) {
    case 0x0142:
      return u"l";  // ł
    case 0x00F8:
      return u"o";  // ø
    case 0x0111:
      return u"d";  // đ
    case 0x00F0:
      return u"d";  // ð
    case 0x0127:
      return u"h";  // ħ
    case 0x0131:
      return u"i";  // dotless ı
    case 0x00E6:
      return u"ae";  // æ
    case 0x0153:
      return u"oe";  // œ
    case 0x00FE:
      return u"th";  // þ
    case 0x2018:     // typographic apostrophes and primes read as '
    case 0x2019:
    case 0x201B:
    case 0x02BC:
    case 0x2032:
      return u"'";
    default:
      return nullptr;
  }
}

Xapian::Stem make_stemmer(const std::string& language) {
  try {
    return Xapian::Stem(language);
  } catch (const Xapian::InvalidArgumentError&) {
    throw std::invalid_argument("unknown stemming language '" + language + "' (try one of: " +
                                Xapian::Stem::get_available_languages() + ", or none)");
  }
}

// One language's stemming, kept while the analyzer lives: documents switch between a few.
struct StemLanguage {
  std::string code;  // ISO 639-1; "" for none (the own language when it stems nothing)
  std::string mark;  // appended to every stem: "" for the analyzer's own language
  Xapian::Stem stemmer;
  bool stemming = false;
  bool keeps_first_letter = false;
  std::unordered_map<std::string, std::string> stems;
};

}  // namespace

struct Analyzer::Impl {
  std::unique_ptr<icu::BreakIterator> words;
  const icu::Normalizer2* casefold = nullptr;
  const icu::Normalizer2* nfd = nullptr;
  const icu::Normalizer2* nfc = nullptr;
  // The languages stemmed so far; the first is the analyzer's own, `current` the one in use.
  std::vector<std::unique_ptr<StemLanguage>> languages;
  StemLanguage* current = nullptr;
  std::vector<Piece> pieces;        // the group being read: one word, or the parts of a compound
  bool hyphenated = false;          // the group's words were joined by a hyphen
  std::string last_part, compound;  // compound_stem()'s buffers
  std::vector<std::string> terms;
  std::string joined;
  const std::string no_stem;
};

Analyzer::Analyzer(const std::string& language) : language_(language), impl_(new Impl) {
  UErrorCode status = U_ZERO_ERROR;
  impl_->words.reset(icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
  impl_->casefold = icu::Normalizer2::getNFKCCasefoldInstance(status);
  impl_->nfd = icu::Normalizer2::getNFDInstance(status);
  impl_->nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) throw std::runtime_error(std::string("ICU: ") + u_errorName(status));
  auto own = std::make_unique<StemLanguage>();
  if (language != "none") {
    own->stemmer = make_stemmer(language);
    own->stemming = true;
    own->keeps_first_letter = strips_suffixes_only(language);
    own->code = std::string(code_of_stemmer(ascii_lower(language)));
  }
  own_code_ = own->code;
  impl_->current = own.get();
  impl_->languages.push_back(std::move(own));
}

// A document's words are stemmed by its language's stemmer. The analyzer's own language marks
// nothing, so that an index of one language has the terms it always had; another language's
// stems end in "@" and its code ("svilupp@it"), which no word holds (an "@" splits words), so
// that its stems never meet those of the same letters in another language.
void Analyzer::set_stem_language(std::string_view code) {
  Impl& im = *impl_;
  if (code == im.current->code) return;  // each hit of a page sets its language
  StemLanguage& own = *im.languages.front();
  std::string wanted = normalize_language_tag(code);
  // Unknown, the own language, or CJK (whose Latin-script words are foreign terms): as the index.
  if (wanted.empty() || wanted == own.code || is_cjk_language(wanted) || !own.stemming) {
    im.current = &own;
    return;
  }
  for (const std::unique_ptr<StemLanguage>& language : im.languages) {
    if (language->code == wanted) {
      im.current = language.get();
      return;
    }
  }
  auto added = std::make_unique<StemLanguage>();
  added->code = wanted;
  // A language Snowball lacks is not stemmed: a word is its own stem (Xapian::Stem() leaves it
  // as it is), so that a query finds its documents by the stems of every language as it finds
  // the others'.
  const LanguageInfo* info = language_by_code(wanted);
  if (info != nullptr) added->stemmer = Xapian::Stem(std::string(info->snowball));
  added->stemming = true;
  added->keeps_first_letter = info == nullptr || info->suffixes_only;
  added->mark = "@" + wanted;
  im.current = added.get();
  im.languages.push_back(std::move(added));
}

const std::string& Analyzer::stem_language() const {
  return impl_->current->code;
}

bool Analyzer::stems_keep_first_letter() const {
  return impl_->current->keeps_first_letter;
}

std::string_view Analyzer::language_of_stem(std::string_view stem) {
  size_t at = stem.rfind('@');
  return at == std::string_view::npos ? std::string_view() : stem.substr(at + 1);
}

std::string_view Analyzer::unmarked_stem(std::string_view stem) {
  return stem.substr(0, stem.rfind('@'));
}

Analyzer::~Analyzer() = default;

std::string Analyzer::canonical_language(const std::string& language) {
  std::string lower = ascii_lower(language);
  if (lower == "none") return lower;
  // "Xapian::Stem(english)", whichever of its names or codes made it.
  std::string description = make_stemmer(lower).get_description();
  size_t open = description.find('(');
  size_t close = description.rfind(')');
  if (open == std::string::npos || close == std::string::npos || close <= open) return lower;
  return description.substr(open + 1, close - open - 1);
}

std::string Analyzer::normalize(std::string_view word) const {
  std::string out;
  normalize_into(out, word);
  return out;
}

// Into a caller's string, so that analysing a text reuses the same few buffers.
void Analyzer::normalize_into(std::string& out, std::string_view word) const {
  // Most words are ASCII: lower-cased in one pass, into the buffer's kept capacity.
  out.resize(word.size());
  size_t i = 0;
  for (; i < word.size(); ++i) {
    char c = word[i];
    if (static_cast<unsigned char>(c) >= 0x80) break;
    out[i] = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  }
  if (i == word.size()) {
    drop_possessive(out);
    return;
  }
  out.clear();
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(
      icu::StringPiece(word.data(), static_cast<int32_t>(word.size())));
  icu::UnicodeString decomposed =
      impl_->nfd->normalize(impl_->casefold->normalize(text, status), status);
  icu::UnicodeString folded;
  UScriptCode base_script = USCRIPT_COMMON;
  for (int32_t i = 0; i < decomposed.length();) {
    UChar32 c = decomposed.char32At(i);
    i += U16_LENGTH(c);
    if (u_charType(c) == U_NON_SPACING_MARK) {
      // Dropping marks folds accents in alphabets; in Japanese or Indic scripts they change the
      // word.
      if (!folds_marks(base_script)) folded.append(c);
      continue;
    }
    UErrorCode script_status = U_ZERO_ERROR;
    base_script = uscript_getScript(c, &script_status);
    if (const char16_t* replacement = special_fold(c))
      folded.append(replacement);
    else
      folded.append(c);
  }
  impl_->nfc->normalize(folded, status).toUTF8String(out);
  if (U_FAILURE(status)) out.clear();
  drop_possessive(out);
}

const std::string& Analyzer::stem(const std::string& term) {
  Impl& im = *impl_;
  StemLanguage& language = *im.current;
  if (!language.stemming || term.empty()) return im.no_stem;
  auto cached = language.stems.find(term);
  if (cached != language.stems.end()) return cached->second;
  if (language.stems.size() >= kStemCacheEntries) language.stems.clear();
  // Snowball has no Korean: Hangul words lose their particles instead, whatever the language
  // (and unmarked, so that a Korean word is found in any document).
  if (is_hangul_word(term)) return language.stems.emplace(term, korean_stem(term)).first->second;
  return language.stems.emplace(term, language.stemmer(term) + language.mark).first->second;
}

const std::string& Analyzer::compound_stem(std::string_view joined, uint32_t head) {
  Impl& im = *impl_;
  if (!im.current->stemming || joined.empty()) return im.no_stem;
  im.last_part.assign(joined.substr(std::min<size_t>(head, joined.size())));
  const std::string& last_stem = stem(im.last_part);
  if (head == 0 || last_stem.empty()) return last_stem;
  im.compound.assign(joined.substr(0, head));
  im.compound += last_stem;
  return im.compound;
}

const std::string& Analyzer::token_stem(const Token& token) {
  if (!token.stemmable || token.part) return impl_->no_stem;
  return token.joined ? compound_stem(token.term, token.head) : stem(token.term);
}

bool Analyzer::stems_own_language() const {
  return impl_->current == impl_->languages.front().get();
}

// The stem language is swapped by pointer, not by code: these run for every word of a document
// in another language.
const std::string& Analyzer::own_token_stem(const Token& token) {
  Impl& im = *impl_;
  StemLanguage* in_use = im.current;
  im.current = im.languages.front().get();
  const std::string& out = token_stem(token);
  im.current = in_use;
  return out;
}

const std::string& Analyzer::own_stem(const std::string& term) {
  Impl& im = *impl_;
  StemLanguage* in_use = im.current;
  im.current = im.languages.front().get();
  const std::string& out = stem(term);
  im.current = in_use;
  return out;
}

// How many positions the pending group takes, without normalising its ASCII parts (which are
// never empty and keep their length when folded).
uint32_t Analyzer::count_group(std::string_view text) const {
  uint32_t count = 0;
  for (const Piece& p : impl_->pieces) {
    std::string_view raw = text.substr(p.begin, p.end - p.begin);
    bool ascii = std::all_of(raw.begin(), raw.end(),
                             [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    if (ascii) {
      count += raw.size() <= kMaxTermBytes;
    } else {
      std::string term = normalize(raw);
      count += !term.empty() && term.size() <= kMaxTermBytes;
    }
  }
  return count;
}

// Emits the pending group of connected pieces (one word, or one compound).
void Analyzer::emit_group(std::string_view text, uint32_t& position, const TokenSink& sink,
                          const PositionWindow& window) {
  Impl& im = *impl_;
  if (position < window.from) {
    uint32_t count = count_group(text);
    if (position + count <= window.from) {
      position += count;
      return;
    }
  }
  // The buffers keep their capacity from word to word.
  if (im.terms.size() < im.pieces.size()) im.terms.resize(im.pieces.size());
  im.joined.clear();
  for (size_t k = 0; k < im.pieces.size(); ++k) {
    const Piece& p = im.pieces[k];
    normalize_into(im.terms[k], text.substr(p.begin, p.end - p.begin));
    if (im.pieces.size() > 1) im.joined += im.terms[k];
  }
  bool has_joined = im.pieces.size() > 1 && im.joined.size() <= kMaxTermBytes;
  const Piece& head = im.pieces.front();
  uint32_t group_begin = head.begin;
  uint32_t group_end = im.pieces.back().end;
  auto last_start = static_cast<uint32_t>(im.joined.size() - im.terms[im.pieces.size() - 1].size());
  // Only a compound of words is more than its parts: "GPT-4" is still a "gpt".
  bool word_parts =
      has_joined && im.hyphenated &&
      std::all_of(im.pieces.begin(), im.pieces.end(), [](const Piece& p) { return p.stemmable; });
  uint32_t joined_first = 0;
  size_t kept = 0;
  for (size_t k = 0; k < im.pieces.size(); ++k) {
    const std::string& term = im.terms[k];
    if (term.empty() || term.size() > kMaxTermBytes) continue;
    const Piece& p = im.pieces[k];
    sink(Token{term, p.begin, p.end, position, false, p.stemmable, word_parts, 0});
    if (has_joined && kept == 0) {
      // Right after the first part, so that sinks see tokens in text order.
      joined_first = position;
      sink(Token{im.joined, group_begin, group_end, position, true, head.stemmable, false,
                 last_start});
    }
    ++kept;
    ++position;
  }
  if (has_joined && kept > 1 && position - 1 != joined_first)
    sink(Token{im.joined, group_begin, group_end, position - 1, true, head.stemmable, false,
               last_start});
}

// A word found by segmentation: it continues the pending compound after a hyphen, or ends it.
// Returns false once the window is past.
bool Analyzer::add_word(std::string_view text, uint32_t start, uint32_t end, bool letters,
                        WordShape shape, uint32_t& position, const TokenSink& sink,
                        const PositionWindow& window) {
  Impl& im = *impl_;
  if (!im.pieces.empty()) {
    size_t hyphen = hyphen_length(text, im.pieces.back().end);
    if (hyphen == 0 || im.pieces.back().end + hyphen != start) {
      emit_group(text, position, sink, window);
      im.pieces.clear();
      im.hyphenated = false;
      if (position > window.to) return false;
    } else {
      im.hyphenated = true;
    }
  }
  if (shape == WordShape::kCjk) {
    // A CJK word is a group of its own: no hyphen joins it to the next.
    split_cjk_word(text, start, end, im.pieces);
    im.hyphenated = false;
    emit_group(text, position, sink, window);
    im.pieces.clear();
    return position <= window.to;
  }
  if (shape == WordShape::kWhole)
    im.pieces.push_back({start, end, letters && !is_ascii_digit(text[start])});
  else
    split_word(text, start, end, letters, im.pieces);
  // Only after a word of letters: "10+" is a number, written loosely.
  bool signs_follow = end < text.size() && (text[end] == '+' || text[end] == '#');
  if (signs_follow && !im.pieces.empty() && im.pieces.back().end == end &&
      im.pieces.back().stemmable) {
    if (size_t suffix = symbol_suffix_length(text, end)) {
      im.pieces.back().end += static_cast<uint32_t>(suffix);
      im.pieces.back().stemmable = false;  // "c++" is a name; its stem would be the same term
    }
  }
  return true;
}

// ICU's word break iterator over text[begin, end): dictionaries for CJK, rules for the rest.
bool Analyzer::icu_words(std::string_view text, uint32_t begin, uint32_t end, uint32_t& position,
                         const TokenSink& sink, const PositionWindow& window) {
  Impl& im = *impl_;
  UErrorCode status = U_ZERO_ERROR;
  UText utext = UTEXT_INITIALIZER;
  utext_openUTF8(&utext, text.data() + begin, static_cast<int64_t>(end - begin), &status);
  im.words->setText(&utext, status);
  bool going = U_SUCCESS(status);
  int32_t start = going ? im.words->first() : 0;
  for (int32_t stop = going ? im.words->next() : icu::BreakIterator::DONE;
       going && stop != icu::BreakIterator::DONE; start = stop, stop = im.words->next()) {
    int32_t rule = im.words->getRuleStatus();
    if (rule < UBRK_WORD_NONE_LIMIT) continue;  // spaces, punctuation, symbols, emoji
    bool letters = rule >= UBRK_WORD_LETTER && rule < UBRK_WORD_LETTER_LIMIT;
    bool cjk = rule >= UBRK_WORD_KANA && rule < UBRK_WORD_IDEO_LIMIT;
    going =
        add_word(text, begin + static_cast<uint32_t>(start), begin + static_cast<uint32_t>(stop),
                 letters, cjk ? WordShape::kCjk : WordShape::kMayJoin, position, sink, window);
  }
  utext_close(&utext);
  return going;
}

uint32_t Analyzer::analyze(std::string_view text, uint32_t first_position, const TokenSink& sink,
                           PositionWindow window) {
  Impl& im = *impl_;
  im.pieces.clear();
  im.hyphenated = false;
  uint32_t position = first_position;
  const auto size = static_cast<uint32_t>(text.size());
  auto is_space = [](char c) {
    return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f';
  };
  bool going = true;
  // ASCII goes through ascii_words, which agrees with ICU there at a fraction of the cost; each
  // white-space-delimited run holding other characters goes to ICU.
  for (uint32_t at = 0; going && at < size;) {
    auto other = static_cast<uint32_t>(next_non_ascii(text, at));
    uint32_t run_begin = other;
    while (other < size && run_begin > at && !is_space(text[run_begin - 1])) --run_begin;
    ascii_words(text, at, run_begin, [&](uint32_t b, uint32_t e, bool letters, bool whole) {
      going = add_word(text, b, e, letters, whole ? WordShape::kWhole : WordShape::kMayJoin,
                       position, sink, window);
      return going;
    });
    if (!going || other == size) break;
    uint32_t run_end = other;
    while (run_end < size && !is_space(text[run_end])) ++run_end;
    if (!holds_no_word(text.substr(run_begin, run_end - run_begin)))
      going = icu_words(text, run_begin, run_end, position, sink, window);
    at = run_end;
  }
  if (going && !im.pieces.empty()) emit_group(text, position, sink, window);
  im.pieces.clear();
  return position;
}

}  // namespace loupe::analysis
