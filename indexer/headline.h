// Finds the headline of a plain-text document, skipping the page furniture scraped with it.
#pragma once

#include <string>
#include <string_view>

namespace loupe::indexer {

// The first line near the top that reads as a headline: not "Skip to content", a section marker,
// a byline, a date or a reading time. Falls back to the start of the first line, or "" for a
// text with no words.
std::string find_headline(std::string_view text);

// Collapses runs of white space to one space and trims the ends.
std::string collapse_whitespace(std::string_view text);

}  // namespace loupe::indexer
