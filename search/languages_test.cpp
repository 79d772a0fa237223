// Documents in several languages in one index: each found by its own language's forms of a word,
// marked as written, filtered and counted by language.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "indexer/index_run.h"
#include "search/facets.h"
#include "search/query_parser.h"
#include "search/searcher.h"
#include "tests/support/test_support.h"

using loupe::search::Facet;
using loupe::search::Searcher;
using loupe::search::SearchRequest;
using loupe::search::SearchResults;
using loupe::testing::TempDir;
using loupe::testing::write_file;

namespace {

// One short article per language, each with only the inflected forms of its words.
class MixedFolder {
 public:
  MixedFolder() {
    const std::filesystem::path docs = dir_ / "docs";
    write_file(docs / "it.txt",
               "Gli sviluppatori del kernel inviano le loro modifiche ai manutentori dei "
               "sottosistemi, che le rivedono con attenzione prima di accettarle nei dispositivi.");
    write_file(docs / "fr.txt",
               "Les développeurs du noyau envoient leurs correctifs aux mainteneurs des "
               "sous-systèmes, qui les relisent avec soin avant de les accepter.");
    write_file(docs / "de.txt",
               "Die Entwickler des Kernels schicken ihre Änderungen an die Betreuer der "
               "Subsysteme, die sie sorgfältig prüfen, bevor sie angenommen werden.");
    write_file(docs / "es.txt",
               "Los desarrolladores del núcleo envían sus cambios a los mantenedores de los "
               "subsistemas, que los revisan con cuidado antes de aceptarlos.");
    write_file(docs / "ru.txt",
               "Разработчики ядра отправляют свои изменения сопровождающим подсистем, которые "
               "внимательно проверяют их перед тем, как принять.");
    write_file(docs / "ko.txt",
               "커널 개발자는 패치를 보내기 전에 커뮤니티와 논의해야 합니다. 메인테이너는 패치가 "
               "규칙을 따르는지 확인합니다.");
    write_file(docs / "zh.txt",
               "Linux内核开发者向子系统维护者提交补丁，维护者会仔细审查每一个补丁。");
    write_file(docs / "ja.txt",
               "カーネルの開発者は、パッチを送る前にこの文書に書かれた規則に従う必要があります。");
    write_file(docs / "en.txt",
               "Kernel developers send their patches to the maintainers of each subsystem, who "
               "review them carefully before they are accepted.");
    // Too short to tell by its text alone: its declared language decides, as the text shows it.
    write_file(docs / "short-it.html",
               "<html lang=\"it-IT\"><title>Sviluppatori</title><p>Gli sviluppatori del kernel</p>"
               "</html>");
    // Declared, but the text says otherwise: the text decides.
    write_file(docs / "long-it.html",
               "<html lang=\"en\"><title>Manutentori</title><p>I manutentori dei sottosistemi "
               "rivedono ogni modifica inviata dagli sviluppatori prima di accettarla nel ramo "
               "principale del kernel.</p></html>");
    loupe::indexer::Progress quiet(stderr, false);
    loupe::indexer::IndexStats stats;
    loupe::indexer::run_index(
        {dir_ / "db", "", {docs.string()}}, quiet, [] { return false; }, stats);
    searcher_ = std::make_unique<Searcher>((dir_ / "db").string());
  }
  std::string db_path() const { return (dir_ / "db").string(); }
  SearchResults search(const std::string& query, std::vector<Facet> facets = {}) {
    return searcher_->search(SearchRequest{query, 1, 50, {}, std::move(facets), false});
  }

 private:
  TempDir dir_;
  std::unique_ptr<Searcher> searcher_;
};

MixedFolder& folder() {
  static MixedFolder f;
  return f;
}

std::set<std::string> ids(const SearchResults& results) {
  std::set<std::string> out;
  for (const auto& hit : results.hits) out.insert(hit.id);
  return out;
}

}  // namespace

TEST_CASE("a word finds its inflected forms in its own language's documents, marked as written") {
  struct Row {
    std::string query;
    std::set<std::string> found;
    std::vector<std::string> marked;  // in the first hit's snippet
  };
  const Row rows[] = {
      {"sviluppatore", {"it.txt", "short-it.html", "long-it.html"}, {"<mark>sviluppatori</mark>"}},
      {"manutentore", {"it.txt", "long-it.html"}, {"<mark>manutentori</mark>"}},
      {"dispositivo", {"it.txt"}, {"<mark>dispositivi</mark>"}},
      {"développeur", {"fr.txt"}, {"<mark>développeurs</mark>"}},
      {"correctif", {"fr.txt"}, {"<mark>correctifs</mark>"}},
      {"Änderung", {"de.txt"}, {"<mark>Änderungen</mark>"}},
      {"desarrollador", {"es.txt"}, {"<mark>desarrolladores</mark>"}},
      {"mantenedor", {"es.txt"}, {"<mark>mantenedores</mark>"}},
      {"разработчик", {"ru.txt"}, {"<mark>Разработчики</mark>"}},
      {"изменение", {"ru.txt"}, {"<mark>изменения</mark>"}},
      {"패치", {"ko.txt"}, {"<mark>패치를</mark>", "<mark>패치가</mark>"}},
      {"커뮤니티", {"ko.txt"}, {"<mark>커뮤니티와</mark>"}},
      {"补丁", {"zh.txt"}, {"<mark>补丁</mark>"}},
      {"维护者", {"zh.txt"}, {"<mark>维护者</mark>"}},
      {"パッチ", {"ja.txt"}, {"<mark>パッチ</mark>"}},
      {"開発者", {"ja.txt"}, {"<mark>開発者</mark>"}},
      // English keeps its own stems, and meets no other language's.
      {"developer", {"en.txt"}, {"<mark>developers</mark>"}},
      {"patch", {"en.txt"}, {"<mark>patches</mark>"}},
  };
  for (const Row& row : rows) {
    CAPTURE(row.query);
    SearchResults results = folder().search(row.query);
    CHECK(ids(results) == row.found);
    REQUIRE(!results.hits.empty());
    for (const std::string& mark : row.marked) {
      CAPTURE(results.hits[0].snippet);
      CHECK(results.hits[0].snippet.find(mark) != std::string::npos);
    }
  }
}

TEST_CASE("each document's language is detected, shown, filtered and counted") {
  SearchResults all = folder().search("type:text", {Facet::kLanguage});
  REQUIRE(all.hits.size() == 9);
  for (const auto& hit : all.hits) {
    CAPTURE(hit.id);
    CHECK(hit.language == hit.id.substr(0, 2));
  }
  REQUIRE(all.facets.size() == 1);
  CHECK(all.facets[0].values.size() == 9);
  for (const auto& value : all.facets[0].values) CHECK(value.count == 1);

  CHECK(ids(folder().search("lang:ko type:text")) == std::set<std::string>{"ko.txt"});
  // A tag as written anywhere: region, case.
  CHECK(ids(folder().search("lang:KO-kr type:text")) == std::set<std::string>{"ko.txt"});
  CHECK(ids(folder().search("lang:zh-Hans")) == std::set<std::string>{"zh.txt"});
  CHECK(ids(folder().search("kernel type:text")) ==
        std::set<std::string>{"it.txt", "de.txt", "en.txt"});
  CHECK(ids(folder().search("kernel -lang:en type:text")) ==
        std::set<std::string>{"it.txt", "de.txt"});
  CHECK(ids(folder().search("lang:it")) ==
        std::set<std::string>{"it.txt", "short-it.html", "long-it.html"});
  CHECK(folder().search("lang:it sviluppatore").hits.size() == 3);
  CHECK(folder().search("lang:fr sviluppatore").hits.empty());
}

TEST_CASE("another language's stem joins a query only where it finds more documents") {
  Xapian::Database db(folder().db_path());
  loupe::analysis::Analyzer analyzer("english");
  loupe::search::TermExpansions expansions;
  const std::vector<std::string> languages = {"de", "en", "es", "fr", "it", "ja", "ko", "ru", "zh"};
  struct Row {
    std::string query;
    std::string has, lacks;  // in the query's description
  };
  const Row rows[] = {
      // Italian forms that English stems apart: the Italian stem is needed.
      {"sviluppatore", "Zsvilupp@it", ""},
      // Every Italian page with "kernel" is found by the English stem it also has.
      {"kernel", "Zkernel", "@it"},
      // Not in the index in Italian at all.
      {"developers", "Zdevelop", "@"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.query);
    loupe::search::ParsedQuery parsed =
        loupe::search::parse_query(row.query, analyzer, db, expansions, languages);
    std::string description = parsed.strict.get_description();
    CAPTURE(description);
    CHECK(description.find(row.has) != std::string::npos);
    if (!row.lacks.empty()) CHECK(description.find(row.lacks) == std::string::npos);
  }
}
