// UTF-8 validation and repair for text that came from outside (files, query strings).
#pragma once

#include <string>
#include <string_view>

namespace loupe::analysis {

bool is_valid_utf8(std::string_view bytes);

// Length of the well-formed sequence starting at `i` (RFC 3629: no overlongs, no surrogates,
// nothing above U+10FFFF), or 0 when it is ill-formed.
size_t utf8_sequence_length(std::string_view bytes, size_t i);

// How much of `bytes` reads as UTF-8: well-formed multi-byte characters and bytes that start
// no well-formed sequence.
struct Utf8Census {
  size_t multibyte = 0;
  size_t invalid = 0;
};
Utf8Census utf8_census(std::string_view bytes);

// Replaces every ill-formed sequence with U+FFFD, so the result is always valid UTF-8.
std::string repair_utf8(std::string_view bytes);

// Keeps well-formed UTF-8 and reads every other byte as Windows-1252: for UTF-8 text with
// Latin-1 or Windows-1252 pasted into it, where each kind of character is in its own encoding.
std::string repair_utf8_as_windows1252(std::string_view bytes);

// Characters (code points) in valid UTF-8: the bytes that start one. Inline, as a snippet counts
// the characters before and after each of its words.
inline size_t count_chars(std::string_view text) {
  size_t n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// True when `text` (valid UTF-8) holds nothing but white space, any of Unicode's (U+3000 and
// U+00A0 too): a query of only those asks for nothing.
bool is_blank(std::string_view text);

// Lower-cases ASCII letters only: for syntax (field names, operators), not for words.
std::string ascii_lower(std::string_view text);

// Cuts `text` to at most `max_bytes` without splitting a character.
std::string_view truncate_utf8(std::string_view text, size_t max_bytes);

}  // namespace loupe::analysis
