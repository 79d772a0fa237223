// Test helpers: temporary folders, files, and the real Loupe programs run as child processes.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <thread>
#include <vector>

namespace loupe::testing {

// A fresh folder under $TMPDIR, removed with everything in it when the object goes.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

void write_file(const std::filesystem::path& path, const std::string& contents);

struct CommandResult {
  int exit_code;       // 128 + signal when killed by one
  std::string output;  // stdout and stderr together
};

CommandResult run_command(const std::vector<std::string>& argv);

// The folder of seed documents in the source tree, and the built programs.
std::filesystem::path seeds_dir();
std::string index_program();
std::string server_program();

// A program run in the background, its stdout and stderr kept in a log; stopped (SIGTERM, then
// waited for) on destruction. `env` entries are NAME=value.
class ChildProcess {
 public:
  explicit ChildProcess(const std::vector<std::string>& argv,
                        const std::vector<std::string>& env = {});
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  // Sends `signal` and, for SIGTERM and SIGKILL, waits; returns the exit status (-1 while it
  // runs). The log is kept for inspection.
  int stop(int signal = 15);
  void signal(int signal);
  // To it and the processes it started (a server that forks one per connection).
  void signal_group(int signal);
  // Whether it still runs (reaps it when it ended on its own).
  bool running();
  const std::string& log();

 private:
  pid_t pid_ = -1;
  int log_fd_ = -1;
  int status_ = -1;
  std::string log_;
};

// loupe-server on an ephemeral loopback port; stopped (SIGTERM, then waited for) on destruction.
class ServerProcess {
 public:
  explicit ServerProcess(const std::filesystem::path& db,
                         const std::vector<std::string>& extra_args = {},
                         const std::vector<std::string>& env = {});
  int port() const { return port_; }
  // Sends SIGTERM and waits; returns the exit status. The log is kept for inspection.
  int stop() { return process_.stop(); }
  const std::string& log() { return process_.log(); }

 private:
  static std::vector<std::string> arguments(const std::filesystem::path& db,
                                            const std::vector<std::string>& extra_args);
  ChildProcess process_;
  int port_ = 0;
};

// A loopback port free a moment ago (for a program that cannot pick its own).
int free_port();

// xapian-tcpsrv serving `db` on a free loopback port, started in a session of its own (it
// signals its process group when stopped) and accepting connections once constructed.
class RemoteShard {
 public:
  // `extra_args` go to xapian-tcpsrv (say "--idle-timeout", "300").
  explicit RemoteShard(const std::filesystem::path& db,
                       const std::vector<std::string>& extra_args = {});
  int port() const { return port_; }
  std::string spec() const;  // tcp://127.0.0.1:port, as loupe-server --db takes it
  // It forks a process per connection: signals go to all of them.
  void signal(int signal) { process_.signal_group(signal); }

 private:
  int port_;
  ChildProcess process_;
};

// A TCP relay on a loopback port to another, which hangs up on the connections it carries as a
// server that closes them does: the client may still write, and its next read meets the end of
// the stream (Xapian then throws an error that names no host).
class HangUpRelay {
 public:
  explicit HangUpRelay(int target_port);
  ~HangUpRelay();
  HangUpRelay(const HangUpRelay&) = delete;
  HangUpRelay& operator=(const HangUpRelay&) = delete;
  int port() const { return port_; }
  std::string spec() const;  // tcp://127.0.0.1:port
  // Ends every connection open now, and returns once it has; later ones are relayed as before.
  void hang_up();

 private:
  struct Link {
    int client;
    int upstream;  // -1 once hung up: what the client sends is read and dropped
  };
  void run();
  void accept_one();
  // Moves what `from` has to `to` (dropped when `to` is -1); false at the end of the stream.
  static bool relay(int from, int to);

  int target_port_;
  int listener_ = -1;
  int port_ = 0;
  int wake_[2] = {-1, -1};  // a byte: 'h' hang up, 'q' quit
  int done_[2] = {-1, -1};  // a byte once a hang-up is done
  std::vector<Link> links_;
  std::thread thread_;
};

}  // namespace loupe::testing
