// Runs jobs on worker threads, each with state of its own, and hands results back in order.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace loupe::indexer {

// The writer of a Xapian database is one thread; reading and analysing files need not be.
// Results come back in submission order, so a run does the same writes in the same order
// whatever the number of workers.
template <typename Result, typename State>
class OrderedWorkers {
 public:
  using Job = std::function<Result(State&)>;

  explicit OrderedWorkers(std::vector<std::unique_ptr<State>> states) {
    for (auto& state : states) threads_.emplace_back([this, s = std::move(state)] { work(*s); });
  }

  // Jobs not yet started are dropped; the ones running finish first.
  ~OrderedWorkers() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    for (std::thread& t : threads_) t.join();
  }

  OrderedWorkers(const OrderedWorkers&) = delete;
  OrderedWorkers& operator=(const OrderedWorkers&) = delete;

  void submit(Job job) {
    std::packaged_task<Result(State&)> task(std::move(job));
    results_.push_back(task.get_future());
    {
      std::lock_guard lock(mutex_);
      queue_.push_back(std::move(task));
    }
    wake_.notify_one();
  }

  // Submitted and not yet taken by next().
  size_t pending() const { return results_.size(); }

  // The oldest pending result, waiting for it; rethrows what its job threw.
  Result next() {
    std::future<Result> oldest = std::move(results_.front());
    results_.pop_front();
    return oldest.get();
  }

 private:
  void work(State& state) {
    for (;;) {
      std::packaged_task<Result(State&)> task;
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (stopping_) return;
        task = std::move(queue_.front());
        queue_.pop_front();
      }
      task(state);
    }
  }

  std::deque<std::future<Result>> results_;  // only the submitting thread touches these
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::packaged_task<Result(State&)>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace loupe::indexer
