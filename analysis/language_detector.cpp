#include "analysis/language_detector.h"

// CLD2's public header uses FILE without including <cstdio>.
#include <cstdio>
//
#include <cld2/public/compact_lang_det.h>
#include <cld2/public/encodings.h>

#include "analysis/languages.h"
#include "analysis/utf8.h"

namespace loupe::analysis {
namespace {

// CLD2 is sure of a language after a few hundred bytes of it; the start of a long text (its
// first pages) says as much as the whole and costs a fixed time.
constexpr size_t kSampleBytes = 16 * 1024;
// A language holding this share of the text (in percent) is its language, even where CLD2 is
// unsure of the rest: the Linux docs' Italian pages of names or of program versions are 31% and
// 76% Italian and "unreliable".
constexpr int kClearShare = 30;
// A declared language must hold this share of the text (in percent) to be believed.
constexpr int kDeclaredShare = 20;

// Texts shorter than this (in letters' bytes, as CLD2 counts them) are too short to tell one
// Latin-alphabet language from another.
constexpr int kMinLatinBytes = 64;

bool mostly_ascii(std::string_view text) {
  size_t ascii = 0;
  for (char c : text) ascii += static_cast<unsigned char>(c) < 0x80 ? 1 : 0;
  return ascii * 2 > text.size();
}

}  // namespace

std::string detect_language(std::string_view text, std::string_view declared,
                            std::string_view fallback) {
  // Extracted text is valid UTF-8 (readers repair it); CLD2 reads invalid bytes past a
  // buffer's end, so its checking entry point stops at the first one anyway.
  std::string_view sample = truncate_utf8(text, kSampleBytes);
  CLD2::CLDHints hints{nullptr, nullptr, CLD2::UNKNOWN_ENCODING, CLD2::UNKNOWN_LANGUAGE};
  // CLD2 fills these in only when the text is valid from its first byte.
  CLD2::Language languages[3] = {CLD2::UNKNOWN_LANGUAGE, CLD2::UNKNOWN_LANGUAGE,
                                 CLD2::UNKNOWN_LANGUAGE};
  int percents[3] = {0, 0, 0};
  double scores[3] = {0, 0, 0};
  int text_bytes = 0;
  int valid_bytes = 0;
  bool reliable = false;
  CLD2::ExtDetectLanguageSummaryCheckUTF8(sample.data(), static_cast<int>(sample.size()),
                                          /*is_plain_text=*/true, &hints, 0, languages, percents,
                                          scores, nullptr, &text_bytes, &reliable, &valid_bytes);
  // The language of the largest share. CLD2's own answer prefers another language to English
  // when English holds less than about 3/4 of the text (web pages' English furniture); here
  // the text is the document's own, and the majority reads it.
  std::string found = normalize_language_tag(CLD2::LanguageCode(languages[0]));
  // A few words of the Latin alphabet fit many languages ("gerenuk outside" reads as Chichewa):
  // they need a sentence or two; a few words of Hangul, kana or Cyrillic say enough.
  bool enough = text_bytes >= kMinLatinBytes || !mostly_ascii(sample);
  // CLD2 calls a text unreliable when much of it is no language it knows (names, tables of
  // programs and versions): a language that still holds a good share of it is the text's.
  bool clear = reliable || percents[0] >= kClearShare;
  if (clear && enough && !found.empty()) return found;
  // Too little to be sure: what the document declares, if its text shows that language.
  std::string wanted = normalize_language_tag(declared);
  if (!wanted.empty()) {
    for (int i = 0; i < 3; ++i)
      if (percents[i] >= kDeclaredShare &&
          normalize_language_tag(CLD2::LanguageCode(languages[i])) == wanted)
        return wanted;
  }
  return std::string(fallback);
}

}  // namespace loupe::analysis
