#include "search/searcher_pool.h"

namespace loupe::search {

SearcherPool::SearcherPool(const std::string& db_path, size_t size, size_t cache_bytes,
                           size_t document_cache_bytes)
    : SearcherPool(std::make_shared<ShardSet>(
                       std::vector<ShardLocation>{ShardLocation{db_path, db_path, "", 0}},
                       ShardSet::kDefaultTimeout),
                   size, cache_bytes, document_cache_bytes) {}

SearcherPool::SearcherPool(std::shared_ptr<ShardSet> shards, size_t size, size_t cache_bytes,
                           size_t document_cache_bytes)
    : cache_(cache_bytes) {
  size = std::max<size_t>(size, 1);
  for (size_t i = 0; i < size; ++i) {
    searchers_.push_back(std::make_unique<Searcher>(shards, document_cache_bytes / size));
    free_.push_back(searchers_.back().get());
  }
}

SearcherPool::Lease SearcherPool::acquire() {
  Searcher* searcher;
  {
    std::unique_lock lock(mutex_);
    if (waiters_.empty() && !free_.empty()) {
      searcher = free_.back();
      free_.pop_back();
    } else {
      Waiter waiter;
      waiters_.push_back(&waiter);
      auto started = std::chrono::steady_clock::now();
      waiter.ready.wait(lock, [&] { return waiter.given != nullptr; });
      searcher = waiter.given;
      waits_.fetch_add(1, std::memory_order_relaxed);
      wait_ns_.fetch_add(static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                                   std::chrono::steady_clock::now() - started)
                                                   .count()),
                         std::memory_order_relaxed);
    }
  }
  try {
    searcher->refresh(kRefreshInterval);
    // Once any searcher has seen a revision, none answers from an older one: a client must not
    // see a change and then, from the next searcher, its absence.
    uint64_t newest = newest_revision_.load();
    if (searcher->revision() < newest) {
      searcher->refresh(std::chrono::milliseconds(0));
      // Still older after a reopen: the index was built anew, and its count started again.
      if (searcher->revision() < newest) newest_revision_.store(searcher->revision());
    }
    uint64_t mine = searcher->revision();
    while (mine > newest && !newest_revision_.compare_exchange_weak(newest, mine)) {
    }
  } catch (...) {
    release(searcher);
    throw;
  }
  return Lease(*this, searcher);
}

std::shared_ptr<const SearchResults> SearcherPool::search(const SearchRequest& request) {
  Lease searcher = acquire();
  std::string key = ResultCache::key(searcher->index_id(), searcher->revision(), request);
  if (auto cached = cache_.find(key)) return cached;
  auto results = std::make_shared<const SearchResults>(searcher->search(request));
  cache_.insert(key, results);
  return results;
}

void SearcherPool::release(Searcher* searcher) {
  std::lock_guard lock(mutex_);
  if (waiters_.empty()) {
    free_.push_back(searcher);
    return;
  }
  Waiter* next = waiters_.front();
  waiters_.pop_front();
  next->given = searcher;
  // Under the lock: the waiter cannot return (and its Waiter cannot vanish) before we are done.
  next->ready.notify_one();
}

}  // namespace loupe::search
