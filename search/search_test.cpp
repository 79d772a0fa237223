// Search-layer tests on a real index of small fixture documents: query syntax, ranking, snippets.
#include <doctest/doctest.h>

#include <atomic>
#include <cstdio>
#include <functional>
#include <regex>
#include <set>
#include <thread>

#include "analysis/utf8.h"
#include "db/schema.h"
#include "indexer/index_run.h"
#include "search/facets.h"
#include "search/highlighter.h"
#include "search/result_cache.h"
#include "search/searcher.h"
#include "search/searcher_pool.h"
#include "search/snippet.h"
#include "tests/support/test_support.h"

using loupe::search::Searcher;
using loupe::testing::TempDir;
using loupe::testing::write_file;

namespace {

// Indexes `docs` (a folder's path) into the database at `db`, as loupe-index would.
void index_folder(const std::string& docs, const std::filesystem::path& db) {
  loupe::indexer::Progress quiet(stderr, false);
  loupe::indexer::IndexStats stats;
  loupe::indexer::run_index(
      {db, "", {docs}}, quiet, [] { return false; }, stats);
}

// A folder of fixture documents, indexed, with a searcher on it.
class IndexedFolder {
 public:
  explicit IndexedFolder(const std::function<void(const std::filesystem::path& docs)>& write) {
    write(dir_ / "docs");
    index_folder((dir_ / "docs").string(), dir_ / "db");
    searcher_ = std::make_unique<Searcher>((dir_ / "db").string());
  }
  Searcher& searcher() { return *searcher_; }
  const TempDir& dir() const { return dir_; }

 private:
  TempDir dir_;
  std::unique_ptr<Searcher> searcher_;
};

// Built once for every test case of this file.
IndexedFolder& fixture() {
  static IndexedFolder f([](const std::filesystem::path& docs) {
    write_file(
        docs / "a.txt",
        "R\xC3\xA9sum\xC3\xA9 writing tips\nA good r\xC3\xA9sum\xC3\xA9 is short. Running every "
        "morning helps; she runs daily.\n");
    write_file(docs / "b.txt",
               "Email etiquette\nSend an e-mail to the team before re-indexing the archive.\n");
    write_file(docs / "c.txt",
               "Naive approaches\nThe na\xC3\xAFve Bayes classifier don\xE2\x80\x99t need much "
               "data. GPT-4 and "
               "H100s.\n");
    write_file(docs / "d.md",
               "# Penguins of Antarctica\n\nPenguins live in cold places. The emperor penguin is "
               "the largest.\n");
    write_file(docs / "e.html",
               "<title>Walrus facts</title><p>The walrus lives in the Arctic, far from most "
               "penguins.</p>");
    write_file(docs / "f.txt",
               "\xE6\x9D\xB1\xE4\xBA\xAC\xE5\xA4\xA7\xE5\xAD\xA6\xE3\x81\xAB\xE8\xA1\x8C\xE3\x81"
               "\x8D\xE3\x81\xBE\xE3\x81\x99\xE3\x80\x82\n");
    write_file(docs / "g.txt",
               "Hostile <script>alert(1)</script> and <img src=x onerror=alert(2)> text\n");
    write_file(docs / "h.txt", "\xE2\x80\x9CQuoted words,\xE2\x80\x9D she said\n");
    write_file(docs / "i.txt",
               "Origins\nShe co-founded the lab after Tesla\xE2\x80\x99s Autopilot team.\n");
    write_file(docs / "j.txt",
               "Credits\nThe co-founders and one founder of Tesla. Later, Autopilot.\n");
    write_file(docs / "k.txt",
               "리눅스 커널에 패치를 보내는 방법\n커뮤니티와 함께 패치가 검토됩니다.\n");
  });
  return f;
}

std::string ids(const loupe::search::SearchResults& results) {
  std::string out;
  for (const auto& hit : results.hits) out += (out.empty() ? "" : " ") + hit.id;
  return out;
}

std::string strip_tags(const std::string& html) {
  return std::regex_replace(html, std::regex("<[^>]*>"), "");
}

struct Row {
  std::string query;
  std::string expected;  // ids in rank order
};

}  // namespace

TEST_CASE("words match through the indexer's analysis") {
  const Row rows[] = {
      {"resume", "a.txt"},
      {"RESUME", "a.txt"},
      {"r\xC3\xA9sum\xC3\xA9", "a.txt"},
      {"running", "a.txt"},
      {"run", "a.txt"},
      {"email", "b.txt"},
      {"e-mail", "b.txt"},
      {"\"e mail\"", "b.txt"},
      {"reindexing", "b.txt"},
      {"re-indexing", "b.txt"},
      {"naive", "c.txt"},
      {"NA\xC3\x8FVE", "c.txt"},
      {"don't", "c.txt"},
      {"don\xE2\x80\x99t", "c.txt"},
      {"gpt-4", "c.txt"},
      {"gpt4", "c.txt"},
      {"h100s", "c.txt"},
      {"\xE6\x9D\xB1\xE4\xBA\xAC", "f.txt"},
      // Korean: a noun finds the forms its particles are written onto.
      {"패치", "k.txt"},
      {"커뮤니티", "k.txt"},
      {"커널", "k.txt"},
      {"패치를", "k.txt"},
      {"nothingmatchesthis", ""},
      // A possessive is the bare word, in phrases too.
      {"\"tesla autopilot\"", "i.txt"},
      {"\"Tesla's Autopilot\"", "i.txt"},
      // Parts of a compound of words are no words of their own, and the compound is its last
      // word's stem: "co-founder" is neither "co" nor "co-founded".
      {"co", ""},
      {"co-founded", "i.txt"},
      {"co-founder", "j.txt"},
      {"co-founders", "j.txt"},
      {"\"co founded\"", "i.txt"},
      {"founder", "j.txt"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.query);
    CHECK(ids(fixture().searcher().search(row.query, 1, 10)) == row.expected);
  }
}

TEST_CASE("C++, C# and g++ are words of their own, found and marked whole") {
  IndexedFolder folder([](const std::filesystem::path& docs) {
    write_file(docs / "compilers.txt",
               "Compilers\nThe g++ compiler builds C++ code; C# needs another one.\n");
    write_file(docs / "vitamins.txt", "Vitamins\nOranges hold vitamin C, as do lemons.\n");
  });
  const Row rows[] = {
      {"c++", "compilers.txt"},          {"C#", "compilers.txt"}, {"g++", "compilers.txt"},
      {"\"c++ code\"", "compilers.txt"}, {"c", "vitamins.txt"},   {"vitamin c", "vitamins.txt"},
      {"c#++", "vitamins.txt"},  // no suffix of either kind: the letter alone
  };
  for (const Row& row : rows) {
    CAPTURE(row.query);
    CHECK(ids(folder.searcher().search(row.query, 1, 10)) == row.expected);
  }
  auto results = folder.searcher().search("c++ OR c#", 1, 10);
  REQUIRE(results.hits.size() == 1);
  CHECK(results.hits[0].snippet.find("<mark>C++</mark> code; <mark>C#</mark> needs") !=
        std::string::npos);
}

TEST_CASE("query syntax: phrases, boolean operators, prefixes, fields") {
  const Row rows[] = {
      {"\"emperor penguin\"", "d.md"},
      {"\"penguin emperor\"", ""},
      {"penguin NOT walrus", "d.md"},
      {"penguin -walrus", "d.md"},
      {"+walrus penguin", "e.html"},
      {"title:penguins", "d.md"},
      {"title:walrus", "e.html"},
      // A field before a group applies to each of its words.
      {"title:(arctic OR cold)", ""},
      {"title:(penguins antarctica)", "d.md"},
      {"penguin -title:(facts)", "d.md"},
      {"title:(walrus \"emperor penguin\")", "e.html"},
      {"walrus (type:markdown)", ""},
      {"penguin type:(html markdown)", "d.md e.html"},
      {"emperor NEAR largest", "d.md"},
      {"cold NEAR/1 largest", ""},
      {"(walrus OR email) AND etiquette", "b.txt"},
      // type: and ext: narrow what the words find.
      {"penguin type:html", "e.html"},
      {"penguins ext:md", "d.md"},
      {"type:markdown penguin", "d.md"},
      {"penguin (type:html OR ext:md) walrus", "e.html d.md"},
      {"walrus -type:html", ""},
      {"pengu*", "d.md e.html"},
      {"walrus OR etiquette", "e.html b.txt"},
      {"-penguin -walrus -resume -email -naive -hostile -quoted -tesla -리눅스", "f.txt"},
      // Lenient reading of broken syntax.
      {"\"emperor penguin", "d.md"},
      {"(walrus", "e.html"},
      {"walrus)", "e.html"},
      {"AND walrus OR", "e.html"},
      {"NOT", ""},
      {")(", ""},
      {"\"\"", ""},
      {"*", ""},
      {"title:", ""},
  };
  for (const Row& row : rows) {
    CAPTURE(row.query);
    auto results = fixture().searcher().search(row.query, 1, 10);
    if (row.query.find(" OR ") != std::string::npos && row.query.find("AND") == std::string::npos) {
      // Equal-weight alternatives: compare as sets.
      auto got = ids(results);
      CHECK(got.size() == row.expected.size());
      for (const auto& hit : results.hits) CHECK(row.expected.find(hit.id) != std::string::npos);
    } else {
      CHECK(ids(results) == row.expected);
    }
    CHECK(results.total == results.hits.size());
  }
}

namespace {

// Documents for the operators Xapian cannot run as written (wildcards in phrases and NEAR, stems
// in NEAR), for required-plus-optional words and for phrase-only marks.
IndexedFolder& operators() {
  static IndexedFolder f([](const std::filesystem::path& docs) {
    write_file(docs / "n1.txt",
               "Friends\nThe ferret and the mongoose are friends. Send an e-mail to the well-known "
               "keeper. The keeper mattered.\n");
    write_file(docs / "n2.txt", "Alone\nA single ferret lived alone.\n");
    write_file(docs / "n3.txt",
               "City\nThe dog was running fast. New York is big. Something new happened in old "
               "York.\n");
    write_file(docs / "n4.txt", "Scale\nPretraining at scale needs an email address.\n");
    std::string filler;
    for (int i = 0; i < 40; ++i) filler += "word" + std::to_string(i) + " ";
    write_file(docs / "n5.txt", "Opening\nThe new descriptor of a file is here. " + filler +
                                    "Later we close the file quickly.\n");
    write_file(docs / "n6.txt", "Mat\nA dog sat on the mat.\n");
    std::string pebbles;
    for (int i = 0; i < 30; ++i) pebbles += "pebble" + std::to_string(i) + " ";
    write_file(docs / "n8.txt", "Otters\nAn otter swims in the river. " + pebbles +
                                    "Another otter sleeps alone. The river otter is shy.\n");
    std::string twigs;
    for (int i = 0; i < 30; ++i) twigs += "twig" + std::to_string(i) + " ";
    write_file(docs / "n9.txt",
               "Dams\nA beaver swims. " + twigs + "Two beavers beaver away. " + twigs + "\n");
    write_file(docs / "n7.txt",
               "Idiom\n\xE4\xB8\x80\xE7\x9F\xB3\xE4\xBA\x8C\xE9\xB3\xA5\n");  // 一石二鳥
  });
  return f;
}

std::set<std::string> id_set(const loupe::search::SearchResults& results) {
  std::set<std::string> out;
  for (const auto& hit : results.hits) out.insert(hit.id);
  return out;
}

}  // namespace

TEST_CASE("wildcards and stems inside phrases and NEAR, required words, excluding groups") {
  struct SetRow {
    std::string query;
    std::set<std::string> expected;
  };
  const SetRow rows[] = {
      {"e-ma*", {"n1.txt", "n4.txt"}},  // e-mail, and email: the joined form as a prefix
      {"\"ferret and the mon*\"", {"n1.txt"}},
      {"dog NEAR/2 running NEAR/2 fast", {"n3.txt"}},
      {"dog NEAR/2 running NEAR/2 york", {}},
      {"well-kn*", {"n1.txt"}},
      {"ferret NEAR mongo*", {"n1.txt"}},
      {"fer* NEAR mongoose", {"n1.txt"}},
      {"run NEAR dog", {"n3.txt"}},
      {"dogs NEAR running", {"n3.txt"}},
      {"+ferret mongoose", {"n1.txt", "n2.txt"}},
      {"ferret (NOT mongoose)", {"n2.txt"}},
      {"ferret (-mongoose)", {"n2.txt"}},
      {"ferret AND (NOT mongoose)", {"n2.txt"}},
      // NOT and - bind tighter than AND, after it or before it.
      {"ferret AND -mongoose", {"n2.txt"}},
      {"ferret AND NOT mongoose", {"n2.txt"}},
      {"NOT mongoose AND ferret", {"n2.txt"}},
      {"-mongoose AND ferret", {"n2.txt"}},
      {"NOT mongoose AND NOT dog AND ferret", {"n2.txt"}},
      {"keeper AND -ferret", {}},
      // An excluded group leaves out every document it matches, with any of its words.
      {"ferret -(mongoose keeper)", {"n2.txt"}},
      {"ferret NOT (mongoose keeper)", {"n2.txt"}},
      {"ferret -(mongoose OR keeper)", {"n2.txt"}},
      {"ferret -(mongoose AND alone)", {"n1.txt", "n2.txt"}},
      {"dog -(mat OR york)", {}},
      {"dog -(mat york)", {}},
      {"dog NOT (mat york)", {}},
      {"dog NOT mat OR york", {}},
      {"dog -mat", {"n3.txt"}},
      {"\"e mail\"", {"n1.txt", "n4.txt"}},
      {"\"pre training\"", {"n4.txt"}},
      {"\"pre training at\"", {"n4.txt"}},
      {"zz* NEAR ferret", {}},
      // The second pair of a four-ideograph word, which the query alone splits in two.
      {"\xE4\xBA\x8C\xE9\xB3\xA5", {"n7.txt"}},
  };
  for (const SetRow& row : rows) {
    CAPTURE(row.query);
    auto results = operators().searcher().search(row.query, 1, 10);
    CHECK(id_set(results) == row.expected);
    CHECK(results.total == row.expected.size());
  }
  // The required word's documents all come, those with the optional one first.
  CHECK(ids(operators().searcher().search("+ferret mongoose", 1, 10)) == "n1.txt n2.txt");
}

TEST_CASE("words searched as part of a phrase are marked only where the phrase is") {
  struct MarkRow {
    std::string query;
    std::string id;
    std::vector<std::string> marked;
    std::vector<std::string> unmarked;
  };
  const MarkRow rows[] = {
      {"\"new york\"",
       "n3.txt",
       {"<mark>New</mark> <mark>York</mark> is"},
       {"<mark>new</mark>", "old <mark>York"}},
      {"\"the ferret\"",
       "n1.txt",
       {"<mark>The</mark> <mark>ferret</mark>"},
       {"<mark>the</mark> mongoose", "<mark>the</mark> well"}},
      {"e-ma*", "n1.txt", {"<mark>e-mail</mark>"}, {"<mark>mattered"}},
      {"mongoose \"the ferret\"",
       "n1.txt",
       {"<mark>mongoose</mark>"},
       {"<mark>the</mark> mongoose"}},
      // The passage is where the phrase is, not where its words are near each other.
      {"\"the file\"",
       "n5.txt",
       {"<mark>the</mark> <mark>file</mark> quickly"},
       {"<mark>The</mark> new"}},
      // A word of its own matching by stem is marked though a phrase holds the same form.
      {"\"lazy dog\" dogs", "n6.txt", {"<mark>dog</mark>"}, {}},
  };
  for (const MarkRow& row : rows) {
    CAPTURE(row.query);
    auto results = operators().searcher().search(row.query, 1, 10);
    REQUIRE(!results.hits.empty());
    CHECK(results.hits[0].id == row.id);
    const std::string& snippet = results.hits[0].snippet;
    CAPTURE(snippet);
    for (const std::string& mark : row.marked) CHECK(snippet.find(mark) != std::string::npos);
    for (const std::string& mark : row.unmarked) CHECK(snippet.find(mark) == std::string::npos);
  }
}

TEST_CASE("words of a NEAR are marked only where they are near each other") {
  struct NearRow {
    std::string query;
    std::string document;
    std::vector<std::string> marked;    // in the document view
    std::vector<std::string> unmarked;  // nowhere in it
    size_t marks;
  };
  const NearRow rows[] = {
      {"otter NEAR/2 river",
       "n8.txt",
       {"<mark>river</mark> <mark>otter</mark> is shy"},
       {"<mark>otter</mark> swims", "the <mark>river</mark>.", "Another <mark>otter"},
       2},
      {"river NEAR/2 otters",
       "n8.txt",  // any form of the word, either order
       {"<mark>river</mark> <mark>otter</mark>"},
       {"<mark>Otters", "<mark>otter</mark> swims"},
       2},
      // A word also searched on its own is marked everywhere; its partner only where near.
      {"otter NEAR/2 river otter",
       "n8.txt",
       {"<mark>otter</mark> swims", "Another <mark>otter</mark>",
        "<mark>river</mark> <mark>otter</mark>"},
       {"the <mark>river</mark>."},
       5},
      {"otter NEAR/2 river NEAR/3 shy",
       "n8.txt",
       {"<mark>river</mark> <mark>otter</mark> is <mark>shy</mark>"},
       {"<mark>otter</mark> swims"},
       3},
      {"ott* NEAR/1 river",
       "n8.txt",
       {"<mark>river</mark> <mark>otter</mark>"},
       {"<mark>otter</mark> swims"},
       2},
      // Across fields no one text holds the chain: each word keeps its own marks, in either order.
      {"otter NEAR/3 title:otters",
       "n8.txt",
       {"Another <mark>otter</mark>", "river <mark>otter</mark> is", "<mark>Otters</mark>"},
       {"the <mark>river</mark>."},
       4},
      {"title:otters NEAR/3 otter",
       "n8.txt",
       {"Another <mark>otter</mark>", "river <mark>otter</mark> is", "<mark>Otters</mark>"},
       {"the <mark>river</mark>."},
       4},
      // Operands sharing a word need a word each, as Xapian's NEAR does: one "beaver" is no
      // match for "beaver NEAR beavers".
      {"beaver NEAR/1 beavers",
       "n9.txt",
       {"<mark>beavers</mark> <mark>beaver</mark> away"},
       {"<mark>beaver</mark> swims"},
       2},
      {"beav* NEAR/1 beaver",
       "n9.txt",
       {"<mark>beavers</mark> <mark>beaver</mark> away"},
       {"<mark>beaver</mark> swims"},
       2},
  };
  for (const NearRow& row : rows) {
    CAPTURE(row.query);
    auto results = operators().searcher().search(row.query, 1, 10);
    REQUIRE(results.hits.size() == 1);
    CHECK(results.hits[0].id == row.document);
    CAPTURE(results.hits[0].snippet);
    CHECK(results.hits[0].snippet.find(row.marked.back()) != std::string::npos);
    auto view = operators().searcher().document(row.document, row.query);
    REQUIRE(view.has_value());
    REQUIRE(view->html.has_value());
    CAPTURE(*view->html);
    for (const std::string& mark : row.marked) CHECK(view->html->find(mark) != std::string::npos);
    for (const std::string& mark : row.unmarked) CHECK(view->html->find(mark) == std::string::npos);
    CHECK(view->matches == row.marks);
  }
}

TEST_CASE("a document whose file name is not UTF-8 is found and opened by the id a hit gives") {
  static IndexedFolder folder([](const std::filesystem::path& docs) {
    write_file(docs / "caf\xE9 50%.txt", "Menu\nA croissant and a coffee.\n");  // Latin-1 name
    // Looks escaped, and is a name as it is.
    write_file(docs / "caf%E9.txt", "Decoy\nA croissant, named like an escaped id.\n");
    write_file(docs / "plain.txt", "Plain\nAnother croissant here.\n");
  });
  for (const char* words : {"coffee", "named", "here"}) {
    CAPTURE(words);
    auto results = folder.searcher().search(words, 1, 10);
    REQUIRE(results.hits.size() == 1);
    const std::string& id = results.hits[0].id;
    CAPTURE(id);
    CHECK(loupe::analysis::is_valid_utf8(id));  // JSON carries it unchanged
    auto view = folder.searcher().document(id, "");
    REQUIRE(view.has_value());
    CHECK(view->text.find(words) != std::string::npos);
    CHECK(view->id == id);
  }
  CHECK(ids(folder.searcher().search("coffee", 1, 10)) == "caf%E9 50%25.txt");
  CHECK(ids(folder.searcher().search("named", 1, 10)) == "caf%E9.txt");
  CHECK_FALSE(folder.searcher().document("caf\xEF\xBF\xBD 50%.txt", "").has_value());
}

TEST_CASE("documents with every word come first, title matches rank higher") {
  // Both words: e.html; one word only: d.md, even though it says "penguin" three times.
  CHECK(ids(fixture().searcher().search("penguins walrus", 1, 10)) == "e.html d.md");
  // The title match ranks above a passing mention.
  CHECK(ids(fixture().searcher().search("penguin", 1, 10)) == "d.md e.html");
}

TEST_CASE("pages split the ranked list and total counts every match") {
  auto all = fixture().searcher().search("penguins walrus", 1, 10);
  auto page1 = fixture().searcher().search("penguins walrus", 1, 1);
  auto page2 = fixture().searcher().search("penguins walrus", 2, 1);
  auto page3 = fixture().searcher().search("penguins walrus", 3, 1);
  CHECK(page1.total == 2);
  CHECK(page2.total == 2);
  REQUIRE(page1.hits.size() == 1);
  REQUIRE(page2.hits.size() == 1);
  CHECK(page1.hits[0].id == all.hits[0].id);
  CHECK(page2.hits[0].id == all.hits[1].id);
  CHECK(page3.hits.empty());
}

// Enough documents that the ranked pass stops before seeing every match, so that totals come from
// the counting pass; paging through every page must visit each match once, all-words ones first.
TEST_CASE("totals are exact and pages cover every match once, on any page size") {
  TempDir dir;
  const int kDocs = 150;
  auto has = [](int i, const std::string& word) {
    return (word == "alpha" && i % 2 == 0) || (word == "beta" && i % 3 == 0) ||
           (word == "gamma" && i % 5 == 0);
  };
  for (int i = 0; i < kDocs; ++i) {
    std::string text = "Document " + std::to_string(i) + "\nfiller words";
    for (const char* word : {"alpha", "beta", "gamma"})
      if (has(i, word)) text += std::string(" ") + word;
    text += " more filler.\n";
    char name[16];
    std::snprintf(name, sizeof name, "d%03d.txt", i);
    write_file(dir / "docs" / name, text);
  }
  index_folder((dir / "docs").string(), dir / "db");
  Searcher searcher((dir / "db").string());

  struct CountRow {
    std::string query;
    std::function<bool(int)> matches;
    std::function<bool(int)> has_all;  // for default-operator queries: ranked first
  };
  const CountRow rows[] = {
      {"alpha", [&](int i) { return has(i, "alpha"); }, nullptr},
      {"alpha beta", [&](int i) { return has(i, "alpha") || has(i, "beta"); },
       [&](int i) { return has(i, "alpha") && has(i, "beta"); }},
      {"alpha beta gamma",
       [&](int i) { return has(i, "alpha") || has(i, "beta") || has(i, "gamma"); },
       [&](int i) { return has(i, "alpha") && has(i, "beta") && has(i, "gamma"); }},
      {"beta OR gamma", [&](int i) { return has(i, "beta") || has(i, "gamma"); }, nullptr},
      {"alpha AND gamma", [&](int i) { return has(i, "alpha") && has(i, "gamma"); }, nullptr},
      {"alpha -beta", [&](int i) { return has(i, "alpha") && !has(i, "beta"); }, nullptr},
      {"filler", [](int) { return true; }, nullptr},
      // Positional queries rank and count in one pass.
      {"\"filler words\"", [](int) { return true; }, nullptr},
      {"\"words alpha\"", [&](int i) { return has(i, "alpha"); }, nullptr},
      {"alpha NEAR/3 gamma", [&](int i) { return has(i, "alpha") && has(i, "gamma"); }, nullptr},
  };
  for (const CountRow& row : rows) {
    std::set<std::string> expected;
    for (int i = 0; i < kDocs; ++i) {
      char name[16];
      std::snprintf(name, sizeof name, "d%03d.txt", i);
      if (row.matches(i)) expected.insert(name);
    }
    for (unsigned per_page : {1u, 7u, 10u, 100u}) {
      CAPTURE(row.query);
      CAPTURE(per_page);
      std::vector<std::string> seen;
      for (unsigned page = 1; page <= kDocs + 1; ++page) {
        auto results = searcher.search(row.query, page, per_page);
        CHECK(results.total == expected.size());
        if (results.hits.empty()) break;
        for (const auto& hit : results.hits) seen.push_back(hit.id);
      }
      CHECK(std::set<std::string>(seen.begin(), seen.end()) == expected);
      CHECK(seen.size() == expected.size());
      if (row.has_all) {
        // Every document with all the words comes before any with only some.
        bool in_rest = false;
        for (const std::string& id : seen) {
          bool all = row.has_all(std::stoi(id.substr(1, 3)));
          CHECK_FALSE((all && in_rest));
          in_rest = in_rest || !all;
        }
      }
    }
  }
}

TEST_CASE("snippets mark the words as written, escaped") {
  struct SnippetRow {
    std::string query;
    std::string id;
    std::vector<std::string> marked;
  };
  const SnippetRow rows[] = {
      {"resume", "a.txt", {"<mark>r\xC3\xA9sum\xC3\xA9</mark>"}},
      {"running", "a.txt", {"<mark>Running</mark>", "<mark>runs</mark>"}},
      {"email", "b.txt", {"<mark>e-mail</mark>"}},
      // A compound found as its parts is marked whole; one part alone is marked alone.
      {"\"an e-mail to\"", "b.txt", {"<mark>an</mark> <mark>e-mail</mark> <mark>to</mark>"}},
      {"\"e mail\"", "b.txt", {"<mark>e-mail</mark>"}},
      {"reindexing", "b.txt", {"<mark>re-indexing</mark>"}},
      {"\"re indexing\"", "b.txt", {"<mark>re-indexing</mark>"}},
      {"naive", "c.txt", {"<mark>na\xC3\xAFve</mark>"}},
      {"dont OR don't", "c.txt", {"<mark>don\xE2\x80\x99t</mark>"}},
      {"pengu*", "d.md", {"<mark>Penguins</mark>", "<mark>penguin</mark>"}},
      {"\xE6\x9D\xB1\xE4\xBA\xAC", "f.txt", {"<mark>\xE6\x9D\xB1\xE4\xBA\xAC</mark>"}},
      {"alert",
       "g.txt",
       {"&lt;script&gt;<mark>alert</mark>(1)&lt;/script&gt;",
        "&lt;img src=x onerror=<mark>alert</mark>(2)&gt;"}},
      {"quoted", "h.txt", {"\xE2\x80\x9C<mark>Quoted</mark> words,\xE2\x80\x9D"}},
      // A possessive is marked as written; a compound of words found whole is marked whole.
      {"\"tesla autopilot\"", "i.txt", {"<mark>Tesla\xE2\x80\x99s</mark> <mark>Autopilot</mark>"}},
      {"co-founded", "i.txt", {"<mark>co-founded</mark>"}},
      {"패치", "k.txt", {"<mark>패치를</mark>", "<mark>패치가</mark>"}},
      {"founder", "j.txt", {"The co-founders and one <mark>founder</mark>"}},
  };
  for (const SnippetRow& row : rows) {
    CAPTURE(row.query);
    auto results = fixture().searcher().search(row.query, 1, 10);
    REQUIRE(!results.hits.empty());
    CHECK(results.hits[0].id == row.id);
    for (const std::string& mark : row.marked) {
      CAPTURE(mark);
      CHECK(results.hits[0].snippet.find(mark) != std::string::npos);
    }
    CHECK(results.hits[0].snippet.find("<script") == std::string::npos);
  }
  auto titled = fixture().searcher().search("resume", 1, 10);
  CHECK(titled.hits[0].title_html == "<mark>R\xC3\xA9sum\xC3\xA9</mark> writing tips");
  auto excluded = fixture().searcher().search("penguin -walrus", 1, 10);
  CHECK(excluded.hits[0].snippet.find("<mark>walrus") == std::string::npos);
}

TEST_CASE("a word searched in the title is marked in the title, not in the text") {
  struct FieldRow {
    std::string query;
    std::string id;
    std::string title_html;
    std::vector<std::string> marked;    // in the snippet
    std::vector<std::string> unmarked;  // nowhere in the snippet
    size_t view_matches;                // marks in the document view
  };
  const FieldRow rows[] = {
      {"walrus", "e.html", "<mark>Walrus</mark> facts", {"<mark>walrus</mark> lives"}, {}, 1},
      {"title:walrus", "e.html", "<mark>Walrus</mark> facts", {}, {"<mark>"}, 0},
      {"title:walrus penguins",
       "e.html",
       "<mark>Walrus</mark> facts",
       {"<mark>penguins</mark>"},
       {"<mark>walrus"},
       1},
      {"title:\"walrus facts\"",
       "e.html",
       "<mark>Walrus</mark> <mark>facts</mark>",
       {},
       {"<mark>"},
       0},
      {"title:(penguins antarctica)",
       "d.md",
       "<mark>Penguins</mark> of <mark>Antarctica</mark>",
       {},
       {"<mark>"},
       0},
      {"title:pengu*", "d.md", "<mark>Penguins</mark> of Antarctica", {}, {"<mark>"}, 0},
  };
  for (const FieldRow& row : rows) {
    CAPTURE(row.query);
    auto results = fixture().searcher().search(row.query, 1, 10);
    REQUIRE(!results.hits.empty());
    CHECK(results.hits[0].id == row.id);
    CHECK(results.hits[0].title_html == row.title_html);
    const std::string& snippet = results.hits[0].snippet;
    CAPTURE(snippet);
    for (const std::string& mark : row.marked) CHECK(snippet.find(mark) != std::string::npos);
    for (const std::string& mark : row.unmarked) CHECK(snippet.find(mark) == std::string::npos);
    auto view = fixture().searcher().document(row.id, row.query);
    REQUIRE(view.has_value());
    CHECK(view->matches == row.view_matches);
  }
}

TEST_CASE("a snippet from a long document is a short passage around the match") {
  TempDir tmp;
  std::string filler;
  for (int i = 0; filler.size() < 200000; ++i)
    filler += "ordinary filler sentence number " + std::to_string(i) + ". ";
  size_t middle = filler.size() / 2;
  middle = filler.find(". ", middle) + 2;
  std::string text = "Long document\n" + filler.substr(0, middle) + "Here the zeppelin appears. " +
                     filler.substr(middle);
  write_file(tmp / "docs/long.txt", text);
  index_folder((tmp / "docs").string(), tmp / "db");
  Searcher searcher((tmp / "db").string());
  auto results = searcher.search("zeppelin", 1, 10);
  REQUIRE(results.hits.size() == 1);
  const std::string& snippet = results.hits[0].snippet;
  CHECK(snippet.find("<mark>zeppelin</mark>") != std::string::npos);
  CHECK(snippet.rfind("\xE2\x80\xA6 ", 0) == 0);
  CHECK(snippet.size() >= 3);
  CHECK(snippet.substr(snippet.size() - 3) == "\xE2\x80\xA6");
  size_t chars = loupe::analysis::count_chars(strip_tags(snippet));
  CHECK(chars >= 150);
  CHECK(chars <= loupe::search::kSnippetChars + 4);
  // Cut at word boundaries: the passage starts and ends with whole words.
  std::string plain = strip_tags(snippet);
  CHECK(std::regex_search(plain, std::regex("^\xE2\x80\xA6 [A-Za-z0-9]")));
  CHECK(std::regex_search(plain, std::regex("[A-Za-z0-9.] \xE2\x80\xA6$")));
}

TEST_CASE("a match near the end, or in CJK text, still gets a full-length snippet") {
  TempDir tmp;
  std::string filler;
  for (int i = 0; filler.size() < 20000; ++i)
    filler += "ordinary filler sentence number " + std::to_string(i) + ". ";
  write_file(tmp / "docs/end.txt", "Ending\n" + filler + "And at last the zeppelin lands.");
  std::string cjk;
  for (int i = 0; i < 200; ++i)
    cjk +=
        "\xE6\x88\x91\xE5\x96\x9C\xE6\xAC\xA2\xE5\x8C\x97\xE4\xBA\xAC\xE3\x80\x82";  // 我喜欢北京。
  write_file(tmp / "docs/cjk.txt", "CJK\n" + cjk + "\xE4\xB8\x8A\xE6\xB5\xB7" + cjk);  // 上海
  // Compounds before the match (their joined forms come out of text order), a dotted last word.
  write_file(tmp / "docs/compounds.txt",
             "Compounds\nUse C++ and C# with node.js; mail user@example.com or see "
             "https://example.org/path. Version 3.14 released. O\xE2\x80\x99"
             "Brien\xE2\x80\x99s dog. "
             "The co-operation of well-known, hard-working, state-of-the-art teams.");
  write_file(tmp / "docs/dotted.txt", "Dotted\n" + filler.substr(0, 2000) + " lambda numbat.org");
  index_folder((tmp / "docs").string(), tmp / "db");
  Searcher searcher((tmp / "db").string());
  const Row rows[] = {{"zeppelin", "end.txt"},
                      {"\xE4\xB8\x8A\xE6\xB5\xB7", "cjk.txt"},
                      {"teams", "compounds.txt"},
                      {"numbat", "dotted.txt"}};
  for (const Row& row : rows) {
    CAPTURE(row.query);
    auto results = searcher.search(row.query, 1, 10);
    REQUIRE(results.hits.size() == 1);
    CHECK(results.hits[0].id == row.expected);
    const std::string& snippet = results.hits[0].snippet;
    CAPTURE(snippet);
    CHECK(snippet.find("<mark>") != std::string::npos);
    size_t chars = loupe::analysis::count_chars(strip_tags(snippet));
    CHECK(chars >= 180);
    CHECK(chars <= loupe::search::kSnippetChars + 4);
    // What ends the text is not cut: no "…" after the last word.
    if (row.expected != "cjk.txt") CHECK(snippet.substr(snippet.size() - 3) != "\xE2\x80\xA6");
  }
}

TEST_CASE("the document view marks every match in the whole text") {
  auto view = fixture().searcher().document("d.md", "penguin");
  REQUIRE(view);
  CHECK(view->title == "Penguins of Antarctica");
  CHECK(view->matches == 3);
  REQUIRE(view->html);
  CHECK(view->html->find("The emperor <mark>penguin</mark> is") != std::string::npos);
  auto hostile = fixture().searcher().document("g.txt", "alert");
  REQUIRE(hostile);
  CHECK(hostile->html->find("<script") == std::string::npos);
  CHECK(hostile->html->find("&lt;script&gt;") != std::string::npos);
  CHECK_FALSE(fixture().searcher().document("missing.txt", ""));
  auto plain = fixture().searcher().document("a.txt", "");
  REQUIRE(plain);
  CHECK_FALSE(plain->html);
}

TEST_CASE("a searcher opened before the index exists finds documents once it does") {
  TempDir tmp;
  Searcher searcher((tmp / "db").string());
  CHECK(searcher.document_count() == 0);
  CHECK(searcher.search("anything", 1, 10).hits.empty());
  write_file(tmp / "docs/x.txt", "late arrival words\n");
  index_folder((tmp / "docs").string(), tmp / "db");
  searcher.refresh(std::chrono::milliseconds(0));
  CHECK(searcher.document_count() == 1);
  CHECK(ids(searcher.search("arrival", 1, 10)) == "x.txt");
}

TEST_CASE("an index deleted and built again in its place is searched, at the same revision") {
  TempDir tmp;
  write_file(tmp / "a/one.txt", "Apple\napple pie recipe\n");
  write_file(tmp / "b/two.txt", "Banana\nbanana bread recipe\n");
  index_folder((tmp / "a").string(), tmp / "db");
  loupe::search::SearcherPool pool((tmp / "db").string(), 1, 1 << 20, 1 << 20);
  CHECK(ids(*pool.search("recipe", 1, 10)) == "one.txt");
  uint64_t revision = pool.acquire()->revision();
  std::filesystem::remove_all(tmp / "db");
  index_folder((tmp / "b").string(), tmp / "db");
  pool.acquire()->refresh(std::chrono::milliseconds(0));
  {
    auto searcher = pool.acquire();
    CHECK(searcher->revision() == revision);  // the case reopen() alone misses
    CHECK(searcher->document_count() == 1);
    CHECK_FALSE(searcher->document("one.txt", ""));
    CHECK(searcher->document("two.txt", ""));
  }
  // Nor does the result cache answer from the index that is gone.
  CHECK(ids(*pool.search("recipe", 1, 10)) == "two.txt");
  CHECK(ids(*pool.search("banana", 1, 10)) == "two.txt");
}

TEST_CASE("an index that appears later is searched in its own language") {
  TempDir tmp;
  Searcher searcher((tmp / "db").string());
  CHECK(searcher.search("chanter", 1, 10).hits.empty());
  write_file(tmp / "docs/x.txt", "Les enfants chantaient doucement.\n");
  loupe::indexer::Progress quiet(stderr, false);
  loupe::indexer::IndexStats stats;
  loupe::indexer::run_index(
      {tmp / "db", "french", {(tmp / "docs").string()}}, quiet, [] { return false; }, stats);
  searcher.refresh(std::chrono::milliseconds(0));
  // French stems "chanter" and "chantaient" alike; English does not.
  CHECK(ids(searcher.search("chanter", 1, 10)) == "x.txt");
}

TEST_CASE("the words of a stem are read again after a re-index") {
  TempDir tmp;
  std::string filler;
  for (int i = 0; filler.size() < 3000; ++i)
    filler += "plain filler words " + std::to_string(i) + ". ";
  write_file(tmp / "docs/a.txt", "Alpha\nThey were running.\n");
  index_folder((tmp / "docs").string(), tmp / "db");
  Searcher searcher((tmp / "db").string());
  CHECK(ids(searcher.search("run", 1, 10)) == "a.txt");
  // A form of the stem the index did not hold before, far into a text: the snippet finds it only
  // through the stem's words as the index holds them now.
  write_file(tmp / "docs/b.txt", "Bravo\n" + filler + "She runs daily.\n");
  index_folder((tmp / "docs").string(), tmp / "db");
  searcher.refresh(std::chrono::milliseconds(0));
  auto results = searcher.search("run", 1, 10);
  REQUIRE(results.hits.size() == 2);
  for (const auto& hit : results.hits) {
    CAPTURE(hit.id);
    CHECK(hit.snippet.find("<mark>run") != std::string::npos);
  }
}

TEST_CASE("the document cache changes no answer, and a re-index shows through it") {
  Searcher uncached((fixture().dir() / "db").string(), 0);
  Searcher& cached = fixture().searcher();
  const std::string queries[] = {"resume",         "e-mail", "penguin", "walrus OR penguins",
                                 "\"the walrus\"", "runn*",  "alert",   "quoted"};
  for (int pass = 0; pass < 2; ++pass) {  // the second from what the first left in the cache
    for (const std::string& query : queries) {
      CAPTURE(query);
      auto want = uncached.search(query, 1, 10);
      auto got = cached.search(query, 1, 10);
      REQUIRE(got.hits.size() == want.hits.size());
      CHECK(got.total == want.total);
      for (size_t i = 0; i < want.hits.size(); ++i) {
        CHECK(got.hits[i].id == want.hits[i].id);
        CHECK(got.hits[i].title_html == want.hits[i].title_html);
        CHECK(got.hits[i].snippet == want.hits[i].snippet);
      }
    }
  }

  TempDir tmp;
  std::string filler;
  for (int i = 0; filler.size() < 30000; ++i)
    filler += "plain filler words " + std::to_string(i) + ". ";
  write_file(tmp / "docs/x.txt", "Before\n" + filler + "The narwhal sleeps here.\n");
  index_folder((tmp / "docs").string(), tmp / "db");
  Searcher searcher((tmp / "db").string());
  std::string before = searcher.search("narwhal", 1, 10).hits.at(0).snippet;
  CHECK(before.find("sleeps") != std::string::npos);
  write_file(tmp / "docs/x.txt", "After\nShorter now: the narwhal dances.\n");
  index_folder((tmp / "docs").string(), tmp / "db");
  searcher.refresh(std::chrono::milliseconds(0));
  auto after = searcher.search("narwhal", 1, 10);
  REQUIRE(after.hits.size() == 1);
  CHECK(after.hits[0].title == "After");
  CHECK(after.hits[0].snippet.find("<mark>narwhal</mark> dances") != std::string::npos);
  CHECK(after.hits[0].snippet.find("sleeps") == std::string::npos);
}

TEST_CASE("the result cache keeps recent results within its size, keyed by revision") {
  using loupe::search::ResultCache;
  using loupe::search::SearchResults;
  auto results = [](size_t snippet_bytes) {
    auto r = std::make_shared<SearchResults>();
    r->total = 1;
    loupe::search::Hit hit;
    hit.id = "id";
    hit.snippet = std::string(snippet_bytes, 'x');
    r->hits.push_back(hit);
    return std::shared_ptr<const SearchResults>(r);
  };
  auto key = [](const char* index, uint64_t revision, const std::string& query, unsigned page,
                unsigned per_page) {
    loupe::search::SearchRequest request;
    request.query = query;
    request.page = page;
    request.per_page = per_page;
    return ResultCache::key(index, revision, request);
  };
  // The sort order and the facets asked for are part of the key.
  loupe::search::SearchRequest newest{"q", 1, 10, loupe::search::SortOrder::kNewest, {}, true};
  loupe::search::SearchRequest as_typed{"q", 1,    10, loupe::search::SortOrder::kRelevance,
                                        {},  false};
  CHECK(ResultCache::key("u", 7, as_typed) != key("u", 7, "q", 1, 10));
  loupe::search::SearchRequest faceted{
      "q", 1, 10, loupe::search::SortOrder::kRelevance, {loupe::search::Facet::kYear}, true};
  CHECK(ResultCache::key("u", 7, newest) != key("u", 7, "q", 1, 10));
  CHECK(ResultCache::key("u", 7, faceted) != key("u", 7, "q", 1, 10));
  CHECK(ResultCache::key("u", 7, faceted) != ResultCache::key("u", 7, newest));
  ResultCache cache(20000);
  cache.insert(key("u", 7, "q", 1, 10), results(1000));
  CHECK(cache.find(key("u", 7, "q", 1, 10)));
  CHECK_FALSE(cache.find(key("u", 8, "q", 1, 10)));  // a new revision of the index
  CHECK_FALSE(cache.find(key("v", 7, "q", 1, 10)));  // an index built anew
  CHECK_FALSE(cache.find(key("u", 7, "q", 2, 10)));
  CHECK_FALSE(cache.find(key("u", 7, "q", 1, 20)));
  CHECK(key("u", 7, "a/1", 1, 10) != key("u", 7, "a", 11, 10));
  // Filling it drops the least recently used first.
  cache.insert(key("u", 7, "old", 1, 10), results(1000));
  for (int i = 0; i < 40; ++i) {
    cache.find(key("u", 7, "q", 1, 10));  // keeps "q" in use
    cache.insert(key("u", 7, "filler" + std::to_string(i), 1, 10), results(1000));
  }
  CHECK(cache.find(key("u", 7, "q", 1, 10)));
  CHECK_FALSE(cache.find(key("u", 7, "old", 1, 10)));
  CHECK_FALSE(cache.find(key("u", 7, "filler0", 1, 10)));
  CHECK(cache.find(key("u", 7, "filler39", 1, 10)));
  ResultCache off(0);
  off.insert(key("u", 1, "q", 1, 10), results(10));
  CHECK_FALSE(off.find(key("u", 1, "q", 1, 10)));
}

TEST_CASE("HTML escaping and one-line flattening of passages") {
  using loupe::search::escape_html;
  using loupe::search::Highlighter;
  const std::pair<std::string, std::string> escapes[] = {
      {"", ""},
      {"plain text", "plain text"},
      {"a<b>c", "a&lt;b&gt;c"},
      {"&&", "&amp;&amp;"},
      {"'\"", "&#39;&quot;"},
      {"<", "&lt;"},
      {"caf\xC3\xA9 & co", "caf\xC3\xA9 &amp; co"},
      {"x'y\"z>", "x&#39;y&quot;z&gt;"},
      {"tab\tand\nnewline", "tab\tand\nnewline"},  // kept as they are when not flattened
  };
  for (const auto& row : escapes) {
    const std::string& input = row.first;
    const std::string& expected = row.second;
    CAPTURE(input);
    CHECK(escape_html(input) == expected);
  }
  // Runs of white space become one space, at the ends too; the rest is escaped.
  const std::pair<std::string, std::string> flattened[] = {
      {"a  b", "a b"}, {"  a \n\n\t b  ", " a b "}, {"x<y\r\n\f\vz", "x&lt;y z"},    {"\n", " "},
      {"", ""},        {"a\t&\tb", "a &amp; b"},    {"<<  >>", "&lt;&lt; &gt;&gt;"},
  };
  for (const auto& row : flattened) {
    const std::string& input = row.first;
    const std::string& expected = row.second;
    CAPTURE(input);
    CHECK(Highlighter::render(input, 0, input.size(), {}, /*flatten=*/true) == expected);
    CHECK(Highlighter::render(input, 0, input.size(), {}, /*flatten=*/false) == escape_html(input));
  }
}

TEST_CASE("queries with exclusions, searched on many threads at once, all answer the same") {
  // Each thread has its own searcher, as the pool gives them out. Exclusions once copied
  // Xapian's one static MatchAll query, whose reference count is not atomic: searches on
  // several threads corrupted it, and the server crashed in libxapian within minutes of load.
  const std::string db = (fixture().dir() / "db").string();
  const std::vector<std::string> queries = {"-penguins", "walrus NOT arctic", "(NOT penguins)",
                                            "NOT walrus AND NOT penguins", "e-mail -team"};
  std::vector<std::string> expected;
  {
    Searcher one(db);
    for (const auto& q : queries) expected.push_back(ids(one.search(q, 1, 50)));
  }
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      Searcher searcher(db);
      for (int round = 0; round < 400; ++round)
        for (size_t i = 0; i < queries.size(); ++i)
          if (ids(searcher.search(queries[i], 1, 50)) != expected[i]) ++wrong;
    });
  }
  for (auto& t : threads) t.join();
  CHECK(wrong == 0);
}

TEST_CASE("files with the same content are one hit that lists the other paths") {
  IndexedFolder folder([](const std::filesystem::path& docs) {
    const std::string report = "Quarterly report\nThe otter population rose by a tenth.\n";
    write_file(docs / "report.txt", report);
    write_file(docs / "archive/2024/report-copy.txt", report);
    write_file(docs / "mirror/report.txt", report);
    write_file(docs / "other.txt", "Field notes\nAn otter was seen near the weir.\n");
  });
  Searcher& s = folder.searcher();
  struct Row {
    std::string query;
    uint64_t total;
  };
  const Row rows[] = {
      {"otter", 2}, {"population", 1}, {"otter weir", 2}, {"\"otter population\"", 1}};
  for (const Row& row : rows) {
    CAPTURE(row.query);
    loupe::search::SearchResults r = s.search(row.query, 1, 10);
    CHECK(r.total == row.total);
    REQUIRE(r.hits.size() == row.total);
    for (const loupe::search::Hit& hit : r.hits) {
      if (hit.id == "other.txt") {
        CHECK(hit.copies.empty());
        continue;
      }
      // One of the three copies is the hit; the other two are listed.
      std::set<std::string> all = {hit.id};
      for (const auto& copy : hit.copies) all.insert(copy.id);
      CHECK(all == std::set<std::string>{"report.txt", "archive/2024/report-copy.txt",
                                         "mirror/report.txt"});
      CHECK(hit.copies.size() == 2);
    }
  }
  // Paging counts the collapsed hits: the second page of one-hit pages is the other file.
  CHECK(s.search("otter", 2, 1).hits.size() == 1);
  CHECK(s.search("otter", 3, 1).hits.empty());
  // Facets count a content once, as the total does: in the pass that counts the total and in
  // the ranked pass that sees every match (a phrase).
  for (const Row& row : rows) {
    CAPTURE(row.query);
    loupe::search::SearchResults faceted =
        s.search(loupe::search::SearchRequest{row.query,
                                              1,
                                              1,
                                              loupe::search::SortOrder::kRelevance,
                                              {loupe::search::Facet::kType},
                                              true});
    REQUIRE(faceted.facets.size() == 1);
    REQUIRE(faceted.facets[0].values.size() == 1);
    CHECK(faceted.facets[0].values[0].count == row.total);
  }
  // A copy is not "similar" to itself.
  std::optional<loupe::search::SearchResults> similar = s.similar("report.txt", 10);
  REQUIRE(similar);
  for (const loupe::search::Hit& hit : similar->hits) CHECK(hit.id == "other.txt");
}

TEST_CASE("an index without copies collapses nothing") {
  IndexedFolder folder([](const std::filesystem::path& docs) {
    write_file(docs / "a.txt", "Otters\nOne otter.\n");
    write_file(docs / "b.txt", "Otters\nTwo otters.\n");
  });
  loupe::search::SearchResults r = folder.searcher().search("otter", 1, 10);
  CHECK(r.total == 2);
  for (const loupe::search::Hit& hit : r.hits) CHECK(hit.copies.empty());
}

TEST_CASE("empty files are not copies of each other") {
  IndexedFolder folder([](const std::filesystem::path& docs) {
    write_file(docs / "first/placeholder.txt", "");
    write_file(docs / "second/placeholder.txt", "");
  });
  loupe::search::SearchResults r = folder.searcher().search("placeholder", 1, 10);
  CHECK(r.total == 2);
  for (const loupe::search::Hit& hit : r.hits) CHECK(hit.copies.empty());
}

TEST_CASE("headings shared by pages are no copies: an index without copies does not collapse") {
  // Heading keys (XHK) once fell under the scan for shared hashes, and every index with a
  // heading on two pages collapsed its searches, at twice the CPU per search.
  IndexedFolder folder([](const std::filesystem::path& docs) {
    write_file(docs / "a.md", "# Install\n\nOtters install burrows.\n");
    write_file(docs / "b.md", "# Install\n\nBeavers install dams.\n");
  });
  Xapian::Database db((folder.dir() / "db").string());
  CHECK(db.get_metadata(std::string(loupe::db::kDuplicatesKey)) == "0");
}
