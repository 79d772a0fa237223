// Indexer tests against a real Xapian database in a temporary folder.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xapian.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "db/document_record.h"
#include "db/schema.h"
#include "db/text_store.h"
#include "indexer/index_run.h"
#include "tests/support/test_support.h"

namespace fs = std::filesystem;
using loupe::testing::run_command;
using loupe::testing::TempDir;
using loupe::testing::write_file;
using namespace loupe::indexer;

namespace {

struct Outcome {
  RunResult result;
  IndexStats stats;
};

Outcome index(
    const fs::path& db, std::vector<std::string> paths,
    std::function<bool()> stop = [] { return false; }) {
  Progress quiet(stderr, false);
  Outcome out{RunResult::kFailed, {}};
  out.result = run_index({db, "", std::move(paths)}, quiet, stop, out.stats);
  return out;
}

std::optional<loupe::db::DocumentRecord> find_record(const Xapian::Database& db,
                                                     const std::string& id) {
  std::string term = "Q" + id;
  auto it = db.postlist_begin(term);
  if (it == db.postlist_end(term)) return std::nullopt;
  return loupe::db::load_record(db.get_document(*it));
}

bool has_term(const Xapian::Database& db, const std::string& id, const std::string& term) {
  std::string q = "Q" + id;
  auto doc = db.postlist_begin(q);
  if (doc == db.postlist_end(q)) return false;
  auto it = db.termlist_begin(*doc);
  it.skip_to(term);
  return it != db.termlist_end(*doc) && *it == term;
}

// Moves a file's modification time, as an edit a second later would.
void bump_mtime(const fs::path& path) {
  fs::last_write_time(path, fs::last_write_time(path) + std::chrono::seconds(2));
}

}  // namespace

TEST_CASE("the seeds are indexed with their headlines and words") {
  TempDir tmp;
  Outcome run = index(tmp / "db", {loupe::testing::seeds_dir().string()});
  REQUIRE(run.result == RunResult::kDone);
  CHECK(run.stats.added == 5);
  Xapian::Database db((tmp / "db").string());
  CHECK(db.get_doccount() == 5);
  CHECK(db.has_positions());
  struct Row {
    std::string id;
    std::string title;
    std::string word;
  };
  const Row rows[] = {
      {"000_3cd39b793bb67d62.txt",
       "Andrej Karpathy Joined Anthropic. His First Job: Use Claude to Build the Next Claude.",
       "bloomberg"},
      {"001_639010c0b717dd1d.txt",
       "The Prodigal Scientist: Why Andrej Karpathy Joining Anthropic Changes Everything",
       "prodigal"},
      {"002_1b56216890a2d894.txt",
       "Andrej Karpathy Joins Anthropic to Teach Claude How to Train Itself Better", "nicholas"},
      {"003_e31c131763d3b434.txt",
       "The recursive hire \xE2\x80\x94 Karpathy joins Anthropic to use Claude to train the next "
       "Claude",
       "exiles"},
      {"004_396babc13d7661a2.txt", "Andrej Karpathy Joins Anthropic and Bets on Research", "rohlf"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.id);
    auto record = find_record(db, row.id);
    REQUIRE(record);
    CHECK(record->title == row.title);
    CHECK(record->size == fs::file_size(loupe::testing::seeds_dir() / row.id));
    CHECK(has_term(db, row.id, row.word));
    CHECK(db.get_termfreq(row.word) == 1);
    // Title words are searchable on their own.
    CHECK(has_term(db, row.id, "Santhropic"));
    // The stored text is the whole extracted text, in blocks that join back up.
    CHECK(loupe::db::read_text(db, *record).size() == record->text_bytes);
  }
}

TEST_CASE("Xapian's own query parser finds words in a Loupe database") {
  TempDir tmp;
  REQUIRE(index(tmp / "db", {loupe::testing::seeds_dir().string()}).result == RunResult::kDone);
  Xapian::Database db((tmp / "db").string());
  Xapian::QueryParser qp;
  qp.set_database(db);
  qp.set_stemmer(Xapian::Stem("english"));
  qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
  qp.add_prefix("title", "S");
  struct Row {
    std::string query;
    Xapian::doccount matches;
  };
  const Row rows[] = {
      {"bloomberg", 1}, {"resume", 2}, {"title:prodigal", 1}, {"\"pre training team\"", 3}};
  for (const Row& row : rows) {
    CAPTURE(row.query);
    Xapian::Enquire enquire(db);
    enquire.set_query(qp.parse_query(row.query));
    CHECK(enquire.get_mset(0, 10, 10).get_matches_estimated() == row.matches);
  }
}

TEST_CASE("a second run applies only the changes") {
  TempDir tmp;
  fs::path docs = tmp / "docs";
  write_file(docs / "a.txt", "Alpha document about penguins\n");
  write_file(docs / "sub/b.md", "# Bravo\n\nAbout walruses.\n");
  write_file(docs / "c.html", "<title>Charlie</title><p>About narwhals.</p>");
  Outcome first = index(tmp / "db", {docs.string()});
  CHECK(first.stats.added == 3);

  Outcome again = index(tmp / "db", {docs.string()});
  CHECK(again.stats.unchanged == 3);
  CHECK(again.stats.added + again.stats.updated + again.stats.removed == 0);
  CHECK(again.stats.bytes_read == 0);  // size and time matched: nothing was read

  write_file(docs / "a.txt", "Alpha document about puffins instead\n");
  bump_mtime(docs / "a.txt");
  bump_mtime(docs / "sub/b.md");  // touched, same content
  fs::remove(docs / "c.html");
  write_file(docs / "d.txt", "Delta document about otters\n");
  Outcome changed = index(tmp / "db", {docs.string()});
  CHECK(changed.stats.added == 1);
  CHECK(changed.stats.updated == 1);
  CHECK(changed.stats.removed == 1);
  CHECK(changed.stats.unchanged == 1);

  Xapian::Database db((tmp / "db").string());
  CHECK(db.get_doccount() == 3);
  CHECK(has_term(db, "a.txt", "puffins"));
  CHECK_FALSE(has_term(db, "a.txt", "penguins"));
  CHECK(db.get_termfreq("penguins") == 0);
  CHECK(db.get_termfreq("narwhals") == 0);
  CHECK(has_term(db, "sub/b.md", "walruses"));
  CHECK(has_term(db, "d.txt", "otters"));
  // The removed document's text went with it.
  CHECK(db.get_metadata(loupe::db::block_key("c.html", 0)).empty());
}

TEST_CASE("a database of an older format has every file analysed again by the next run") {
  TempDir tmp;
  fs::path docs = tmp / "docs";
  write_file(docs / "a.txt", "Notes on C++ templates\n");
  write_file(docs / "b.txt", "Vitamin C\n");
  CHECK(index(tmp / "db", {docs.string()}).stats.added == 2);
  {
    // As a version-1 indexer left it: "c" where "c++" is now a word of its own.
    Xapian::WritableDatabase db((tmp / "db").string());
    db.set_metadata(std::string(loupe::db::kFormatKey), "1");
    Xapian::Document doc = db.get_document(*db.postlist_begin("Qa.txt"));
    doc.remove_term("c++");
    doc.add_posting("c", 2);
    db.replace_document(*db.postlist_begin("Qa.txt"), doc);
    db.commit();
  }
  Outcome again = index(tmp / "db", {docs.string()});
  CHECK(again.stats.updated == 2);
  CHECK(again.stats.unchanged == 0);
  Xapian::Database db((tmp / "db").string());
  CHECK(db.get_metadata(std::string(loupe::db::kFormatKey)) == loupe::db::kFormatVersion);
  CHECK(has_term(db, "a.txt", "c++"));
  CHECK_FALSE(has_term(db, "a.txt", "c"));
  // Then runs skip unchanged files again.
  CHECK(index(tmp / "db", {docs.string()}).stats.unchanged == 2);
}

TEST_CASE("an older database indexed from two roots moves to the new format once both are run") {
  TempDir tmp;
  write_file(tmp / "a/x.txt", "Notes on C++\n");
  write_file(tmp / "b/y.txt", "More on C#\n");
  CHECK(index(tmp / "db", {(tmp / "a").string(), (tmp / "b").string()}).stats.added == 2);
  auto format = [&] {
    return Xapian::Database((tmp / "db").string()).get_metadata(std::string(loupe::db::kFormatKey));
  };
  {
    Xapian::WritableDatabase db((tmp / "db").string());
    db.set_metadata(std::string(loupe::db::kFormatKey), "1");
    db.commit();
  }
  // Root b's document is still as the older version wrote it.
  CHECK(index(tmp / "db", {(tmp / "a").string()}).stats.updated == 1);
  CHECK(format() == "1");
  Outcome both = index(tmp / "db", {(tmp / "a").string(), (tmp / "b").string()});
  CHECK(both.stats.updated == 2);
  CHECK(format() == loupe::db::kFormatVersion);
}

TEST_CASE("the same id under two roots: the first root keeps it, run after run") {
  TempDir tmp;
  write_file(tmp / "a/x.md", "# From A\n\napples\n");
  write_file(tmp / "b/x.md", "# From B\n\nbananas\n");
  write_file(tmp / "b/y.md", "# Only B\n\ncherries\n");
  Outcome first = index(tmp / "db", {(tmp / "a").string(), (tmp / "b").string()});
  CHECK(first.stats.added == 2);
  CHECK(first.stats.skipped == 1);
  Outcome second = index(tmp / "db", {(tmp / "a").string(), (tmp / "b").string()});
  CHECK(second.stats.unchanged == 2);
  CHECK(second.stats.added + second.stats.updated + second.stats.removed == 0);
  Xapian::Database db((tmp / "db").string());
  CHECK(has_term(db, "x.md", "apples"));
  CHECK(has_term(db, "y.md", "cherries"));
}

TEST_CASE("one folder spelled several ways is one root: nothing is removed or counted twice") {
  TempDir tmp;
  write_file(tmp / "docs/a.txt", "alpha words\n");
  write_file(tmp / "docs/sub/b.txt", "bravo words\n");
  REQUIRE(index(tmp / "db", {(tmp / "docs").string()}).stats.added == 2);
  const std::vector<std::vector<std::string>> spellings = {
      {(tmp / "docs").string(), (tmp / "docs").string() + "/"},
      {(tmp / "docs").string() + "//", (tmp / "docs/sub/..").string()},
      {(tmp / "docs/./").string()},
  };
  for (const auto& paths : spellings) {
    CAPTURE(paths.front());
    Outcome run = index(tmp / "db", paths);
    CHECK(run.result == RunResult::kDone);
    CHECK(run.stats.unchanged == 2);
    CHECK(run.stats.added + run.stats.updated + run.stats.removed + run.stats.skipped == 0);
  }
  CHECK(Xapian::Database((tmp / "db").string()).get_doccount() == 2);
}

TEST_CASE("a root keeps its ids across runs while its files exist, then hands them over") {
  TempDir tmp;
  write_file(tmp / "a/x.md", "# From A\n\napples\n");
  write_file(tmp / "b/x.md", "# From B\n\nbananas\n");
  REQUIRE(index(tmp / "db", {(tmp / "a").string()}).stats.added == 1);
  Outcome other = index(tmp / "db", {(tmp / "b").string()});
  CHECK(other.stats.skipped == 1);
  CHECK(other.stats.updated == 0);
  CHECK(has_term(Xapian::Database((tmp / "db").string()), "x.md", "apples"));
  // The folder moved: the new place takes the id over, and its own runs now remove what goes.
  fs::rename(tmp / "a", tmp / "moved");
  Outcome moved = index(tmp / "db", {(tmp / "moved").string()});
  CHECK(moved.stats.unchanged == 1);
  fs::remove(tmp / "moved/x.md");
  CHECK(index(tmp / "db", {(tmp / "moved").string()}).stats.removed == 1);
  CHECK(Xapian::Database((tmp / "db").string()).get_doccount() == 0);
}

TEST_CASE("a file indexed alone, then with its folder, belongs to the folder") {
  TempDir tmp;
  write_file(tmp / "sf/a.txt", "wombat single\n");
  write_file(tmp / "sf/b.txt", "other file\n");
  REQUIRE(index(tmp / "db", {(tmp / "sf/a.txt").string()}).stats.added == 1);
  Outcome folder = index(tmp / "db", {(tmp / "sf").string()});
  CHECK(folder.stats.added == 1);
  CHECK(folder.stats.unchanged == 1);
  CHECK(folder.stats.skipped == 0);
  fs::remove(tmp / "sf/a.txt");
  CHECK(index(tmp / "db", {(tmp / "sf").string()}).stats.removed == 1);
  CHECK(Xapian::Database((tmp / "db").string()).get_termfreq("wombat") == 0);
}

TEST_CASE("roots in any order, moved, nested or given in part keep one document per file") {
  TempDir tmp;
  auto count = [&](const std::string& word) {
    return Xapian::Database((tmp / "db").string()).get_termfreq(word);
  };
  write_file(tmp / "A/x.txt", "apple\n");
  write_file(tmp / "B/x.txt", "banana\n");
  std::string a = (tmp / "A").string(), b = (tmp / "B").string();
  REQUIRE(index(tmp / "db", {a, b}).stats.added == 1);
  // The other order: A keeps x.txt, nothing is removed.
  Outcome swapped = index(tmp / "db", {b, a});
  CHECK(swapped.stats.removed == 0);
  CHECK(count("apple") == 1);
  CHECK(count("banana") == 0);

  // A folder moved while a file in it was deleted: the deleted one goes too.
  write_file(tmp / "docs/keep.txt", "kept\n");
  write_file(tmp / "docs/gone.txt", "gone\n");
  REQUIRE(index(tmp / "db", {(tmp / "docs").string()}).stats.added == 2);
  fs::rename(tmp / "docs", tmp / "moved");
  fs::remove(tmp / "moved/gone.txt");
  Outcome moved = index(tmp / "db", {(tmp / "moved").string()});
  CHECK(moved.stats.removed == 1);
  CHECK(count("gone") == 0);
  CHECK(count("kept") == 1);

  // A file indexed alone, then its folder: one document, under the folder's id.
  write_file(tmp / "tree/sub/a.txt", "kiwi\n");
  write_file(tmp / "tree/b.txt", "lime\n");
  REQUIRE(index(tmp / "db", {(tmp / "tree/sub/a.txt").string()}).stats.added == 1);
  CHECK(index(tmp / "db", {(tmp / "tree").string()}).result == RunResult::kDone);
  CHECK(count("kiwi") == 1);
  CHECK(find_record(Xapian::Database((tmp / "db").string()), "sub/a.txt"));
  // Part of an indexed folder, given again: the same ids, no copies; a new file there joins.
  write_file(tmp / "tree/sub/c.txt", "plum\n");
  Outcome part = index(tmp / "db", {(tmp / "tree/sub").string()});
  CHECK(part.stats.added == 1);
  CHECK(part.stats.removed == 0);
  CHECK(find_record(Xapian::Database((tmp / "db").string()), "sub/c.txt"));
  CHECK(count("kiwi") == 1);
  CHECK(count("lime") == 1);  // outside the part: left alone
  // A hidden folder given on its own is not part of its parent's walk: it stays.
  write_file(tmp / "tree/.private/h.txt", "quince\n");
  REQUIRE(index(tmp / "db", {(tmp / "tree/.private").string()}).result == RunResult::kDone);
  CHECK(count("quince") == 1);
  index(tmp / "db", {(tmp / "tree").string()});
  CHECK(count("quince") == 1);
  // A folder and a folder inside it, given together: walked once.
  Outcome nested = index(tmp / "db", {(tmp / "tree").string(), (tmp / "tree/sub").string()});
  CHECK(nested.stats.unchanged == 3);
  CHECK(nested.stats.added + nested.stats.removed + nested.stats.skipped == 0);
}

TEST_CASE("a symlinked file is indexed only when it points inside the folder") {
  TempDir tmp;
  fs::path docs = tmp / "docs";
  write_file(tmp / "outside/secret.txt", "root password hunter2\n");
  write_file(docs / "notes/plan.txt", "The launch plan\n");
  fs::create_symlink(tmp / "outside/secret.txt", docs / "secret.txt");
  fs::create_symlink(docs / "notes/plan.txt", docs / "plan-link.txt");
  fs::create_symlink(fs::path("notes") / "plan.txt", docs / "relative-link.txt");
  fs::create_symlink(docs / "missing.txt", docs / "dangling.txt");
  Outcome run = index(tmp / "db", {docs.string()});
  CHECK(run.result == loupe::indexer::RunResult::kDone);
  Xapian::Database db((tmp / "db").string());
  CHECK_FALSE(find_record(db, "secret.txt"));
  CHECK(find_record(db, "notes/plan.txt"));
  CHECK(find_record(db, "plan-link.txt"));
  CHECK(find_record(db, "relative-link.txt"));
  CHECK(db.get_doccount() == 3);
  // The file itself, given as a root, is indexed as asked.
  CHECK(index(tmp / "db2", {(tmp / "outside/secret.txt").string()}).stats.added == 1);
}

TEST_CASE("binary files are skipped, broken UTF-8 is indexed") {
  TempDir tmp;
  fs::path docs = tmp / "docs";
  write_file(docs / "image.txt", std::string("\x89PNG\r\n\x1A\n\0\0\0\rIHDR", 16));
  write_file(docs / "noext", std::string("ELF\0\0\0binary", 12));
  write_file(docs / "picture.png", "not read at all");
  write_file(docs / "latin1.txt",
             "Un caf\xE9 et un r\xE9sum\xE9 na\xEF"
             "f\n");
  write_file(docs / "broken.md",
             "# Broken \xC3\x28 bytes\n\nvalid words \xF0\x28\x8C\x28 around\n");
  write_file(docs / "cjk.txt",
             "\xE6\x9D\xB1\xE4\xBA\xAC\xE5\xA4\xA7\xE5\xAD\xA6\xE3\x81\xAB\xE8\xA1\x8C\xE3\x81\x8D"
             "\xE3\x81\xBE\xE3\x81\x99\n");
  Outcome run = index(tmp / "db", {docs.string()});
  CHECK(run.stats.added == 3);
  CHECK(run.stats.skipped == 3);
  Xapian::Database db((tmp / "db").string());
  CHECK(has_term(db, "latin1.txt", "cafe"));
  CHECK(has_term(db, "latin1.txt", "resume"));
  CHECK(has_term(db, "broken.md", "words"));
  CHECK(has_term(db, "broken.md", "around"));
  CHECK(has_term(db, "cjk.txt", "\xE6\x9D\xB1\xE4\xBA\xAC"));  // 東京
  CHECK_FALSE(find_record(db, "image.txt"));
}

TEST_CASE("a document without words is titled by its file name") {
  TempDir tmp;
  write_file(tmp / "docs/empty notes.txt", "");
  write_file(tmp / "docs/blank.md", "\n   \n");
  REQUIRE(index(tmp / "db", {(tmp / "docs").string()}).stats.added == 2);
  Xapian::Database db((tmp / "db").string());
  CHECK(find_record(db, "empty notes.txt")->title == "empty notes");
  CHECK(find_record(db, "blank.md")->title == "blank");
  CHECK(has_term(db, "blank.md", "Sblank"));
}

TEST_CASE("an interrupted run leaves the previous index untouched") {
  TempDir tmp;
  fs::path docs = tmp / "docs";
  write_file(docs / "a.txt", "first version of alpha\n");
  REQUIRE(index(tmp / "db", {docs.string()}).stats.added == 1);
  for (int i = 0; i < 20; ++i)
    write_file(docs / ("new" + std::to_string(i) + ".txt"), "fresh words\n");
  write_file(docs / "a.txt", "second version of alpha\n");
  bump_mtime(docs / "a.txt");
  int polls = 0;
  Outcome stopped = index(tmp / "db", {docs.string()}, [&] { return ++polls > 10; });
  CHECK(stopped.result == RunResult::kInterrupted);
  Xapian::Database db((tmp / "db").string());
  CHECK(db.get_doccount() == 1);
  CHECK(has_term(db, "a.txt", "first"));
  CHECK(db.get_termfreq("fresh") == 0);
}

TEST_CASE("a killed loupe-index leaves a readable index") {
  TempDir tmp;
  fs::path docs = tmp / "docs";
  for (int i = 0; i < 400; ++i)
    write_file(docs / ("f" + std::to_string(i) + ".txt"),
               std::string(10000, 'w') + " words of file " + std::to_string(i));
  REQUIRE(index(tmp / "db", {(docs / "f0.txt").string()}).result == RunResult::kDone);
  pid_t pid = fork();
  if (pid == 0) {
    execl(loupe::testing::index_program().c_str(), "loupe-index", "--db", (tmp / "db").c_str(),
          docs.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  Xapian::Database db((tmp / "db").string());
  Xapian::doccount count = db.get_doccount();
  CHECK((count == 1 || count == 400));  // f0.txt is in both runs
  // And the next run finishes the job.
  CHECK(index(tmp / "db", {docs.string()}).result == RunResult::kDone);
  CHECK(Xapian::Database((tmp / "db").string()).get_doccount() == 400);
}

namespace {

// xapian-check (xapian-tools, which the tests install) checks every table and every link between
// them. Xapian::Database::check would do it in process, but trips AddressSanitizer inside
// libxapian 1.4.22 (new-delete-type-mismatch). Where the tool is missing (the image's build
// stage runs the unit tests), every document, its data and its terms are read instead.
bool index_checks_out(const fs::path& db) {
  const char* tool = "/usr/bin/xapian-check";
  if (fs::exists(tool)) return run_command({tool, db.string()}).exit_code == 0;
  try {
    Xapian::Database index(db.string());
    for (auto it = index.postlist_begin(""); it != index.postlist_end(""); ++it) {
      Xapian::Document doc = index.get_document(*it);
      (void)doc.get_data();
      for (auto term = doc.termlist_begin(); term != doc.termlist_end(); ++term) (void)*term;
    }
    return true;
  } catch (const Xapian::Error&) {
    return false;
  }
}

}  // namespace

TEST_CASE("SIGKILL at any moment, many times over: the index checks out, old or new") {
  TempDir tmp;
  fs::path docs = tmp / "docs";
  constexpr int kFiles = 2000, kRounds = 12, kAddedPerRound = 100;
  for (int i = 0; i < kFiles; ++i)
    write_file(docs / ("d" + std::to_string(i % 20)) / ("f" + std::to_string(i) + ".md"),
               "# File " + std::to_string(i) + "\n\nSome words, and the co-founder's e-mail " +
                   std::string(static_cast<size_t>(200 + i % 700), 'x') + ".\n");
  REQUIRE(index(tmp / "db", {docs.string()}).result == RunResult::kDone);
  Xapian::doccount old_count = Xapian::Database((tmp / "db").string()).get_doccount();
  REQUIRE(old_count == kFiles);
  unsigned seed = 20261207;  // fixed: the same moments on every run
  int added = 0, killed_inside = 0;
  for (int round = 0; round < kRounds; ++round) {
    CAPTURE(round);
    // Every file changes, so that the run is long enough for the kill to land inside it.
    for (int i = 0; i < kFiles; ++i)
      write_file(docs / ("d" + std::to_string(i % 20)) / ("f" + std::to_string(i) + ".md"),
                 "# File " + std::to_string(i) + " of round " + std::to_string(round) +
                     "\n\nOther words " + std::string(static_cast<size_t>(200 + i % 700), 'y'));
    for (int k = 0; k < kAddedPerRound; ++k, ++added)
      write_file(docs / "new" / ("n" + std::to_string(added) + ".txt"),
                 "new words " + std::to_string(added));
    Xapian::doccount new_count = old_count + kAddedPerRound;
    // Anywhere from before the first write to after the commit.
    seed = seed * 1103515245 + 12345;
    auto delay = std::chrono::milliseconds((seed >> 8) % 150);
    pid_t pid = fork();
    if (pid == 0) {
      execl(loupe::testing::index_program().c_str(), "loupe-index", "--db", (tmp / "db").c_str(),
            docs.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    std::this_thread::sleep_for(delay);
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(index_checks_out(tmp / "db"));
    Xapian::doccount count = Xapian::Database((tmp / "db").string()).get_doccount();
    CHECK((count == old_count || count == new_count));
    killed_inside += count == old_count;
    if (count != new_count) {
      // A finished run brings it up to date.
      REQUIRE(index(tmp / "db", {docs.string()}).result == RunResult::kDone);
      count = Xapian::Database((tmp / "db").string()).get_doccount();
    }
    CHECK(count == new_count);
    old_count = count;
  }
  MESSAGE(killed_inside << " of " << kRounds << " kills landed before the run's commit");
  CHECK(killed_inside > 0);
}

namespace {

// A small tmpfs mounted on a fresh folder, unmounted when the object goes. Mounting needs root
// (CI and the development machines have it); elsewhere mounted() is false.
class SmallDisk {
 public:
  SmallDisk(const fs::path& where, const char* size) : path_(where) {
    fs::create_directories(where);
    std::string options = std::string("size=") + size;
    mounted_ = ::mount("tmpfs", where.c_str(), "tmpfs", 0, options.c_str()) == 0;
  }
  ~SmallDisk() {
    if (mounted_) ::umount2(path_.c_str(), MNT_DETACH);
  }
  SmallDisk(const SmallDisk&) = delete;
  SmallDisk& operator=(const SmallDisk&) = delete;
  bool mounted() const { return mounted_; }

 private:
  fs::path path_;
  bool mounted_ = false;
};

}  // namespace

TEST_CASE("a full disk stops loupe-index with exit status 2 and the old index intact") {
  TempDir tmp;
  SmallDisk disk(tmp / "disk", "3m");
  if (!disk.mounted()) {
    MESSAGE("skipped: mounting a tmpfs needs root");
    return;
  }
  fs::path docs = tmp / "docs", db = tmp / "disk" / "db";
  for (int i = 0; i < 5; ++i)
    write_file(docs / ("old" + std::to_string(i) + ".txt"), "old words " + std::to_string(i));
  REQUIRE(run_command({loupe::testing::index_program(), "--db", db.string(), docs.string()})
              .exit_code == 0);
  // About 10 MB of distinct words: the index of it cannot fit in 3 MB.
  unsigned seed = 7;
  for (int i = 0; i < 300; ++i) {
    std::string text;
    while (text.size() < 30000) {
      seed = seed * 1103515245 + 12345;
      text += "w" + std::to_string((seed >> 8) % 200000) + " ";
    }
    write_file(docs / ("new" + std::to_string(i) + ".txt"), text);
  }
  loupe::testing::CommandResult full =
      run_command({loupe::testing::index_program(), "--db", db.string(), docs.string()});
  CHECK(full.exit_code == 2);
  CHECK(full.output.find(db.string()) != std::string::npos);
  CHECK(full.output.find("No space left on device") != std::string::npos);
  CHECK(index_checks_out(db));
  Xapian::Database index(db.string());
  CHECK(index.get_doccount() == 5);
  CHECK(index.get_termfreq("old") == 5);
  CHECK_FALSE(find_record(index, "new0.txt"));
  CHECK(find_record(index, "old3.txt"));
}

TEST_CASE("loupe-index names the path or flag that is wrong") {
  TempDir tmp;
  const std::string program = loupe::testing::index_program();
  write_file(tmp / "file", "not a folder");
  write_file(tmp / "docs/a.txt", "words");

  auto missing = run_command({program, "--db", (tmp / "db").string(), (tmp / "nope").string()});
  CHECK(missing.exit_code == 2);
  CHECK(missing.output.find((tmp / "nope").string() + ": no such file or folder") !=
        std::string::npos);

  auto partly = run_command(
      {program, "--db", (tmp / "db").string(), (tmp / "docs").string(), (tmp / "nope").string()});
  CHECK(partly.exit_code == 1);
  CHECK(partly.output.find("added 1") != std::string::npos);

  auto not_dir = run_command({program, "--db", (tmp / "file").string(), (tmp / "docs").string()});
  CHECK(not_dir.exit_code == 2);
  CHECK(not_dir.output.find("--db " + (tmp / "file").string() + ": not a directory") !=
        std::string::npos);

  write_file(tmp / "mydocs/notes.txt", "somebody's documents");
  auto foreign = run_command({program, "--db", (tmp / "mydocs").string(), (tmp / "docs").string()});
  CHECK(foreign.exit_code == 2);
  CHECK(foreign.output.find("--db " + (tmp / "mydocs").string() + ": a folder with other files") !=
        std::string::npos);
  CHECK(fs::exists(tmp / "mydocs/notes.txt"));
  CHECK_FALSE(fs::exists(tmp / "mydocs/iamglass"));

  auto no_synonyms = run_command({program, "--db", (tmp / "db").string(), "--synonyms",
                                  (tmp / "syn.txt").string(), (tmp / "docs").string()});
  CHECK(no_synonyms.exit_code == 2);
  CHECK(no_synonyms.output.find((tmp / "syn.txt").string() + ": cannot read the synonyms file") !=
        std::string::npos);

  auto no_args = run_command({program});
  CHECK(no_args.exit_code == 2);
  auto bad_flag = run_command({program, "--bogus", "--db", (tmp / "db3").string(), "x"});
  CHECK(bad_flag.exit_code == 2);
  CHECK(bad_flag.output.find("--bogus") != std::string::npos);
  CHECK_FALSE(fs::exists(tmp / "db3"));
  CHECK(no_args.output.find("--db") != std::string::npos);

  auto bad_language = run_command(
      {program, "--db", (tmp / "db2").string(), "--language", "klingon", (tmp / "docs").string()});
  CHECK(bad_language.exit_code == 2);
  CHECK(bad_language.output.find("--language") != std::string::npos);
  CHECK_FALSE(fs::exists(tmp / "db2"));  // a bad flag creates nothing

  {
    Xapian::WritableDatabase holder((tmp / "db").string(), Xapian::DB_OPEN);
    auto locked = run_command({program, "--db", (tmp / "db").string(), (tmp / "docs").string()});
    CHECK(locked.exit_code == 2);
    CHECK(locked.output.find("locked") != std::string::npos);
  }
  auto fine = run_command({program, "--db", (tmp / "db").string(), (tmp / "docs").string()});
  CHECK(fine.exit_code == 0);
  CHECK(fine.output.find("unchanged 1") != std::string::npos);
}

TEST_CASE("an unreadable folder is reported and its documents are kept") {
  if (geteuid() == 0) return;  // root reads everything; the check needs an ordinary user
  TempDir tmp;
  write_file(tmp / "docs/ok.txt", "readable words");
  write_file(tmp / "docs/locked/in.txt", "inner words");
  REQUIRE(index(tmp / "db", {(tmp / "docs").string()}).stats.added == 2);
  chmod((tmp / "docs/locked").c_str(), 0);
  Outcome run = index(tmp / "db", {(tmp / "docs").string()});
  chmod((tmp / "docs/locked").c_str(), 0755);
  CHECK(run.result == RunResult::kPartial);
  CHECK(run.stats.removed == 0);
  CHECK(has_term(Xapian::Database((tmp / "db").string()), "locked/in.txt", "inner"));
}

TEST_CASE("unreadable files are reported and keep their previous version") {
  if (geteuid() == 0) return;  // root reads everything; the check needs an ordinary user
  TempDir tmp;
  write_file(tmp / "docs/a.txt", "readable words");
  REQUIRE(index(tmp / "db", {(tmp / "docs").string()}).stats.added == 1);
  write_file(tmp / "docs/a.txt", "changed words");
  bump_mtime(tmp / "docs/a.txt");
  chmod((tmp / "docs/a.txt").c_str(), 0);
  Outcome run = index(tmp / "db", {(tmp / "docs").string()});
  CHECK(run.result == RunResult::kPartial);
  CHECK(run.stats.failed == 1);
  CHECK(run.stats.skipped == 0);
  CHECK(has_term(Xapian::Database((tmp / "db").string()), "a.txt", "readable"));
}

TEST_CASE("--json prints the run as one JSON object, skips by reason") {
  TempDir tmp;
  write_file(tmp / "docs/a.txt", "plain words");
  write_file(tmp / "docs/b.xyz", "a type Loupe does not read");
  const char binary[] = "binary\0\0\0\x01\x02 content";
  write_file(tmp / "docs/c.txt", std::string(binary, sizeof binary - 1));
  auto run = run_command({loupe::testing::index_program(), "--json", "--db", (tmp / "db").string(),
                          (tmp / "docs").string()});
  CHECK(run.exit_code == 0);
  size_t start = run.output.find("{\"result\"");
  REQUIRE(start != std::string::npos);
  auto summary =
      nlohmann::json::parse(run.output.substr(start, run.output.find('\n', start) - start));
  CHECK(summary["result"] == "done");
  CHECK(summary["added"] == 1);
  CHECK(summary["skipped"] == 2);
  CHECK(summary["skipped_reasons"]["unsupported type"] == 1);
  CHECK(summary["skipped_reasons"]["binary content"] == 1);
  CHECK(summary["failed"] == 0);
  CHECK(summary["bytes_read"].get<int>() > 0);
  CHECK(summary["notes"].size() == summary["notes_total"].get<size_t>());
  CHECK(summary.contains("seconds"));
  CHECK(summary.contains("mb_per_s"));

  auto failed = run_command({loupe::testing::index_program(), "--json", "--db",
                             (tmp / "docs/a.txt").string(), (tmp / "docs").string()});
  CHECK(failed.exit_code == 2);
  start = failed.output.find("{\"result\"");
  REQUIRE(start != std::string::npos);
  auto failure =
      nlohmann::json::parse(failed.output.substr(start, failed.output.find('\n', start) - start));
  CHECK(failure["result"] == "failed");
  REQUIRE(failure["notes"].size() == 1);
  CHECK(failure["notes"][0].get<std::string>().find("--db") != std::string::npos);
}

TEST_CASE("every loupe-index flag can come from a LOUPE_* variable; flags win") {
  TempDir tmp;
  write_file(tmp / "docs/a.txt", "running runners");
  write_file(tmp / "more/b.txt", "more words");
  const std::string program = loupe::testing::index_program();
  auto wait_for = [](loupe::testing::ChildProcess& child) {
    while (child.running()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return child.stop();
  };
  {
    loupe::testing::ChildProcess child(
        {program}, {"LOUPE_DB=" + (tmp / "db").string(),
                    "LOUPE_PATHS=" + (tmp / "docs").string() + ":" + (tmp / "more").string(),
                    "LOUPE_LANGUAGE=french", "LOUPE_JSON=true"});
    CHECK(wait_for(child) == 0);
    CHECK(child.log().find("\"added\":2") != std::string::npos);
  }
  Xapian::Database db((tmp / "db").string());
  CHECK(db.get_doccount() == 2);
  CHECK(db.get_metadata(std::string(loupe::db::kLanguageKey)) == "french");
  {
    loupe::testing::ChildProcess child(
        {program, "--db", (tmp / "db2").string(), (tmp / "docs").string()},
        {"LOUPE_DB=" + (tmp / "db").string()});
    CHECK(wait_for(child) == 0);
    CHECK(child.log().find("added 1") != std::string::npos);
  }
  CHECK(Xapian::Database((tmp / "db2").string()).get_doccount() == 1);
  auto no_paths = run_command({program, "--db", (tmp / "db3").string()});
  CHECK(no_paths.exit_code == 2);
  CHECK(no_paths.output.find("LOUPE_PATHS") != std::string::npos);
}

namespace {

std::string mbox_message(const std::string& subject, const std::string& body) {
  return "From alan@example.org Mon Jan  2 03:04:05 2023\nFrom: alan@example.org\nTo: "
         "ada@example.org\nSubject: " +
         subject + "\n\n" + body + "\n\n";
}

std::string message_with_attachment(const std::string& body, const std::string& attachment) {
  std::string out =
      "From: alan@example.org\nSubject: Survey\nMIME-Version: 1.0\n"
      "Content-Type: multipart/mixed; boundary=\"b1\"\n\n--b1\nContent-Type: text/plain\n\n" +
      body + "\n";
  if (!attachment.empty())
    out +=
        "--b1\nContent-Type: text/plain\nContent-Disposition: attachment; "
        "filename=\"notes.txt\"\n\n" +
        attachment + "\n";
  return out + "--b1--\n";
}

}  // namespace

TEST_CASE("an mbox's messages and a message's attachments come and go with their file") {
  TempDir tmp;
  fs::path docs = tmp / "docs";
  fs::path db = tmp / "db";
  write_file(docs / "box.mbox", mbox_message("Potoroo", "The potoroo eats truffles.") +
                                    mbox_message("Bilby", "The bilby digs.") +
                                    mbox_message("Quoll", "The quoll hunts."));
  write_file(docs / "mail.eml", message_with_attachment("See the notes.", "Kowari tally."));
  Outcome run = index(db, {docs.string()});
  REQUIRE(run.result == RunResult::kDone);
  CHECK(run.stats.added == 5);  // three messages, a message and its attachment
  {
    Xapian::Database x(db.string());
    CHECK(x.get_doccount() == 5);
    CHECK_FALSE(find_record(x, "box.mbox"));  // the mbox itself is no document
    auto bilby = find_record(x, "box.mbox//2");
    REQUIRE(bilby);
    CHECK(bilby->title == "Bilby");
    CHECK(bilby->type == "email");
    CHECK(bilby->parent.empty());
    auto notes = find_record(x, "mail.eml//notes.txt");
    REQUIRE(notes);
    CHECK(notes->parent == "mail.eml");
    CHECK(notes->parent_title == "Survey");
    CHECK(has_term(x, "mail.eml//notes.txt", "kowari"));
  }
  // Nothing changed: nothing read.
  run = index(db, {docs.string()});
  CHECK(run.stats.unchanged == 2);
  CHECK(run.stats.added + run.stats.updated + run.stats.removed == 0);
  // The second message changed, the third is gone; the attachment is gone.
  write_file(docs / "box.mbox", mbox_message("Potoroo", "The potoroo eats truffles.") +
                                    mbox_message("Bandicoot", "The bandicoot digs."));
  write_file(docs / "mail.eml", message_with_attachment("No notes after all.", ""));
  bump_mtime(docs / "box.mbox");
  bump_mtime(docs / "mail.eml");
  run = index(db, {docs.string()});
  CHECK(run.stats.updated == 3);
  CHECK(run.stats.removed == 2);
  {
    Xapian::Database x(db.string());
    CHECK(x.get_doccount() == 3);
    CHECK(find_record(x, "box.mbox//2")->title == "Bandicoot");
    CHECK_FALSE(find_record(x, "box.mbox//3"));
    CHECK_FALSE(find_record(x, "mail.eml//notes.txt"));
  }
  // The folder moves: the messages move with it, none left behind under the old root.
  fs::rename(docs, tmp / "moved");
  run = index(db, {(tmp / "moved").string()});
  REQUIRE(run.result == RunResult::kDone);
  {
    Xapian::Database x(db.string());
    CHECK(x.get_doccount() == 3);
    auto potoroo = find_record(x, "box.mbox//1");
    REQUIRE(potoroo);
    CHECK(potoroo->path.find("moved") != std::string::npos);
  }
  // The file goes: its messages go.
  fs::remove(tmp / "moved" / "box.mbox");
  run = index(db, {(tmp / "moved").string()});
  CHECK(run.stats.removed == 2);
  CHECK(Xapian::Database(db.string()).get_doccount() == 1);
}
