// The worker pool behind loupe-index: results in submission order, errors where they belong.
#include "indexer/ordered_workers.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

namespace {

using loupe::indexer::OrderedWorkers;

struct NoState {};  // the pool needs a state type; these jobs need none

std::vector<std::unique_ptr<NoState>> states(size_t n) {
  std::vector<std::unique_ptr<NoState>> out;
  for (size_t i = 0; i < n; ++i) out.push_back(std::make_unique<NoState>());
  return out;
}

}  // namespace

TEST_CASE("results come back in the order jobs were submitted") {
  for (size_t workers : {1, 2, 4}) {
    CAPTURE(workers);
    OrderedWorkers<int, NoState> pool(states(workers));
    std::vector<int> seen;
    const int jobs = 40;
    for (int i = 0; i < jobs; ++i) {
      // Early jobs take longest, so later ones finish first whenever workers > 1.
      pool.submit([i](NoState&) {
        std::this_thread::sleep_for(std::chrono::microseconds((jobs - i) * 50));
        return i * i;
      });
      if (pool.pending() > 6) seen.push_back(pool.next());
    }
    while (pool.pending() > 0) seen.push_back(pool.next());
    REQUIRE(seen.size() == jobs);
    for (int i = 0; i < jobs; ++i) CHECK(seen[static_cast<size_t>(i)] == i * i);
  }
}

TEST_CASE("a job's exception reaches the caller with that job's result, and the rest go on") {
  OrderedWorkers<int, NoState> pool(states(2));
  pool.submit([](NoState&) { return 1; });
  pool.submit([](NoState&) -> int { throw std::runtime_error("file 2 failed"); });
  pool.submit([](NoState&) { return 3; });
  CHECK(pool.next() == 1);
  CHECK_THROWS_WITH_AS(pool.next(), "file 2 failed", std::runtime_error);
  CHECK(pool.next() == 3);
  CHECK(pool.pending() == 0);
}

TEST_CASE("stopping with jobs still queued drops them and does not hang") {
  std::atomic<int> ran{0};
  {
    OrderedWorkers<int, NoState> pool(states(1));
    for (int i = 0; i < 100; ++i)
      pool.submit([&ran](NoState&) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        return ++ran;
      });
  }
  CHECK(ran.load() < 100);
}
