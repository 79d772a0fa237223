#include "server/thread_pool.h"

#include <cstdio>
#include <exception>
#include <system_error>

namespace loupe::server {

GrowingThreadPool::GrowingThreadPool(size_t initial_threads, size_t max_threads,
                                     std::atomic<size_t>* unfinished)
    : max_threads_(std::max<size_t>(max_threads, 1)), unfinished_(unfinished) {
  std::lock_guard lock(mutex_);
  for (size_t i = 0; i < std::min(initial_threads, max_threads_); ++i)
    threads_.emplace_back(&GrowingThreadPool::work, this);
}

GrowingThreadPool::~GrowingThreadPool() {
  shutdown();
}

void GrowingThreadPool::enqueue(std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    jobs_.push_back(std::move(job));
    if (unfinished_ != nullptr) ++*unfinished_;
    if (idle_ < jobs_.size() && threads_.size() < max_threads_) {
      // Out of threads (ulimit, memory): the job waits for a worker that is already running.
      try {
        threads_.emplace_back(&GrowingThreadPool::work, this);
      } catch (const std::system_error& e) {
        std::fprintf(stderr, "loupe-server: cannot start a worker thread: %s\n", e.what());
      }
    }
  }
  ready_.notify_one();
}

void GrowingThreadPool::shutdown() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    threads.swap(threads_);
  }
  ready_.notify_all();
  for (std::thread& t : threads)
    if (t.joinable()) t.join();
}

void GrowingThreadPool::work() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(mutex_);
      ++idle_;
      ready_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
      --idle_;
      if (jobs_.empty()) return;  // stopping, and nothing left to run
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    // An exception out of a thread's function ends the process: one connection's failure
    // (bad_alloc, say) must end that connection only. cpp-httplib closes its socket in the job.
    try {
      job();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "loupe-server: a connection failed: %s\n", e.what());
    } catch (...) {
      std::fprintf(stderr, "loupe-server: a connection failed\n");
    }
    if (unfinished_ != nullptr) --*unfinished_;
  }
}

}  // namespace loupe::server
