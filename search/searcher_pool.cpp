#include "search/searcher_pool.h"

namespace loupe::search {

SearcherPool::SearcherPool(const std::string& db_path, size_t size, size_t cache_bytes)
    : cache_(cache_bytes) {
  for (size_t i = 0; i < std::max<size_t>(size, 1); ++i) {
    searchers_.push_back(std::make_unique<Searcher>(db_path));
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
      waiter.ready.wait(lock, [&] { return waiter.given != nullptr; });
      searcher = waiter.given;
    }
  }
  try {
    searcher->refresh(kRefreshInterval);
  } catch (...) {
    release(searcher);
    throw;
  }
  return Lease(*this, searcher);
}

std::shared_ptr<const SearchResults> SearcherPool::search(const std::string& query, unsigned page,
                                                          unsigned per_page) {
  Lease searcher = acquire();
  std::string key = ResultCache::key(searcher->revision(), query, page, per_page);
  if (auto cached = cache_.find(key)) return cached;
  auto results = std::make_shared<const SearchResults>(searcher->search(query, page, per_page));
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
