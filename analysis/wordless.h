// Characters that word breaking never puts in a word, so that text made only of them skips ICU.
#pragma once

#include <string_view>

namespace loupe::analysis {

// A punctuation mark or symbol of the Common script whose word-break class is Other: a dash, a
// guillemet, ©, ¶, an emoji. ICU's word break iterator gives none of them word status, alone or
// next to each other (tests check every code point alone, and random runs of them).
bool never_in_word(char32_t c);

// True when `text` is one or more such characters (so never when it holds ASCII or ill-formed
// UTF-8). Dashes and guillemets between spaces are common in prose and in HTML navigation, and
// a break iterator costs far more than this check.
bool holds_no_word(std::string_view text);

}  // namespace loupe::analysis
