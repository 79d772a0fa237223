#include "tests/support/test_support.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <stdexcept>
#include <thread>

namespace loupe::testing {
namespace fs = std::filesystem;

TempDir::TempDir() {
  std::string pattern = (fs::temp_directory_path() / "loupe-test-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

void write_file(const fs::path& path, const std::string& contents) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << contents;
}

namespace {

std::vector<char*> c_args(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  return args;
}

int exit_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

CommandResult run_command(const std::vector<std::string>& argv) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    dup2(fds[1], STDERR_FILENO);
    close(fds[0]);
    close(fds[1]);
    std::vector<char*> args = c_args(argv);
    execv(args[0], args.data());
    _exit(127);
  }
  close(fds[1]);
  CommandResult result{-1, {}};
  char buffer[4096];
  ssize_t n;
  while ((n = read(fds[0], buffer, sizeof buffer)) > 0)
    result.output.append(buffer, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = exit_status(status);
  return result;
}

fs::path seeds_dir() {
  return LOUPE_SOURCE_DIR "/seeds";
}
std::string index_program() {
  return LOUPE_BINARY_DIR "/loupe-index";
}
std::string server_program() {
  return LOUPE_BINARY_DIR "/loupe-server";
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv,
                           const std::vector<std::string>& env) {
  // The log goes to a file, not a pipe: a pipe nobody drains would fill up and stall the program.
  std::string log_path = (fs::temp_directory_path() / "loupe-child-log-XXXXXX").string();
  log_fd_ = mkstemp(log_path.data());
  if (log_fd_ < 0) throw std::runtime_error("mkstemp failed");
  unlink(log_path.c_str());
  pid_ = fork();
  if (pid_ == 0) {
    // A session of its own: xapian-tcpsrv signals its whole process group when it stops.
    setsid();
    dup2(log_fd_, STDERR_FILENO);
    dup2(log_fd_, STDOUT_FILENO);
    for (const std::string& e : env) putenv(const_cast<char*>(e.c_str()));
    std::vector<char*> args = c_args(argv);
    execv(args[0], args.data());
    _exit(127);
  }
}

const std::string& ChildProcess::log() {
  if (log_fd_ >= 0) {
    char buffer[4096];
    ssize_t n;
    while ((n = pread(log_fd_, buffer, sizeof buffer, static_cast<off_t>(log_.size()))) > 0)
      log_.append(buffer, static_cast<size_t>(n));
  }
  return log_;
}

bool ChildProcess::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) != pid_) return true;
  status_ = exit_status(status);
  pid_ = -1;
  return false;
}

void ChildProcess::signal(int signal) {
  if (pid_ > 0) kill(pid_, signal);
}

void ChildProcess::signal_group(int signal) {
  if (pid_ > 0) kill(-pid_, signal);
}

int ChildProcess::stop(int signal) {
  if (!running()) return status_;
  kill(pid_, signal);
  if (signal != SIGTERM && signal != SIGKILL) return -1;
  int status = 0;
  waitpid(pid_, &status, 0);
  log();
  pid_ = -1;
  status_ = exit_status(status);
  return status_;
}

ChildProcess::~ChildProcess() {
  stop();
  if (log_fd_ >= 0) close(log_fd_);
}

std::vector<std::string> ServerProcess::arguments(const fs::path& db,
                                                  const std::vector<std::string>& extra_args) {
  std::vector<std::string> argv = {server_program(), "--db",     db.string(), "--port", "0",
                                   "--bind",         "127.0.0.1"};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  return argv;
}

ServerProcess::ServerProcess(const fs::path& db, const std::vector<std::string>& extra_args,
                             const std::vector<std::string>& env)
    : process_(arguments(db, extra_args), env) {
  // Wait for "listening on http://127.0.0.1:PORT".
  static const std::regex kListening(R"(listening on http://[^:]+:(\d+))");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    std::smatch m;
    const std::string& text = log();
    if (std::regex_search(text, m, kListening)) {
      port_ = std::stoi(m[1].str());
      return;
    }
    if (!process_.running()) break;
    usleep(10000);
  }
  process_.stop();
  throw std::runtime_error("loupe-server did not start:\n" + process_.log());
}

int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  bool ok = bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
            getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0;
  close(fd);
  if (!ok) throw std::runtime_error("no free port");
  return ntohs(address.sin_port);
}

namespace {

std::vector<std::string> tcpsrv_arguments(int port, const std::filesystem::path& db,
                                          const std::vector<std::string>& extra_args) {
  std::vector<std::string> argv = {"/usr/bin/xapian-tcpsrv", "--interface", "127.0.0.1", "--port",
                                   std::to_string(port)};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  argv.push_back(db.string());
  return argv;
}

}  // namespace

RemoteShard::RemoteShard(const std::filesystem::path& db,
                         const std::vector<std::string>& extra_args)
    : port_(free_port()), process_(tcpsrv_arguments(port_, db, extra_args)) {
  for (int i = 0; i < 200 && process_.log().find("Listening") == std::string::npos; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  if (process_.log().find("Listening") == std::string::npos)
    throw std::runtime_error("xapian-tcpsrv did not start: " + process_.log());
}

std::string RemoteShard::spec() const {
  return "tcp://127.0.0.1:" + std::to_string(port_);
}

HangUpRelay::HangUpRelay(int target_port) : target_port_(target_port) {
  listener_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  if (listener_ < 0 || bind(listener_, reinterpret_cast<sockaddr*>(&address), size) != 0 ||
      listen(listener_, 16) != 0 ||
      getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &size) != 0 ||
      pipe2(wake_, O_CLOEXEC) != 0 || pipe2(done_, O_CLOEXEC) != 0)
    throw std::runtime_error("cannot start the relay");
  port_ = ntohs(address.sin_port);
  thread_ = std::thread([this] { run(); });
}

HangUpRelay::~HangUpRelay() {
  char quit = 'q';
  if (write(wake_[1], &quit, 1) == 1)
    thread_.join();
  else
    thread_.detach();
  for (const Link& link : links_) {
    close(link.client);
    if (link.upstream >= 0) close(link.upstream);
  }
  for (int fd : {listener_, wake_[0], wake_[1], done_[0], done_[1]})
    if (fd >= 0) close(fd);
}

std::string HangUpRelay::spec() const {
  return "tcp://127.0.0.1:" + std::to_string(port_);
}

void HangUpRelay::hang_up() {
  char command = 'h';
  if (write(wake_[1], &command, 1) != 1 || read(done_[0], &command, 1) != 1)
    throw std::runtime_error("the relay did not hang up");
}

bool HangUpRelay::relay(int from, int to) {
  char buffer[16384];
  ssize_t got = read(from, buffer, sizeof buffer);
  if (got <= 0) return false;
  for (ssize_t sent = 0; to >= 0 && sent < got;) {
    ssize_t n = send(to, buffer + sent, got - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += n;
  }
  return true;
}

void HangUpRelay::accept_one() {
  int client = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
  if (client < 0) return;
  int upstream = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(target_port_);
  if (upstream < 0 ||
      connect(upstream, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    if (upstream >= 0) close(upstream);
    close(client);
    return;
  }
  links_.push_back({client, upstream});
}

void HangUpRelay::run() {
  for (;;) {
    std::vector<pollfd> fds = {{wake_[0], POLLIN, 0}, {listener_, POLLIN, 0}};
    for (const Link& link : links_) {
      fds.push_back({link.client, POLLIN, 0});
      fds.push_back({link.upstream, static_cast<short>(link.upstream >= 0 ? POLLIN : 0), 0});
    }
    if (poll(fds.data(), fds.size(), -1) < 0) continue;
    if (fds[0].revents != 0) {
      char command = 0;
      if (read(wake_[0], &command, 1) != 1 || command == 'q') return;
      // The server's side closes; the client's stays open and is read, so that its writes
      // succeed and no reset reaches it.
      for (Link& link : links_) {
        shutdown(link.client, SHUT_WR);
        if (link.upstream >= 0) close(link.upstream);
        link.upstream = -1;
      }
      char done = 'd';
      if (write(done_[1], &done, 1) != 1) return;
      continue;
    }
    std::vector<Link> kept;
    for (size_t i = 0; i < links_.size(); ++i) {
      Link link = links_[i];
      bool open = true;
      if (fds[2 + 2 * i].revents != 0) open = relay(link.client, link.upstream);
      if (open && link.upstream >= 0 && fds[3 + 2 * i].revents != 0)
        open = relay(link.upstream, link.client);
      if (open) {
        kept.push_back(link);
      } else {
        close(link.client);
        if (link.upstream >= 0) close(link.upstream);
      }
    }
    links_ = std::move(kept);
    if (fds[1].revents != 0) accept_one();
  }
}

}  // namespace loupe::testing
