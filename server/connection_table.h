// Counts a server's open connections, in all and per client address, against caps.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace loupe::server {

// One client must not take every worker: cpp-httplib 0.11 keeps a thread on each connection.
class ConnectionTable {
 public:
  ConnectionTable(size_t max_total, size_t max_per_address)
      : max_total_(max_total), max_per_address_(max_per_address) {}

  // Counts a new connection from `address`; false (and not counted) when a cap is reached.
  bool admit(const std::string& address);
  void leave(const std::string& address);

 private:
  std::mutex mutex_;
  size_t max_total_, max_per_address_;
  size_t total_ = 0;
  std::unordered_map<std::string, size_t> by_address_;
};

}  // namespace loupe::server
