// A fixed set of Searchers shared by the HTTP threads: Xapian objects must not be shared.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "search/result_cache.h"
#include "search/searcher.h"

namespace loupe::search {

class SearcherPool {
 public:
  // How stale a searcher may be before it checks for a newer revision of the index.
  static constexpr std::chrono::milliseconds kRefreshInterval{250};

  // `cache_bytes` bounds the shared cache of recent results (0: no cache);
  // `document_cache_bytes` the searchers' caches of records and text blocks, all together. The
  // server's defaults for both are in server/config.h.
  SearcherPool(const std::string& db_path, size_t size, size_t cache_bytes,
               size_t document_cache_bytes);
  // Several databases searched as one (see Searcher).
  SearcherPool(std::shared_ptr<ShardSet> shards, size_t size, size_t cache_bytes,
               size_t document_cache_bytes);

  // Borrowed searcher, returned to the pool when the lease ends.
  class Lease {
   public:
    Lease(SearcherPool& pool, Searcher* searcher) : pool_(pool), searcher_(searcher) {}
    ~Lease() { pool_.release(searcher_); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Searcher* operator->() { return searcher_; }

   private:
    SearcherPool& pool_;
    Searcher* searcher_;
  };

  // Waits for a free searcher, brought up to date with the index.
  Lease acquire();

  // A search through the cache: the same request on the same revision of the index is
  // answered once.
  std::shared_ptr<const SearchResults> search(const SearchRequest& request);
  // For /metrics: the result cache's hits and misses; acquisitions that had to wait for a
  // searcher, and their waits together.
  const ResultCache& cache() const { return cache_; }
  uint64_t waits() const { return waits_.load(std::memory_order_relaxed); }
  double wait_seconds() const { return wait_ns_.load(std::memory_order_relaxed) / 1e9; }
  size_t size() const { return searchers_.size(); }

  std::shared_ptr<const SearchResults> search(const std::string& query, unsigned page,
                                              unsigned per_page) {
    return search(SearchRequest{query, page, per_page, SortOrder::kRelevance, {}, true});
  }

 private:
  void release(Searcher* searcher);

  ResultCache cache_;
  std::vector<std::unique_ptr<Searcher>> searchers_;
  // A searcher is handed straight to the longest waiter: served in arrival order, and only the
  // thread that gets it wakes (one shared condition variable lets some requests wait far longer
  // than others, and waking every waiter to find out who is next swamps two cores).
  struct Waiter {
    std::condition_variable ready;
    Searcher* given = nullptr;
  };
  std::atomic<uint64_t> newest_revision_{0};
  std::atomic<uint64_t> waits_{0}, wait_ns_{0};
  std::vector<Searcher*> free_;
  std::deque<Waiter*> waiters_;
  std::mutex mutex_;
};

}  // namespace loupe::search
