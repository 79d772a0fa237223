// Narrowing a search: folder and date filters, sorting by date, and facet counts, on a real index.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <sys/time.h>

#include <map>
#include <string>
#include <vector>

#include "indexer/index_run.h"
#include "search/facets.h"
#include "search/filter_values.h"
#include "search/searcher.h"
#include "tests/support/test_support.h"

using loupe::search::Facet;
using loupe::search::SearchRequest;
using loupe::search::SearchResults;
using loupe::search::SortOrder;
using loupe::testing::TempDir;
using loupe::testing::write_file;

namespace {

// Midnight UTC of a date, in seconds since the epoch.
int64_t utc(int y, int m, int d) {
  std::tm t{};
  t.tm_year = y - 1900;
  t.tm_mon = m - 1;
  t.tm_mday = d;
  return static_cast<int64_t>(timegm(&t));
}

void set_mtime(const std::filesystem::path& path, int64_t seconds) {
  timeval times[2] = {{static_cast<time_t>(seconds), 0}, {static_cast<time_t>(seconds), 0}};
  REQUIRE(utimes(path.c_str(), times) == 0);
}

struct Doc {
  const char* id;
  const char* text;
  int64_t modified;
};

// Folders three deep, three formats, four years; "otter" in most documents.
const std::vector<Doc>& docs() {
  static const std::vector<Doc> all = {
      {"top.txt", "Otter notes at the top", utc(2021, 1, 1)},
      {"library/os.html", "<title>os</title><p>Otter functions of the os module</p>",
       utc(2022, 3, 4)},
      {"library/asyncio/task.txt", "Otter tasks run together", utc(2023, 6, 15)},
      {"library/asyncio/streams.md", "# Streams\n\nOtter streams and sockets", utc(2023, 12, 31)},
      {"library/asyncio/deep/more.md", "# Deeper\n\nOtter events, deeper down", utc(2024, 1, 1)},
      {"howto/sorting.txt", "Sorting otter lists", utc(2024, 2, 29)},
      {"howto/logging.html", "<title>Logging</title><p>Logging how-to, no animal</p>",
       utc(2024, 7, 1)},
      {"my docs/Notes.txt", "Otter and beaver notes with spaces in the folder", utc(2022, 8, 8)},
      {"Capital/Upper.txt", "Otter in an upper-case folder", utc(2021, 5, 5)},
  };
  return all;
}

class Fixture {
 public:
  Fixture() {
    for (const Doc& doc : docs()) {
      write_file(dir_ / "docs" / doc.id, doc.text);
      set_mtime(dir_ / "docs" / doc.id, doc.modified);
    }
    loupe::indexer::Progress quiet(stderr, false);
    loupe::indexer::IndexStats stats;
    loupe::indexer::run_index(
        {dir_ / "db", "", {(dir_ / "docs").string()}}, quiet, [] { return false; }, stats);
    searcher_ = std::make_unique<loupe::search::Searcher>((dir_ / "db").string());
  }
  loupe::search::Searcher& searcher() { return *searcher_; }
  SearchResults search(const std::string& query, SortOrder sort = SortOrder::kRelevance,
                       std::vector<Facet> facets = {}) {
    return searcher_->search(SearchRequest{query, 1, 50, sort, std::move(facets), true});
  }

 private:
  TempDir dir_;
  std::unique_ptr<loupe::search::Searcher> searcher_;
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

std::string ids(const SearchResults& results) {
  std::string out;
  for (const auto& hit : results.hits) out += (out.empty() ? "" : " ") + hit.id;
  return out;
}

}  // namespace

TEST_CASE("time ranges: whole periods, open ends, and clear errors") {
  struct Row {
    const char* text;
    std::optional<int64_t> from, to;
    bool ok = true;
  };
  const Row rows[] = {
      {"2024", utc(2024, 1, 1), utc(2025, 1, 1) - 1},
      {"2024-02", utc(2024, 2, 1), utc(2024, 3, 1) - 1},
      {"2024-02-29", utc(2024, 2, 29), utc(2024, 3, 1) - 1},
      {"2023-12..2024", utc(2023, 12, 1), utc(2025, 1, 1) - 1},
      {"2024..", utc(2024, 1, 1), std::nullopt},
      {"..2023-06", std::nullopt, utc(2023, 7, 1) - 1},
      {"1969-12-31", utc(1969, 12, 31), utc(1970, 1, 1) - 1},
      {"2023-02-29", {}, {}, false},
      {"2024-13", {}, {}, false},
      {"2024-00", {}, {}, false},
      {"24", {}, {}, false},
      {"2024/01", {}, {}, false},
      {"..", {}, {}, false},
      {"2025..2024", {}, {}, false},
      {"yesterday", {}, {}, false},
      {"2024-1-5", {}, {}, false},
  };
  for (const Row& row : rows) {
    CAPTURE(row.text);
    std::string error;
    auto range = loupe::search::parse_time_range(row.text, error);
    REQUIRE(range.has_value() == row.ok);
    if (!row.ok) {
      CHECK(error.find("YYYY-MM-DD") != std::string::npos);
      continue;
    }
    CHECK(range->from == row.from);
    CHECK(range->to == row.to);
  }
}

TEST_CASE("folder paths are normalised, and never climb out") {
  const std::pair<const char*, const char*> rows[] = {
      {"library", "library"},
      {"/library/", "library"},
      {"./library//asyncio", "library/asyncio"},
      {"my docs", "my docs"},
      {"/", ""},
      {"a/./b", "a/b"},
      {"../etc", nullptr},
      {"a/../../b", nullptr},
      {"..", nullptr},
  };
  for (const auto& [text, expected] : rows) {
    CAPTURE(text);
    std::string error;
    auto folder = loupe::search::normalise_folder(text, error);
    REQUIRE(folder.has_value() == (expected != nullptr));
    if (expected)
      CHECK(*folder == expected);
    else
      CHECK(error.find("..") != std::string::npos);
  }
}

TEST_CASE("folder: and modified: narrow a search, alone or with words and other filters") {
  struct Row {
    const char* query;
    const char* expected;  // ids, newest first (the sort every row asks for)
  };
  const Row rows[] = {
      {"otter folder:library",
       "library/asyncio/deep/more.md library/asyncio/streams.md library/asyncio/task.txt "
       "library/os.html"},
      {"otter folder:library/asyncio",
       "library/asyncio/deep/more.md library/asyncio/streams.md library/asyncio/task.txt"},
      {"otter folder:/library/asyncio/deep/", "library/asyncio/deep/more.md"},
      {"otter folder:howto folder:Capital", "howto/sorting.txt Capital/Upper.txt"},
      {"otter folder:capital", ""},  // paths keep their case
      {"otter folder:\"my docs\"", "my docs/Notes.txt"},
      {"otter folder:libr", ""},             // a folder, not a prefix
      {"otter folder:library/os.html", ""},  // a file is not a folder
      {"otter folder:/",
       "howto/sorting.txt library/asyncio/deep/more.md "
       "library/asyncio/streams.md library/asyncio/task.txt my docs/Notes.txt "
       "library/os.html Capital/Upper.txt top.txt"},
      {"otter modified:2023", "library/asyncio/streams.md library/asyncio/task.txt"},
      {"otter modified:2023-12-31..2024-01-01",
       "library/asyncio/deep/more.md library/asyncio/streams.md"},
      {"otter modified:2024..", "howto/sorting.txt library/asyncio/deep/more.md"},
      {"otter modified:..2021", "Capital/Upper.txt top.txt"},
      {"otter folder:library modified:..2023-06", "library/asyncio/task.txt library/os.html"},
      {"otter folder:library type:html", "library/os.html"},
      {"otter folder:library -folder:library/asyncio", "library/os.html"},
      {"otter -modified:..2023", "howto/sorting.txt library/asyncio/deep/more.md"},
      {"folder:howto", "howto/logging.html howto/sorting.txt"},  // filters alone: every document
      {"modified:2024", "howto/logging.html howto/sorting.txt library/asyncio/deep/more.md"},
      {"beaver OR sorting folder:howto", "howto/sorting.txt"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.query);
    SearchResults results = fixture().search(row.query, SortOrder::kNewest);
    CHECK(results.error.empty());
    CHECK(ids(results) == row.expected);
    CHECK(results.total == results.hits.size());
  }
}

TEST_CASE("sorting by date, and a query of filters only lists the newest first") {
  SearchResults newest = fixture().search("otter", SortOrder::kNewest);
  SearchResults oldest = fixture().search("otter", SortOrder::kOldest);
  REQUIRE(newest.hits.size() == 8);
  REQUIRE(oldest.hits.size() == 8);
  for (size_t i = 0; i + 1 < newest.hits.size(); ++i) {
    CHECK(newest.hits[i].modified >= newest.hits[i + 1].modified);
    CHECK(oldest.hits[i].modified <= oldest.hits[i + 1].modified);
  }
  CHECK(newest.hits.front().id == "howto/sorting.txt");
  CHECK(oldest.hits.front().id == "top.txt");
  // Hits say what they are and when they changed.
  CHECK(newest.hits.front().type == "text");
  CHECK(newest.hits.front().modified == utc(2024, 2, 29));
  // With no words to rank by, the default order is newest first too.
  CHECK(ids(fixture().search("folder:library/asyncio")) ==
        "library/asyncio/deep/more.md library/asyncio/streams.md library/asyncio/task.txt");
  CHECK(ids(fixture().search("type:html")) == "howto/logging.html library/os.html");
}

TEST_CASE("malformed filter values are errors, not empty results") {
  for (const char* query : {"otter modified:2024-02-30", "modified:soon", "otter folder:../..",
                            "folder:a/../../b", "modified:2025..2024"}) {
    CAPTURE(query);
    SearchResults results = fixture().search(query);
    CHECK_FALSE(results.error.empty());
    CHECK(results.hits.empty());
  }
}

TEST_CASE("facets count every match, and each count is what its filter finds") {
  SearchResults all = fixture().search("otter", SortOrder::kRelevance,
                                       {Facet::kType, Facet::kFolder, Facet::kYear});
  REQUIRE(all.facets.size() == 3);
  auto values = [](const loupe::search::FacetCounts& counts) {
    std::string out;
    for (const auto& v : counts.values)
      out += (out.empty() ? "" : " ") + v.value + "=" + std::to_string(v.count);
    return out;
  };
  CHECK(values(all.facets[0]) == "text=5 markdown=2 html=1");
  // The next level below the root: documents at the root count for no folder.
  CHECK(values(all.facets[1]) == "library=4 Capital=1 howto=1 my docs=1");
  CHECK(values(all.facets[2]) == "2021=2 2022=2 2023=2 2024=2");
  // Below a folder searched in, the next level down.
  SearchResults inside =
      fixture().search("otter folder:library", SortOrder::kRelevance, {Facet::kFolder});
  CHECK(values(inside.facets[0]) == "library/asyncio=3");
  SearchResults deeper =
      fixture().search("otter folder:library/asyncio", SortOrder::kRelevance, {Facet::kFolder});
  CHECK(values(deeper.facets[0]) == "library/asyncio/deep=1");

  // Every count equals the total with that value's filter added, for many queries.
  const char* queries[] = {"otter",
                           "otter OR logging",
                           "notes",
                           "folder:library",
                           "modified:2022..",
                           "type:html OR otter",
                           "-otter",
                           "otter -sorting",
                           "otter NEAR/3 notes",
                           "\"otter notes\"",
                           "streams OR tasks",
                           "otter notes",
                           "otter sorting lists"};
  const std::map<Facet, std::string> filter_of = {
      {Facet::kType, "type:"}, {Facet::kFolder, "folder:"}, {Facet::kYear, "modified:"}};
  size_t checked = 0;
  for (const char* query : queries) {
    CAPTURE(query);
    SearchResults results = fixture().search(query, SortOrder::kRelevance,
                                             {Facet::kType, Facet::kFolder, Facet::kYear});
    REQUIRE(results.facets.size() == 3);
    uint64_t by_type = 0;
    for (const auto& facet : results.facets) {
      for (const auto& value : facet.values) {
        std::string narrowed =
            "(" + std::string(query) + ") " + filter_of.at(facet.facet) + "\"" + value.value + "\"";
        CAPTURE(narrowed);
        CHECK(fixture().search(narrowed).total == value.count);
        if (facet.facet == Facet::kType) by_type += value.count;
        ++checked;
      }
    }
    CHECK(by_type == results.total);  // every document has one type
  }
  CHECK(checked > 40);
}

TEST_CASE("facets are the same whichever pass of the search counts them") {
  // Pages of one hit: the ranked pass sees few matches, and another pass counts them all.
  const std::vector<Facet> all = {Facet::kType, Facet::kFolder, Facet::kYear};
  for (const char* query :
       {"otter notes", "otter", "\"otter notes\"", "otter -notes", "folder:library"}) {
    CAPTURE(query);
    SearchResults wide = fixture().search(query, SortOrder::kRelevance, all);
    for (unsigned page = 1; page <= 3; ++page) {
      SearchResults narrow = fixture().searcher().search(
          SearchRequest{query, page, 1, SortOrder::kRelevance, all, true});
      CHECK(narrow.total == wide.total);
      REQUIRE(narrow.facets.size() == wide.facets.size());
      for (size_t i = 0; i < wide.facets.size(); ++i)
        CHECK(narrow.facets[i].values == wide.facets[i].values);
    }
  }
}
