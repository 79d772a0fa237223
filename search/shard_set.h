// The databases one server searches as one (local folders and tcp:// shards), and which answer.
#pragma once

#include <xapian.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace loupe::search {

// Where a shard is: a database folder, or "tcp://host:port" for one served by xapian-tcpsrv.
struct ShardLocation {
  std::string spec;  // as given
  std::string path;  // a folder; empty for a remote shard
  std::string host;
  int port = 0;
  bool remote() const { return path.empty(); }
};

// Parses one --db value; nullopt, with the reason in `error`, when it is neither a usable
// folder name nor tcp://host:port.
std::optional<ShardLocation> parse_shard_location(const std::string& spec, std::string* error);

// Shared by every searcher of a server. A remote shard that fails (refused, or silent for longer
// than the timeout) is down: searchers leave it out, so that one dead host costs one timeout,
// not one per request. A thread tries it again every `kProbeInterval` and brings it back. Local
// shards are never down here: a searcher opens them again at each refresh until they open, as
// it does a single index not built yet. Thread-safe.
class ShardSet {
 public:
  static constexpr std::chrono::milliseconds kDefaultTimeout{1000};
  static constexpr std::chrono::milliseconds kProbeInterval{2000};

  ShardSet(std::vector<ShardLocation> shards, std::chrono::milliseconds timeout);
  ~ShardSet();
  ShardSet(const ShardSet&) = delete;
  ShardSet& operator=(const ShardSet&) = delete;

  size_t size() const { return shards_.size(); }
  const ShardLocation& location(size_t i) const { return shards_[i]; }
  std::chrono::milliseconds timeout() const { return timeout_; }

  // Opens shard `i` for reading; throws Xapian::Error (a remote one after at most the timeout).
  Xapian::Database open(size_t i) const;
  bool up(size_t i) const;
  // Changes whenever a shard goes down or comes back: a searcher then opens its set again.
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

  // Records that shard `i` failed; false when it was down already.
  bool mark_down(size_t i, const std::string& why);
  // The remote shard a Xapian error names (its context is "remote:tcp(host:port)").
  std::optional<size_t> shard_named_by(const Xapian::Error& error) const;

  struct State {
    bool up = true;
    std::string error;       // why it went down, as Xapian said it
    int64_t down_since = 0;  // seconds since the epoch
    uint64_t failures = 0;   // times it went down since the server started
  };
  State state(size_t i) const;

 private:
  void probe_loop();
  void probe(size_t i);

  std::vector<ShardLocation> shards_;
  std::chrono::milliseconds timeout_;
  mutable std::mutex mutex_;
  std::vector<State> states_;
  std::atomic<uint64_t> generation_{0};
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread prober_;
};

}  // namespace loupe::search
