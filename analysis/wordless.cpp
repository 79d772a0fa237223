#include "analysis/wordless.h"

#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

namespace loupe::analysis {

bool never_in_word(char32_t c) {
  if (c < 0x80) return false;  // ASCII has its own rules ('@', '.', ':' ...) and its own path
  auto code = static_cast<UChar32>(c);
  if ((U_GET_GC_MASK(code) & (U_GC_P_MASK | U_GC_S_MASK)) == 0) return false;
  if (u_getIntPropertyValue(code, UCHAR_WORD_BREAK) != U_WB_OTHER) return false;
  // ICU's rules give Han and kana (radicals, iteration marks) classes of their own.
  UErrorCode status = U_ZERO_ERROR;
  UScriptCode script = uscript_getScript(code, &status);
  return U_SUCCESS(status) && script == USCRIPT_COMMON;
}

bool holds_no_word(std::string_view text) {
  if (text.empty()) return false;
  auto length = static_cast<int32_t>(text.size());
  for (int32_t i = 0; i < length;) {
    UChar32 c;
    U8_NEXT(text.data(), i, length, c);
    if (c < 0 || !never_in_word(static_cast<char32_t>(c))) return false;
  }
  return true;
}

}  // namespace loupe::analysis
