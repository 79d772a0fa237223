// Text store tests on a real database: blocks join back up, checkpoints reproduce positions.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "analysis/analyzer.h"
#include "db/document_record.h"
#include "db/text_store.h"
#include "tests/support/test_support.h"

using namespace loupe;

namespace {

std::string varied_text() {
  const char* pieces[] = {
      "Plain words and more words. ",
      "An e-mail to state-of-the-art re-indexing, ",
      "caf\xC3\xA9 na\xC3\xAFve R\xC3\xA9sum\xC3\xA9 and U.S.A. today. ",
      ("\xE6\x9D\xB1\xE4\xBA\xAC\xE5\xA4\xA7\xE5\xAD\xA6\xE3\x81\xAB\xE8\xA1\x8C"
       "\xE3\x81\x8D\xE3\x81\xBE\xE3\x81\x99\xE3\x80\x82 "),
      "os.path.join(a, b) returns snake_case_names\n\n",
      "GPT-4 and H100s: 3.14 \xF0\x9F\x9A\x80 done. "};
  std::string text;
  for (int i = 0; text.size() < 5 * db::kBlockBytes; ++i) text += pieces[i % 6];
  return text;
}

struct Seen {
  uint32_t position;
  std::string term;
  uint32_t begin;
  bool operator==(const Seen&) const = default;
};

}  // namespace

TEST_CASE("checkpoint tables survive their binary form") {
  const std::vector<std::vector<uint32_t>> offsets = {{}, {0}, {0, 512, 1030, 70000, 4000000000u}};
  const std::vector<std::vector<uint32_t>> positions = {{}, {1}, {1, 90, 181, 12000, 4000000001u}};
  for (size_t i = 0; i < offsets.size(); ++i) {
    std::vector<uint32_t> o, p;
    REQUIRE(db::decode_checkpoints(db::encode_checkpoints(offsets[i], positions[i]), o, p));
    CHECK(o == offsets[i]);
    CHECK(p == positions[i]);
  }
  std::vector<uint32_t> o, p;
  CHECK_FALSE(db::decode_checkpoints("\x05\x01", o, p));  // truncated
  CHECK_FALSE(db::decode_checkpoints("\xFF\xFF\xFF\xFF\xFF\xFF", o, p));
}

TEST_CASE("stored text reads back by any range, and analysis from any checkpoint matches") {
  testing::TempDir tmp;
  analysis::Analyzer analyzer("english");
  const std::string text = varied_text();
  db::CheckpointPlanner planner(text);
  std::vector<Seen> all;
  analyzer.analyze(text, 1, [&](const analysis::Token& t) {
    if (!t.joined) {
      planner.add(t.begin, t.end, t.position);
      all.push_back({t.position, t.term, t.begin});
    }
  });
  db::DocumentRecord record;
  record.id = "dir/doc.txt";
  record.text_bytes = text.size();
  record.checkpoint_offsets = planner.offsets();
  record.checkpoint_positions = planner.positions();
  REQUIRE(record.checkpoint_offsets.size() > 20);
  {
    Xapian::WritableDatabase w((tmp / "db").string(), Xapian::DB_CREATE);
    db::write_text(w, record.id, text, 0);
    w.commit();
  }
  Xapian::Database rdb((tmp / "db").string());
  CHECK(db::read_text(rdb, record) == text);
  const std::pair<uint64_t, uint64_t> ranges[] = {{0, 10},
                                                  {8190, 8195},
                                                  {100, 3 * db::kBlockBytes + 7},
                                                  {text.size() - 3, text.size() + 100},
                                                  {50, 50}};
  for (const auto& range : ranges) {
    // Named, not structured bindings: clang 14 cannot capture those (CAPTURE does).
    uint64_t begin = range.first, end = range.second;
    CAPTURE(begin);
    CHECK(db::read_text_range(rdb, record, begin, end) ==
          text.substr(begin, std::min<uint64_t>(end, text.size()) -
                                 std::min<uint64_t>(begin, text.size())));
  }
  for (size_t i = 0; i < record.checkpoint_offsets.size(); ++i) {
    uint32_t offset = record.checkpoint_offsets[i];
    std::vector<Seen> from_here;
    analyzer.analyze(std::string_view(text).substr(offset), record.checkpoint_positions[i],
                     [&](const analysis::Token& t) {
                       if (!t.joined && from_here.size() < 40)
                         from_here.push_back({t.position, t.term, t.begin + offset});
                     });
    auto first =
        std::find_if(all.begin(), all.end(), [&](const Seen& s) { return s.begin >= offset; });
    std::vector<Seen> expected(first, first + std::min<ptrdiff_t>(40, all.end() - first));
    CAPTURE(i);
    CHECK(from_here == expected);
  }
  // A shorter new version leaves no block of the old one behind.
  {
    Xapian::WritableDatabase w((tmp / "db").string(), Xapian::DB_OPEN);
    db::write_text(w, record.id, "short", text.size());
    w.commit();
  }
  Xapian::Database after((tmp / "db").string());
  CHECK(after.get_metadata(db::block_key(record.id, 0)) == "short");
  for (size_t b = 1; b < db::block_count(text.size()); ++b)
    CHECK(after.get_metadata(db::block_key(record.id, b)).empty());
}
