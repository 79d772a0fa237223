// loupe-index --watch as a team server runs it: the real watcher and the real server over one
// database on disk, files changed underneath, the API polled until each change shows.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <httplib.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xapian.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "tests/support/test_support.h"

namespace fs = std::filesystem;
using loupe::testing::ChildProcess;
using loupe::testing::ServerProcess;
using loupe::testing::TempDir;
using loupe::testing::write_file;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

// Generous: the bound is 2 s on an idle machine; shared CI machines stall. The latencies seen
// are printed, and the closing figures come from them.
constexpr auto kDeadline = std::chrono::seconds(15);

std::set<std::string> search_ids(int port, const std::string& q) {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(5);
  auto res = client.Get("/api/search?per_page=100&q=" + httplib::detail::encode_query_param(q));
  std::set<std::string> ids;
  if (!res || res->status != 200) return ids;
  json body = json::parse(res->body);
  for (const auto& hit : body["hits"]) ids.insert(hit["id"].get<std::string>());
  return ids;
}

// Polls until `done` holds; the time it took, or a failed check after kDeadline.
double wait_until(const std::function<bool()>& done, const std::string& what) {
  auto start = Clock::now();
  while (Clock::now() - start < kDeadline) {
    if (done()) return std::chrono::duration<double>(Clock::now() - start).count();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  FAIL_CHECK("not seen within the deadline: " << what);
  return -1;
}

// A watcher started on `docs`, and a server on its database.
struct Watched {
  explicit Watched(const TempDir& tmp, std::vector<std::string> extra = {})
      : docs(tmp / "docs"), db(tmp / "db"), watcher(arguments(extra)) {
    // The first run has committed once the status file appears.
    auto start = Clock::now();
    while (!fs::exists(db / "loupe-watch.json") && Clock::now() - start < kDeadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    REQUIRE_MESSAGE(fs::exists(db / "loupe-watch.json"), watcher.log());
    server.emplace(db);
  }
  std::vector<std::string> arguments(const std::vector<std::string>& extra) const {
    std::vector<std::string> argv = {loupe::testing::index_program(), "--db", db.string(),
                                     "--watch"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.push_back(docs.string());
    return argv;
  }
  fs::path docs, db;
  ChildProcess watcher;
  std::optional<ServerProcess> server;
};

}  // namespace

TEST_CASE("a watcher makes every kind of change searchable, or gone, within seconds") {
  TempDir tmp;
  write_file(tmp / "docs/start.txt", "aardvark at the start\n");
  Watched w(tmp);
  int port = w.server->port();
  REQUIRE_MESSAGE(search_ids(port, "aardvark") == std::set<std::string>{"start.txt"},
                  w.watcher.log() << w.server->log());

  struct Step {
    const char* what;
    std::function<void()> change;
    const char* query;
    std::set<std::string> expected;
  };
  const fs::path& d = w.docs;
  const std::vector<Step> steps = {
      {"a file is added",
       [&] { write_file(d / "new.md", "# New\n\nbandicoot here\n"); },
       "bandicoot",
       {"new.md"}},
      {"a file is saved anew",
       [&] {
         std::this_thread::sleep_for(std::chrono::milliseconds(20));  // a later mtime
         write_file(d / "new.md", "# New\n\ncapybara now\n");
       },
       "capybara",
       {"new.md"}},
      {"the old words of a saved file are gone", [] {}, "bandicoot", {}},
      {"a file is renamed",
       [&] { fs::rename(d / "new.md", d / "renamed.md"); },
       "capybara",
       {"renamed.md"}},
      {"a folder is created with files in it",
       [&] {
         fs::create_directories(d / "sub/deeper");
         write_file(d / "sub/deeper/a.txt", "dugong in a new folder\n");
         write_file(d / "sub/b.txt", "dugong again\n");
       },
       "dugong",
       {"sub/deeper/a.txt", "sub/b.txt"}},
      {"a file is written into the new folder later",
       [&] { write_file(d / "sub/deeper/c.txt", "echidna late\n"); },
       "echidna",
       {"sub/deeper/c.txt"}},
      {"a folder is renamed",
       [&] { fs::rename(d / "sub", d / "moved"); },
       "dugong",
       {"moved/deeper/a.txt", "moved/b.txt"}},
      {"a file in the renamed folder changes (it is still watched)",
       [&] { write_file(d / "moved/deeper/a.txt", "dugong and fennec\n"); },
       "fennec",
       {"moved/deeper/a.txt"}},
      {"a folder moved in from outside",
       [&] {
         write_file(w.docs.parent_path() / "outside/g.txt", "gerenuk outside\n");
         fs::rename(w.docs.parent_path() / "outside", d / "inside");
       },
       "gerenuk",
       {"inside/g.txt"}},
      {"a file is deleted", [&] { fs::remove(d / "start.txt"); }, "aardvark", {}},
      {"a folder is deleted", [&] { fs::remove_all(d / "moved"); }, "dugong", {}},
      {"a folder is moved out",
       [&] { fs::rename(d / "inside", w.docs.parent_path() / "gone"); },
       "gerenuk",
       {}},
      {"a hidden file is not indexed, a later visible one is",
       [&] {
         write_file(d / ".hidden.txt", "hyena hidden\n");
         write_file(d / "visible.txt", "hyena visible\n");
       },
       "hyena",
       {"visible.txt"}},
  };
  std::vector<double> seconds;
  for (const Step& step : steps) {
    const std::string what = step.what;
    CAPTURE(what);
    step.change();
    double took =
        wait_until([&] { return search_ids(port, step.query) == step.expected; }, step.what);
    if (took >= 0) seconds.push_back(took);
    MESSAGE(std::string(step.what) << ": " << took << " s");
  }
  std::sort(seconds.begin(), seconds.end());
  if (!seconds.empty())
    MESSAGE("median " << seconds[seconds.size() / 2] << " s, longest " << seconds.back() << " s");
  CHECK(w.watcher.running());
  auto status = json::parse(std::ifstream(w.db / "loupe-watch.json"));
  CHECK(status["runs"].get<int>() >= 2);
  CHECK(status["indexed"].get<int>() >= 7);
  CHECK(status["complete"].get<bool>());
  // The server's /metrics reports the watcher's status.
  httplib::Client client("127.0.0.1", port);
  auto metrics = client.Get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->body.find("loupe_watch_runs_total " + std::to_string(status["runs"].get<int>()) +
                           "\n") != std::string::npos);
  CHECK(metrics->body.find("loupe_watch_files_indexed_total " +
                           std::to_string(status["indexed"].get<int>()) + "\n") !=
        std::string::npos);
  CHECK(metrics->body.find("loupe_watch_complete 1\n") != std::string::npos);
  CHECK(w.watcher.stop() == 0);
}

TEST_CASE("a burst of changes is one run or a few, not one a file") {
  TempDir tmp;
  write_file(tmp / "docs/a.txt", "ibex\n");
  Watched w(tmp, {"--json"});
  for (int i = 0; i < 300; ++i)
    write_file(tmp / ("docs/many/f" + std::to_string(i) + ".txt"),
               "jackal " + std::to_string(i) + "\n");
  wait_until([&] { return search_ids(w.server->port(), "jackal").size() == 100; }, "300 files");
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  auto status = json::parse(std::ifstream(w.db / "loupe-watch.json"));
  CHECK(status["indexed"].get<int>() == 301);
  // The first run, then the burst: a handful of runs at most, each a JSON line on stdout.
  CHECK(status["runs"].get<int>() <= 6);
  size_t lines = 0;
  for (size_t at = 0; (at = w.watcher.log().find("{\"result\":", at)) != std::string::npos; ++at)
    ++lines;
  CHECK(lines == status["runs"].get<size_t>());
}

TEST_CASE("a change no event tells of is found by a rescan: at SIGHUP, and periodically") {
  // A write through a shared mapping changes the file and its time without an inotify event,
  // as long as the mapping stays (unmapping closes the file: IN_CLOSE_WRITE). Returns it.
  auto write_unseen = [](const fs::path& path, const std::string& text) {
    int fd = open(path.c_str(), O_RDWR);
    REQUIRE(fd >= 0);
    void* map = mmap(nullptr, text.size(), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    REQUIRE(map != MAP_FAILED);
    std::memcpy(map, text.data(), text.size());
    msync(map, text.size(), MS_SYNC);
    return map;
  };
  for (bool periodic : {false, true}) {
    CAPTURE(periodic);
    TempDir tmp;
    write_file(tmp / "docs/a.txt", "koala\n");
    Watched w(tmp, {"--rescan-seconds", periodic ? "3" : "0"});
    int port = w.server->port();
    void* map = write_unseen(w.docs / "a.txt", "lemur\n");
    if (!periodic) {
      std::this_thread::sleep_for(std::chrono::seconds(1));
      REQUIRE_MESSAGE(search_ids(port, "lemur").empty(),
                      "the write was seen: the test proves nothing");
      w.watcher.signal(SIGHUP);
    }
    wait_until([&] { return search_ids(port, "lemur") == std::set<std::string>{"a.txt"}; },
               "the unseen change");
    CHECK(search_ids(port, "koala").empty());
    CHECK(w.watcher.running());
    munmap(map, 6);
  }
}

TEST_CASE("an event queue that overflows ends with the right index") {
  if (geteuid() != 0) {
    MESSAGE("skipped: lowering the inotify queue limit needs root");
    return;
  }
  // A new inotify instance takes the system's limit when it is made: a small one for this
  // watcher only, the old value put back at once.
  const char* limit_file = "/proc/sys/fs/inotify/max_queued_events";
  std::string old_limit;
  std::ifstream(limit_file) >> old_limit;
  TempDir tmp;
  write_file(tmp / "docs/a.txt", "meerkat\n");
  { std::ofstream(limit_file) << 16; }
  std::optional<Watched> w;
  try {
    w.emplace(tmp);
  } catch (...) {
    std::ofstream(limit_file) << old_limit;
    throw;
  }
  std::ofstream(limit_file) << old_limit;
  // Stop the watcher from reading while the events pile up.
  w->watcher.signal(SIGSTOP);
  for (int i = 0; i < 200; ++i)
    write_file(tmp / ("docs/f" + std::to_string(i) + ".txt"),
               "narwhal " + std::to_string(i) + "\n");
  fs::remove(tmp / "docs/a.txt");
  w->watcher.signal(SIGCONT);
  wait_until([&] { return search_ids(w->server->port(), "narwhal").size() == 100; },
             "200 files after an overflow");
  wait_until([&] { return search_ids(w->server->port(), "meerkat").empty(); }, "a.txt gone");
  httplib::Client client("127.0.0.1", w->server->port());
  auto health = client.Get("/api/health");
  REQUIRE(health);
  CHECK(json::parse(health->body)["documents"].get<int>() == 200);
  CHECK(w->watcher.log().find("overflowed") != std::string::npos);
}

TEST_CASE("a backup taken while the watcher and the server run is whole, and restores") {
  TempDir tmp;
  for (int i = 0; i < 20; ++i)
    write_file(tmp / ("docs/base" + std::to_string(i) + ".txt"),
               "wombat base text " + std::to_string(i) + "\n");
  Watched w(tmp);
  // Files keep changing, and the watcher keeps committing, while the copies are taken.
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int i = 0; !stop; ++i) {
      write_file(tmp / ("docs/burst" + std::to_string(i % 50) + ".txt"),
                 "wombat burst " + std::to_string(i) + "\n");
      std::this_thread::sleep_for(std::chrono::milliseconds(15));
    }
  });
  std::vector<fs::path> backups;
  for (int i = 0; i < 3; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    fs::path target = tmp / ("backup" + std::to_string(i));
    auto result = loupe::testing::run_command(
        {loupe::testing::index_program(), "--db", w.db.string(), "--backup", target.string()});
    CHECK_MESSAGE(result.exit_code == 0, result.output);
    CHECK(result.output.find("backed up revision") != std::string::npos);
    backups.push_back(target);
  }
  stop = true;
  writer.join();
  for (const fs::path& backup : backups) {
    CAPTURE(backup);
    REQUIRE(fs::exists(backup / "iamglass"));
    CHECK_FALSE(fs::exists(backup / "loupe-watch.json"));
    // Served as it is: every document found, with its text (kept in metadata) in snippets.
    ServerProcess served(backup);
    httplib::Client client("127.0.0.1", served.port());
    auto health = client.Get("/api/health");
    REQUIRE(health);
    int documents = json::parse(health->body)["documents"].get<int>();
    CHECK(documents >= 20);
    auto res = client.Get("/api/search?per_page=100&q=wombat");
    REQUIRE(res);
    json body = json::parse(res->body);
    CHECK(body["total"].get<int>() == documents);
    for (const auto& hit : body["hits"])
      CHECK(hit["snippet"].get<std::string>().find("<mark>wombat</mark>") != std::string::npos);
  }
  // Restore: the watcher stopped, the database replaced by the copy; the running server
  // serves the copy, and a watcher started again brings it up to date.
  CHECK(w.watcher.stop() == 0);
  int port = w.server->port();
  size_t all = search_ids(port, "wombat").size();
  fs::remove_all(w.db);
  fs::copy(backups.front(), w.db, fs::copy_options::recursive);
  size_t restored = Xapian::Database(backups.front().string()).get_doccount();
  CHECK(restored <= all);
  wait_until([&] { return search_ids(port, "wombat").size() == restored; }, "the restored copy");
  ChildProcess again(w.arguments({}));
  wait_until([&] { return search_ids(port, "wombat").size() == all; }, "caught up again");
}

TEST_CASE("--backup refuses a target that holds files, and a missing database") {
  TempDir tmp;
  write_file(tmp / "docs/a.txt", "words\n");
  REQUIRE(loupe::testing::run_command({loupe::testing::index_program(), "--db",
                                       (tmp / "db").string(), (tmp / "docs").string()})
              .exit_code == 0);
  write_file(tmp / "full/x", "keep me");
  auto full =
      loupe::testing::run_command({loupe::testing::index_program(), "--db", (tmp / "db").string(),
                                   "--backup", (tmp / "full").string()});
  CHECK(full.exit_code == 2);
  CHECK(full.output.find("--backup " + (tmp / "full").string()) != std::string::npos);
  CHECK(fs::exists(tmp / "full/x"));
  auto missing =
      loupe::testing::run_command({loupe::testing::index_program(), "--db", (tmp / "nodb").string(),
                                   "--backup", (tmp / "b").string()});
  CHECK(missing.exit_code == 2);
  CHECK(missing.output.find("--db " + (tmp / "nodb").string()) != std::string::npos);
  CHECK_FALSE(fs::exists(tmp / "b"));
  auto with_paths =
      loupe::testing::run_command({loupe::testing::index_program(), "--db", (tmp / "db").string(),
                                   "--backup", (tmp / "b").string(), (tmp / "docs").string()});
  CHECK(with_paths.exit_code == 2);
}

TEST_CASE("roots that share a folder, and a database inside a root, are watched right") {
  TempDir tmp;
  write_file(tmp / "docs/a.txt", "alpaca\n");
  write_file(tmp / "docs/b.txt", "bison\n");
  write_file(tmp / "docs/sub/c.txt", "camel\n");
  // Two file roots in one folder, the folder itself, and the database inside it spelled with a
  // trailing slash (which once made the watcher index its own database, run after run).
  ChildProcess watcher({loupe::testing::index_program(), "--watch", "--db",
                        (tmp / "docs/index").string() + "/", (tmp / "docs/a.txt").string(),
                        (tmp / "docs/b.txt").string(), (tmp / "docs/sub").string()});
  auto started = Clock::now();
  while (!fs::exists(tmp / "docs/index/loupe-watch.json") && Clock::now() - started < kDeadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  REQUIRE_MESSAGE(fs::exists(tmp / "docs/index/loupe-watch.json"), watcher.log());
  ServerProcess server(tmp / "docs/index");
  int port = server.port();
  write_file(tmp / "docs/b.txt", "bison and buffalo\n");
  wait_until([&] { return search_ids(port, "buffalo") == std::set<std::string>{"b.txt"}; },
             "the second file root's change");
  write_file(tmp / "docs/sub/d.txt", "dromedary\n");
  wait_until([&] { return search_ids(port, "dromedary").size() == 1; },
             "a file in the folder root");
  // Quiet now: a watcher that saw its own commits would keep running.
  std::this_thread::sleep_for(std::chrono::seconds(1));
  int runs = json::parse(std::ifstream(tmp / "docs/index/loupe-watch.json"))["runs"].get<int>();
  std::this_thread::sleep_for(std::chrono::seconds(2));
  CHECK(json::parse(std::ifstream(tmp / "docs/index/loupe-watch.json"))["runs"].get<int>() == runs);
  httplib::Client client("127.0.0.1", port);
  auto health = client.Get("/api/health");
  REQUIRE(health);
  CHECK(json::parse(health->body)["documents"].get<int>() == 4);  // a, b, c, d: no database file
}
