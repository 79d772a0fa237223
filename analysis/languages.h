// The one table of languages: ISO 639-1 codes, Snowball stemmers, and how documents of a language
// are stemmed.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace loupe::analysis {

struct LanguageInfo {
  std::string_view code;      // ISO 639-1, as `lang:` filters and hits name it
  std::string_view snowball;  // Xapian's stemmer for it
  // The stemmer only removes or rewrites endings: every stem begins with its word's first
  // letter, which lets a highlighter rule most words out without stemming them. Others also
  // remove prefixes (Dutch "ge-" in kraaij_pohlmann and in Snowball 3's Dutch, Indonesian
  // "meng-", Irish mutations, Arabic "al-"), or are not checked: they get no shortcut.
  bool suffixes_only;
};

// Xapian 1.4's Snowball stemmers, by language. Codes follow ISO 639-1 ("no" for Norwegian, which
// Xapian stems as one language for Bokmål and Nynorsk).
inline constexpr LanguageInfo kLanguages[] = {
    {"ar", "arabic", false},  {"hy", "armenian", false}, {"eu", "basque", false},
    {"ca", "catalan", false}, {"da", "danish", true},    {"nl", "dutch", false},
    {"en", "english", true},  {"fi", "finnish", true},   {"fr", "french", true},
    {"de", "german", true},   {"hu", "hungarian", true}, {"id", "indonesian", false},
    {"ga", "irish", false},   {"it", "italian", true},   {"lt", "lithuanian", false},
    {"ne", "nepali", false},  {"no", "norwegian", true}, {"pt", "portuguese", true},
    {"ro", "romanian", true}, {"ru", "russian", true},   {"es", "spanish", true},
    {"sv", "swedish", true},  {"ta", "tamil", false},    {"tr", "turkish", true},
};

// Xapian's other stemmers: older or alternative ones for a language of the table.
struct StemmerVariant {
  std::string_view snowball;
  std::string_view code;
  bool suffixes_only;
};
inline constexpr StemmerVariant kStemmerVariants[] = {
    {"porter", "en", true},  {"earlyenglish", "en", true},     {"lovins", "en", true},
    {"german2", "de", true}, {"kraaij_pohlmann", "nl", false},
};

// The row of a language code ("it"), if Xapian stems it.
const LanguageInfo* language_by_code(std::string_view code);
// The code of a Snowball stemmer's name ("italian" -> "it", "porter" -> "en"); "" for "none".
std::string_view code_of_stemmer(std::string_view snowball);
// Whether a stemmer (by Snowball name or code) only strips suffixes.
bool strips_suffixes_only(std::string_view stemmer);

// A language tag as Loupe stores it: the primary subtag in lower case, with the older or
// narrower codes folded ("en-GB" -> "en", "zh-Hant" -> "zh", "nb" -> "no", "iw" -> "he").
// Empty when the tag is no language ("", "und", "un", "xx-..."), or not of letters.
std::string normalize_language_tag(std::string_view tag);

// Chinese, Japanese and Korean: Snowball has no stemmer for them, yet their own words need none
// (ICU's dictionaries find Chinese and Japanese words; a Korean word loses its particles,
// analysis/korean.h), and the Latin-script words of their texts are mostly foreign terms.
bool is_cjk_language(std::string_view code);

}  // namespace loupe::analysis
