// The ASCII word segmenter must agree with ICU's, which it stands in for: compared on tables and
// on random strings.
#include <doctest/doctest.h>
#include <unicode/brkiter.h>
#include <unicode/utext.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "analysis/ascii_words.h"

namespace {

struct Span {
  uint32_t begin, end;
  bool operator==(const Span&) const = default;
};

std::vector<Span> icu_words(icu::BreakIterator& words, const std::string& text) {
  UErrorCode status = U_ZERO_ERROR;
  UText utext = UTEXT_INITIALIZER;
  utext_openUTF8(&utext, text.data(), static_cast<int64_t>(text.size()), &status);
  words.setText(&utext, status);
  std::vector<Span> out;
  int32_t start = words.first();
  for (int32_t end = words.next(); end != icu::BreakIterator::DONE; start = end, end = words.next())
    if (words.getRuleStatus() >= UBRK_WORD_NONE_LIMIT &&
        text.substr(start, end - start)
                .find_first_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") !=
            std::string::npos)
      out.push_back({static_cast<uint32_t>(start), static_cast<uint32_t>(end)});
  utext_close(&utext);
  return out;
}

std::vector<Span> fast_words(const std::string& text) {
  std::vector<Span> out;
  loupe::analysis::ascii_words(text, 0, static_cast<uint32_t>(text.size()),
                               [&](uint32_t b, uint32_t e, bool, bool) {
                                 out.push_back({b, e});
                                 return true;
                               });
  return out;
}

}  // namespace

TEST_CASE("ASCII word boundaries agree with ICU's") {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::BreakIterator> words(
      icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
  REQUIRE(U_SUCCESS(status));
  const std::string table[] = {"",
                               "a",
                               "hello world",
                               "don't 'tis rock'n'roll",
                               "e.g. U.S.A. 3.14 1,000.50 1;2",
                               "a:b a@b a_b ___ _a @a a@ a@@b",
                               "1.a a.1 a..b .5 5.",
                               "x/y a-b a#b (a) [b]",
                               "os.path.join(a, b) == 0x1F",
                               "H100s GPT-4 v1.2.3",
                               "it's 5'11\" tall",
                               "a'",
                               "'a"};
  for (const std::string& text : table) {
    CAPTURE(text);
    CHECK(fast_words(text) == icu_words(*words, text));
  }
  std::mt19937 random(12345);
  const std::string alphabet = "abZ019.'_@,;:-/ \n\t()\"!?&";
  std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1), length(0, 40);
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    for (size_t n = length(random); n > 0; --n) text += alphabet[pick(random)];
    CAPTURE(text);
    REQUIRE(fast_words(text) == icu_words(*words, text));
  }
}

TEST_CASE("ASCII word boundaries stop when the caller has enough") {
  struct Row {
    std::string text;
    size_t wanted;
    size_t seen;
  };
  const Row rows[] = {{"one two three four", 2, 2}, {"one two", 5, 2}, {"", 1, 0}, {"a b", 0, 1}};
  for (const Row& row : rows) {
    CAPTURE(row.text);
    size_t seen = 0;
    loupe::analysis::ascii_words(
        row.text, 0, static_cast<uint32_t>(row.text.size()),
        [&](uint32_t, uint32_t, bool, bool) { return ++seen < row.wanted; });
    CHECK(seen == row.seen);
  }
}

TEST_CASE("a word is whole exactly when it has no connector to split it at") {
  std::mt19937 random(777);
  const std::string alphabet = "abZ019.'_@,;:-/ ";
  std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1), length(0, 30);
  std::vector<std::string> texts = {"plain words", "os.path.join", "snake_case",
                                    "doe@example", "3.14 don't",   "e.g. U.S.A."};
  for (int round = 0; round < 5000; ++round) {
    std::string text;
    for (size_t n = length(random); n > 0; --n) text += alphabet[pick(random)];
    texts.push_back(text);
  }
  size_t whole_words = 0;
  for (const std::string& text : texts) {
    loupe::analysis::ascii_words(text, 0, static_cast<uint32_t>(text.size()),
                                 [&](uint32_t b, uint32_t e, bool, bool whole) {
                                   std::string word = text.substr(b, e - b);
                                   CAPTURE(word);
                                   CHECK(whole == (word.find_first_of("_@.") == std::string::npos));
                                   whole_words += whole;
                                   return true;
                                 });
  }
  CHECK(whole_words > 1000);
}

TEST_CASE("the next non-ASCII byte is found across eight-byte words") {
  struct Row {
    std::string text;
    size_t from;
    size_t expected;
  };
  const Row rows[] = {{"", 0, 0},
                      {"abc", 0, 3},
                      {"abcdefgh", 0, 8},
                      {"abcdefghijklmnop\xC3\xA9", 0, 16},
                      {"abcdefg\xC3\xA9", 0, 7},
                      {"\xC3\xA9", 0, 0},
                      {"ab\xC3\xA9"
                       "cdefghijklmnop\xE2\x80\x94",
                       4, 18},
                      {"abcdefghijklmnopqrstuvwxyz", 5, 26},
                      {"abc", 3, 3}};
  for (const Row& row : rows) {
    CAPTURE(row.text);
    CAPTURE(row.from);
    CHECK(loupe::analysis::next_non_ascii(row.text, row.from) == row.expected);
  }
}
