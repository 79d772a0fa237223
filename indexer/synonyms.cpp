#include "indexer/synonyms.h"

#include <algorithm>
#include <cstdint>
#include <fstream>

#include "analysis/utf8.h"
#include "db/schema.h"

namespace loupe::indexer {
namespace {

// An entry's words as the index has them; a compound ("e-mail") by its joined form, the one
// term it is always indexed under, not by its parts.
std::string analysed(std::string_view entry, analysis::Analyzer& analyzer) {
  struct Word {
    std::string term;
    uint32_t begin, end;
    bool joined;
  };
  std::vector<Word> words;
  analyzer.analyze(entry, 0, [&](const analysis::Token& t) {
    words.push_back({t.term, t.begin, t.end, t.joined});
  });
  std::string out;
  for (const Word& w : words) {
    bool in_compound = !w.joined && std::any_of(words.begin(), words.end(), [&](const Word& j) {
      return j.joined && j.begin <= w.begin && w.end <= j.end;
    });
    if (in_compound) continue;
    if (!out.empty()) out += ' ';
    out += w.term;
  }
  return out;
}

}  // namespace

std::optional<std::vector<SynonymGroup>> read_synonyms(const std::filesystem::path& file,
                                                       analysis::Analyzer& analyzer,
                                                       std::string& error) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    error = file.string() + ": cannot read the synonyms file";
    return std::nullopt;
  }
  std::vector<SynonymGroup> groups;
  std::string line;
  size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.size() > 64 * 1024) {
      error = file.string() + ":" + std::to_string(number) + ": the line is over 64 KiB";
      return std::nullopt;
    }
    std::string text = analysis::repair_utf8(line);
    size_t first = text.find_first_not_of(" \t\r");
    if (first == std::string::npos || text[first] == '#') continue;
    SynonymGroup group;
    size_t start = 0;
    while (start <= text.size()) {
      size_t comma = std::min(text.find(',', start), text.size());
      std::string entry = analysed(std::string_view(text).substr(start, comma - start), analyzer);
      start = comma + 1;
      if (!entry.empty() && std::find(group.begin(), group.end(), entry) == group.end())
        group.push_back(std::move(entry));
    }
    if (group.size() >= 2) groups.push_back(std::move(group));
  }
  if (in.bad()) {
    error = file.string() + ": cannot read the synonyms file";
    return std::nullopt;
  }
  return groups;
}

std::vector<std::pair<std::string, std::string>> synonym_pairs(
    const std::vector<SynonymGroup>& groups, analysis::Analyzer& analyzer) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const SynonymGroup& group : groups) {
    for (const std::string& entry : group) {
      std::string stem = entry.find(' ') == std::string::npos ? analyzer.stem(entry) : "";
      for (const std::string& other : group) {
        if (other == entry) continue;
        out.emplace_back(entry, other);
        if (!stem.empty()) out.emplace_back(std::string(db::kStemPrefix) + stem, other);
      }
    }
  }
  return out;
}

}  // namespace loupe::indexer
