// Several databases searched as one: local shards and a shard served by xapian-tcpsrv answer as
// the same documents in one database do, and a shard that dies or hangs is left out, then back.
#include <doctest/doctest.h>
#include <signal.h>

#include <chrono>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "db/document_id.h"
#include "db/schema.h"
#include "indexer/index_run.h"
#include "search/searcher.h"
#include "search/shard_set.h"
#include "tests/support/test_support.h"

using loupe::search::Facet;
using loupe::search::Searcher;
using loupe::search::SearchRequest;
using loupe::search::SearchResults;
using loupe::search::ShardLocation;
using loupe::search::ShardSet;
using loupe::search::SortOrder;
using loupe::testing::HangUpRelay;
using loupe::testing::RemoteShard;
using loupe::testing::TempDir;
using loupe::testing::write_file;
namespace fs = std::filesystem;

namespace {

const char* const kWords[] = {"otter",  "heron",   "beaver", "river", "stone", "marsh",
                              "willow", "current", "bank",   "reed",  "trout", "ferry"};

// Sixty documents in three folders: each has a few of the words, some in phrases; two are the
// same text (copies), one is long enough to span text blocks, and one is Italian.
void write_corpus(const fs::path& docs) {
  for (int i = 0; i < 60; ++i) {
    std::string text;
    for (int j = 0; j < 4 + i % 5; ++j) {
      text += kWords[(i * 7 + j * 3) % 12];
      text += j % 2 == 0 ? " " : " river otter near the bank. ";
    }
    if (i % 9 == 0) text += "The heron waited by the willow for a long time. ";
    std::string folder = i % 3 == 0 ? "north" : i % 3 == 1 ? "south" : "south/deep";
    write_file(docs / folder / ("note" + std::to_string(i) + ".txt"), text);
  }
  std::string copy = "A copied page about the ferry across the marsh.";
  write_file(docs / "north/copy-a.txt", copy);
  write_file(docs / "south/copy-b.txt", copy);
  std::string long_text;
  for (int i = 0; i < 2000; ++i) long_text += "filler words number " + std::to_string(i) + ". ";
  write_file(docs / "north/long.txt", long_text + "At the very end a kingfisher sits on a reed.");
  write_file(docs / "south/lontra.txt",
             "La lontra vive nel fiume. Le lontre nuotano vicino alla riva del fiume, e la "
             "lontra mangia pesci del fiume ogni giorno.");
}

loupe::indexer::RunResult index(const fs::path& db, const fs::path& docs, unsigned shard = 0,
                                unsigned shards = 1) {
  loupe::indexer::Progress quiet(stderr, false);
  loupe::indexer::IndexStats stats;
  loupe::indexer::IndexOptions options{db, "", {docs.string()}};
  options.shard = shard;
  options.shards = shards;
  return loupe::indexer::run_index(
      options, quiet, [] { return false; }, stats);
}

std::shared_ptr<ShardSet> shard_set(const std::vector<std::string>& specs,
                                    std::chrono::milliseconds timeout = ShardSet::kDefaultTimeout) {
  std::vector<ShardLocation> locations;
  for (const std::string& spec : specs) {
    std::string error;
    auto where = loupe::search::parse_shard_location(spec, &error);
    REQUIRE_MESSAGE(where, error);
    locations.push_back(*where);
  }
  return std::make_shared<ShardSet>(std::move(locations), timeout);
}

struct Corpus {
  TempDir dir;
  Corpus() {
    write_corpus(dir / "docs");
    REQUIRE(index(dir / "whole", dir / "docs") == loupe::indexer::RunResult::kDone);
    for (unsigned k = 0; k < 3; ++k)
      REQUIRE(index(dir / ("of3-" + std::to_string(k)), dir / "docs", k, 3) ==
              loupe::indexer::RunResult::kDone);
  }
  std::vector<std::string> three() const {
    return {(dir / "of3-0").string(), (dir / "of3-1").string(), (dir / "of3-2").string()};
  }
};

Corpus& corpus() {
  static Corpus c;
  return c;
}

SearchResults search(Searcher& searcher, const std::string& query, std::vector<Facet> facets = {}) {
  return searcher.search(
      SearchRequest{query, 1, 100, SortOrder::kRelevance, std::move(facets), true});
}

// Hits by id: score (to 1e-9), snippet and title. Order among equal scores is docid order,
// which interleaving changes, so hits are compared by id.
std::map<std::string, std::string> by_id(const SearchResults& results) {
  std::map<std::string, std::string> out;
  for (const auto& hit : results.hits) {
    char score[32];
    std::snprintf(score, sizeof score, "%.9f", hit.score);
    out[hit.id] = std::string(score) + " | " + hit.title_html + " | " + hit.snippet + " | " +
                  hit.path + " | " + hit.language;
  }
  return out;
}

// Rank order, to 1e-9: shards sum a weight's parts in another order, and ties may then come in
// another order (as may exact ties, whose order is the docids', which interleaving changes).
std::vector<long long> scores(const SearchResults& results) {
  std::vector<long long> out;
  for (const auto& hit : results.hits) out.push_back(std::llround(hit.score * 1e9));
  return out;
}

const char* const kQueries[] = {
    "otter",
    "\"river otter\"",
    "heron willow",
    "otter NOT beaver",
    "trout OR ferry",
    "kingfisher",
    "folder:south otter",
    "ferry marsh",
    "lontre",
    "oter",
    "type:text heron",
    "nothingatall",
    "bank -river",
    "\"near the bank\"",
    "reed",
};

void check_same_answers(Searcher& whole, Searcher& sharded, bool exact_facets) {
  for (const std::string query : kQueries) {
    CAPTURE(query);
    SearchResults a = search(whole, query, {Facet::kFolder, Facet::kType});
    SearchResults b = search(sharded, query, {Facet::kFolder, Facet::kType});
    CHECK(b.error == a.error);
    CHECK(b.total == a.total);
    CHECK(b.suggestion == a.suggestion);
    CHECK(b.corrected == a.corrected);
    CHECK(by_id(b) == by_id(a));
    CHECK(scores(b) == scores(a));  // the same ranking, score by score

    CHECK(b.shards_failed == 0);
    if (exact_facets) {
      REQUIRE(b.facets.size() == a.facets.size());
      for (size_t i = 0; i < a.facets.size(); ++i) {
        REQUIRE(b.facets[i].values.size() == a.facets[i].values.size());
        for (size_t j = 0; j < a.facets[i].values.size(); ++j) {
          CHECK(b.facets[i].values[j].value == a.facets[i].values[j].value);
          CHECK(b.facets[i].values[j].count == a.facets[i].values[j].count);
        }
      }
    }
  }
  // Documents, their text read from the shard that holds them, marked for a query.
  for (const char* id : {"north/long.txt", "south/lontra.txt", "south/deep/note5.txt"}) {
    CAPTURE(id);
    auto a = whole.document(id, "kingfisher lontra river");
    auto b = sharded.document(id, "kingfisher lontra river");
    REQUIRE(a);
    REQUIRE(b);
    CHECK(b->text == a->text);
    CHECK(b->html == a->html);
    CHECK(b->matches == a->matches);
    CHECK(b->language == a->language);
  }
  CHECK(sharded.document_count() == whole.document_count());
  CHECK(sharded.completions("the her", 5) == whole.completions("the her", 5));
  CHECK(sharded.language() == whole.language());
  CHECK(sharded.committed() > 0);
}

}  // namespace

TEST_CASE("shard_of spreads files and keeps each in its shard") {
  std::map<unsigned, int> counts;
  for (int i = 0; i < 3000; ++i) ++counts[loupe::db::shard_of("f/" + std::to_string(i), 3)];
  REQUIRE(counts.size() == 3);
  for (const auto& [shard, count] : counts) CHECK(count > 900);
  CHECK(loupe::db::shard_of("a.txt", 1) == 0);
  CHECK(loupe::db::shard_of("a.txt", 7) == loupe::db::shard_of("a.txt", 7));
}

TEST_CASE("parse_shard_location: folders and tcp://host:port") {
  struct Row {
    const char* spec;
    bool ok;
    const char* host;
    int port;
  };
  const Row rows[] = {
      {"/srv/index", true, "", 0},
      {"relative/db", true, "", 0},
      {"tcp://10.0.0.5:7000", true, "10.0.0.5", 7000},
      {"tcp://[::1]:33", true, "::1", 33},
      {"tcp://host", false, "", 0},
      {"tcp://:7000", false, "", 0},
      {"tcp://host:0", false, "", 0},
      {"tcp://host:70000", false, "", 0},
      {"tcp://host:7x", false, "", 0},
      {"tcp://a/b:1", false, "", 0},
      {"", false, "", 0},
  };
  for (const Row& row : rows) {
    CAPTURE(row.spec);
    std::string error;
    auto where = loupe::search::parse_shard_location(row.spec, &error);
    CHECK(where.has_value() == row.ok);
    if (!where) {
      CHECK(!error.empty());
      continue;
    }
    CHECK(where->remote() == (row.port != 0));
    CHECK(where->host == row.host);
    CHECK(where->port == row.port);
  }
}

TEST_CASE("loupe-index --shard: each file in exactly one shard, recorded in the shard") {
  std::set<std::string> all, seen;
  {
    Searcher whole((corpus().dir / "whole").string());
    for (const auto& hit : search(whole, "type:text").hits) all.insert(hit.id);
  }
  REQUIRE(all.size() > 60);
  for (unsigned k = 0; k < 3; ++k) {
    std::string path = corpus().three()[k];
    Xapian::Database db(path);
    CHECK(db.get_metadata(std::string(loupe::db::kShardKey)) == std::to_string(k + 1) + "/3");
    CHECK(db.get_metadata(std::string(loupe::db::kLanguageKey)) == "english");
    Searcher one(path);
    SearchResults found = search(one, "type:text");
    CHECK(found.total > 10);  // a fair share
    for (const auto& hit : found.hits) {
      CHECK(loupe::db::shard_of(hit.id, 3) == k);
      CHECK(seen.insert(hit.id).second);
    }
  }
  for (const std::string& id : all) CHECK(seen.count(id) == 1);
  uint64_t sum = 0;
  for (const std::string& path : corpus().three()) sum += Xapian::Database(path).get_doccount();
  CHECK(sum == Xapian::Database((corpus().dir / "whole").string()).get_doccount());
}

TEST_CASE("a database indexed whole, then as a shard, keeps only that shard's files") {
  TempDir dir;
  write_corpus(dir / "docs");
  REQUIRE(index(dir / "db", dir / "docs") == loupe::indexer::RunResult::kDone);
  uint64_t before = Xapian::Database((dir / "db").string()).get_doccount();
  REQUIRE(index(dir / "db", dir / "docs", 1, 2) == loupe::indexer::RunResult::kDone);
  Xapian::Database db((dir / "db").string());
  CHECK(db.get_doccount() < before);
  CHECK(db.get_doccount() > 0);
  Searcher searcher((dir / "db").string());
  for (const auto& hit : search(searcher, "type:text").hits)
    CHECK(loupe::db::shard_of(hit.id, 2) == 1);
  // Back to one database: every file again.
  REQUIRE(index(dir / "db", dir / "docs") == loupe::indexer::RunResult::kDone);
  CHECK(Xapian::Database((dir / "db").string()).get_doccount() == before);
  CHECK(Xapian::Database((dir / "db").string())
            .get_metadata(std::string(loupe::db::kShardKey))
            .empty());
}

TEST_CASE("three local shards answer as the one database with the same documents") {
  Searcher whole((corpus().dir / "whole").string());
  Searcher sharded(shard_set(corpus().three()));
  check_same_answers(whole, sharded, /*exact_facets=*/true);
  SearchResults found = search(sharded, "otter");
  CHECK(found.shards == 3);
  // Copies in two shards are one hit, as in one database.
  SearchResults copies = search(sharded, "\"copied page\"");
  CHECK(copies.total == search(whole, "\"copied page\"").total);
  CHECK(copies.total == 1);
}

TEST_CASE("a missing local shard is left out until it appears") {
  TempDir dir;
  std::vector<std::string> specs = corpus().three();
  specs[1] = (dir / "later").string();
  Searcher sharded(shard_set(specs));
  SearchResults partial = search(sharded, "otter");
  CHECK(partial.shards_failed == 1);
  CHECK(sharded.shards()[1].state == "missing");
  fs::copy(corpus().three()[1], dir / "later");
  sharded.refresh(std::chrono::milliseconds(0));
  Searcher whole((corpus().dir / "whole").string());
  CHECK(search(sharded, "otter").total == search(whole, "otter").total);
  CHECK(search(sharded, "otter").shards_failed == 0);
}

TEST_CASE("a shard served by xapian-tcpsrv answers as a local one; down, it is left out") {
  RemoteShard remote(corpus().three()[2]);
  std::vector<std::string> specs = corpus().three();
  specs[2] = remote.spec();
  constexpr auto kTimeout = std::chrono::milliseconds(400);
  Searcher whole((corpus().dir / "whole").string());
  Searcher sharded(shard_set(specs, kTimeout));
  // Facets cannot count copies once over the remote protocol: compared without them.
  check_same_answers(whole, sharded, /*exact_facets=*/false);
  const uint64_t all = search(whole, "otter").total;
  const uint64_t local =
      search(*std::make_unique<Searcher>(shard_set({specs[0], specs[1]})), "otter").total;
  REQUIRE(local < all);

  SUBCASE("hung: one timeout, then answers from the others, and back once it answers") {
    remote.signal(SIGSTOP);
    auto started = std::chrono::steady_clock::now();
    SearchResults partial = search(sharded, "otter");
    auto took = std::chrono::steady_clock::now() - started;
    CHECK(partial.shards_failed == 1);
    CHECK(partial.total == local);
    CHECK(took < kTimeout * 2 + std::chrono::milliseconds(300));
    CHECK(sharded.shards()[2].state == "down");
    // Left out now: no more waiting.
    started = std::chrono::steady_clock::now();
    CHECK(search(sharded, "heron").shards_failed == 1);
    CHECK(std::chrono::steady_clock::now() - started < kTimeout);
    remote.signal(SIGCONT);
    bool back = false;
    for (int i = 0; i < 60 && !back; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      sharded.refresh(std::chrono::milliseconds(0));
      back = search(sharded, "otter").shards_failed == 0;
    }
    CHECK(back);
    CHECK(search(sharded, "otter").total == all);
  }
  SUBCASE("killed: refused at once, the others answer") {
    remote.signal(SIGKILL);
    auto started = std::chrono::steady_clock::now();
    SearchResults partial = search(sharded, "otter");
    CHECK(partial.shards_failed == 1);
    CHECK(partial.total == local);
    CHECK(std::chrono::steady_clock::now() - started < kTimeout * 2);
    auto document = sharded.document("north/long.txt", "");
    CHECK((document.has_value() == (loupe::db::shard_of("north/long.txt", 3) != 2)));
  }
}

TEST_CASE("two remote shards that hang at once cost one request the timeout, not two") {
  const std::vector<std::string> three = corpus().three();
  RemoteShard first(three[1]);
  RemoteShard second(three[2]);
  constexpr auto kTimeout = std::chrono::milliseconds(600);
  Searcher sharded(shard_set({three[0], first.spec(), second.spec()}, kTimeout));
  const uint64_t local = search(*std::make_unique<Searcher>(three[0]), "otter").total;
  REQUIRE(search(sharded, "otter").shards_failed == 0);
  first.signal(SIGSTOP);
  second.signal(SIGSTOP);
  auto started = std::chrono::steady_clock::now();
  // One timeout, a short wait for the others to connect again, and the search.
  SUBCASE("met by a search") {
    SearchResults partial = search(sharded, "otter");
    CHECK(std::chrono::steady_clock::now() - started < kTimeout * 2);
    CHECK(partial.shards_failed == 2);
    CHECK(partial.total == local);
  }
  SUBCASE("met by the refresh before one") {
    sharded.refresh(std::chrono::milliseconds(0));
    CHECK(std::chrono::steady_clock::now() - started < kTimeout * 2);
    CHECK(search(sharded, "otter").total == local);
  }
  first.signal(SIGCONT);
  second.signal(SIGCONT);
}

TEST_CASE("a remote shard that closes its connection is connected again, not left out") {
  const std::vector<std::string> three = corpus().three();
  Searcher whole((corpus().dir / "whole").string());
  const uint64_t all = search(whole, "otter").total;
  auto check_whole = [&](Searcher& sharded) {
    SearchResults found = search(sharded, "otter");
    CHECK(found.total == all);
    CHECK(found.shards_failed == 0);
    CHECK(sharded.shards()[2].state == "up");
  };

  SUBCASE("xapian-tcpsrv ends an idle connection") {
    // Long enough that no request of the test is itself cut off, even under a sanitizer.
    RemoteShard remote(three[2], {"--idle-timeout", "1000"});
    Searcher sharded(shard_set({three[0], three[1], remote.spec()}));
    check_whole(sharded);
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    check_whole(sharded);
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    sharded.refresh(std::chrono::milliseconds(0));
    check_whole(sharded);
  }
  SUBCASE("the connection ends with no host named in the error") {
    RemoteShard remote(three[2]);
    HangUpRelay relay(remote.port());
    Searcher sharded(shard_set({three[0], three[1], relay.spec()}));
    check_whole(sharded);
    relay.hang_up();
    check_whole(sharded);
    relay.hang_up();
    CHECK(sharded.document("north/long.txt", "kingfisher").has_value());
    relay.hang_up();
    sharded.refresh(std::chrono::milliseconds(0));
    check_whole(sharded);
  }
}

TEST_CASE("spelling: a word only a remote shard has is suggested, and not taken for a typo") {
  // The remote shard is the one that holds the only kingfisher (Xapian's remote protocol
  // carries no spelling table).
  const unsigned holder = loupe::db::shard_of("north/long.txt", 3);
  RemoteShard remote(corpus().three()[holder]);
  std::vector<std::string> specs = corpus().three();
  specs[holder] = remote.spec();
  Searcher whole((corpus().dir / "whole").string());
  Searcher sharded(shard_set(specs));
  struct Row {
    const char* query;
    const char* suggestion;
    bool corrected;
  };
  const Row rows[] = {
      {"kingfsher", "kingfisher", true},   // one letter dropped
      {"kignfisher", "kingfisher", true},  // two swapped
      {"ikngfisher", "kingfisher", true},  // the first two swapped
      {"kingfisher", "", false},           // right, and only there
      {"kingfisher heronn", "kingfisher heron", false},
  };
  for (const Row& row : rows) {
    CAPTURE(row.query);
    SearchResults expected = search(whole, row.query);
    SearchResults found = search(sharded, row.query);
    CHECK(expected.suggestion == row.suggestion);
    CHECK(found.suggestion == row.suggestion);
    CHECK(found.corrected == row.corrected);
    CHECK(found.total == expected.total);
  }
}
