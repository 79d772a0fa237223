// Document cache tests on a real database: what it returns is what the database holds, within
// its bound, and never from another revision or another index.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "db/document_cache.h"
#include "db/document_record.h"
#include "db/text_store.h"
#include "tests/support/test_support.h"

using namespace loupe;

namespace {

db::DocumentRecord record_for(const std::string& id, const std::string& text) {
  db::DocumentRecord record;
  record.id = id;
  record.path = "/docs/" + id;
  record.title = "Title of " + id;
  record.type = "text";
  record.text_bytes = text.size();
  for (uint32_t at = 0; at < text.size(); at += 300) {
    record.checkpoint_offsets.push_back(at);
    record.checkpoint_positions.push_back(at / 6);
  }
  return record;
}

// Replaces (or adds) document `docid` with `text`, and commits.
void put(Xapian::WritableDatabase& db, Xapian::docid docid, const std::string& id,
         const std::string& text, uint64_t old_bytes = 0) {
  Xapian::Document doc;
  db::store_record(doc, record_for(id, text));
  db.replace_document(docid, doc);
  db::write_text(db, id, text, old_bytes);
  db.commit();
}

std::string text_of(char letter, size_t bytes) {
  std::string text;
  for (size_t i = 0; text.size() < bytes; ++i) text += std::string(1 + i % 7, letter) + ' ';
  return text.substr(0, bytes);
}

}  // namespace

TEST_CASE("the document cache returns what the database holds, whatever its size") {
  testing::TempDir tmp;
  const std::vector<std::string> texts = {text_of('a', 100), text_of('b', 3 * db::kBlockBytes + 11),
                                          text_of('c', db::kBlockBytes)};
  {
    Xapian::WritableDatabase w((tmp / "db").string(), Xapian::DB_CREATE);
    for (size_t i = 0; i < texts.size(); ++i)
      put(w, static_cast<Xapian::docid>(i + 1), "doc" + std::to_string(i), texts[i]);
  }
  Xapian::Database rdb((tmp / "db").string());
  const std::vector<Xapian::docid> docids = {3, 1, 2, 1};
  const std::pair<uint64_t, uint64_t> ranges[] = {
      {0, 10}, {8190, 8195}, {100, 3 * db::kBlockBytes + 7}, {20, 10000000}, {50, 50}};
  struct Row {
    size_t max_bytes;
    bool keeps_some;
  };
  // Nothing; less than one block; a few entries; everything.
  const Row rows[] = {{0, false}, {1000, true}, {20000, true}, {size_t{16} << 20, true}};
  for (const Row& row : rows) {
    CAPTURE(row.max_bytes);
    db::DocumentCache cache(row.max_bytes);
    for (int round = 0; round < 2; ++round) {  // cold, then from what was kept
      cache.use(rdb);
      auto records = cache.records(rdb, docids);
      REQUIRE(records.size() == docids.size());
      for (size_t i = 0; i < docids.size(); ++i) {
        db::DocumentRecord expected = db::load_record(rdb.get_document(docids[i]));
        CHECK(records[i]->id == expected.id);
        CHECK(records[i]->title == expected.title);
        CHECK(records[i]->checkpoint_offsets == expected.checkpoint_offsets);
        for (const auto& range : ranges) {
          // Named, not structured bindings: clang 14 cannot capture those (CAPTURE does).
          uint64_t begin = range.first, end = range.second;
          CAPTURE(begin);
          CHECK(cache.text_range(rdb, docids[i], *records[i], begin, end) ==
                db::read_text_range(rdb, expected, begin, end));
        }
      }
      CHECK(cache.bytes() <= row.max_bytes);
      CHECK((cache.entries() > 0) == row.keeps_some);
    }
  }
}

TEST_CASE("the document cache forgets what a commit changed") {
  testing::TempDir tmp;
  const std::string path = (tmp / "db").string();
  const std::string before = text_of('a', 2 * db::kBlockBytes);
  const std::string after = text_of('z', db::kBlockBytes + 5);
  Xapian::WritableDatabase w(path, Xapian::DB_CREATE);
  put(w, 1, "doc", before);
  Xapian::Database rdb(path);
  db::DocumentCache cache(size_t{1} << 20);
  cache.use(rdb);
  auto old = cache.records(rdb, {1});
  CHECK(cache.text_range(rdb, 1, *old[0], 0, 20) == before.substr(0, 20));

  put(w, 1, "doc", after, before.size());  // the same docid, new text
  REQUIRE(rdb.reopen());
  cache.use(rdb);
  auto now = cache.records(rdb, {1});
  CHECK(now[0]->text_bytes == after.size());
  CHECK(cache.text_range(rdb, 1, *now[0], 0, 20) == after.substr(0, 20));
  CHECK(old[0]->text_bytes == before.size());  // a record handed out before stays whole
}

TEST_CASE("the document cache tells an index built anew from the old one at its revision") {
  testing::TempDir tmp;
  const std::string path = (tmp / "db").string();
  {
    Xapian::WritableDatabase w(path, Xapian::DB_CREATE);
    put(w, 1, "doc", text_of('a', 500));
  }
  db::DocumentCache cache(size_t{1} << 20);
  Xapian::Database first(path);
  cache.use(first);
  CHECK(cache.text_range(first, 1, *cache.records(first, {1})[0], 0, 5) == "a aa ");

  std::filesystem::remove_all(path);
  {
    Xapian::WritableDatabase w(path, Xapian::DB_CREATE);
    put(w, 1, "other", text_of('q', 500));
  }
  Xapian::Database rebuilt(path);
  REQUIRE(rebuilt.get_revision() == first.get_revision());
  cache.use(rebuilt);
  auto records = cache.records(rebuilt, {1});
  CHECK(records[0]->id == "other");
  CHECK(cache.text_range(rebuilt, 1, *records[0], 0, 5) == "q qq ");
}
