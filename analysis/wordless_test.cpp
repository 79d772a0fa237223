// The wordless-character shortcut must agree with ICU's word break iterator, which it skips:
// checked on every code point it accepts, and on random runs of them.
#include "analysis/wordless.h"

#include <doctest/doctest.h>
#include <unicode/brkiter.h>
#include <unicode/utext.h>
#include <unicode/utf8.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

namespace {

std::string utf8(char32_t c) {
  char buffer[4];
  int32_t length = 0;
  U8_APPEND_UNSAFE(buffer, length, static_cast<UChar32>(c));
  return std::string(buffer, static_cast<size_t>(length));
}

// True when ICU finds a segment with word status anywhere in `text`.
bool icu_finds_word(icu::BreakIterator& words, const std::string& text) {
  UErrorCode status = U_ZERO_ERROR;
  UText utext = UTEXT_INITIALIZER;
  utext_openUTF8(&utext, text.data(), static_cast<int64_t>(text.size()), &status);
  words.setText(&utext, status);
  bool found = false;
  words.first();
  for (int32_t end = words.next(); end != icu::BreakIterator::DONE; end = words.next())
    found = found || words.getRuleStatus() >= UBRK_WORD_NONE_LIMIT;
  utext_close(&utext);
  return found;
}

}  // namespace

TEST_CASE("characters taken as wordless are wordless to ICU, alone and in runs") {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::BreakIterator> words(
      icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
  REQUIRE(U_SUCCESS(status));
  std::vector<char32_t> accepted;
  for (char32_t c = 0; c <= 0x10FFFF; ++c) {
    if (c >= 0xD800 && c <= 0xDFFF) continue;  // surrogates are no characters
    if (!loupe::analysis::never_in_word(c)) continue;
    accepted.push_back(c);
    CAPTURE(static_cast<uint32_t>(c));
    REQUIRE_FALSE(icu_finds_word(*words, utf8(c)));
  }
  CHECK(accepted.size() > 1000);
  std::mt19937 random(2026);
  std::uniform_int_distribution<size_t> pick(0, accepted.size() - 1), length(2, 6);
  for (int round = 0; round < 20000; ++round) {
    std::string run;
    for (size_t n = length(random); n > 0; --n) run += utf8(accepted[pick(random)]);
    CAPTURE(run);
    REQUIRE(loupe::analysis::holds_no_word(run));
    REQUIRE_FALSE(icu_finds_word(*words, run));
  }
}

TEST_CASE("runs with a letter, a digit, ASCII or broken UTF-8 go to ICU") {
  struct Row {
    std::string text;
    bool wordless;
  };
  const Row rows[] = {
      {"\xE2\x80\x94", true},      // — em dash
      {"\xC2\xBB", true},          // » guillemet
      {"\xC2\xA9\xC2\xB6", true},  // ©¶
      {"\xE2\x80\xA6", true},      // … ellipsis
      {"\xF0\x9F\x9A\x80", true},  // 🚀
      {"", false},
      {"-", false},  // ASCII takes its own path
      {"\xE2\x80\x94"
       "a",
       false},                                      // —a
      {"\xC3\xA9", false},                          // é
      {"\xE6\x9D\xB1", false},                      // 東
      {"\xE2\xBA\x80", false},                      // ⺀ a CJK radical: Han to ICU
      {"\xE3\x80\x85", false},                      // 々 an iteration mark
      {"\xD9\xA3", false},                          // ٣ an Arabic-Indic digit
      {"\xF0\x9F\x87\xAB\xF0\x9F\x87\xB7", false},  // a flag: regional indicators
      {"\xE2\x80\x94\xFF", false},                  // — and a stray byte
      {"\xE2\x80", false},                          // a cut-off character
  };
  for (const Row& row : rows) {
    CAPTURE(row.text);
    CHECK(loupe::analysis::holds_no_word(row.text) == row.wordless);
  }
}
