// The real loupe-server on an ephemeral loopback port over a real index of seeds/ and fixtures,
// queried with a real HTTP client.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "tests/support/test_support.h"

namespace fs = std::filesystem;
using loupe::testing::run_command;
using loupe::testing::ServerProcess;
using loupe::testing::TempDir;
using loupe::testing::write_file;
using nlohmann::json;

namespace {

// The seeds plus documents that exercise folding, escaping and ids with slashes.
class Corpus {
 public:
  Corpus() {
    write_file(dir_ / "fixtures/accents.txt",
               "R\xC3\xA9sum\xC3\xA9 advice\nYour R\xC3\xA9sum\xC3\xA9 should fit on one page.\n");
    write_file(
        dir_ / "fixtures/hostile.html",
        "<title>Trap &lt;img src=x onerror=alert(1)&gt;</title>"
        "<p>Before &lt;script&gt;alert('pwned')&lt;/script&gt; after onerror=alert(2) text</p>");
    write_file(dir_ / "fixtures/sub/deep.md",
               "# Deep Note\n\nA note about lighthouses in a nested folder.\n");
    // File names may hold any byte but '/' and NUL: a line break too.
    write_file(dir_ / "fixtures/line\nbreak.txt", "Notes on marmalade.\n");
    write_file(dir_ / "web/index.html", "<!doctype html><title>Loupe</title>");
    write_file(dir_ / "web/app.js", "console.log('ok');");
    write_file(dir_ / "secret.txt", "root:top-secret");
    fs::create_symlink(dir_ / "secret.txt", dir_ / "web/link.txt");
    auto result = run_command({loupe::testing::index_program(), "--db", db().string(),
                               loupe::testing::seeds_dir().string(), (dir_ / "fixtures").string()});
    REQUIRE(result.exit_code == 0);
  }
  fs::path db() const { return dir_ / "db"; }
  fs::path web() const { return dir_ / "web"; }
  const TempDir& dir() const { return dir_; }

 private:
  TempDir dir_;
};

Corpus& corpus() {
  static Corpus c;
  return c;
}

ServerProcess& server() {
  static ServerProcess s(corpus().db(), {"--web", corpus().web().string()});
  return s;
}

httplib::Client client(int port) {
  httplib::Client c("127.0.0.1", port);
  c.set_connection_timeout(5);
  c.set_read_timeout(10);
  return c;
}

struct Reply {
  int status;
  json body;
  std::string raw;
  std::string content_type;
};

Reply get(const std::string& path, const httplib::Headers& headers = {}, int port = 0) {
  auto c = client(port ? port : server().port());
  auto res = c.Get(path, headers);
  REQUIRE(res);
  Reply reply{res->status, json(), res->body, res->get_header_value("Content-Type")};
  if (reply.content_type.rfind("application/json", 0) == 0) reply.body = json::parse(res->body);
  return reply;
}

std::string search_path(const std::string& q, const std::string& extra = "") {
  return "/api/search?q=" + httplib::detail::encode_query_param(q) + extra;
}

std::set<std::string> hit_ids(const json& body) {
  std::set<std::string> ids;
  for (const auto& hit : body["hits"]) ids.insert(hit["id"].get<std::string>());
  return ids;
}

std::vector<std::string> marked_words(const std::string& html) {
  std::vector<std::string> words;
  static const std::regex kMark("<mark>([^<]*)</mark>");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), kMark);
       it != std::sregex_iterator(); ++it)
    words.push_back((*it)[1].str());
  return words;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Ground truth from the files themselves: the seeds that contain `word` as a word.
std::set<std::string> seeds_containing(const std::string& word) {
  std::set<std::string> ids;
  std::regex pattern("\\b" + word + "\\b", std::regex::icase);
  for (const auto& entry : fs::directory_iterator(loupe::testing::seeds_dir())) {
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    std::string s = text.str();
    if (std::regex_search(s, pattern)) ids.insert(entry.path().filename().string());
  }
  return ids;
}

void check_error(const Reply& reply, int status, const std::string& code) {
  CHECK(reply.status == status);
  CHECK(reply.content_type.rfind("application/json", 0) == 0);
  REQUIRE(reply.body.is_object());
  CHECK(reply.body["error"]["code"] == code);
  CHECK(reply.body["error"]["message"].is_string());
  CHECK_FALSE(reply.body["error"]["message"].get<std::string>().empty());
}

}  // namespace

TEST_CASE("search answers in the documented shape") {
  Reply r = get(search_path("karpathy"));
  REQUIRE(r.status == 200);
  CHECK(r.content_type == "application/json; charset=utf-8");
  CHECK(r.body["query"] == "karpathy");
  CHECK(r.body["total"] == 5);
  CHECK(r.body["page"] == 1);
  CHECK(r.body["per_page"] == 10);
  CHECK(r.body["took_ms"].is_number());
  REQUIRE(r.body["hits"].size() == 5);
  double previous = 1e9;
  for (const auto& hit : r.body["hits"]) {
    for (const char* key : {"id", "title", "path", "snippet", "title_html"})
      CHECK(hit[key].is_string());
    CHECK(hit["score"].is_number());
    CHECK(hit["score"].get<double>() <= previous);
    previous = hit["score"].get<double>();
    CHECK(marked_words(hit["snippet"].get<std::string>()).size() > 0);
  }
}

TEST_CASE("words that appear in the seeds find exactly the seeds that contain them") {
  for (const std::string word :
       {"Bloomberg", "Prodigal", "Eureka", "Autopilot", "Axios", "TechCrunch", "Musk"}) {
    CAPTURE(word);
    Reply r = get(search_path(word, "&per_page=100"));
    REQUIRE(r.status == 200);
    std::set<std::string> expected = seeds_containing(word);
    REQUIRE_FALSE(expected.empty());
    CHECK(hit_ids(r.body) == expected);
    CHECK(r.body["total"] == expected.size());
    for (const auto& hit : r.body["hits"]) {
      for (const std::string& w : marked_words(hit["snippet"].get<std::string>()))
        CHECK(lower(w).find(lower(word)) == 0);
    }
  }
}

TEST_CASE("query features over HTTP") {
  struct Row {
    std::string query;
    std::set<std::string> expected;
  };
  const std::set<std::string> tesla = seeds_containing("Tesla");
  const std::set<std::string> bloomberg = seeds_containing("Bloomberg");
  const std::set<std::string> prodigal = seeds_containing("Prodigal");
  std::set<std::string> either = bloomberg;
  either.insert(prodigal.begin(), prodigal.end());
  const Row rows[] = {
      {"Bloomberg OR Prodigal", either},
      {"title:prodigal", prodigal},
      {"title:lighthouses", {}},
      {"lighthouses", {"sub/deep.md"}},
      {"\"nested folder\"", {"sub/deep.md"}},
      {"\"folder nested\"", {}},
      {"lighthouse*", {"sub/deep.md"}},
      {"lighthouses -nested", {}},
      {"lighthouses NOT nested", {}},
      {"+lighthouses +note", {"sub/deep.md"}},
      {"(lighthouses OR bloomberg) AND nested", {"sub/deep.md"}},
      {"lighthouses NEAR folder", {"sub/deep.md"}},
      {"tesla", tesla},
  };
  for (const Row& row : rows) {
    CAPTURE(row.query);
    Reply r = get(search_path(row.query, "&per_page=100"));
    REQUIRE(r.status == 200);
    CHECK(hit_ids(r.body) == row.expected);
  }
}

TEST_CASE("snippets mark folded and stemmed words as the document writes them") {
  Reply r = get(search_path("resume"));
  REQUIRE(r.status == 200);
  bool saw_accented = false;
  for (const auto& hit : r.body["hits"]) {
    for (const std::string& w : marked_words(hit["snippet"].get<std::string>())) {
      CHECK((w == "resume" || w == "R\xC3\xA9sum\xC3\xA9"));
      saw_accented = saw_accented || w == "R\xC3\xA9sum\xC3\xA9";
    }
    if (hit["id"] == "accents.txt")
      CHECK(hit["title_html"] == "<mark>R\xC3\xA9sum\xC3\xA9</mark> advice");
  }
  CHECK(saw_accented);

  Reply running = get(search_path("running", "&per_page=100"));
  REQUIRE(running.status == 200);
  REQUIRE(running.body["hits"].size() > 0);
  std::set<std::string> forms;
  for (const auto& hit : running.body["hits"])
    for (const std::string& w : marked_words(hit["snippet"].get<std::string>()))
      forms.insert(lower(w));
  for (const std::string& form : forms)
    CHECK((form == "run" || form == "runs" || form == "running"));
  CHECK(forms.count("runs") == 1);  // matched through the stem, marked as written
}

TEST_CASE("pages walk the results without overlap") {
  std::set<std::string> seen;
  for (int page = 1; page <= 3; ++page) {
    Reply r = get(search_path("karpathy", "&per_page=2&page=" + std::to_string(page)));
    REQUIRE(r.status == 200);
    CHECK(r.body["total"] == 5);
    CHECK(r.body["page"] == page);
    CHECK(r.body["hits"].size() == (page < 3 ? 2u : 1u));
    for (const auto& id : hit_ids(r.body)) CHECK(seen.insert(id).second);
  }
  CHECK(seen.size() == 5);
  Reply beyond = get(search_path("karpathy", "&per_page=2&page=4"));
  CHECK(beyond.status == 200);
  CHECK(beyond.body["hits"].empty());
}

TEST_CASE("documents by id, with every match marked on request") {
  Reply doc = get("/api/documents/sub%2Fdeep.md?q=lighthouse");
  REQUIRE(doc.status == 200);
  CHECK(doc.body["id"] == "sub/deep.md");
  CHECK(doc.body["title"] == "Deep Note");
  CHECK(doc.body["size"].is_number());
  CHECK(doc.body["modified"].is_number());
  CHECK(doc.body["text"].get<std::string>().find("lighthouses in a nested folder") !=
        std::string::npos);
  CHECK(doc.body["html"].get<std::string>().find("<mark>lighthouses</mark>") != std::string::npos);
  Reply raw_slash = get("/api/documents/sub/deep.md");
  CHECK(raw_slash.status == 200);
  CHECK_FALSE(raw_slash.body.contains("html"));
  check_error(get("/api/documents/no-such-doc.txt"), 404, "not_found");
  // An id with a line break opens like any other, from the id its hit gave.
  Reply hit = get(search_path("marmalade"));
  REQUIRE(hit.body["hits"].size() == 1);
  std::string id = hit.body["hits"][0]["id"];
  CHECK(id == "line\nbreak.txt");
  Reply odd = get("/api/documents/" + httplib::detail::encode_query_param(id) + "?q=marmalade");
  CHECK(odd.status == 200);
  CHECK(odd.body["html"].get<std::string>().find("<mark>marmalade</mark>") != std::string::npos);
  check_error(get("/api/documents/no%0Dsuch"), 404, "not_found");
}

TEST_CASE("health reports the document count") {
  Reply r = get("/api/health");
  CHECK(r.status == 200);
  CHECK(r.body["status"] == "ok");
  CHECK(r.body["documents"] == 9);
  CHECK(r.body["api_key_required"] == false);
  // Which index, of what language, committed when, served by which version.
  CHECK(r.body["revision"].get<uint64_t>() >= 1);
  CHECK(r.body["language"] == "english");
  int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  CHECK(r.body["last_commit"].get<int64_t>() <= now);
  CHECK(r.body["last_commit"].get<int64_t>() > now - 3600);
  CHECK(r.body["version"].is_string());
  auto version = run_command({loupe::testing::server_program(), "--version"});
  CHECK(version.exit_code == 0);
  CHECK(version.output == "loupe-server " + r.body["version"].get<std::string>() + "\n");
  CHECK(run_command({loupe::testing::index_program(), "--version"}).output ==
        "loupe-index " + r.body["version"].get<std::string>() + "\n");
}

TEST_CASE("hits say their type and date; facets, folders and sorting narrow a search") {
  Reply all = get(search_path("note OR notes OR lighthouses OR karpathy",
                              "&per_page=100&facets=year,type,folder"));
  REQUIRE(all.status == 200);
  for (const auto& hit : all.body["hits"]) {
    CHECK(hit["type"].is_string());
    CHECK(hit["modified"].get<int64_t>() > 1000000000);
  }
  // Facets in the table's order whatever the order asked, each value with its count.
  REQUIRE(all.body["facets"].is_object());
  std::vector<std::string> names;
  for (const auto& [name, values] : all.body["facets"].items()) names.push_back(name);
  CHECK(names == std::vector<std::string>{"folder", "type", "year"});  // JSON objects sort keys
  uint64_t typed = 0;
  for (const auto& value : all.body["facets"]["type"]) typed += value["count"].get<uint64_t>();
  CHECK(typed == all.body["total"].get<uint64_t>());
  // The folder facet of the fixtures' root folder drills down to "sub".
  Reply inside = get(search_path("lighthouses folder:sub", "&facets=folder"));
  REQUIRE(inside.status == 200);
  CHECK(hit_ids(inside.body) == std::set<std::string>{"sub/deep.md"});
  CHECK(inside.body["facets"]["folder"].empty());  // nothing deeper
  Reply folder_only = get(search_path("folder:sub"));
  CHECK(hit_ids(folder_only.body) == std::set<std::string>{"sub/deep.md"});
  // Without facets asked, no facets key.
  CHECK_FALSE(get(search_path("karpathy")).body.contains("facets"));
  // A misspelled word: the suggestion's hits, and saying so; none when spelled right.
  Reply typo = get(search_path("lighthuoses"));
  CHECK(typo.body["suggestion"] == "lighthouses");
  CHECK(typo.body["corrected"] == true);
  CHECK(hit_ids(typo.body) == std::set<std::string>{"sub/deep.md"});
  Reply as_typed = get(search_path("lighthuoses", "&correct=false"));
  CHECK(as_typed.body["suggestion"] == "lighthouses");
  CHECK_FALSE(as_typed.body.contains("corrected"));
  CHECK(as_typed.body["total"] == 0);
  check_error(get(search_path("lighthuoses", "&correct=maybe")), 400, "invalid_parameter");
  Reply right = get(search_path("lighthouses"));
  CHECK_FALSE(right.body.contains("suggestion"));
  CHECK_FALSE(right.body.contains("corrected"));
  // Completions of the last word, and similar documents in the hits' shape.
  Reply completions = get("/api/suggest?q=the%20lighth");
  REQUIRE(completions.status == 200);
  CHECK(completions.body["query"] == "the lighth");
  CHECK(completions.body["suggestions"] == json::array({"the lighthouses"}));
  check_error(get("/api/suggest"), 400, "missing_query");
  check_error(get("/api/suggest?q=" + std::string(1100, 'a')), 400, "query_too_long");
  Reply like = get("/api/documents/000_3cd39b793bb67d62.txt/similar?per_page=3");
  REQUIRE(like.status == 200);
  CHECK(like.body["id"] == "000_3cd39b793bb67d62.txt");
  REQUIRE(like.body["hits"].is_array());
  CHECK(like.body["hits"].size() == 3);
  for (const auto& hit : like.body["hits"]) {
    CHECK(hit["id"] != "000_3cd39b793bb67d62.txt");
    CHECK(hit["snippet"].is_string());
    CHECK(hit["type"].is_string());
  }
  check_error(get("/api/documents/no-such.txt/similar"), 404, "not_found");
  check_error(get("/api/documents/000_3cd39b793bb67d62.txt/similar?per_page=101"), 400,
              "invalid_parameter");
  // Sorted by date, both ways.
  Reply newest = get(search_path("the", "&per_page=100&sort=newest"));
  Reply oldest = get(search_path("the", "&per_page=100&sort=oldest"));
  REQUIRE(newest.body["hits"].size() > 1);
  for (size_t i = 0; i + 1 < newest.body["hits"].size(); ++i) {
    CHECK(newest.body["hits"][i]["modified"] >= newest.body["hits"][i + 1]["modified"]);
    CHECK(oldest.body["hits"][i]["modified"] <= oldest.body["hits"][i + 1]["modified"]);
  }
}

TEST_CASE("bad requests get a 4xx JSON error, never a 5xx") {
  check_error(get("/api/search"), 400, "missing_query");
  check_error(get("/api/search?q="), 400, "missing_query");
  check_error(get("/api/search?q=%20%20"), 400, "missing_query");
  // Ideographic and no-break spaces are white space too.
  check_error(get("/api/search?q=%E3%80%80%C2%A0%09"), 400, "missing_query");
  check_error(get(search_path("a", "&page=0")), 400, "invalid_parameter");
  check_error(get(search_path("a", "&page=abc")), 400, "invalid_parameter");
  check_error(get(search_path("a", "&page=-1")), 400, "invalid_parameter");
  check_error(get(search_path("a", "&per_page=0")), 400, "invalid_parameter");
  check_error(get(search_path("a", "&per_page=101")), 400, "invalid_parameter");
  check_error(get(search_path("a", "&per_page=99999999999999999999")), 400, "invalid_parameter");
  check_error(get(search_path("a", "&sort=best")), 400, "invalid_parameter");
  check_error(get(search_path("a", "&sort=")), 400, "invalid_parameter");
  check_error(get(search_path("a", "&facets=type,colour")), 400, "invalid_parameter");
  check_error(get(search_path("a", "&facets=%00")), 400, "invalid_parameter");
  for (const char* query : {"a modified:2024-13", "modified:..", "a modified:2024-02-30",
                            "folder:../..", "a folder:x/../../y", "modified:2025..2024"})
    check_error(get(search_path(query)), 400, "invalid_query");
  check_error(get(search_path(std::string(1025, 'a'))), 400, "query_too_long");
  CHECK(get(search_path(std::string(1024, 'a'))).status == 200);
  check_error(get("/api/nothing-here"), 404, "not_found");
  auto c = client(server().port());
  auto post = c.Post("/api/search", "{}", "application/json");
  REQUIRE(post);
  CHECK(post->status == 405);
  CHECK(json::parse(post->body)["error"]["code"] == "method_not_allowed");
  auto del = c.Delete("/api/health");
  REQUIRE(del);
  CHECK(del->status == 405);

  const std::vector<std::string> odd_queries = {
      "\"unbalanced", "((((", "))))", "AND", "OR OR OR", "NOT", "-", "+", "*", "title:", "title:\"",
      "NEAR", "a NEAR", "NEAR/999999 b", "\"\"\"", "\xFF\xFE\xFD", "\xE2\x80\x9C",
      std::string(1000, '('), std::string(500, '"'), "a* b* c* d* e*", "-a -b -c",
      "\xF0\x9F\x98\x80\xF0\x9F\x98\x80", std::string(300, 'x') + "*",
      // Xapian takes no wildcard in a phrase or NEAR.
      "e-ma*", "a*a*", "title:well-kn*", "karpa* NEAR anthro*", "\"pre train*\" NEAR/3 team*"};
  for (const std::string& q : odd_queries) {
    CAPTURE(q);
    Reply r = get(search_path(q));
    CHECK(r.status == 200);
    CHECK(r.body["hits"].is_array());
  }
}

namespace {

// Sends `request` on a new connection and returns the status line of the answer, or "" when
// none came within the timeout.
// A new connection to the server on loopback, or -1 when none is made within the timeout.
int connect_loopback(int port, timeval timeout = {5, 0}) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);  // bounds connect()
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) return fd;
  ::close(fd);
  return -1;
}

std::string raw_status_line(int port, const std::string& request, int timeout_ms) {
  int fd = connect_loopback(port);
  if (fd < 0) return "";
  std::string reply;
  if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) >= 0) {
    timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char buf[4096];
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n > 0) reply.assign(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return reply.substr(0, reply.find("\r\n"));
}

}  // namespace

TEST_CASE("other methods and request bodies are refused before a body is read") {
  struct Row {
    std::string request;
    std::string status_line;
  };
  const Row rows[] = {
      // A chunked body has no length for cpp-httplib's limit: it must not be read at all.
      {"POST /api/search?q=a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n100000\r\n",
       "HTTP/1.1 405 Method Not Allowed"},
      {"PUT /api/search?q=a HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.1 405 Method Not Allowed"},
      {"TRACE / HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.1 405 Method Not Allowed"},
      {"GET /api/search?q=a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n",
       "HTTP/1.1 413 Payload Too Large"},
      {"GET /api/search?q=a HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000000\r\n\r\n",
       "HTTP/1.1 413 Payload Too Large"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.request);
    CHECK(raw_status_line(server().port(), row.request, 1000) == row.status_line);
  }
}

namespace {

// What came back on a connection; `closed`: the server closed it.
struct RawReply {
  std::string text;
  bool closed = false;
  std::string status_line() const { return text.substr(0, text.find("\r\n")); }
  int responses() const {
    int n = 0;
    for (size_t at = text.find("HTTP/1.1 "); at != std::string::npos;
         at = text.find("HTTP/1.1 ", at + 1))
      ++n;
    return n;
  }
};

int connect_from(int port, const char* source) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in from{};
  from.sin_family = AF_INET;
  ::inet_pton(AF_INET, source, &from.sin_addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0) {
    ::close(fd);
    return -1;
  }
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<uint16_t>(port));
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool whole_response(const std::string& text) {
  size_t head_end = text.find("\r\n\r\n");
  if (head_end == std::string::npos) return false;
  std::smatch length;
  std::string head = text.substr(0, head_end);
  return std::regex_search(head, length, std::regex("Content-Length: ([0-9]+)")) &&
         text.size() >= head_end + 4 + std::stoul(length[1]);
}

// Reads one response, or until the server closes the connection or `timeout_ms` passes.
RawReply read_reply(int fd, int timeout_ms) {
  RawReply reply;
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  char buf[16384];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    pollfd p{fd, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) {
      reply.closed = true;
      break;
    }
    reply.text.append(buf, static_cast<size_t>(n));
    if (whole_response(reply.text)) break;  // a keep-alive connection stays open after it
  }
  return reply;
}

// Sends `request` from `source` (a loopback address) on a new connection; reads one response,
// then whether the server closes the connection within `timeout_ms`.
RawReply raw_exchange(int port, const std::string& request, int timeout_ms,
                      const char* source = "127.0.0.1") {
  int fd = connect_from(port, source);
  if (fd < 0) return {};
  ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  RawReply reply = read_reply(fd, timeout_ms);
  if (!reply.closed) {
    RawReply more = read_reply(fd, timeout_ms);
    reply.text += more.text;
    reply.closed = more.closed;
  }
  ::close(fd);
  return reply;
}

}  // namespace

TEST_CASE("hostile requests are refused before they cost memory, and their connection ends") {
  struct Row {
    std::string name;
    std::string request;
    std::string status_line;
    std::string code;
  };
  std::string many_headers = "GET /api/health HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 150; ++i) many_headers += "X-H" + std::to_string(i) + ": v\r\n";
  std::string ranges = "bytes=0-";
  for (int i = 0; i < 1000; ++i) ranges += ",0-";
  const Row rows[] = {
      {"a 1 MB header line",
       "GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(1 << 20, 'a') + "\r\n\r\n",
       "HTTP/1.1 431 Request Header Fields Too Large", "header_too_large"},
      {"150 headers", many_headers + "\r\n", "HTTP/1.1 431 Request Header Fields Too Large",
       "header_too_large"},
      {"a 64 KB request line",
       "GET /api/search?q=" + std::string(64 * 1024, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n",
       "HTTP/1.1 414 URI Too Long", "uri_too_long"},
      {"a 6 KB path", "GET /" + std::string(6000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n",
       "HTTP/1.1 414 URI Too Long", "uri_too_long"},
      {"1,000 ranges", "GET /api/health HTTP/1.1\r\nHost: x\r\nRange: " + ranges + "\r\n\r\n",
       "HTTP/1.1 416 Range Not Satisfiable", "range_not_satisfiable"},
      // The body of a GET is not read: had the connection stayed open, the body would have been
      // answered as a request of its own.
      {"a GET with a body that is a request",
       "GET /api/health HTTP/1.1\r\nHost: x\r\nContent-Length: 44\r\n\r\n"
       "GET /api/search?q=karpathy HTTP/1.1\r\n\r\n",
       "HTTP/1.1 413 Payload Too Large", "payload_too_large"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.name);
    RawReply reply = raw_exchange(server().port(), row.request, 3000);
    CHECK(reply.status_line() == row.status_line);
    CHECK(reply.text.find("\"code\":\"" + row.code + "\"") != std::string::npos);
    CHECK(reply.responses() == 1);
    CHECK(reply.closed);
    // One small JSON answer, not the request's ranges of it.
    CHECK(reply.text.find("Content-Type: application/json") != std::string::npos);
    CHECK(reply.text.size() < 1024);
  }
  // The server is still there for everyone else.
  CHECK(get(search_path("karpathy")).status == 200);
}

TEST_CASE("a request head must arrive whole within the deadline, however slowly it trickles") {
  int fd = connect_from(server().port(), "127.0.0.1");
  REQUIRE(fd >= 0);
  auto started = std::chrono::steady_clock::now();
  std::string head = "GET /api/health HTTP/1.1\r\nHost: x\r\n";
  ::send(fd, head.data(), head.size(), MSG_NOSIGNAL);
  RawReply reply;
  // A header line every 300 ms would keep a per-read timeout waiting for ever.
  for (int i = 0; i < 20 && !reply.closed; ++i) {
    std::string line = "X-Slow-" + std::to_string(i) + ": 1\r\n";
    ::send(fd, line.data(), line.size(), MSG_NOSIGNAL);
    RawReply part = read_reply(fd, 300);
    reply.text += part.text;
    reply.closed = part.closed;
  }
  ::close(fd);
  auto took = std::chrono::steady_clock::now() - started;
  CHECK(reply.status_line() == "HTTP/1.1 408 Request Timeout");
  CHECK(reply.closed);
  CHECK(took < std::chrono::seconds(5));
}

TEST_CASE("one client address cannot take every connection") {
  // 8 workers: at most 4 connections from one address.
  ServerProcess s(corpus().db(), {}, {"LOUPE_THREADS=8"});
  const std::string request = "GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n";
  std::vector<int> held;
  for (int i = 0; i < 4; ++i) {
    int fd = connect_from(s.port(), "127.0.0.1");
    REQUIRE(fd >= 0);
    ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    CHECK(read_reply(fd, 500).text.rfind("HTTP/1.1 200 OK", 0) == 0);
    held.push_back(fd);  // kept open: an idle keep-alive connection
  }
  RawReply fifth = raw_exchange(s.port(), request, 2000);
  CHECK(fifth.status_line() == "HTTP/1.1 503 Service Unavailable");
  CHECK(fifth.text.find("\"code\":\"too_many_connections\"") != std::string::npos);
  RawReply other = raw_exchange(s.port(), request + "", 500, "127.0.0.2");
  CHECK(other.status_line() == "HTTP/1.1 200 OK");
  for (int fd : held) ::close(fd);
}

TEST_CASE("a request target in absolute form is served as its path") {
  struct Row {
    std::string target;
    std::string status_line;
  };
  const Row rows[] = {
      {"http://x/api/health", "HTTP/1.1 200 OK"},
      {"HTTP://x:8080/api/search?q=the", "HTTP/1.1 200 OK"},
      {"https://x/api/search", "HTTP/1.1 400 Bad Request"},  // no q: the API's own answer
      {"http://x/api/nothing-here", "HTTP/1.1 404 Not Found"},
      {"ftp://x/api/health", "HTTP/1.1 404 Not Found"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.target);
    CHECK(raw_status_line(server().port(), "GET " + row.target + " HTTP/1.1\r\nHost: x\r\n\r\n",
                          1000) == row.status_line);
  }
}

TEST_CASE("a second server cannot share a port that is in use") {
  auto second = run_command({"/usr/bin/timeout", "5", loupe::testing::server_program(), "--db",
                             corpus().db().string(), "--port", std::to_string(server().port())});
  CHECK(second.exit_code == 1);
  CHECK(second.output.find("cannot listen") != std::string::npos);
}

TEST_CASE("a bad flag value stops the server with a message naming the flag") {
  struct Row {
    std::vector<std::string> args;
    std::string named;
  };
  const Row rows[] = {
      {{"--port", "70000"}, "--port"},
      {{"--threads", "1"}, "--threads"},
      {{"--searchers", "many"}, "--searchers"},
      {{"--cache-mb", "-1"}, "--cache-mb"},
      {{"--document-cache-mb", "-5"}, "--document-cache-mb"},
      {{"--document-cache-mb", "lots"}, "--document-cache-mb"},
  };
  for (const Row& row : rows) {
    std::vector<std::string> argv = {"/usr/bin/timeout", "5", loupe::testing::server_program(),
                                     "--db", corpus().db().string()};
    argv.insert(argv.end(), row.args.begin(), row.args.end());
    auto result = run_command(argv);
    CAPTURE(result.output);
    CHECK(result.exit_code == 2);
    CHECK(result.output.find(row.named) != std::string::npos);
  }
}

TEST_CASE("document text is escaped wherever it reaches HTML") {
  Reply r = get(search_path("pwned OR trap"));
  REQUIRE(r.status == 200);
  REQUIRE(r.body["hits"].size() == 1);
  const auto& hit = r.body["hits"][0];
  CHECK(hit["title"] ==
        "Trap <img src=x onerror=alert(1)>");  // the raw title is data, for text nodes
  for (const std::string field : {"snippet", "title_html"}) {
    std::string html = hit[field].get<std::string>();
    CAPTURE(html);
    CHECK(html.find('<') == html.find("<mark>"));
    CHECK(std::regex_replace(html, std::regex("</?mark>"), "").find('<') == std::string::npos);
  }
  CHECK(hit["snippet"].get<std::string>().find(
            "&lt;script&gt;alert(&#39;<mark>pwned</mark>&#39;)&lt;/script&gt;") !=
        std::string::npos);
  Reply doc = get("/api/documents/hostile.html?q=alert");
  std::string html = doc.body["html"].get<std::string>();
  CHECK(std::regex_replace(html, std::regex("</?mark>"), "").find('<') == std::string::npos);
}

TEST_CASE("the page is served from --web and nothing outside it is") {
  Reply page = get("/");
  CHECK(page.status == 200);
  CHECK(page.content_type == "text/html; charset=utf-8");
  Reply js = get("/app.js");
  CHECK(js.status == 200);
  CHECK(js.content_type == "text/javascript; charset=utf-8");
  for (const std::string path :
       {"/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt", "/..%2f..%2fetc%2fpasswd",
        "/link.txt", "/web/../secret.txt", "/./../secret.txt", "/%252e%252e/secret.txt",
        "/etc/passwd", "//etc/passwd", "/.hidden", "/nope.html"}) {
    CAPTURE(path);
    auto c = client(server().port());
    auto res = c.Get(path);
    REQUIRE(res);
    CHECK(res->status == 404);
    CHECK(res->body.find("top-secret") == std::string::npos);
    CHECK(res->body.find("root:") == std::string::npos);
  }
}

TEST_CASE("a live re-index is seen within a second, with no failed request") {
  TempDir tmp;
  write_file(tmp / "docs/one.txt", "The first document mentions albatross.\n");
  REQUIRE(run_command({loupe::testing::index_program(), "--db", (tmp / "db").string(),
                       (tmp / "docs").string()})
              .exit_code == 0);
  ServerProcess live(tmp / "db");
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0}, requests{0};
  std::vector<std::thread> clients;
  // Joins the clients however the test ends.
  struct Joiner {
    std::atomic<bool>& stop;
    std::vector<std::thread>& threads;
    ~Joiner() {
      stop = true;
      for (auto& t : threads)
        if (t.joinable()) t.join();
    }
  } joiner{stop, clients};
  for (int i = 0; i < 4; ++i) {
    clients.emplace_back([&] {
      auto c = client(live.port());
      while (!stop) {
        auto res = c.Get(search_path("albatross OR cormorant"));
        ++requests;
        if (!res || res->status != 200) ++failures;
      }
    });
  }
  for (int round = 0; round < 5; ++round) {
    std::string bird = "cormorant" + std::string(1, static_cast<char>('a' + round));
    write_file(tmp / "docs" / (bird + ".txt"), "A new document about the " + bird + ".\n");
    REQUIRE(run_command({loupe::testing::index_program(), "--db", (tmp / "db").string(),
                         (tmp / "docs").string()})
                .exit_code == 0);
    auto indexed = std::chrono::steady_clock::now();
    bool found = false;
    while (!found && std::chrono::steady_clock::now() - indexed < std::chrono::seconds(3)) {
      Reply r = get(search_path(bird), {}, live.port());
      found = r.status == 200 && r.body["total"] == 1;
      if (!found) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    CHECK(found);
    CHECK(std::chrono::steady_clock::now() - indexed < std::chrono::seconds(1));
    // Once seen, the change stays seen, whichever searcher answers next.
    for (int i = 0; i < 20; ++i) CHECK(get(search_path(bird), {}, live.port()).body["total"] == 1);
  }
  stop = true;
  for (auto& t : clients) t.join();
  CHECK(requests > 0);
  CHECK(live.log().find(" 500 ") == std::string::npos);
  CHECK(failures == 0);
}

TEST_CASE("idle keep-alive connections do not starve new clients") {
  ServerProcess s(corpus().db());
  // Clients that made one request and keep their connection open, doing nothing.
  // Each one must be served at once, although all the earlier ones still hold their connection
  // (a fixed pool of workers makes the 33rd wait for the keep-alive timeout of the 1st).
  std::vector<std::unique_ptr<httplib::Client>> idle;
  for (int i = 0; i < 150; ++i) {
    idle.push_back(std::make_unique<httplib::Client>("127.0.0.1", s.port()));
    idle.back()->set_keep_alive(true);
    auto started = std::chrono::steady_clock::now();
    auto res = idle.back()->Get("/api/health");
    REQUIRE(res);
    CAPTURE(i);
    REQUIRE(std::chrono::steady_clock::now() - started < std::chrono::seconds(2));
  }
  auto started = std::chrono::steady_clock::now();
  Reply fresh = get(search_path("karpathy"), {}, s.port());
  CHECK(fresh.status == 200);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(1));
}

TEST_CASE("with an API key, /api/ needs it and /api/health does not") {
  ServerProcess keyed(corpus().db(), {}, {"LOUPE_API_KEY=s3cret-key"});
  check_error(get(search_path("karpathy"), {}, keyed.port()), 401, "unauthorized");
  check_error(get(search_path("karpathy"), {{"Authorization", "Bearer wrong"}}, keyed.port()), 401,
              "unauthorized");
  check_error(get("/api/documents/sub%2Fdeep.md", {{"Authorization", "s3cret-key"}}, keyed.port()),
              401, "unauthorized");
  CHECK(
      get(search_path("karpathy"), {{"Authorization", "Bearer s3cret-key"}}, keyed.port()).status ==
      200);
  // The scheme's name is case-insensitive; the key is not.
  CHECK(
      get(search_path("karpathy"), {{"Authorization", "bearer s3cret-key"}}, keyed.port()).status ==
      200);
  check_error(get(search_path("karpathy"), {{"Authorization", "Bearer S3CRET-KEY"}}, keyed.port()),
              401, "unauthorized");
  Reply health = get("/api/health", {}, keyed.port());
  CHECK(health.status == 200);
  CHECK(health.body["api_key_required"] == true);
  // A target in absolute form is the same path, and needs the key the same way.
  CHECK(raw_status_line(keyed.port(), "GET http://x/api/search?q=a HTTP/1.1\r\nHost: x\r\n\r\n",
                        1000) == "HTTP/1.1 401 Unauthorized");
}

TEST_CASE("the API's OpenAPI description is served, and needs no API key") {
  Reply r = get("/api/openapi.json");
  REQUIRE(r.status == 200);
  CHECK(r.content_type == "application/json; charset=utf-8");
  CHECK(r.body["openapi"].get<std::string>().rfind("3.", 0) == 0);
  CHECK(r.body["paths"].contains("/api/search"));
  CHECK(r.body["paths"]["/api/search"].contains("get"));
  // The same bytes as the repository's copy, for a client that checks one against the other.
  std::ifstream in(loupe::testing::seeds_dir().parent_path() / "docs/openapi.json",
                   std::ios::binary);
  std::stringstream source;
  source << in.rdbuf();
  CHECK(r.raw == source.str());
  auto c = client(server().port());
  auto head = c.Head("/api/openapi.json");
  REQUIRE(head);
  CHECK(head->status == 200);
  CHECK(head->body.empty());
  // A client learns from it how to pass the key, so it is as public as /api/health.
  ServerProcess keyed(corpus().db(), {}, {"LOUPE_API_KEY=s3cret-key"});
  Reply open = get("/api/openapi.json", {}, keyed.port());
  CHECK(open.status == 200);
  CHECK(open.body["paths"].contains("/api/search"));
  CHECK(raw_status_line(keyed.port(), "GET http://x/api/openapi.json HTTP/1.1\r\nHost: x\r\n\r\n",
                        1000) == "HTTP/1.1 200 OK");
  // Only that path: a look-alike is an API path like any other.
  check_error(get("/api/openapi.jsonx", {}, keyed.port()), 401, "unauthorized");
  check_error(get("/api/openapiXjson"), 404, "not_found");
}

TEST_CASE("flags win over environment variables") {
  TempDir tmp;
  ServerProcess s(corpus().db(), {}, {"LOUPE_DB=" + (tmp / "elsewhere").string(), "LOUPE_PORT=1"});
  CHECK(get("/api/health", {}, s.port()).body["documents"] == 9);
}

TEST_CASE("an empty or missing database is served as an empty index") {
  TempDir tmp;
  ServerProcess s(tmp / "not-yet");
  Reply health = get("/api/health", {}, s.port());
  CHECK(health.status == 200);
  CHECK(health.body["documents"] == 0);
  Reply r = get(search_path("anything"), {}, s.port());
  CHECK(r.status == 200);
  CHECK(r.body["total"] == 0);
}

namespace {

enum class Outcome { kRefused, kAnswered, kCutOff };

// One request on a new connection, read to the end: refused (or no connection within the
// timeout), answered with a whole 200 response, or cut off after the connection was made.
Outcome exchange(int port, const std::string& request) {
  int fd = connect_loopback(port, {0, 300 * 1000});
  if (fd < 0) return Outcome::kRefused;
  timeval read_timeout{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &read_timeout, sizeof read_timeout);
  std::string reply;
  if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
      static_cast<ssize_t>(request.size())) {
    char buf[16384];
    for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;)
      reply.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  size_t head_end = reply.find("\r\n\r\n");
  std::smatch length;
  std::string head = reply.substr(0, head_end);
  bool whole = head_end != std::string::npos && reply.rfind("HTTP/1.1 200 ", 0) == 0 &&
               std::regex_search(head, length, std::regex("Content-Length: ([0-9]+)")) &&
               reply.size() == head_end + 4 + std::stoul(length[1]);
  return whole ? Outcome::kAnswered : Outcome::kCutOff;
}

}  // namespace

// Stopping races the accept loop and the workers, so several rounds are run.
TEST_CASE("SIGTERM while clients keep connecting: every connection made gets its answer") {
  const std::string request =
      "GET /api/search?q=the HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  for (int round = 0; round < 4; ++round) {
    CAPTURE(round);
    ServerProcess s(corpus().db());
    std::atomic<bool> stopped{false};
    std::atomic<int> answered{0}, cut_off{0};
    std::vector<std::thread> clients;
    for (int i = 0; i < 8; ++i)
      clients.emplace_back([&] {
        while (!stopped) {
          Outcome outcome = exchange(s.port(), request);
          if (outcome == Outcome::kAnswered) ++answered;
          if (outcome == Outcome::kCutOff) ++cut_off;
        }
      });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    CHECK(s.stop() == 0);
    stopped = true;
    for (std::thread& t : clients) t.join();
    CHECK(answered > 0);
    CHECK(cut_off == 0);
  }
}

TEST_CASE("SIGTERM stops the server cleanly; every request was logged") {
  ServerProcess s(corpus().db(), {"--web", corpus().web().string()});
  CHECK(get(search_path("karpathy"), {}, s.port()).status == 200);
  CHECK(get("/", {}, s.port()).status == 200);
  CHECK(get("/api/documents/forged%0AGET%20/admin%20200%200.01ms", {}, s.port()).status == 404);
  auto started = std::chrono::steady_clock::now();
  CHECK(s.stop() == 0);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(3));
  CHECK(std::regex_search(s.log(), std::regex(R"(GET /api/search 200 [0-9.]+ms)")));
  CHECK(std::regex_search(s.log(), std::regex(R"(GET / 200 [0-9.]+ms)")));
  // A line break in a path is logged encoded, on the request's own line.
  CHECK(s.log().find("GET /api/documents/forged%0AGET /admin 200 0.01ms 404 ") !=
        std::string::npos);
  CHECK(s.log().find("\nGET /admin") == std::string::npos);
  CHECK(s.log().find("stopped") != std::string::npos);
}

TEST_CASE("CORS: off by default; --cors-origin lets the pages of those origins call the API") {
  // The shared server has no --cors-origin: a preflight is a method it does not answer.
  httplib::Headers preflight = {{"Origin", "https://wiki.example.com"},
                                {"Access-Control-Request-Method", "GET"},
                                {"Access-Control-Request-Headers", "authorization"}};
  {
    auto c = client(server().port());
    auto res = c.Options("/api/search?q=karpathy", preflight);
    REQUIRE(res);
    CHECK(res->status == 405);
    CHECK_FALSE(res->has_header("Access-Control-Allow-Origin"));
    Reply plain = get(search_path("karpathy"), {{"Origin", "https://wiki.example.com"}});
    CHECK(plain.status == 200);
  }
  ServerProcess cors(corpus().db(), {"--cors-origin", "https://wiki.example.com", "--cors-origin",
                                     "http://localhost:3000", "--api-key", "k3y"});
  auto c = client(cors.port());
  auto answered = c.Options("/api/search?q=karpathy", preflight);
  REQUIRE(answered);
  CHECK(answered->status == 204);
  CHECK(answered->get_header_value("Access-Control-Allow-Origin") == "https://wiki.example.com");
  CHECK(answered->get_header_value("Access-Control-Allow-Methods") == "GET, HEAD");
  CHECK(answered->get_header_value("Access-Control-Allow-Headers") == "Authorization");
  CHECK(answered->get_header_value("Vary") == "Origin");
  // The answer itself names the origin, an error too (the page must read the 401).
  auto found = c.Get(search_path("karpathy"),
                     {{"Origin", "http://localhost:3000"}, {"Authorization", "Bearer k3y"}});
  REQUIRE(found);
  CHECK(found->status == 200);
  CHECK(found->get_header_value("Access-Control-Allow-Origin") == "http://localhost:3000");
  auto refused = c.Get(search_path("karpathy"), {{"Origin", "http://localhost:3000"}});
  REQUIRE(refused);
  CHECK(refused->status == 401);
  CHECK(refused->get_header_value("Access-Control-Allow-Origin") == "http://localhost:3000");
  // Another origin gets nothing that lets its page read the answer.
  httplib::Headers other = {{"Origin", "https://evil.example"},
                            {"Access-Control-Request-Method", "GET"}};
  auto not_allowed = c.Options("/api/search?q=karpathy", other);
  REQUIRE(not_allowed);
  CHECK(not_allowed->status == 405);
  CHECK_FALSE(not_allowed->has_header("Access-Control-Allow-Origin"));
  auto read = c.Get(search_path("karpathy"),
                    {{"Origin", "https://evil.example"}, {"Authorization", "Bearer k3y"}});
  REQUIRE(read);
  CHECK_FALSE(read->has_header("Access-Control-Allow-Origin"));
  // A malformed origin is a usage error.
  auto bad = run_command({loupe::testing::server_program(), "--db", corpus().db().string(),
                          "--cors-origin", "wiki.example.com/path"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.output.find("--cors-origin") != std::string::npos);
}

TEST_CASE("--log-format json writes one JSON object a request; the plain line stays the default") {
  ServerProcess json_log(corpus().db(), {"--log-format", "json"});
  auto c = client(json_log.port());
  auto found = c.Get(search_path("karpathy"));
  REQUIRE(found);
  CHECK_FALSE(found->has_header("X-Loupe-Hits"));  // for the log only
  uint64_t total = json::parse(found->body)["total"].get<uint64_t>();
  REQUIRE(c.Get("/api/documents/no%0Asuch%FF.txt"));
  REQUIRE(c.Get("/api/search?q="));
  json_log.stop();
  std::vector<json> lines;
  std::istringstream log(json_log.log());
  for (std::string line; std::getline(log, line);)
    if (!line.empty() && line[0] == '{') lines.push_back(json::parse(line));
  REQUIRE(lines.size() == 3);
  CHECK(lines[0]["method"] == "GET");
  CHECK(lines[0]["path"] == "/api/search");
  CHECK(lines[0]["status"] == 200);
  CHECK(lines[0]["hits"] == total);
  CHECK(lines[0]["client"] == "127.0.0.1");
  CHECK(lines[0]["ms"].is_number());
  CHECK(std::regex_match(lines[0]["time"].get<std::string>(),
                         std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")));
  CHECK(lines[1]["status"] == 404);  // a path of a line break and a byte not UTF-8: one line
  CHECK_FALSE(lines[1].contains("hits"));
  CHECK(lines[2]["status"] == 400);
  // The default: a plain line.
  ServerProcess plain(corpus().db());
  REQUIRE(client(plain.port()).Get(search_path("karpathy")));
  plain.stop();
  CHECK(plain.log().find("GET /api/search 200 ") != std::string::npos);
}

namespace {

// A metric's value on a /metrics page: the sample whose name and labels are `series` exactly.
std::optional<double> metric(const std::string& page, const std::string& series) {
  std::istringstream lines(page);
  for (std::string line; std::getline(lines, line);)
    if (line.size() > series.size() && line.compare(0, series.size(), series) == 0 &&
        line[series.size()] == ' ')
      return std::stod(line.substr(series.size() + 1));
  return std::nullopt;
}

}  // namespace

TEST_CASE("/metrics counts every request by route and status, in a format promtool accepts") {
  ServerProcess fresh(corpus().db());
  const int port = fresh.port();
  const int searches = 7, misses = 3, refused = 2;
  for (int i = 0; i < searches; ++i) CHECK(get(search_path("karpathy"), {}, port).status == 200);
  for (int i = 0; i < misses; ++i)
    CHECK(get("/api/documents/no-such-" + std::to_string(i), {}, port).status == 404);
  httplib::Client c = client(port);
  for (int i = 0; i < refused; ++i) CHECK(c.Delete("/api/search")->status == 405);
  Reply page = get("/metrics", {}, port);
  REQUIRE(page.status == 200);
  CHECK(page.content_type == "text/plain; version=0.0.4; charset=utf-8");
  const std::string& m = page.raw;
  CHECK(metric(m, R"m(loupe_http_requests_total{route="/api/search",status="200"})m") == searches);
  CHECK(metric(m, R"m(loupe_http_requests_total{route="/api/documents/{id}",status="404"})m") ==
        misses);
  CHECK(metric(m, R"m(loupe_http_requests_total{route="(refused)",status="405"})m") == refused);
  CHECK(metric(m, R"m(loupe_http_request_duration_seconds_count{route="/api/search"})m") ==
        searches);
  CHECK(
      metric(m, R"m(loupe_http_request_duration_seconds_bucket{route="/api/search",le="+Inf"})m") ==
      searches);
  // The same query: the first is computed, the rest come from the cache.
  CHECK(metric(m, "loupe_result_cache_misses_total") == 1);
  CHECK(metric(m, "loupe_result_cache_hits_total") == searches - 1);
  CHECK(metric(m, "loupe_index_documents") ==
        get("/api/health", {}, port).body["documents"].get<double>());
  CHECK(metric(m, "loupe_http_open_connections") >= 1);
  CHECK(metric(m, R"m(loupe_build_info{version=")m" LOUPE_VERSION R"m("})m") == 1);
  CHECK_FALSE(metric(m, "loupe_watch_runs_total"));  // no watcher keeps this index

  // The page itself is counted on the next one.
  Reply again = get("/metrics", {}, port);
  CHECK(metric(again.raw, R"m(loupe_http_requests_total{route="/metrics",status="200"})m") == 1);

  TempDir tmp;
  write_file(tmp / "metrics.txt", m);
  auto checked = run_command(
      {"/bin/sh", "-c", "promtool check metrics < '" + (tmp / "metrics.txt").string() + "'"});
  CHECK_MESSAGE(checked.exit_code == 0, "promtool (Debian's prometheus package) rejects the page:\n"
                                            << checked.output);
}

TEST_CASE("/metrics needs the API key when one is set, unless --metrics-public") {
  ServerProcess keyed(corpus().db(), {}, {"LOUPE_API_KEY=s3cret-key"});
  check_error(get("/metrics", {}, keyed.port()), 401, "unauthorized");
  CHECK(get("/metrics", {{"Authorization", "Bearer s3cret-key"}}, keyed.port()).status == 200);
  ServerProcess open(corpus().db(), {"--metrics-public"}, {"LOUPE_API_KEY=s3cret-key"});
  CHECK(get("/metrics", {}, open.port()).status == 200);
  check_error(get(search_path("karpathy"), {}, open.port()), 401, "unauthorized");
}

TEST_CASE("several databases, one remote: one answer; a hung shard costs one timeout, then back") {
  TempDir dir;
  for (const char* shard : {"1", "2"}) {
    auto result =
        run_command({loupe::testing::index_program(), "--db", (dir / "shard").string() + shard,
                     "--shard", shard + std::string("/2"), loupe::testing::seeds_dir().string(),
                     (corpus().dir() / "fixtures").string()});
    REQUIRE_MESSAGE(result.exit_code == 0, result.output);
  }
  loupe::testing::RemoteShard remote(dir / "shard2");
  constexpr int kTimeoutMs = 500;
  ServerProcess s(dir / "shard1",
                  {"--db", remote.spec(), "--shard-timeout-ms", std::to_string(kTimeoutMs)});
  int port = s.port();
  Reply whole = get(search_path("lighthouses OR karpathy"));
  Reply both = get(search_path("lighthouses OR karpathy"), {}, port);
  CHECK(both.body["total"] == whole.body["total"]);
  CHECK(both.body["hits"].size() == whole.body["hits"].size());
  CHECK(both.body["shards"] == json{{"total", 2}, {"failed", 0}});
  Reply health = get("/api/health", {}, port);
  CHECK(health.body["status"] == "ok");
  REQUIRE(health.body["shards"].size() == 2);
  CHECK(health.body["shards"][1]["db"] == remote.spec());
  CHECK(health.body["shards"][1]["state"] == "up");
  CHECK(health.body["shards"][0]["documents"].get<int>() +
            health.body["shards"][1]["documents"].get<int>() ==
        get("/api/health").body["documents"]);
  std::string m = get("/metrics", {}, port).raw;
  CHECK(metric(m, "loupe_shard_up{shard=\"" + remote.spec() + "\"}") == 1);

  remote.signal(SIGSTOP);
  auto started = std::chrono::steady_clock::now();
  Reply partial = get(search_path("seeds OR lighthouses OR marmalade"), {}, port);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  CHECK(partial.status == 200);
  CHECK(partial.body["shards"] == json{{"total", 2}, {"failed", 1}});
  CHECK(seconds < kTimeoutMs / 1000.0 + 0.5);  // the timeout, and a small margin
  Reply degraded = get("/api/health", {}, port);
  CHECK(degraded.body["status"] == "degraded");
  CHECK(degraded.body["shards"][1]["state"] == "down");
  CHECK(degraded.body["shards"][1]["down_since"].get<int64_t>() > 0);
  CHECK(degraded.raw.find("Timeout") == std::string::npos);  // no internal error text
  CHECK(metric(get("/metrics", {}, port).raw, "loupe_shard_up{shard=\"" + remote.spec() + "\"}") ==
        0);

  remote.signal(SIGCONT);
  bool back = false;
  for (int i = 0; i < 80 && !back; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    back = get("/api/health", {}, port).body["status"] == "ok";
  }
  CHECK(back);
  CHECK(get(search_path("lighthouses OR karpathy"), {}, port).body["total"] == whole.body["total"]);
}

TEST_CASE("/api/health names the databases only when the API needs no key") {
  CHECK(get("/api/health").body["shards"][0]["db"] == corpus().db().string());
  ServerProcess keyed(corpus().db(), {}, {"LOUPE_API_KEY=s3cret-key"});
  Reply health = get("/api/health", {}, keyed.port());
  REQUIRE(health.body["shards"].size() == 1);
  CHECK_FALSE(health.body["shards"][0].contains("db"));
  CHECK(health.body["shards"][0]["state"] == "up");
  CHECK(health.raw.find(corpus().db().string()) == std::string::npos);
}

TEST_CASE("--db: a malformed tcp:// location is a usage error naming it") {
  auto result = run_command({loupe::testing::server_program(), "--db", "tcp://nohost"});
  CHECK(result.exit_code == 2);
  CHECK(result.output.find("tcp://nohost") != std::string::npos);
  auto twice = run_command({loupe::testing::server_program(), "--db", corpus().db().string(),
                            "--db", corpus().db().string()});
  CHECK(twice.exit_code == 2);
  CHECK(twice.output.find("given twice") != std::string::npos);
}
