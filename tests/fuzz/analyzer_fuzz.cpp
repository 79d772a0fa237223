// libFuzzer harness: any bytes through the shared analysis (segmentation, folding, compounds,
// stems, phrase keys). Checks what every caller relies on: tokens inside the text, in order.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "analysis/analyzer.h"
#include "analysis/phrase_key.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static loupe::analysis::Analyzer analyzer("english");
  std::string_view text(reinterpret_cast<const char*>(data), size);
  uint32_t last_begin = 0;
  analyzer.analyze(text, 0, [&](const loupe::analysis::Token& t) {
    if (t.begin > t.end || t.end > text.size() || t.term.empty()) std::abort();
    if (!t.joined && t.begin < last_begin) std::abort();
    if (!t.joined) last_begin = t.begin;
    (void)analyzer.token_stem(t);
  });
  (void)loupe::analysis::segment_keys(analyzer, text);
  (void)loupe::analysis::part_keys(analyzer, text);
  (void)analyzer.normalize(text.substr(0, 64));
  return 0;
}
