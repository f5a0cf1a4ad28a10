// Work spread over the cores: the calling thread takes part, and an exception thrown on
// any thread reaches the caller (after every thread has ended) instead of ending the
// process.
#pragma once

#include <algorithm>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace rma {

// How many threads a reader uses: every core, at most eight.
inline unsigned worker_count() { return std::clamp(std::thread::hardware_concurrency(), 1u, 8u); }

// Runs work(0) on the calling thread and work(1) ... work(threads - 1) on threads of their
// own, waits for all, then rethrows the first exception any of them threw.
template <class Work>
void on_threads(unsigned threads, Work&& work) {
  std::exception_ptr first;
  std::mutex mutex;
  auto guarded = [&](unsigned index) {
    try {
      work(index);
    } catch (...) {
      std::lock_guard lock(mutex);
      if (!first) first = std::current_exception();
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(guarded, t);
  guarded(0);
  for (auto& t : pool) t.join();
  if (first) std::rethrow_exception(first);
}

}  // namespace rma
