// Table-driven tests of the whole-phrase keys of titles, headings and queries.
#include "analysis/phrase_key.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace {

using loupe::analysis::Analyzer;

struct Row {
  const char* input;
  const char* expected;
};

std::string joined(const std::vector<std::string>& keys) {
  std::string out;
  for (const std::string& k : keys) out += (out.empty() ? "" : " | ") + k;
  return out;
}

}  // namespace

TEST_CASE("a phrase key is the words' stems, without a leading section number") {
  Analyzer analyzer("english");
  const Row rows[] = {
      {"", ""},
      {"  ¶ ", ""},
      {"Data Classes", "data class"},
      {"data class", "data class"},
      {"4.2. Defining Functions¶", "defin function"},
      {"1 Introduction", "introduct"},
      {"2024", "2024"},
      {"Tesla’s Autopilot", "tesla autopilot"},
      {"The co-founders", "the cofounder"},
      {"e-mail or E-Mails", "email or email"},
      {"C++ and C#", "c++ and c#"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.input);
    CHECK(loupe::analysis::phrase_key(analyzer, row.input) == row.expected);
  }
  std::string long_title;
  for (int i = 0; i < 40; ++i) long_title += "word ";
  CHECK(loupe::analysis::phrase_key(analyzer, long_title).empty());
}

TEST_CASE("a title is known by its whole and by runs of its segments") {
  Analyzer analyzer("english");
  const Row rows[] = {
      {"Call Protocol", "call protocol"},
      {"dataclasses — Data Classes — Python 3.11.7 documentation",
       "dataclass data class python 3.11.7 document | dataclass | dataclass data class | "
       "data class | data class python 3.11.7 document | python 3.11.7 document"},
      {"Kernel Keys: Overview", "kernel key overview | kernel key | overview"},
      {"well-known names", "wellknown name"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.input);
    CHECK(joined(loupe::analysis::segment_keys(analyzer, row.input)) == row.expected);
  }
}

TEST_CASE("a title's part keys are its shorter runs of words") {
  Analyzer analyzer("english");
  const Row rows[] = {
      {"The None Object", "the | none | object | the none | none object"},
      {"Modules", ""},
      {"4.1. Data Classes", "data | class"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.input);
    CHECK(joined(loupe::analysis::part_keys(analyzer, row.input)) == row.expected);
  }
  std::string sentence;
  for (int i = 0; i < 20; ++i) sentence += "w" + std::to_string(i) + " ";
  CHECK(loupe::analysis::part_keys(analyzer, sentence).empty());
}
