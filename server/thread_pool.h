// The HTTP worker pool: it grows with the connections, up to a limit.
#pragma once

#include <httplib.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace loupe::server {

// cpp-httplib keeps a worker on each keep-alive connection for as long as it stays open, so with a
// fixed pool a few idle clients starve new ones. This pool starts a worker whenever none is free,
// up to `max_threads`; workers stay for later connections. `unfinished`, when given, counts the
// jobs enqueued and not yet done: for cpp-httplib, the connections still open (it must outlive
// the pool).
class GrowingThreadPool : public httplib::TaskQueue {
 public:
  GrowingThreadPool(size_t initial_threads, size_t max_threads,
                    std::atomic<size_t>* unfinished = nullptr);
  ~GrowingThreadPool() override;
  GrowingThreadPool(const GrowingThreadPool&) = delete;
  GrowingThreadPool& operator=(const GrowingThreadPool&) = delete;

  void enqueue(std::function<void()> job) override;
  // Runs the queued jobs to the end, then joins every worker.
  void shutdown() override;

 private:
  void work();

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::thread> threads_;
  size_t idle_ = 0;
  size_t max_threads_;
  std::atomic<size_t>* unfinished_;
  bool stopping_ = false;
};

}  // namespace loupe::server
