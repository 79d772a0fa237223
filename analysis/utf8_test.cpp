// Table-driven tests of UTF-8 validation and repair.
#include "analysis/utf8.h"

#include <doctest/doctest.h>

using loupe::analysis::is_valid_utf8;
using loupe::analysis::repair_utf8;
using loupe::analysis::truncate_utf8;

TEST_CASE("ill-formed UTF-8 is detected and repaired") {
  struct Row {
    std::string input;
    bool valid;
    std::string repaired;
  };
  const Row rows[] = {
      {"", true, ""},
      {"plain ascii", true, "plain ascii"},
      {"caf\xC3\xA9", true, "caf\xC3\xA9"},
      {"caf\xE9", false, "caf\xEF\xBF\xBD"},                            // Latin-1 é
      {"\xC0\xAF", false, "\xEF\xBF\xBD\xEF\xBF\xBD"},                  // overlong '/'
      {"\xED\xA0\x80", false, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},  // surrogate
      {"\xF0\x9F\x9A\x80", true, "\xF0\x9F\x9A\x80"},                   // emoji
      {"cut \xE2\x82", false, "cut \xEF\xBF\xBD\xEF\xBF\xBD"},          // truncated sequence
  };
  for (const Row& row : rows) {
    CAPTURE(row.input);
    CHECK(is_valid_utf8(row.input) == row.valid);
    CHECK(repair_utf8(row.input) == row.repaired);
    CHECK(is_valid_utf8(repair_utf8(row.input)));
  }
}

TEST_CASE("the census counts well-formed multi-byte characters and stray bytes") {
  struct Row {
    std::string input;
    size_t multibyte, invalid;
  };
  const Row rows[] = {
      {"", 0, 0},
      {"ascii only", 0, 0},
      {"caf\xC3\xA9 na\xC3\xAFve", 2, 0},
      {"caf\xE9 na\xEFve", 0, 2},
      {"\xF0\x9F\x9A\x80 \xE2\x82", 1, 2},
  };
  for (const Row& row : rows) {
    CAPTURE(row.input);
    loupe::analysis::Utf8Census census = loupe::analysis::utf8_census(row.input);
    CHECK(census.multibyte == row.multibyte);
    CHECK(census.invalid == row.invalid);
  }
}

TEST_CASE("truncation never splits a character") {
  CHECK(truncate_utf8("h\xC3\xA9llo", 2) == "h");
  CHECK(truncate_utf8("h\xC3\xA9llo", 3) == "h\xC3\xA9");
  CHECK(truncate_utf8("short", 10) == "short");
}

TEST_CASE("characters are counted as code points; ASCII lower-casing leaves the rest") {
  CHECK(loupe::analysis::count_chars("") == 0);
  CHECK(loupe::analysis::count_chars("abc") == 3);
  CHECK(loupe::analysis::count_chars("r\xC3\xA9sum\xC3\xA9 \xE6\x9D\xB1\xF0\x9F\x9A\x80") == 9);
  CHECK(loupe::analysis::ascii_lower("TiTLE:\xC3\x89t\xC3\xA9") == "title:\xC3\x89t\xC3\xA9");
}

TEST_CASE("blank text is white space of any kind, and nothing else") {
  struct Row {
    std::string input;
    bool blank;
  };
  const Row rows[] = {
      {"", true},
      {" \t\r\n\f\v", true},
      {"\xE3\x80\x80", true},                       // U+3000 IDEOGRAPHIC SPACE
      {"\xC2\xA0 \xE2\x80\x83\xE2\x80\xA8", true},  // no-break, em space, line separator
      {"\xE3\x80\x80x\xE3\x80\x80", false},
      {"\xE2\x80\x8B", false},  // U+200B ZERO WIDTH SPACE is a format character, not a space
      {"\xEF\xBF\xBD", false},  // U+FFFD, what repair makes of stray bytes
      {"-", false},
  };
  for (const Row& row : rows) {
    CAPTURE(row.input);
    CHECK(loupe::analysis::is_blank(row.input) == row.blank);
  }
}
