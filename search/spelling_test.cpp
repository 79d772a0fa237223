// Help with words, on a real index: spelling suggestions, completions, similar documents.
#include <doctest/doctest.h>

#include <map>
#include <string>

#include "indexer/index_run.h"
#include "search/searcher.h"
#include "search/spelling.h"
#include "tests/support/test_support.h"

using loupe::testing::TempDir;
using loupe::testing::write_file;

namespace {

// Indexes dir/docs into dir/db, as loupe-index would.
void index_docs(const std::filesystem::path& dir) {
  loupe::indexer::Progress quiet(stderr, false);
  loupe::indexer::IndexStats stats;
  loupe::indexer::run_index(
      {dir / "db", "", {(dir / "docs").string()}}, quiet, [] { return false; }, stats);
}

// Words of a programming manual, each in several documents; "recieve" misspelled in one.
class Manual {
 public:
  Manual() {
    const char* pages[] = {
        "Asyncio tasks\nThe asyncio module runs coroutines; a dictionary maps keys. Receive data.",
        "Subprocess\nThe subprocess module starts programs; receive their output in a dictionary.",
        "Dictionaries\nA dictionary of environment variables; asyncio and subprocess use them.",
        "Generators\nA generator expression yields values; the environment decides. Receive.",
        "Threads\nThreading runs functions at once; a generator is not a thread. Asyncio too.",
        "Exceptions\nAn exception is raised; subprocess and asyncio raise them. Generator, "
        "receive.",
        "Typos\nWe recieve mail here, and the environment is kind. Dictionary and exception.",
        "Default arguments\nA default argument is evaluated once; the default value is shared.",
        "Defaults\nEvery default argument of a generator expression or a dictionary.",
        "Mail\nThe mailbox module reads mail. Mail headers and default mail. Exception.",
    };
    int i = 0;
    for (const char* page : pages)
      write_file(dir_ / "docs" / ("p" + std::to_string(i++) + ".txt"), page);
    for (int n = 0; n < 40; ++n)
      write_file(dir_ / "docs" / ("net" + std::to_string(n) + ".txt"),
                 "Network page " + std::to_string(n) + "\nSockets receive packets.");
    loupe::indexer::Progress quiet(stderr, false);
    loupe::indexer::IndexStats stats;
    loupe::indexer::run_index(
        {dir_ / "db", "", {(dir_ / "docs").string()}}, quiet, [] { return false; }, stats);
    searcher_ = std::make_unique<loupe::search::Searcher>((dir_ / "db").string());
  }
  loupe::search::SearchResults search(const std::string& query) {
    return searcher_->search(query, 1, 10);
  }
  loupe::search::Searcher& searcher() { return *searcher_; }
  const TempDir& dir() const { return dir_; }

 private:
  TempDir dir_;
  std::unique_ptr<loupe::search::Searcher> searcher_;
};

Manual& manual() {
  static Manual m;
  return m;
}

}  // namespace

TEST_CASE("misspelled words get the word meant, the query's syntax kept") {
  struct Row {
    const char* query;
    const char* suggestion;  // "" when none
    bool corrected;          // nothing as typed, so the suggestion's hits instead
  };
  const Row rows[] = {
      {"asyncoi", "asyncio", true},                            // two letters swapped
      {"dictionray", "dictionary", true},                      //
      {"subproces", "subprocess", true},                       // one letter missing
      {"enviroment", "environment", true},                     //
      {"genrator expression", "generator expression", false},  // "expression" alone matches
      {"\"deafult argument\"", "\"default argument\"", true},  // inside a phrase
      {"title:excpetion", "title:exception", true},            // a field name stays
      {"type:text dictionray", "type:text dictionary", true},  // a filter stays
      {"asyncoi -subprocess", "asyncio -subprocess", true},    // an exclusion stays
      {"+dictionray OR mail", "+dictionary OR mail", false},   // operators stay
      {"recieve", "receive", false},  // in one document, and a word 30 times as common is near
      // The same word beside one that finds many documents: a rare word that finds something
      // in a search that finds plenty is taken as written (the lookup is not worth its cost).
      {"recieve packets", "", false},
      {"mailbox", "", false},         // in one document, and nothing common near it
      {"asyncio", "", false},         // spelled right
      {"threading", "", false},       //
      {"asyn*", "", false},           // a prefix is not a word
      {"folder:asyncoi", "", false},  // nor a filter's value
      {"xylophone", "", false},       // nothing near it
      {"mial", "mail", true},         // a short word: one edit
      {"mal", "", false},             // too short to guess at
  };
  for (const Row& row : rows) {
    CAPTURE(row.query);
    loupe::search::SearchResults results = manual().search(row.query);
    CHECK(results.suggestion == row.suggestion);
    CHECK(results.corrected == row.corrected);
    if (row.corrected) CHECK(results.total > 0);
  }
}

TEST_CASE("a word that is gone from every document is no longer suggested") {
  TempDir tmp;
  write_file(tmp / "docs/a.txt", "Marmalade on toast, marmalade again\n");
  write_file(tmp / "docs/b.txt", "Marmalade recipes\n");
  auto index = [&] { index_docs(tmp.path()); };
  index();
  CHECK(loupe::search::Searcher((tmp / "db").string()).search("marmelade", 1, 10).suggestion ==
        "marmalade");
  write_file(tmp / "docs/a.txt", "Jam on toast\n");
  std::filesystem::remove(tmp / "docs/b.txt");
  index();
  CHECK(loupe::search::Searcher((tmp / "db").string()).search("marmelade", 1, 10).suggestion == "");
}

TEST_CASE("a searcher forgets the suggestions it remembered when its index changes") {
  TempDir tmp;
  write_file(tmp / "docs/a.txt", "Marmalade on toast, marmalade again\n");
  auto index = [&] { index_docs(tmp.path()); };
  index();
  loupe::search::Searcher searcher((tmp / "db").string());
  CHECK(searcher.search("marmelade", 1, 10).suggestion == "marmalade");
  CHECK(searcher.search("marmelade", 1, 10).suggestion == "marmalade");  // remembered
  write_file(tmp / "docs/a.txt", "Jam on toast\n");
  index();
  searcher.refresh(std::chrono::milliseconds(0));
  CHECK(searcher.search("marmelade", 1, 10).suggestion == "");
}

TEST_CASE("completions of the last word, most frequent first, the earlier words kept") {
  struct Row {
    const char* query;
    std::vector<std::string> expected;
  };
  const Row rows[] = {
      {"asy", {"asyncio"}},
      {"the asy", {"the asyncio"}},
      {"Dict", {"dictionary", "dictionaries"}},  // folded as the index's words are
      {"\"default arg", {"\"default argument", "\"default arguments"}},
      {"rec", {"receive", "recieve"}},  // 44 documents before 1
      {"generator exp", {"generator expression"}},
      {"zzz", {}},
      {"asyncio ", {}},  // no last word yet
      {"e-ma", {}},      // not one word
  };
  for (const Row& row : rows) {
    CAPTURE(row.query);
    CHECK(manual().searcher().completions(row.query, 8) == row.expected);
  }
  CHECK(manual().searcher().completions("rec", 1) == std::vector<std::string>{"receive"});
}

TEST_CASE("similar documents share the distinctive words of one, which is left out") {
  auto similar = manual().searcher().similar("p0.txt", 5);  // asyncio, dictionary, receive
  REQUIRE(similar);
  REQUIRE_FALSE(similar->hits.empty());
  CHECK(similar->hits.size() <= 5);
  for (const auto& hit : similar->hits) {
    CAPTURE(hit.id);
    CHECK(hit.id != "p0.txt");
    CHECK(hit.snippet.find("<mark>") != std::string::npos);  // marked as search hits are
  }
  // The pages about asyncio come before the network pages that only share "receive".
  CHECK(similar->hits.front().id.rfind("net", 0) != 0);
  CHECK_FALSE(manual().searcher().similar("missing.txt", 5));
}

TEST_CASE("synonyms from a file find and mark each other, in any form, alone or in phrases") {
  TempDir tmp;
  write_file(tmp / "docs/a.txt", "The USA economy grew.\n");
  write_file(tmp / "docs/b.txt", "In the United States of America, cars.\n");
  write_file(tmp / "docs/c.txt", "Send an e-mail today.\n");
  write_file(tmp / "docs/d.txt", "The automobile industry and its vehicles.\n");
  write_file(tmp / "docs/e.txt", "Nothing of the kind: states and unity.\n");
  write_file(tmp / "synonyms.txt",
             "# a comment\n\nusa, United States, america\ncar, automobile, vehicle\n"
             "email, electronic mail\n  ,  , \nlonely\n");
  loupe::indexer::IndexOptions options{tmp / "db", "", {(tmp / "docs").string()}};
  options.synonyms = tmp / "synonyms.txt";
  loupe::indexer::Progress quiet(stderr, false);
  loupe::indexer::IndexStats stats;
  REQUIRE(loupe::indexer::run_index(
              options, quiet, [] { return false; }, stats) == loupe::indexer::RunResult::kDone);
  loupe::search::Searcher searcher((tmp / "db").string());
  struct Row {
    const char* query;
    const char* expected;  // ids, in id order, with their marked words
  };
  const Row rows[] = {
      {"usa", "a.txt[USA] b.txt[United,States,America]"},
      {"\"united states\"", "a.txt[USA] b.txt[United,States,America]"},
      {"cars", "b.txt[cars] d.txt[automobile,vehicles]"},  // by the stem
      {"vehicle", "b.txt[cars] d.txt[automobile,vehicles]"},
      {"email", "c.txt[e-mail]"},
      {"car -usa", "d.txt[automobile,vehicles]"},  // an exclusion excludes the synonyms too
      {"states", "b.txt[States] e.txt[states]"},   // a word of a phrase is not the phrase
  };
  for (const Row& row : rows) {
    CAPTURE(row.query);
    auto results = searcher.search(row.query, 1, 10);
    std::map<std::string, std::string> found;
    for (const auto& hit : results.hits) {
      std::string marks;
      for (size_t at = hit.snippet.find("<mark>"); at != std::string::npos;
           at = hit.snippet.find("<mark>", at + 1)) {
        size_t end = hit.snippet.find("</mark>", at);
        marks += (marks.empty() ? "" : ",") + hit.snippet.substr(at + 6, end - at - 6);
      }
      found[hit.id] = marks;
    }
    std::string out;
    for (const auto& [id, marks] : found) out += (out.empty() ? "" : " ") + id + "[" + marks + "]";
    CHECK(out == row.expected);
  }

  // A new file replaces them.
  write_file(tmp / "synonyms.txt", "car, wagon\n");
  REQUIRE(loupe::indexer::run_index(
              options, quiet, [] { return false; }, stats) == loupe::indexer::RunResult::kDone);
  loupe::search::Searcher again((tmp / "db").string());
  CHECK(again.search("usa", 1, 10).total == 1);
  CHECK(again.search("automobile", 1, 10).total == 1);
  // An unreadable file stops the run before anything changes.
  options.synonyms = tmp / "missing.txt";
  CHECK(loupe::indexer::run_index(
            options, quiet, [] { return false; }, stats) == loupe::indexer::RunResult::kFailed);
}

TEST_CASE("an index with an empty spelling table answers without suggestions") {
  TempDir tmp;
  write_file(tmp / "docs/2024.txt", "12345 67890 4242\n");  // no word of letters, title too
  loupe::indexer::Progress quiet(stderr, false);
  loupe::indexer::IndexStats stats;
  loupe::indexer::run_index(
      {tmp / "db", "", {(tmp / "docs").string()}}, quiet, [] { return false; }, stats);
  {
    Xapian::Database db((tmp / "db").string());
    REQUIRE(db.spellings_begin() == db.spellings_end());
  }
  loupe::search::Searcher searcher((tmp / "db").string());
  CHECK(searcher.search("12345", 1, 10).total == 1);
  auto typo = searcher.search("abcdefg", 1, 10);
  CHECK(typo.total == 0);
  CHECK(typo.suggestion.empty());
  CHECK(searcher.completions("abc", 8).empty());
}
