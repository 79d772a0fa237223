#include "indexer/extractor.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

extern char** environ;

namespace loupe::indexer {
namespace fs = std::filesystem;
namespace {

std::string signal_name(int signal) {
  const char* name = sigabbrev_np(signal);
  return name != nullptr ? std::string("SIG") + name : "signal " + std::to_string(signal);
}

// Closes a descriptor when it goes.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

}  // namespace

fs::path extractor_program() {
  if (const char* path = std::getenv("LOUPE_EXTRACT"); path != nullptr && *path != '\0')
    return path;
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return self.parent_path() / "loupe-extract";
}

namespace {

// The document's own fields; its parts are written one by one (write_extracted).
nlohmann::json fields(const ExtractedDocument& doc) {
  nlohmann::json pages = nlohmann::json::array();
  for (const ExtractedDocument::Page& page : doc.pages) pages.push_back({page.offset, page.name});
  return {{"title", doc.title},       {"text", doc.text},
          {"headings", doc.headings}, {"link_text_bytes", doc.link_text_bytes},
          {"pages", pages},           {"page_kind", doc.page_kind},
          {"author", doc.author},     {"created", doc.created},
          {"from", doc.from},         {"to", doc.to},
          {"date", doc.date},         {"container", doc.container},
          {"language", doc.language}};
}

std::string dump(const nlohmann::json& json) {
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Throws nlohmann::json::exception when a field is missing or of another type.
ExtractedDocument from_json(const nlohmann::json& in, bool top) {
  ExtractedDocument doc;
  doc.title = in.at("title").get<std::string>();
  doc.text = in.at("text").get<std::string>();
  doc.headings = in.at("headings").get<std::vector<std::string>>();
  doc.link_text_bytes = in.at("link_text_bytes").get<size_t>();
  for (const auto& page : in.at("pages"))
    doc.pages.push_back({page.at(0).get<size_t>(), page.at(1).get<std::string>()});
  doc.page_kind = in.at("page_kind").get<std::string>();
  doc.author = in.at("author").get<std::string>();
  doc.created = in.at("created").get<int64_t>();
  doc.from = in.at("from").get<std::string>();
  doc.to = in.at("to").get<std::string>();
  doc.date = in.at("date").get<int64_t>();
  doc.language = in.at("language").get<std::string>();
  for (ExtractedDocument::Page& page : doc.pages)
    page.offset = std::min(page.offset, doc.text.size());
  if (!top) return doc;
  doc.container = in.at("container").get<bool>();
  for (const auto& part : in.at("parts"))
    doc.parts.push_back({part.at("key").get<std::string>(), part.at("parent").get<std::string>(),
                         part.at("type").get<std::string>(), part.at("hash").get<std::string>(),
                         from_json(part.at("doc"), false)});
  return doc;
}

}  // namespace

void write_extracted(std::ostream& out, const ExtractedDocument& doc) {
  // Part by part: an mbox's text, held once more as one JSON tree and once as its text, would
  // take three times its size out of the extractor's memory limit.
  std::string head = dump(fields(doc));
  head.pop_back();  // the closing brace: the parts follow
  out << head << ",\"parts\":[";
  for (size_t i = 0; i < doc.parts.size(); ++i) {
    const ExtractedPart& part = doc.parts[i];
    if (i > 0) out << ',';
    out << dump({{"key", part.key},
                 {"parent", part.parent},
                 {"type", part.type},
                 {"hash", part.hash},
                 {"doc", fields(part.doc)}});
  }
  out << "]}";
}

std::string encode_extracted(const ExtractedDocument& doc) {
  std::ostringstream out;
  write_extracted(out, doc);
  return out.str();
}

ExtractedDocument decode_extracted(std::string_view text) {
  nlohmann::json in = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!in.is_object()) throw ExtractionError("the extractor's answer is not readable");
  if (in.contains("error")) throw ExtractionError(in.value("error", std::string("failed")));
  try {
    return from_json(in, true);
  } catch (const nlohmann::json::exception&) {
    throw ExtractionError("the extractor's answer is not readable");
  }
}

ExtractedDocument extract_isolated(Format format, const fs::path& file,
                                   const ExtractLimits& limits) {
  int pipe_fds[2];
  // Close-on-exec: an extractor started by another thread meanwhile must not hold this pipe open.
  if (pipe2(pipe_fds, O_CLOEXEC) != 0)
    throw ExtractionError(std::string("cannot start the extractor: ") + std::strerror(errno));
  Fd read_end{pipe_fds[0]};
  Fd write_end{pipe_fds[1]};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, write_end.fd, STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  const std::string program = extractor_program().string();
  const std::string name(format_name(format));
  const std::string cpu = std::to_string(limits.cpu_seconds);
  const std::string memory = std::to_string(limits.memory_mb);
  const std::string path = file.string();
  std::vector<char*> argv = {const_cast<char*>(program.c_str()), const_cast<char*>(name.c_str()),
                             const_cast<char*>(path.c_str()),    const_cast<char*>(cpu.c_str()),
                             const_cast<char*>(memory.c_str()),  nullptr};
  pid_t pid = -1;
  int spawned = posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0)
    throw ExtractionError("cannot start " + program + ": " + std::strerror(spawned));
  close(write_end.fd);
  write_end.fd = -1;

  std::string output;
  auto deadline = std::chrono::steady_clock::now() + limits.wall;
  bool timed_out = false;
  bool stopped = false;
  char chunk[1 << 16];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    if (limits.stop && limits.stop()) {
      stopped = true;
      break;
    }
    // A look at `stop` at least this often.
    constexpr std::chrono::milliseconds kStopCheck{100};
    if (limits.stop) left = std::min(left, kStopCheck);
    pollfd ready{read_end.fd, POLLIN, 0};
    int n = poll(&ready, 1, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) continue;  // the deadline is checked above
    ssize_t got = read(read_end.fd, chunk, sizeof chunk);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;  // the extractor is done (or died)
    output.append(chunk, static_cast<size_t>(got));
  }
  if (timed_out || stopped) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (stopped) throw ExtractionError("interrupted");
  if (timed_out)
    throw ExtractionError("took longer than " + std::to_string(limits.wall.count() / 1000) + " s");
  if (WIFSIGNALED(status)) {
    int signal = WTERMSIG(status);
    if (signal == SIGXCPU || signal == SIGKILL)
      throw ExtractionError("used more than " + std::to_string(limits.cpu_seconds) + " s of CPU");
    throw ExtractionError("crashed the " + name + " reader (" + signal_name(signal) + ")");
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
    throw ExtractionError("cannot run " + program);
  return decode_extracted(output);
}

}  // namespace loupe::indexer
