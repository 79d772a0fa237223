#include "tests/support/test_support.h"

#include <fcntl.h>
#include <netinet/in.h>
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

RemoteShard::RemoteShard(const std::filesystem::path& db)
    : port_(free_port()),
      process_({"/usr/bin/xapian-tcpsrv", "--interface", "127.0.0.1", "--port",
                std::to_string(port_), db.string()}) {
  for (int i = 0; i < 200 && process_.log().find("Listening") == std::string::npos; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  if (process_.log().find("Listening") == std::string::npos)
    throw std::runtime_error("xapian-tcpsrv did not start: " + process_.log());
}

std::string RemoteShard::spec() const {
  return "tcp://127.0.0.1:" + std::to_string(port_);
}

}  // namespace loupe::testing
