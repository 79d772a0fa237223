// Word boundaries in ASCII text without ICU: UAX #29 as ICU's root rules apply it to ASCII.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace loupe::analysis {

// The first byte at or after `from` that is not ASCII (text.size() when none is), read eight
// bytes at a time: analysis looks for the next one in every text it reads.
inline size_t next_non_ascii(std::string_view text, size_t from) {
  constexpr uint64_t kHighBits = 0x8080808080808080ull;
  size_t at = from;
  for (; at + 8 <= text.size(); at += 8) {
    uint64_t word;
    std::memcpy(&word, text.data() + at, 8);
    if ((word & kHighBits) != 0) break;
  }
  while (at < text.size() && static_cast<unsigned char>(text[at]) < 0x80) ++at;
  return at;
}

inline bool is_ascii(std::string_view text) {
  return next_non_ascii(text, 0) == text.size();
}

namespace detail {

// ICU's root rules join '@' as they join letters ("doe@example"); it is no letter itself.
enum WordClass : uint8_t { kOther, kLetter, kDigit, kExtend, kAt, kMidNumLet, kMidNum };

// One lookup per byte: the segmenter's inner loop runs over every byte a snippet analyses.
inline constexpr std::array<WordClass, 256> kWordClasses = [] {
  std::array<WordClass, 256> table{};
  for (int c = 0; c < 256; ++c) {
    WordClass k = kOther;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) k = kLetter;
    if (c >= '0' && c <= '9') k = kDigit;
    if (c == '_') k = kExtend;
    if (c == '@') k = kAt;
    if (c == '.' || c == '\'') k = kMidNumLet;
    if (c == ',' || c == ';') k = kMidNum;
    table[static_cast<size_t>(c)] = k;
  }
  return table;
}();

inline WordClass word_class(char c) {
  return kWordClasses[static_cast<unsigned char>(c)];
}
inline bool joins(WordClass c) {
  return c >= kLetter && c <= kAt;
}
inline bool letter_like(WordClass c) {
  return c == kLetter || c == kAt;
}

}  // namespace detail

// Calls emit(begin, end, has_letter, whole) for each word of text[begin, end), which must be ASCII,
// in order: the spans with a letter or digit that ICU's word break iterator reports with a word
// status (tests compare the two). ICU costs most of the analysis of English text, and most text
// is ASCII. Runs of only '_' and '@' are left out: they hold no word. `whole` says the word has
// none of the characters ('_', '@', '.') where the analyzer may split a compound; a word with
// one goes to its compound splitter, which decides ("3.14" stays whole there). Stops when emit
// returns false (a snippet's analysis is done once its passage is).
template <typename Emit>
void ascii_words(std::string_view text, uint32_t begin, uint32_t end, Emit&& emit) {
  using namespace detail;
  uint32_t i = begin;
  while (i < end) {
    WordClass c = word_class(text[i]);
    if (!joins(c)) {
      ++i;
      continue;
    }
    uint32_t start = i;
    unsigned seen = 0;  // a bit per class met in the word
    bool dotted = false;
    for (;;) {
      seen |= 1u << c;
      uint32_t next = i + 1;
      if (next >= end) break;
      WordClass n = word_class(text[next]);
      if (joins(n)) {
        i = next;
        c = n;
        continue;
      }
      // A letter, '.' or apostrophe, a letter (WB6/7); a digit, '.', ',', ';' or apostrophe, a
      // digit (WB11/12).
      if (next + 1 < end && (n == kMidNumLet || n == kMidNum)) {
        WordClass after = word_class(text[next + 1]);
        bool letters = letter_like(c) && letter_like(after) && n == kMidNumLet;
        bool digits = c == kDigit && after == kDigit;
        if (letters || digits) {
          dotted = dotted || text[next] == '.';
          i = next + 1;
          c = after;
          continue;
        }
      }
      break;
    }
    bool letter = (seen & (1u << kLetter)) != 0;
    bool alnum = (seen & ((1u << kLetter) | (1u << kDigit))) != 0;
    bool whole = !dotted && (seen & ((1u << kExtend) | (1u << kAt))) == 0;
    if (alnum && !emit(start, i + 1, letter, whole)) return;
    ++i;
  }
}

}  // namespace loupe::analysis
