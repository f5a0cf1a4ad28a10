// Work spread over the cores: the calling thread takes part, and an exception thrown on
// any thread reaches the caller (after every thread has ended) instead of ending the
// process.
#pragma once

#include <algorithm>
#include <atomic>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

namespace rma {

// Cases replayed by a thread before it takes more: enough to make taking them cheap, few
// enough to share the tail of the work.
inline constexpr std::size_t kCasesPerBatch = 256;

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

// Runs work(i) for every i in [0, count) on `threads` threads, each taking the next
// `batch` indices as it becomes free, in order; the calling thread reports
// progress(done, count) after each of its batches. work(i, thread) is told which thread
// (0 ... threads - 1) runs it, for state of its own.
template <class Work>
void on_each(std::size_t count, Work&& work, const std::function<void(std::size_t, std::size_t)>& progress = {},
             std::size_t batch = 1, unsigned threads = worker_count()) {
  std::atomic<std::size_t> next{0}, done{0};
  on_threads(threads, [&](unsigned thread) {
    for (std::size_t from; (from = next.fetch_add(batch)) < count;) {
      std::size_t to = std::min(count, from + batch);
      for (std::size_t i = from; i < to; ++i) {
        if constexpr (std::is_invocable_v<Work&, std::size_t, unsigned>) work(i, thread);
        else work(i);
      }
      std::size_t d = done.fetch_add(to - from) + (to - from);
      if (thread == 0 && progress) progress(d, count);
    }
  });
}

}  // namespace rma
