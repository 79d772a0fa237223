// libFuzzer harness: any bytes through the shared analysis (language detection, segmentation,
// folding, compounds, stems in the detected language and the own, phrase keys). Checks what every
// caller relies on: tokens inside the text, in order; a language code of letters or none.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "analysis/analyzer.h"
#include "analysis/language_detector.h"
#include "analysis/phrase_key.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static loupe::analysis::Analyzer analyzer("english");
  std::string_view text(reinterpret_cast<const char*>(data), size);
  // The first bytes as a declared language, as a page's lang attribute would give them.
  std::string_view declared = text.substr(0, std::min<size_t>(size, 8));
  std::string language = loupe::analysis::detect_language(text, declared, "en");
  for (char c : language)
    if (c < 'a' || c > 'z') std::abort();
  analyzer.set_stem_language(language);
  uint32_t last_begin = 0;
  analyzer.analyze(text, 0, [&](const loupe::analysis::Token& t) {
    if (t.begin > t.end || t.end > text.size() || t.term.empty()) std::abort();
    if (!t.joined && t.begin < last_begin) std::abort();
    if (!t.joined) last_begin = t.begin;
    (void)analyzer.token_stem(t);
    (void)analyzer.own_token_stem(t);
  });
  analyzer.set_stem_language("");
  (void)loupe::analysis::segment_keys(analyzer, text);
  (void)loupe::analysis::part_keys(analyzer, text);
  (void)analyzer.normalize(text.substr(0, 64));
  return 0;
}
