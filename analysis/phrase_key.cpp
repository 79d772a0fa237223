#include "analysis/phrase_key.h"

#include <algorithm>
#include <array>

namespace loupe::analysis {
namespace {

// A title with more segments than this is a list, not a name: its runs are not keys.
constexpr size_t kMaxSegments = 5;

bool starts_with_digit(const std::string& term) {
  return !term.empty() && term[0] >= '0' && term[0] <= '9';
}

// words[from, from + count) joined by spaces, or "" when that is too long to be a key.
std::string join_key(const std::vector<std::string>& words, size_t from, size_t count) {
  std::string key;
  for (size_t i = from; i < words.size() && i - from < count; ++i) {
    if (!key.empty()) key += ' ';
    key += words[i];
    if (key.size() > kMaxPhraseKeyBytes) return {};
  }
  return key;
}

// Where `text` splits into segments: [begin, end) of each.
std::vector<std::pair<size_t, size_t>> segments(std::string_view text) {
  static constexpr std::array<std::string_view, 7> kSeparators = {" \xE2\x80\x94 ",  // em dash
                                                                  " \xE2\x80\x93 ",  // en dash
                                                                  " - ",
                                                                  " | ",
                                                                  ": ",
                                                                  " \xC2\xB7 ",  // middle dot
                                                                  " :: "};
  std::vector<std::pair<size_t, size_t>> out;
  size_t begin = 0;
  for (size_t at = 0; at < text.size();) {
    size_t found = 0;
    for (std::string_view sep : kSeparators)
      if (text.compare(at, sep.size(), sep) == 0) {
        found = sep.size();
        break;
      }
    if (found == 0) {
      ++at;
      continue;
    }
    out.emplace_back(begin, at);
    at += found;
    begin = at;
  }
  out.emplace_back(begin, text.size());
  return out;
}

}  // namespace

std::vector<std::string> key_words(Analyzer& analyzer, std::string_view text) {
  std::vector<std::string> words;
  // A compound is one word, its joined form ("co-founders" is "cofounder"), however written.
  uint32_t compound_end = 0;
  analyzer.analyze(text, 0, [&](const Token& t) {
    if (t.begin < compound_end) return;  // the rest of a compound already taken
    if (t.joined) {
      words.pop_back();  // its first part, just before it
      compound_end = t.end;
    }
    const std::string& stem = analyzer.token_stem(t);
    words.push_back(stem.empty() ? t.term : stem);
  });
  // "4.2." or "1" before the words is a section number, not part of the name.
  size_t first = 0;
  while (first < words.size() && starts_with_digit(words[first])) ++first;
  if (first < words.size()) words.erase(words.begin(), words.begin() + static_cast<long>(first));
  return words;
}

std::string phrase_key(Analyzer& analyzer, std::string_view text) {
  return join_key(key_words(analyzer, text), 0, std::string::npos);
}

std::vector<std::string> segment_keys(Analyzer& analyzer, std::string_view text) {
  std::vector<std::string> keys;
  auto add = [&](std::string key) {
    if (!key.empty() && std::find(keys.begin(), keys.end(), key) == keys.end())
      keys.push_back(std::move(key));
  };
  add(phrase_key(analyzer, text));
  std::vector<std::pair<size_t, size_t>> parts = segments(text);
  if (parts.size() < 2 || parts.size() > kMaxSegments) return keys;
  for (size_t from = 0; from < parts.size(); ++from)
    for (size_t to = from; to < parts.size(); ++to)
      if (to - from + 1 < parts.size())
        add(phrase_key(analyzer,
                       text.substr(parts[from].first, parts[to].second - parts[from].first)));
  return keys;
}

}  // namespace loupe::analysis

namespace loupe::analysis {

std::vector<std::string> part_keys(Analyzer& analyzer, std::string_view text) {
  std::vector<std::string> words = key_words(analyzer, text);
  std::vector<std::string> keys;
  if (words.size() > kMaxTitleWords) return keys;
  for (size_t length = 1; length < words.size(); ++length)
    for (size_t from = 0; from + length <= words.size(); ++from) {
      std::string key = join_key(words, from, length);
      if (!key.empty() && std::find(keys.begin(), keys.end(), key) == keys.end())
        keys.push_back(std::move(key));
    }
  return keys;
}

}  // namespace loupe::analysis
