// Languages: each document's words stemmed in its own language, and that language told from its
// text.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "analysis/analyzer.h"
#include "analysis/language_detector.h"
#include "analysis/languages.h"

using loupe::analysis::Analyzer;
using loupe::analysis::detect_language;
using loupe::analysis::StemLanguageScope;
using loupe::analysis::Token;

namespace {

// Each word of `text`'s stems, in the analyzer's stem language.
std::vector<std::string> stems(Analyzer& analyzer, const std::string& text) {
  std::vector<std::string> out;
  analyzer.analyze(text, 0, [&](const Token& t) {
    if (!t.joined) out.push_back(analyzer.token_stem(t));
  });
  return out;
}

}  // namespace

TEST_CASE("a word and its inflected forms share a stem in their language") {
  struct Row {
    std::string language, word, forms;
  };
  const Row rows[] = {
      {"it", "sviluppatore", "sviluppatori Sviluppatore"},
      {"it", "manutentore", "manutentori"},
      {"it", "dispositivo", "dispositivi"},
      {"fr", "développeur", "développeurs Developpeurs"},
      {"fr", "pilote", "pilotes"},
      {"de", "Entwickler", "Entwicklern Entwicklers"},
      {"de", "Treiber", "Treibern Treibers"},
      {"es", "desarrollador", "desarrolladores"},
      {"es", "controlador", "controladores"},
      {"ru", "разработчик", "разработчики разработчиков разработчику"},
      {"ru", "драйвер", "драйвера драйверов"},
      {"pt", "desenvolvedor", "desenvolvedores"},
      {"nl", "ontwikkelaar", "ontwikkelaars"},
      {"sv", "utvecklare", "utvecklarna"},
      // Korean is stemmed alike in every language (analysis/korean.h), and so is English in a
      // Japanese or Chinese text: as in the index's own language.
      {"ko", "패치", "패치를 패치가"},
      {"ko", "커뮤니티", "커뮤니티와"},
      {"ja", "drivers", "driver"},
      {"zh", "patches", "patch"},
  };
  Analyzer analyzer("english");
  for (const Row& row : rows) {
    CAPTURE(row.language);
    CAPTURE(row.word);
    analyzer.set_stem_language(row.language);
    std::vector<std::string> base = stems(analyzer, row.word);
    REQUIRE(base.size() == 1);
    CHECK(!base.front().empty());
    for (const std::string& stem : stems(analyzer, row.forms)) CHECK(stem == base.front());
  }
}

TEST_CASE("another language's stems are marked, the index's own are not") {
  Analyzer analyzer("english");
  CHECK(analyzer.own_language_code() == "en");
  CHECK(analyzer.stem("developers") == "develop");
  analyzer.set_stem_language("it");
  CHECK(analyzer.stem_language() == "it");
  CHECK(analyzer.stem("sviluppatori") == "svilupp@it");
  CHECK(Analyzer::language_of_stem("svilupp@it") == "it");
  CHECK(Analyzer::unmarked_stem("svilupp@it") == "svilupp");
  CHECK(Analyzer::language_of_stem("develop").empty());
  // The same letters stemmed in two languages are two stems: "data" is no Italian "dat".
  CHECK(analyzer.stem("data") != "data");
  // A Hangul word's stem is every language's.
  CHECK(analyzer.stem("패치를") == "패치");
  {
    StemLanguageScope scope(analyzer, "");
    CHECK(analyzer.stem("sviluppatori") == "sviluppatori");
  }
  CHECK(analyzer.stem_language() == "it");
  // English in a French index is marked; the own language by any of its tags is not.
  Analyzer french("french");
  french.set_stem_language("en-GB");
  CHECK(french.stem("drivers") == "driver@en");
  french.set_stem_language("FR");
  CHECK(french.stem("pilotes") == "pilot");
}

TEST_CASE("a language Snowball lacks is found as written") {
  Analyzer analyzer("english");
  analyzer.set_stem_language("pl");
  CHECK(analyzer.stem_language() == "pl");
  CHECK(stems(analyzer, "programistów drivers") ==
        std::vector<std::string>{"programistow@pl", "drivers@pl"});
  // An index without stemming stems no language.
  Analyzer none("none");
  none.set_stem_language("it");
  CHECK(none.stem("sviluppatori").empty());
}

TEST_CASE("language tags are normalised") {
  struct Row {
    std::string tag, code;
  };
  const Row rows[] = {
      {"en", "en"}, {"en-GB", "en"}, {"EN_us", "en"}, {"zh-Hant", "zh"}, {"nb", "no"},
      {"nn", "no"}, {"iw", "he"},    {"un", ""},      {"und", ""},       {"", ""},
      {"x", ""},    {"e1", ""},      {"english", ""}, {"it", "it"},      {"ko-KR", "ko"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.tag);
    CHECK(loupe::analysis::normalize_language_tag(row.tag) == row.code);
  }
  CHECK(loupe::analysis::code_of_stemmer("italian") == "it");
  CHECK(loupe::analysis::code_of_stemmer("porter") == "en");
  CHECK(loupe::analysis::code_of_stemmer("none").empty());
}

TEST_CASE("a text's language is detected, a declared one believed only when the text agrees") {
  const std::string italian =
      "Gli sviluppatori del kernel Linux devono seguire le regole descritte in questo documento "
      "prima di inviare le loro modifiche ai manutentori dei sottosistemi.";
  const std::string english =
      "Kernel developers must follow the rules described in this document before they send "
      "their changes to the maintainers of the subsystems.";
  const std::string korean =
      "커널 개발자는 패치를 보내기 전에 이 문서에 설명된 규칙을 따라야 하며 커뮤니티와 논의해야 "
      "합니다.";
  const std::string japanese =
      "カーネルの開発者は、パッチを送る前にこの文書に書かれた規則に従う必要があります。";
  // CLD2 counts a repeated passage once: a text made larger must say more.
  const std::string more_english =
      "The maintainers review each patch on the mailing list and answer with comments. A patch "
      "that changes a driver should name the hardware it was tested on, and the series should "
      "build at every step. Please read the coding style guide and run the checking script "
      "before sending anything; reviewers have little time and many patches to read.";
  const std::string russian =
      "Разработчики ядра должны следовать правилам, описанным в этом документе, прежде чем "
      "отправлять свои изменения сопровождающим подсистем.";
  struct Row {
    std::string text, declared, expected;
  };
  const Row rows[] = {
      {italian, "", "it"},
      {english, "", "en"},
      {korean, "", "ko"},
      {japanese, "", "ja"},
      {russian, "", "ru"},
      // Sphinx declares the project's language on every translated page: the text decides.
      {italian, "en", "it"},
      {italian, "it-IT", "it"},
      // Too short to tell: the index's default, whatever the page says.
      {"Ciao", "", "xx"},
      {"ok", "fr", "xx"},
      {"", "de", "xx"},
      {"gerenuk outside", "", "xx"},  // CLD2 is sure this is Chichewa
      {"\xd4", "", "xx"},             // not UTF-8: CLD2 stops at once and says nothing
      {"\xd4" + italian, "it", "xx"},
      {"dugong and fennec", "", "xx"},
      // A list of names with a few sentences: CLD2 is unsure of the names, not of the sentences.
      {"Noi, i sottoscritti sviluppatori del kernel, consideriamo pericoloso qualsiasi modulo "
       "a sorgenti chiusi. Alan Cox, Greg Kroah-Hartman, Arjan van de Ven, Hans Verkuil, "
       "Jens Axboe, Kees Cook, Wolfram Sang, Takashi Iwai, Jiri Kosina, Thomas Gleixner, "
       "Rafael J. Wysocki, Dmitry Torokhov, Mauro Carvalho Chehab, Krzysztof Kozlowski",
       "", "it"},
      // Mixed: the larger part decides.
      {italian + " " + italian + " " + english, "", "it"},
      {english + " " + more_english + " " + italian, "", "en"},
      // A short text: its declared language, when the text shows it.
      {"Gli sviluppatori del kernel", "it", "it"},
      {"Gli sviluppatori del kernel", "", "xx"},
      {"Gli sviluppatori del kernel", "fr", "xx"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.text);
    CAPTURE(row.declared);
    CHECK(detect_language(row.text, row.declared, "xx") == row.expected);
  }
}
