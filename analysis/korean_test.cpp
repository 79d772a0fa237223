// Korean stems: particles and endings off, where Korean writes them; nouns that only look like
// they end in one stay whole.
#include "analysis/korean.h"

#include <doctest/doctest.h>

#include <string>

#include "analysis/analyzer.h"

using loupe::analysis::korean_stem;

TEST_CASE("a Hangul word without its particles and endings") {
  struct Row {
    std::string word, stem;
  };
  const Row rows[] = {
      {"패치를", "패치"},          // object, after a vowel
      {"패치가", "패치"},          // subject, after a vowel
      {"패치", "패치"},            // already bare
      {"커뮤니티와", "커뮤니티"},  // "and", after a vowel
      {"책을", "책"},              // object, after a final consonant: one syllable may stay
      {"책은", "책"},
      {"커널의", "커널"},        // genitive
      {"커널에서", "커널"},      // "in", two syllables
      {"개발자들은", "개발자"},  // plural, then topic
      {"서울로", "서울"},        // 로 after ㄹ
      {"책으로", "책"},          // 으로 after a final consonant but ㄹ
      {"사용하다", "사용"},      // noun + 하다
      {"기술적인", "기술"},
      {"국가", "국가"},  // nation: 가 cannot follow 국 (final ㄱ)
      {"사이", "사이"},  // between: 이 cannot follow 사 (no final consonant)
      {"정의", "정의"},  // definition: one syllable would be left of 의
      {"정도가", "정도"},
      {"결과", "결과"},  // result: 과 would leave one syllable
      {"결과를", "결과"},
      {"하나의", "하나"},  // degree + subject: 도 stays on a word of one syllable
      {"USB를", "USB를"},  // not all Hangul: as written
      {"를", "를"},        // a particle alone is a word
  };
  for (const Row& row : rows) {
    CAPTURE(row.word);
    CHECK(korean_stem(row.word) == row.stem);
  }
}

TEST_CASE("a noun and its particle forms share their stem, and other scripts keep Snowball's") {
  loupe::analysis::Analyzer analyzer("english");
  for (const char* form :
       {"패치", "패치를", "패치가", "패치는", "패치의", "패치에서", "패치들은"}) {
    CAPTURE(form);
    CHECK(analyzer.stem(form) == "패치");
  }
  CHECK(analyzer.stem("running") == "run");
  CHECK(loupe::analysis::Analyzer("none").stem("패치를").empty());  // no stems at all
}
