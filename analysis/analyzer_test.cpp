// Table-driven tests of the shared text analysis: the terms a string yields, in order.
#include "analysis/analyzer.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace {

using loupe::analysis::Analyzer;
using loupe::analysis::Token;

// "pos:term" for parts, "pos:term*" for joined forms of compounds.
std::string terms_of(Analyzer& analyzer, const std::string& text) {
  std::string out;
  analyzer.analyze(text, 0, [&](const Token& t) {
    if (!out.empty()) out += ' ';
    out += std::to_string(t.position) + ':' + t.term + (t.joined ? "*" : "");
  });
  return out;
}

struct Row {
  const char* input;
  const char* expected;
};

}  // namespace

TEST_CASE("analysis yields normalised terms with positions") {
  Analyzer analyzer("english");
  const Row rows[] = {
      {"", ""},
      {"   \n\t ", ""},
      {"Hello, World!", "0:hello 1:world"},
      // Accents, case and compatibility forms fold together.
      {"Résumé resume RESUME", "0:resume 1:resume 2:resume"},
      {"naïve NAÏVE naive", "0:naive 1:naive 2:naive"},
      {"Łódź Ærø straße Ｆｕｌｌ", "0:lodz 1:aero 2:strasse 3:full"},
      {"Ελληνικά Ёлка", "0:ελληνικα 1:елка"},
      // Typographic apostrophes are ASCII ones.
      {"don’t don't DON'T", "0:don't 1:don't 2:don't"},
      // A possessive 's is the bare word ("Tesla's Autopilot" is found by "Tesla Autopilot").
      {"Anthropic’s team", "0:anthropic 1:team"},
      {"Tesla's TESLA’S it's 's", "0:tesla 1:tesla 2:it 3:s"},
      {"don't o'neill's", "0:don't 1:o'neill"},
      // Hyphenated compounds: parts at consecutive positions, joined form at the ends.
      {"e-mail", "0:e 0:email* 1:mail 1:email*"},
      // Unicode hyphens join as '-' does, also as the text's last bytes; a cut-off one does not.
      {"e\xE2\x80\x90mail", "0:e 0:email* 1:mail 1:email*"},
      {"e\xE2\x80\x91mail", "0:e 0:email* 1:mail 1:email*"},
      {"e\xEF\xBC\x8Dmail", "0:e 0:email* 1:mail 1:email*"},
      {"co-op-", "0:co 0:coop* 1:op 1:coop*"},
      {"well\xE2\x80\x90", "0:well"},
      {"e\xE2\x80", "0:e"},
      {"x\xEF\xBC", "0:x"},
      {"re‑index now", "0:re 0:reindex* 1:index 1:reindex* 2:now"},
      {"state-of-the-art", "0:state 0:stateoftheart* 1:of 2:the 3:art 3:stateoftheart*"},
      {"dash — between words - here", "0:dash 1:between 2:words 3:here"},
      // Digits and letters mixed.
      {"GPT-4 and H100s", "0:gpt 0:gpt4* 1:4 1:gpt4* 2:and 3:h100s"},
      {"\xEF\xBC\xA7\xEF\xBC\xB0\xEF\xBC\xB4\xEF\xBC\x8D\xEF\xBC\x94",
       "0:gpt 0:gpt4* 1:4 1:gpt4*"},  // ＧＰＴ－４
      {"pi is 3.14, v1.2 shipped 2026", "0:pi 1:is 2:3.14 3:v1.2 4:shipped 5:2026"},
      // URLs and e-mail addresses: every part is findable, and the whole as a phrase.
      {"https://example.com/docs", "0:https 1:example 1:examplecom* 2:com 2:examplecom* 3:docs"},
      {"mail john.doe@example.org",
       "0:mail 1:john 1:johndoeexampleorg* 2:doe 3:example 4:org 4:johndoeexampleorg*"},
      {"snake_case __init__", "0:snake 0:snakecase* 1:case 1:snakecase* 2:init"},
      {"U.S.A.", "0:u 0:usa* 1:s 2:a 2:usa*"},
      // CJK text without spaces is segmented into dictionary words.
      {"東京大学に行きます", "0:東京 1:大学 2:に 3:行き 4:ます"},
      {"我喜欢吃苹果", "0:我 1:喜欢 2:吃 3:苹果"},
      // Compounds the dictionary keeps whole are findable by their parts.
      {"東京タワーに行きたい", "0:東京 0:東京タワー* 1:タワー 1:東京タワー* 2:に 3:行き 4:たい"},
      {"一石二鳥", "0:一石 0:一石二鳥* 1:二鳥 1:一石二鳥*"},
      // A word of letters keeps a '+', "++" or '#' that ends it: languages and tools.
      {"C++ and C# or F#, g++-12", "0:c++ 1:and 2:c# 3:or 4:f# 5:g++ 5:g++12* 6:12 6:g++12*"},
      {"Notepad++. (C++)", "0:notepad++ 1:c++"},
      {"C++11 C#x C## x++++ a+b", "0:c 1:11 2:c 3:x 4:c 5:x 6:a 7:b"},
      {"C++é C++\u00b7", "0:c 1:e 2:c++"},
      {"10+ years, 1+1=2", "0:10 1:years 2:1 3:1 4:2"},
      {"Ｃ＋＋ über++", "0:c 1:uber++"},  // only ASCII signs: NFKC comes after segmentation
      // Emoji and symbols are not words.
      {"launch 🚀 day 🎉!", "0:launch 1:day"},
      // Invalid UTF-8 never breaks analysis.
      {"caf\xC3 ok \xFF\xFEword", "0:caf 1:ok 2:word"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.input);
    CHECK(terms_of(analyzer, row.input) == row.expected);
  }
}

// "term=stem" of each token: what it is indexed and searched under as a single word.
std::string stems_of(Analyzer& analyzer, const std::string& text) {
  std::string out;
  analyzer.analyze(text, 0, [&](const Token& t) {
    if (!out.empty()) out += ' ';
    out += t.term + (t.joined ? "*" : "") + '=' + analyzer.token_stem(t);
  });
  return out;
}

TEST_CASE("parts of a compound of words have no stem; the compound stems by its last part") {
  Analyzer analyzer("english");
  const Row rows[] = {
      // "co" is no word of "co-founder", and "co-founder" is not "co-founded".
      {"co-founder", "co= cofounder*=cofounder founder= cofounder*=cofounder"},
      {"co-founded", "co= cofounded*=cofound founded= cofounded*=cofound"},
      {"e-mails", "e= emails*=email mails= emails*=email"},
      // A number makes the parts words of their own: "GPT-4" is a "gpt".
      {"GPT-4", "gpt=gpt gpt4*=gpt4 4= gpt4*=gpt4"},
      // Split words (addresses, identifiers) keep parts that are found on their own.
      {"snake_case", "snake=snake snakecase*=snakecase case=case snakecase*=snakecase"},
      {"Running", "running=run"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.input);
    CHECK(stems_of(analyzer, row.input) == row.expected);
  }
}

TEST_CASE("byte offsets point at the word as written") {
  Analyzer analyzer("english");
  std::string text = "Un café, s’il vous plaît";
  std::vector<std::string> written;
  analyzer.analyze(
      text, 0, [&](const Token& t) { written.push_back(text.substr(t.begin, t.end - t.begin)); });
  CHECK(written == std::vector<std::string>{"Un", "café", "s’il", "vous", "plaît"});
}

TEST_CASE("positions continue from the given start") {
  Analyzer analyzer("english");
  CHECK(analyzer.analyze("one two three", 10, [](const Token&) {}) == 13);
}

TEST_CASE("stemming follows the configured language") {
  const Row english[] = {{"running", "run"},
                         {"runs", "run"},
                         {"ran", "ran"},
                         {"anthropic's", "anthrop"},
                         {"connection", "connect"}};
  Analyzer analyzer("english");
  for (const Row& row : english) {
    CAPTURE(row.input);
    CHECK(analyzer.stem(row.input) == row.expected);
  }
  Analyzer french("french");
  CHECK(french.stem("continuellement") == "continuel");
  Analyzer none("none");
  CHECK(none.stem("running").empty());
  CHECK_THROWS_AS(Analyzer("klingon"), std::invalid_argument);
}

// The highlighter skips stemming words whose first letter no query stem starts with; that is
// only sound for stemmers that leave the start of a word alone.
TEST_CASE("a stemmer said to keep first letters keeps them") {
  struct LanguageRow {
    const char* language;
    bool keeps_first_letter;
    const char* text;  // inflected words, including ones a prefix-stripping stemmer would change
  };
  const LanguageRow rows[] = {
      {"english", true,
       "Generously dying skies gently running ugly idly news yelling happiness Anthropic's"},
      {"french", true, "continuellement yeux ayons hyperactivité gelées"},
      {"german", true, "Häuser gelaufen Geschäftsführerinnen übermäßig"},
      {"spanish", true, "corriendo yendo hablábamos"},
      {"russian", true, "бегущими яблоками ёлками"},
      {"swedish", true, "springande ögonen"},
      {"turkish", true, "kitaplarımızdan gözlükçüler"},
      {"indonesian", false, "menggunakan berlari"},
      {"kraaij_pohlmann", false, "gelopen"},
      {"irish", false, "bhfear"},
      {"none", false, "running"},
  };
  for (const LanguageRow& row : rows) {
    CAPTURE(row.language);
    Analyzer analyzer(row.language);
    CHECK(analyzer.stems_keep_first_letter() == row.keeps_first_letter);
    if (!row.keeps_first_letter) continue;
    analyzer.analyze(row.text, 0, [&](const Token& t) {
      CAPTURE(t.term);
      const std::string& stem = analyzer.stem(t.term);
      REQUIRE(!stem.empty());
      CHECK(stem[0] == t.term[0]);
    });
  }
  // And one that strips prefixes does change them: the flag matters.
  Analyzer indonesian("indonesian");
  CHECK(indonesian.stem("menggunakan") == "guna");
}

TEST_CASE("numbers and CJK are not stemmable, words are") {
  Analyzer analyzer("english");
  std::vector<bool> stemmable;
  analyzer.analyze("word 42 東京", 0, [&](const Token& t) { stemmable.push_back(t.stemmable); });
  CHECK(stemmable == std::vector<bool>{true, false, false});
}

TEST_CASE("normalize folds a single word like analyze does") {
  Analyzer analyzer("english");
  const Row rows[] = {
      {"Résumé", "resume"}, {"NAÏVE", "naive"}, {"Don’t", "don't"}, {"ÅNGSTRÖM", "angstrom"}};
  for (const Row& row : rows) {
    CAPTURE(row.input);
    CHECK(analyzer.normalize(row.input) == row.expected);
  }
}

TEST_CASE("a position window yields exactly the full analysis's tokens in that window") {
  Analyzer analyzer("english");
  const std::string texts[] = {
      "one two three four five six seven eight nine ten",
      "an e-mail about state-of-the-art re-indexing, caf\xC3\xA9 na\xC3\xAFve R\xC3\xA9sum\xC3\xA9 "
      "and U.S.A. done",
      "\xE6\x9D\xB1\xE4\xBA\xAC\xE5\xA4\xA7\xE5\xAD\xA6\xE3\x81\xAB\xE8\xA1\x8C\xE3\x81\x8D\xE3\x81"
      "\xBE\xE3\x81\x99 then words",
  };
  for (const std::string& text : texts) {
    std::vector<std::string> all;
    analyzer.analyze(text, 5, [&](const Token& t) {
      all.push_back(std::to_string(t.position) + ":" + t.term + ":" + std::to_string(t.begin));
    });
    for (uint32_t from = 5; from < 16; ++from) {
      for (uint32_t to = from; to < 16; to += 3) {
        CAPTURE(text);
        CAPTURE(from);
        CAPTURE(to);
        std::vector<std::string> windowed, expected;
        analyzer.analyze(text, 5,
                         [&](const Token& t) {
                           if (t.position >= from && t.position <= to)
                             windowed.push_back(std::to_string(t.position) + ":" + t.term + ":" +
                                                std::to_string(t.begin));
                         },
                         {from, to});
        for (const std::string& token : all) {
          uint32_t position = static_cast<uint32_t>(std::stoul(token));
          if (position >= from && position <= to) expected.push_back(token);
        }
        CHECK(windowed == expected);
      }
    }
  }
}
