#include "server/connection_table.h"

namespace loupe::server {

bool ConnectionTable::admit(const std::string& address) {
  std::lock_guard lock(mutex_);
  size_t& mine = by_address_[address];
  if (total_ >= max_total_ || mine >= max_per_address_) {
    if (mine == 0) by_address_.erase(address);
    return false;
  }
  ++mine;
  ++total_;
  return true;
}

void ConnectionTable::leave(const std::string& address) {
  std::lock_guard lock(mutex_);
  auto it = by_address_.find(address);
  if (it == by_address_.end()) return;
  if (--it->second == 0) by_address_.erase(it);
  --total_;
}

}  // namespace loupe::server
