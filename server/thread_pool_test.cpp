// The worker pool outlives a job that throws, and runs every job it was given.
#include "server/thread_pool.h"

#include <doctest/doctest.h>

#include <atomic>
#include <new>
#include <stdexcept>

using loupe::server::GrowingThreadPool;

TEST_CASE("a job that throws ends that job only") {
  std::atomic<size_t> unfinished{0};
  std::atomic<int> done{0};
  {
    GrowingThreadPool pool(1, 2, &unfinished);
    pool.enqueue([] { throw std::bad_alloc(); });
    pool.enqueue([] { throw std::runtime_error("boom"); });
    pool.enqueue([] { throw 42; });
    for (int i = 0; i < 10; ++i) pool.enqueue([&] { ++done; });
    pool.shutdown();
  }
  CHECK(done == 10);
  CHECK(unfinished == 0);
}
