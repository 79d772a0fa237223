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

}  // namespace loupe::analysis
