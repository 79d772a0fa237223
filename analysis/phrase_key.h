// The whole-phrase keys of a title or heading, and of a query, so that "the page is called this"
// is one term lookup.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "analysis/analyzer.h"

namespace loupe::analysis {

// A key is longer than nobody types; such titles get none.
inline constexpr size_t kMaxPhraseKeyBytes = 160;

// The words of `text` as one string: each word's stem (its term when it has none), joined by
// spaces, without a leading section number ("4.2. Defining Functions" is "defin function"), so
// that a query written as the title is, in other inflections or without its number, has the
// same key. "" when `text` has no words or the key would be too long.
std::string phrase_key(Analyzer& analyzer, std::string_view text);

// The keys a title or heading is known by: the whole, and every run of the segments that
// separators (" — ", " – ", " - ", " | ", ": ", " · ") cut it into, since sites name pages
// "module — What It Does — Site Name" and readers type a part ("What It Does"). No duplicates.
std::vector<std::string> segment_keys(Analyzer& analyzer, std::string_view text);

// A title longer than this many words is a sentence, not a name: it has no part keys.
inline constexpr size_t kMaxTitleWords = 12;

// The keys of every run of words of `text` shorter than the whole ("The None Object": "none
// object", "the none", "none", ...): a query that is part of a title, such as its words without
// an article, finds the title as a key too, if below one that is the whole.
std::vector<std::string> part_keys(Analyzer& analyzer, std::string_view text);

// The words a phrase key is made of (see phrase_key).
std::vector<std::string> key_words(Analyzer& analyzer, std::string_view text);

}  // namespace loupe::analysis
