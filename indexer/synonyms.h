// Reads a synonyms file (lines of "word, other, …") into the analysed groups the index keeps.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "analysis/analyzer.h"

namespace loupe::indexer {

// One line's entries, each as the index holds words: analysed, several words joined by ' '.
using SynonymGroup = std::vector<std::string>;

// Lines of comma-separated entries, each a word or several ("usa, united states, america");
// blank lines and lines starting with '#' are skipped, as are entries with no words. nullopt
// with `error` naming the file (and the line) when it cannot be read.
std::optional<std::vector<SynonymGroup>> read_synonyms(const std::filesystem::path& file,
                                                       analysis::Analyzer& analyzer,
                                                       std::string& error);

// What the database's synonym table gets: each entry of a group leads to the others, under the
// entry itself and, for a word, under its stem with the stem prefix ("Zcar"), so that any form of
// the word ("cars") finds them.
std::vector<std::pair<std::string, std::string>> synonym_pairs(
    const std::vector<SynonymGroup>& groups, analysis::Analyzer& analyzer);

}  // namespace loupe::indexer
