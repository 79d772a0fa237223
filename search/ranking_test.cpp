// Table-driven ranking cases on a small site of fixture pages: query -> the page a user means.
// Each row is a class of failure BM25 over the words alone gets wrong (see docs/design.md).
#include <doctest/doctest.h>

#include <string>

#include "indexer/index_run.h"
#include "search/searcher.h"
#include "tests/support/test_support.h"

using loupe::search::Searcher;
using loupe::testing::TempDir;
using loupe::testing::write_file;

namespace {

std::string repeated(const std::string& sentence, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += sentence + (i % 5 == 4 ? "</p>\n<p>" : " ");
  return out;
}

std::string page(const std::string& title, const std::string& body) {
  return "<html><head><title>" + title + "</title></head><body><p>" + body + "</p></body></html>";
}

// Pages shaped like a documentation site's: short reference pages, long tutorials that repeat
// the same words, a generated index that lists every page, a hub page over its children.
void write_site(const std::filesystem::path& docs) {
  write_file(docs / "c-api/none.html",
             page("The None Object",
                  "<h1>The None Object</h1>Note that the type of None is not exposed directly. "
                  "Since None is a singleton, testing for identity is enough."));
  write_file(docs / "c-api/intro.html",
             page("Introduction",
                  "<h1>Introduction</h1>" +
                      repeated("The object returned may be None, and the None object is an "
                               "object like the other object kinds of the object model.",
                               40)));
  write_file(docs / "library/stdtypes.html",
             page("Built-in Types",
                  "<h1>Built-in Types</h1>" +
                      repeated("Any object can be tested for truth value; the None object and "
                               "the object False are false, the object of other types true.",
                               40)));
  write_file(docs / "library/dataclasses.html",
             page("dataclasses \xE2\x80\x94 Data Classes",
                  "<h1>dataclasses \xE2\x80\x94 Data Classes</h1>This module provides a "
                  "decorator that adds generated special methods to user-defined classes; "
                  "fields hold the data."));
  write_file(docs / "tutorial/classes.html",
             page("9. Classes",
                  "<h1>9. Classes</h1>" +
                      repeated("Classes bundle data and behaviour; class data attributes and "
                               "instance data of classes are data like any other data.",
                               40)));
  write_file(docs / "tutorial/modules.html",
             page("6. Modules",
                  "<h1>6. Modules</h1>A module is a file of definitions. Modules can import "
                  "other modules, and the module's name is its file's name."));
  std::string entries;
  for (int i = 0; i < 300; ++i)
    entries += "<li><a href=\"library/m" + std::to_string(i) + ".html\">m" + std::to_string(i) +
               " (module)</a>, <a href=\"x.html\">modules list</a>, <a href=\"r.html\">"
               "reference statement</a></li>\n";
  write_file(docs / "genindex-M.html",
             page("Index", "<h1>Index \xE2\x80\x94 M</h1><ul>" + entries + "</ul>"));
  write_file(docs / "reference/simple_stmts.html",
             page("Simple statements",
                  "<h1>Simple statements</h1>" +
                      repeated("A simple statement is comprised within a single logical line; "
                               "the reference lists each statement in turn.",
                               8)));
  write_file(docs / "library/operator.html",
             page("operator \xE2\x80\x94 Standard operators as functions",
                  "<h1>operator \xE2\x80\x94 Standard operators as functions</h1>The module "
                  "exports functions for the intrinsic operators.<h2>Mapping Operators to "
                  "Functions</h2>This table shows how abstract operations correspond to "
                  "operator symbols and functions."));
  write_file(docs / "howto/functional.html",
             page("Functional Programming HOWTO",
                  "<h1>Functional Programming HOWTO</h1>" +
                      repeated("Mapping functions over data, functions of functions, operators "
                               "as functions and the mapping of operators to functions are the "
                               "tools of functional style.",
                               40)));
  write_file(docs / "security/keys/index.html",
             page("Kernel Keys",
                  "<h1>Kernel Keys</h1><ul><li><a href=\"core.html\">Kernel Key Retention "
                  "Service</a></li><li><a href=\"trusted.html\">Trusted and Encrypted "
                  "Keys</a></li></ul>"));
  write_file(docs / "security/keys/core.html",
             page("Kernel Key Retention Service",
                  "<h1>Kernel Key Retention Service</h1>" +
                      repeated("The kernel keys service retains kernel keys: keys of the "
                               "kernel, and keyrings of kernel keys.",
                               40)));
  write_file(docs / "security/keys/trusted.html",
             page("Trusted and Encrypted Keys",
                  "<h1>Trusted and Encrypted Keys</h1>" +
                      repeated("Trusted keys are kernel keys sealed by the kernel; keys of this "
                               "kind never leave the kernel unencrypted.",
                               20)));
}

struct Row {
  std::string query;
  std::string first;  // the id that must rank first
};

}  // namespace

TEST_CASE("the page a user means ranks first") {
  TempDir dir;
  write_site(dir / "docs");
  loupe::indexer::Progress quiet(stderr, false);
  loupe::indexer::IndexStats stats;
  loupe::indexer::run_index(
      {dir / "db", "", {(dir / "docs").string()}}, quiet, [] { return false; }, stats);
  Searcher searcher((dir / "db").string());
  const Row rows[] = {
      // A short page whose title is the query, over long pages that repeat its words.
      {"The None Object", "c-api/none.html"},
      {"the none object", "c-api/none.html"},
      // Part of a title: its words without the article, its last words.
      {"None Object", "c-api/none.html"},
      {"encrypted keys", "security/keys/trusted.html"},
      // A part of the title (" — " separates a module's name from what it is).
      {"Data Classes", "library/dataclasses.html"},
      {"data class", "library/dataclasses.html"},
      // The file's name.
      {"dataclasses", "library/dataclasses.html"},
      // A one-word title over a generated index that lists the word everywhere.
      {"Modules", "tutorial/modules.html"},
      // Words a generated index repeats in every entry, over the page that is about them.
      {"reference statement", "reference/simple_stmts.html"},
      // A section heading brings up its page.
      {"Mapping Operators to Functions", "library/operator.html"},
      // A hub page named by the query over its children that repeat the words.
      {"Kernel Keys", "security/keys/index.html"},
      // Titles shared by nobody but with words everywhere still rank by title.
      {"Trusted and Encrypted Keys", "security/keys/trusted.html"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.query);
    loupe::search::SearchResults results = searcher.search(row.query, 1, 10);
    REQUIRE_FALSE(results.hits.empty());
    CHECK(results.hits[0].id == row.first);
  }
}
