#include "search/shard_set.h"

#include <cstdio>
#include <ctime>

namespace loupe::search {
namespace {

constexpr std::string_view kTcpScheme = "tcp://";

// Xapian names a remote database "remote:tcp(host:port)" in its errors' context.
std::string error_context(const ShardLocation& shard) {
  return "remote:tcp(" + shard.host + ":" + std::to_string(shard.port) + ")";
}

}  // namespace

std::optional<ShardLocation> parse_shard_location(const std::string& spec, std::string* error) {
  ShardLocation out;
  out.spec = spec;
  if (spec.empty()) {
    *error = "a database is a folder or tcp://host:port, not empty";
    return std::nullopt;
  }
  if (spec.compare(0, kTcpScheme.size(), kTcpScheme) != 0) {
    out.path = spec;
    return out;
  }
  std::string rest = spec.substr(kTcpScheme.size());
  size_t colon = rest.rfind(':');
  // [::1]:7000 for an IPv6 address.
  std::string host = colon == std::string::npos ? std::string() : rest.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  std::string port = colon == std::string::npos ? std::string() : rest.substr(colon + 1);
  bool digits = !port.empty() && port.size() <= 5 &&
                port.find_first_not_of("0123456789") == std::string::npos;
  int number = digits ? std::stoi(port) : 0;
  if (host.empty() || host.find_first_of("/?#@ ") != std::string::npos || number < 1 ||
      number > 65535) {
    *error = "'" + spec + "' is not tcp://host:port (a port from 1 to 65535)";
    return std::nullopt;
  }
  out.host = std::move(host);
  out.port = number;
  return out;
}

ShardSet::ShardSet(std::vector<ShardLocation> shards, std::chrono::milliseconds timeout)
    : shards_(std::move(shards)), timeout_(timeout), states_(shards_.size()) {
  bool any_remote = false;
  for (const ShardLocation& shard : shards_) any_remote = any_remote || shard.remote();
  if (any_remote) prober_ = std::thread([this] { probe_loop(); });
}

ShardSet::~ShardSet() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (prober_.joinable()) prober_.join();
}

Xapian::Database ShardSet::open(size_t i) const {
  const ShardLocation& shard = shards_[i];
  if (!shard.remote()) return Xapian::Database(shard.path);
  auto ms = static_cast<unsigned>(timeout_.count());
  // The same bound for connecting (a host that drops packets) as for each answer (one that hangs).
  return Xapian::Remote::open(shard.host, static_cast<unsigned>(shard.port), ms, ms);
}

bool ShardSet::up(size_t i) const {
  std::lock_guard lock(mutex_);
  return states_[i].up;
}

ShardSet::State ShardSet::state(size_t i) const {
  std::lock_guard lock(mutex_);
  return states_[i];
}

bool ShardSet::mark_down(size_t i, const std::string& why) {
  {
    std::lock_guard lock(mutex_);
    State& state = states_[i];
    if (!state.up) return false;
    state.up = false;
    state.error = why;
    state.down_since = static_cast<int64_t>(std::time(nullptr));
    ++state.failures;
  }
  generation_.fetch_add(1, std::memory_order_acq_rel);
  std::fprintf(stderr, "loupe-server: shard %s is down, left out of answers: %s\n",
               shards_[i].spec.c_str(), why.c_str());
  return true;
}

std::optional<size_t> ShardSet::shard_named_by(const Xapian::Error& error) const {
  const std::string& context = error.get_context();
  for (size_t i = 0; i < shards_.size(); ++i)
    if (shards_[i].remote() && context == error_context(shards_[i])) return i;
  return std::nullopt;
}

void ShardSet::probe(size_t i) {
  try {
    open(i).get_doccount();
  } catch (const Xapian::Error&) {
    return;  // still down
  }
  {
    std::lock_guard lock(mutex_);
    if (states_[i].up) return;
    states_[i].up = true;
  }
  generation_.fetch_add(1, std::memory_order_acq_rel);
  std::fprintf(stderr, "loupe-server: shard %s answers again\n", shards_[i].spec.c_str());
}

// Probes run here, never in a request: a hung host costs this thread the timeout, not a client.
void ShardSet::probe_loop() {
  std::unique_lock lock(mutex_);
  while (!stop_cv_.wait_for(lock, kProbeInterval, [this] { return stopping_; })) {
    std::vector<size_t> down;
    for (size_t i = 0; i < shards_.size(); ++i)
      if (!states_[i].up) down.push_back(i);
    lock.unlock();
    for (size_t i : down) probe(i);
    lock.lock();
  }
}

}  // namespace loupe::search
