// A fixed set of Searchers shared by the HTTP threads: Xapian objects must not be shared.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "search/searcher.h"

namespace loupe::search {

class SearcherPool {
 public:
  // How stale a searcher may be before it checks for a newer revision of the index.
  static constexpr std::chrono::milliseconds kRefreshInterval{250};

  SearcherPool(const std::string& db_path, size_t size);

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

 private:
  void release(Searcher* searcher);

  std::vector<std::unique_ptr<Searcher>> searchers_;
  std::vector<Searcher*> free_;
  std::mutex mutex_;
  std::condition_variable available_;
};

}  // namespace loupe::search
