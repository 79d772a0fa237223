// Recent search results, shared by every searcher: typing, paging and popular queries repeat.
#pragma once

#include <atomic>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "search/searcher.h"

namespace loupe::search {

// Least recently used first out, bounded in bytes. Entries name the index (its UUID: an index
// built anew starts its revisions again) and the revision they were computed on, so a re-index
// makes them unreachable at once (and the LRU order drops them).
class ResultCache {
 public:
  explicit ResultCache(size_t max_bytes) : max_bytes_(max_bytes) {}

  static std::string key(const std::string& index, uint64_t revision, const SearchRequest& request);
  std::shared_ptr<const SearchResults> find(const std::string& key);
  void insert(const std::string& key, std::shared_ptr<const SearchResults> results);
  bool enabled() const { return max_bytes_ > 0; }
  // Lookups answered from the cache, and not, since the start (for /metrics).
  uint64_t hits() const { return hits_.load(std::memory_order_relaxed); }
  uint64_t misses() const { return misses_.load(std::memory_order_relaxed); }

 private:
  struct Entry {
    std::string key;
    std::shared_ptr<const SearchResults> results;
    size_t bytes;
  };
  static size_t size_of(const std::string& key, const SearchResults& results);

  std::mutex mutex_;
  std::list<Entry> entries_;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
  size_t bytes_ = 0;
  size_t max_bytes_;
  std::atomic<uint64_t> hits_{0}, misses_{0};
};

}  // namespace loupe::search
