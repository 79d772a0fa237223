// PDF, Office, OpenDocument and EPUB files, made at test time by the tools that write them
// (make_fixtures.py: pandoc, Chromium, qpdf, Python's zipfile), indexed by the real loupe-index
// and searched through the real server.
#include <doctest/doctest.h>
#include <httplib.h>
#include <sys/stat.h>

#include <xapian.h>
#include <chrono>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "tests/support/test_support.h"

namespace fs = std::filesystem;
using loupe::testing::ChildProcess;
using loupe::testing::run_command;
using loupe::testing::ServerProcess;
using loupe::testing::TempDir;
using loupe::testing::write_file;
using nlohmann::json;

namespace {

// The fixtures and their index, made once for the whole test program.
struct Fixtures {
  Fixtures() {
    auto made = run_command({"/usr/bin/python3", LOUPE_SOURCE_DIR "/tests/formats/make_fixtures.py",
                             dir.path().string()});
    REQUIRE_MESSAGE(made.exit_code == 0,
                    "make_fixtures.py needs pandoc, chromium and qpdf (scripts/install-deps.sh "
                    "--test):\n"
                        << made.output);
    auto indexed = run_command(
        {loupe::testing::index_program(), "--json", "--db", db().string(), dir.path().string()});
    REQUIRE_MESSAGE(indexed.exit_code == 0, indexed.output);
    size_t start = indexed.output.find("{\"result\"");
    REQUIRE(start != std::string::npos);
    summary = json::parse(indexed.output.substr(start, indexed.output.find('\n', start) - start));
  }
  fs::path db() const { return dir / "db"; }
  TempDir dir;
  json summary;
};

Fixtures& fixtures() {
  static Fixtures f;
  return f;
}

ServerProcess& server() {
  static ServerProcess s(fixtures().db());
  return s;
}

json get(const std::string& path) {
  httplib::Client client("127.0.0.1", server().port());
  client.set_read_timeout(10);
  auto res = client.Get(path);
  REQUIRE(res);
  REQUIRE_MESSAGE(res->status == 200, res->body);
  return json::parse(res->body);
}

json search(const std::string& q) {
  return get("/api/search?per_page=100&q=" + httplib::detail::encode_query_param(q));
}

std::set<std::string> ids(const json& results) {
  std::set<std::string> out;
  for (const auto& hit : results["hits"]) out.insert(hit["id"].get<std::string>());
  return out;
}

const json* hit(const json& results, const std::string& id) {
  for (const auto& h : results["hits"])
    if (h["id"] == id) return &h;
  return nullptr;
}

// The same sections in every format (and as the slides of talk.odp).
const std::set<std::string> kSame = {"same/same.txt",  "same/same.md",  "same/same.html",
                                     "same/same.docx", "same/same.odt", "same/same.epub",
                                     "same/same.pptx", "same/same.pdf", "sheets/talk.odp"};

}  // namespace

TEST_CASE("the same text is found, ranked and marked alike in every format") {
  struct Row {
    std::string query;
    std::string marked;  // what every snippet marks
  };
  const Row rows[] = {
      {"quokka", "quokka"},           {"wombat", "wombat"},
      {"burrow", "burrows"},  // a stem
      {"\"strong claws\"", "strong"}, {"platypus AND venomous", "venomous"},
      {"cube-shaped", "cube-shaped"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.query);
    json results = search(row.query);
    CHECK(ids(results) == kSame);
    for (const auto& h : results["hits"]) {
      CAPTURE(h["id"]);
      CHECK(h["snippet"].get<std::string>().find("<mark>" + row.marked + "</mark>") !=
            std::string::npos);
      CHECK(h["title"] == "Marsupials and Monotremes");
    }
  }
  json types = search("quokka");
  std::set<std::string> seen;
  for (const auto& h : types["hits"]) seen.insert(h["type"].get<std::string>());
  CHECK(seen == std::set<std::string>{"text", "markdown", "html", "docx", "odt", "epub", "pptx",
                                      "pdf", "odp"});
  CHECK(ids(search("type:pdf quokka")) == std::set<std::string>{"same/same.pdf"});
}

TEST_CASE("hits say the page, slide or sheet their snippet is on") {
  struct Row {
    std::string query;
    std::string id;
    int page;
    std::string kind;
    std::string name;
  };
  const Row rows[] = {
      {"quokka", "same/same.pdf", 1, "page", ""},
      {"wombat", "same/same.pdf", 2, "page", ""},
      {"platypus", "same/same.pdf", 3, "page", ""},
      {"platypus", "sheets/talk.odp", 3, "slide", ""},
      {"kangaroo", "sheets/accounts.xlsx", 1, "sheet", "Budget"},
      {"dingo", "sheets/accounts.xlsx", 2, "sheet", "Staff"},
      {"dingo", "sheets/accounts.ods", 2, "sheet", "Staff"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.query);
    CAPTURE(row.id);
    json results = search(row.query);
    const json* h = hit(results, row.id);
    REQUIRE(h != nullptr);
    CHECK((*h)["page"] == row.page);
    CHECK((*h)["page_kind"] == row.kind);
    CHECK(h->value("page_name", std::string()) == row.name);
  }
  // pandoc's slides start with a title slide: the platypus is on the last of four.
  json platypus = search("platypus");
  const json* pptx = hit(platypus, "same/same.pptx");
  REQUIRE(pptx != nullptr);
  CHECK((*pptx)["page"] == 4);
  // Documents without pages say none.
  CHECK_FALSE(hit(platypus, "same/same.docx")->contains("page"));

  json pdf = get("/api/documents/same%2Fsame.pdf?q=wombat");
  CHECK(pdf["pages"] == 3);
  CHECK(pdf["page_kind"] == "page");
  std::string text = pdf["text"];
  CHECK(std::count(text.begin(), text.end(), '\f') == 2);
  std::string html = pdf["html"];
  size_t page_two = html.find('\f');
  CHECK(html.find("<mark>wombat</mark>") > page_two);
  json sheets = get("/api/documents/sheets%2Faccounts.xlsx");
  CHECK(sheets["page_names"] == json::array({"Budget", "Staff"}));
}

TEST_CASE("metadata: the author is a field and a hit's attribute") {
  std::set<std::string> by_author = ids(search("author:lovelace"));
  for (const char* id : {"same/same.docx", "same/same.odt", "same/same.epub", "same/same.pptx",
                         "sheets/accounts.xlsx", "sheets/accounts.ods", "sheets/talk.odp"}) {
    CAPTURE(id);
    CHECK(by_author.count(id) == 1);
  }
  CHECK(by_author.count("same/same.txt") == 0);
  json wombat = search("wombat");
  const json* docx = hit(wombat, "same/same.docx");
  REQUIRE(docx != nullptr);
  CHECK((*docx)["author"] == "Ada Lovelace");
  // The spreadsheets' text does not name her: only their metadata does.
  CHECK(ids(search("lovelace")).count("sheets/accounts.xlsx") == 0);
}

TEST_CASE("an e-mail: the subject is its title, From and To are fields, Date is its date") {
  json census = search("wallaby");
  REQUIRE(ids(census) == std::set<std::string>{"mail/census.eml"});
  const json& hit = census["hits"][0];
  CHECK(hit["type"] == "email");
  CHECK(hit["title"] == "Wallaby census results");
  CHECK(hit["modified"] == 1680674828);  // 2023-04-05 06:07:08 UTC, not the file's time
  CHECK(hit["snippet"].get<std::string>().find("<mark>wallaby</mark>") != std::string::npos);
  struct Row {
    std::string query;
    std::set<std::string> found;
  };
  const Row rows[] = {
      {"from:lovelace wallaby", {"mail/census.eml"}},
      {"from:ada@example.org", {"mail/census.eml"}},
      {"to:babbage", {"mail/census.eml"}},
      {"to:somerville", {"mail/census.eml"}},  // Cc counts as a recipient
      {"to:ada", {"mail/cafe.eml"}},
      {"from:babbage", {}},
      {"census-tally", {"mail/census.eml"}},  // attachments are named
      {"modified:2023-04 wallaby", {"mail/census.eml"}},
      {"\"caf\xC3\xA9 du marsupial\" ferm\xC3\xA9", {"mail/cafe.eml"}},  // Latin-1, base64: decoded
  };
  for (const Row& row : rows) {
    CAPTURE(row.query);
    CHECK(ids(search(row.query)) == row.found);
  }
  // The plain body and its HTML twin are one text, not the words twice.
  json doc = get("/api/documents/mail%2Fcensus.eml");
  std::string text = doc["text"];
  CHECK(text.find("forty-two") == text.rfind("forty-two"));
}

TEST_CASE("an e-mail's attachments are documents of their own, linked to their message") {
  struct Row {
    std::string query;
    std::string id;
    std::string type;
    std::string title;
  };
  const Row rows[] = {
      // A Word file, read (in the extractor's process) as any DOCX is.
      {"bilby", "mail/census.eml//survey.docx", "docx", "Bilby survey"},
      {"kowari", "mail/census.eml//tally.txt", "text",
       "Kowari tally: nine on the ridge, four by the creek."},
      // An attached message is a message: its subject is its title.
      {"dunnart track", "mail/census.eml//Dunnart sighting.eml", "email", "Dunnart sighting"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.query);
    json results = search(row.query);
    const json* found = hit(results, row.id);
    REQUIRE(found != nullptr);
    CHECK(results["hits"][0]["id"] == row.id);
    CHECK((*found)["type"] == row.type);
    CHECK((*found)["title"] == row.title);
    CHECK((*found)["path"].get<std::string>().find("census.eml") != std::string::npos);
    CHECK((*found)["parent"]["id"] == "mail/census.eml");
    CHECK((*found)["parent"]["title"] == "Wallaby census results");
    CHECK((*found)["modified"] == 1680674828);  // dated by its message
  }
  // Only the message has its words, a picture and a damaged PDF are named but not documents.
  CHECK(ids(search("wallaby")) == std::set<std::string>{"mail/census.eml"});
  CHECK(ids(search("folder:mail type:docx")) ==
        std::set<std::string>{"mail/census.eml//survey.docx"});
  CHECK(ids(search("ext:txt kowari")) == std::set<std::string>{"mail/census.eml//tally.txt"});
  // A part's document, with its parent.
  json doc =
      get("/api/documents/" + httplib::detail::encode_query_param("mail/census.eml//survey.docx"));
  CHECK(doc["text"].get<std::string>().find("bilby dens") != std::string::npos);
  CHECK(doc["parent"]["id"] == "mail/census.eml");
}

TEST_CASE("an mbox: each message a document, numbered in the file, with its attachments") {
  json first = search("potoroo");
  REQUIRE(ids(first) == std::set<std::string>{"mail/archive.mbox//1"});
  CHECK(first["hits"][0]["title"] == "Potoroo feeding schedule");
  CHECK(first["hits"][0]["type"] == "email");
  CHECK(first["hits"][0]["modified"] == 1641092645);  // its Date: 2022-01-02 03:04:05 UTC
  CHECK_FALSE(first["hits"][0].contains("parent"));   // the mbox is a file, no document
  struct Row {
    std::string query;
    std::set<std::string> found;
  };
  const Row rows[] = {
      {"from:turing", {"mail/archive.mbox//2"}},
      {"bandicoot", {"mail/archive.mbox//2", "mail/archive.mbox//2//field-notes.md"}},
      {"phascogale", {"mail/archive.mbox//2//field-notes.md"}},
      {"antechinus", {"mail/archive.mbox//3"}},  // no subject: still a document
      {"to:alan", {"mail/archive.mbox//3"}},
      {"type:mbox", {}},  // messages are e-mail, whatever file holds them
  };
  for (const Row& row : rows) {
    CAPTURE(row.query);
    CHECK(ids(search(row.query)) == row.found);
  }
  json phascogale = search("phascogale");
  const json* notes = hit(phascogale, "mail/archive.mbox//2//field-notes.md");
  REQUIRE(notes != nullptr);
  CHECK((*notes)["type"] == "markdown");
  CHECK((*notes)["parent"]["id"] == "mail/archive.mbox//2");
  CHECK((*notes)["parent"]["title"] == "Bandicoot photos from Alan");
  // A sender's name is marked where the message shows its senders, not in its title.
  json from_alan = search("from:alan");
  REQUIRE(from_alan["hits"].size() == 1);
  CHECK(from_alan["hits"][0]["title_html"] == "Bandicoot photos from Alan");
  CHECK(from_alan["hits"][0]["snippet"].get<std::string>().find("<mark>Alan</mark>") !=
        std::string::npos);
  // A title: word is marked in the title.
  CHECK(search("title:alan")["hits"][0]["title_html"] == "Bandicoot photos from <mark>Alan</mark>");
}

TEST_CASE(
    "damaged, empty, encrypted and inflating files are skipped with a note; text called "
    ".docx is text") {
  const json& summary = fixtures().summary;
  CHECK(summary["result"] == "done");
  CHECK(summary["skipped_reasons"]["could not be extracted"] == 4);
  std::string notes = summary["notes"].dump();
  struct Row {
    std::string file;
    std::string says;
  };
  const Row rows[] = {
      {"bad/truncated.pdf", "not a readable PDF"},
      {"bad/empty.pdf", "not a readable PDF"},
      {"bad/encrypted.pdf", "encrypted"},
      {"bad/bomb.docx", "inflates to more than 64 MB"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.file);
    size_t at = notes.find(row.file);
    REQUIRE(at != std::string::npos);
    CHECK(notes.find(row.says, at) < notes.find('"', at));
  }
  json numbat = search("numbat");
  REQUIRE(ids(numbat) == std::set<std::string>{"bad/notes.docx"});
  CHECK(numbat["hits"][0]["type"] == "text");
}

TEST_CASE("a reader that hangs, crashes or talks nonsense costs one file, not the run") {
  TempDir tmp;
  write_file(tmp / "docs/ok.txt", "an ordinary aardwolf\n");
  fs::copy_file(fixtures().dir / "same/same.pdf", tmp / "docs/a.pdf");
  struct Row {
    std::string script;  // stands in for loupe-extract
    std::string says;
  };
  const Row rows[] = {
      {"sleep 30", "took longer than 1 s"},
      {"kill -SEGV $$", "crashed the pdf reader (SIGSEGV)"},
      {"echo not json", "the extractor's answer is not readable"},
      {"exit 127", "cannot run"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.script);
    fs::path fake = tmp / "fake-extract";
    write_file(fake, "#!/bin/sh\n" + row.script + "\n");
    chmod(fake.c_str(), 0755);
    fs::remove_all(tmp / "db");
    auto started = std::chrono::steady_clock::now();
    ChildProcess index({loupe::testing::index_program(), "--extract-seconds", "1", "--db",
                        (tmp / "db").string(), (tmp / "docs").string()},
                       {"LOUPE_EXTRACT=" + fake.string()});
    while (index.running() && std::chrono::steady_clock::now() - started < std::chrono::seconds(20))
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    CHECK(index.stop() == 0);
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(10));
    CHECK(index.log().find("a.pdf: skipped, " + row.says) != std::string::npos);
    CHECK(index.log().find("added 1,") != std::string::npos);  // ok.txt
  }
}

TEST_CASE("a stop (SIGTERM) does not wait for a reader at work: it is killed, nothing is written") {
  TempDir tmp;
  write_file(tmp / "docs/ok.txt", "an ordinary aardwolf\n");
  fs::copy_file(fixtures().dir / "same/same.pdf", tmp / "docs/a.pdf");
  fs::path fake = tmp / "fake-extract";
  // Says it started, then reads for longer than any stop may take.
  write_file(fake, "#!/bin/sh\ntouch " + (tmp / "started").string() + "\nexec sleep 60\n");
  chmod(fake.c_str(), 0755);
  ChildProcess index(
      {loupe::testing::index_program(), "--db", (tmp / "db").string(), (tmp / "docs").string()},
      {"LOUPE_EXTRACT=" + fake.string()});
  auto started = std::chrono::steady_clock::now();
  while (!fs::exists(tmp / "started") &&
         std::chrono::steady_clock::now() - started < std::chrono::seconds(20))
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  REQUIRE(fs::exists(tmp / "started"));
  auto stopping = std::chrono::steady_clock::now();
  CHECK(index.stop() == 130);
  // The default limit is 60 s: the stop took the reader down with it.
  CHECK(std::chrono::steady_clock::now() - stopping < std::chrono::seconds(5));
  CHECK(index.log().find("interrupted") != std::string::npos);
  // The reader is gone too, and the run's transaction was cancelled: not even ok.txt is in.
  CHECK(run_command({"/usr/bin/pgrep", "-f", fake.string()}).exit_code != 0);
  CHECK(Xapian::Database((tmp / "db").string()).get_doccount() == 0);
}
