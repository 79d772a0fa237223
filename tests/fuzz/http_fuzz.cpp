// libFuzzer harness: any bytes as what one client sends on one connection, to the real server
// (cpp-httplib behind Loupe's limits, the router, the API, the static page) over loopback TCP,
// serving the seed documents. The harness sends the bytes, ends its side, and reads the answer to
// the end: every connection must be answered or closed, never left hanging, and every answer must
// be HTTP. The server logs each request to stderr: run it with -close_fd_mask=2 (scripts/fuzz.sh
// does).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include "indexer/index_run.h"
#include "search/searcher_pool.h"
#include "server/config.h"
#include "server/http_server.h"

namespace {

// Longer than the server's own deadline for a request (3 s) and its write timeout (5 s), with
// room for a fuzzer run at low priority on a busy machine: a connection still open after this
// is a hang.
constexpr auto kAnswerLimit = std::chrono::seconds(30);

// The server, started once on an ephemeral port over an index of the seed documents, and left
// running until the process ends.
int server_port() {
  static int port = [] {
    std::signal(SIGPIPE, SIG_IGN);
    auto dir =
        std::filesystem::temp_directory_path() / ("loupe-http-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    static std::filesystem::path removed_at_exit = dir;
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(removed_at_exit, ec);
    });
    loupe::indexer::Progress quiet(stderr, false);
    loupe::indexer::IndexStats stats;
    loupe::indexer::run_index(
        {dir / "db", "", {LOUPE_SOURCE_DIR "/seeds"}}, quiet, [] { return false; }, stats);
    loupe::server::ServerConfig config;
    config.databases = {(dir / "db").string()};
    config.port = 0;
    config.web = LOUPE_SOURCE_DIR "/web";
    config.threads = 16;
    config.searchers = 2;
    auto* searchers =
        new loupe::search::SearcherPool(config.databases.front(), 2, 1 << 20, 1 << 20);
    auto* server = new loupe::server::HttpServer(config, *searchers);
    int bound = server->bind();
    if (bound <= 0) std::abort();
    std::thread([server] { server->run(); }).detach();
    return bound;
  }();
  return port;
}

int connect_to(int port) {
  int sock = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  // The listener may not accept yet right after start: retry a refused connection briefly.
  for (int attempt = 0; attempt < 100; ++attempt) {
    if (::connect(sock, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) return sock;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::abort();
}

// Reads until the server closes the connection; aborts when it does not within kAnswerLimit.
std::string read_to_end(int sock) {
  std::string answer;
  auto deadline = std::chrono::steady_clock::now() + kAnswerLimit;
  char buffer[65536];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) std::abort();  // hung
    pollfd p{sock, POLLIN, 0};
    int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    // libFuzzer's timer (SIGALRM, for -timeout) interrupts the wait now and then.
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;  // the deadline decides
    ssize_t n = ::read(sock, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return answer;  // closed (a reset counts: the server may close unread input)
    // Only the start is checked: a document can be large.
    if (answer.size() < 16) answer.append(buffer, static_cast<size_t>(n));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;  // the limits act long before; bigger inputs only slow it down
  int sock = connect_to(server_port());
  for (size_t sent = 0; sent < size;) {
    ssize_t n = ::send(sock, data + sent, size - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // the server refused and closed early: its answer is still readable
    sent += static_cast<size_t>(n);
  }
  ::shutdown(sock, SHUT_WR);
  std::string answer = read_to_end(sock);
  ::close(sock);
  if (!answer.empty() && answer.rfind("HTTP/1.1 ", 0) != 0) std::abort();
  return 0;
}
