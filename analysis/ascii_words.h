// Word boundaries in ASCII text without ICU: UAX #29 as ICU's root rules apply it to ASCII.
#pragma once

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

// Calls emit(begin, end, has_letter, whole) for each word of text[begin, end), which must be ASCII,
// in order: the spans with a letter or digit that ICU's word break iterator reports with a word
// status (tests compare the two). ICU costs most of the analysis of English text, and most text
// is ASCII. Runs of only '_' and '@' are left out: they hold no word. `whole` says the word has
// none of the connectors ('_', '@', '.') that make a compound of it. Stops when emit returns
// false (a snippet's analysis is done once its passage is).
template <typename Emit>
void ascii_words(std::string_view text, uint32_t begin, uint32_t end, Emit&& emit) {
  enum Class : uint8_t { kOther, kLetter, kDigit, kExtend, kMidNumLet, kMidNum };
  auto classify = [](char c) -> Class {
    // ICU's root rules join '@' as they join letters ("doe@example"); it is no letter itself.
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '@') return kLetter;
    if (c >= '0' && c <= '9') return kDigit;
    if (c == '_') return kExtend;
    if (c == '.' || c == '\'') return kMidNumLet;
    if (c == ',' || c == ';') return kMidNum;
    return kOther;
  };
  uint32_t i = begin;
  while (i < end) {
    Class c = classify(text[i]);
    if (c != kLetter && c != kDigit && c != kExtend) {
      ++i;
      continue;
    }
    uint32_t start = i;
    bool letter = false;
    bool alnum = false;
    bool whole = true;
    for (;;) {
      bool at = text[i] == '@';
      whole = whole && !at && c != kExtend;
      letter = letter || (c == kLetter && !at);
      alnum = alnum || (c == kLetter && !at) || c == kDigit;
      uint32_t next = i + 1;
      if (next >= end) break;
      Class n = classify(text[next]);
      if (n == kLetter || n == kDigit || n == kExtend) {
        i = next;
        c = n;
        continue;
      }
      // A letter, '.' or apostrophe, a letter (WB6/7); a digit, '.', ',', ';' or apostrophe, a
      // digit (WB11/12).
      if (next + 1 < end && (n == kMidNumLet || n == kMidNum)) {
        Class after = classify(text[next + 1]);
        bool letters = c == kLetter && after == kLetter && n == kMidNumLet;
        bool digits = c == kDigit && after == kDigit;
        if (letters || digits) {
          whole = whole && text[next] != '.';
          i = next + 1;
          c = after;
          continue;
        }
      }
      break;
    }
    if (alnum && !emit(start, i + 1, letter, whole)) return;
    ++i;
  }
}

}  // namespace loupe::analysis
