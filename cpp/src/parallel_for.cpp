#include "parallel_for.hpp"

#include "interruption_state.hpp"
#include "khabar/errors.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace khabar::detail {

std::size_t resolve_thread_count(std::size_t n_threads, std::size_t n_items) {
  if (n_threads == 0) n_threads = std::max(1u, std::thread::hardware_concurrency());
  return std::max<std::size_t>(1, std::min({n_threads, n_items, kMaxThreads}));
}

std::size_t worker_count(std::size_t n_items, std::size_t n_threads, std::size_t grain) {
  grain = std::max<std::size_t>(1, grain);
  return resolve_thread_count(n_threads, (n_items + grain - 1) / grain);
}

void parallel_for(std::size_t n_items, std::size_t n_threads, std::size_t grain,
                  const std::function<void(std::size_t, std::size_t, std::size_t)>& body) {
  if (n_items == 0) return;
  grain = std::max<std::size_t>(1, grain);
  InterruptionState* const interruption = current_interruption();
  const std::size_t workers = worker_count(n_items, n_threads, grain);
  if (workers == 1) {
    if (!interruption) {
      body(0, 0, n_items);
      return;
    }
    for (std::size_t begin = 0; begin < n_items; begin += grain) {
      interruption->poll();
      body(0, begin, std::min(n_items, begin + grain));
    }
    return;
  }
  std::atomic<std::size_t> next{0};
  std::mutex error_mutex;
  std::exception_ptr first_error;
  std::size_t first_error_begin = n_items;
  auto work = [&](std::size_t worker) {
    for (;;) {
      const std::size_t begin = next.fetch_add(grain);
      if (begin >= n_items) return;
      const std::size_t end = std::min(n_items, begin + grain);
      try {
        if (interruption) interruption->poll();
        body(worker, begin, end);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (begin < first_error_begin) {
          first_error_begin = begin;
          first_error = std::current_exception();
        }
        if (interruption && interruption->stopped) return;
      }
    }
  };
  std::vector<std::thread> threads;
  threads.reserve(workers - 1);
  for (std::size_t t = 1; t < workers; ++t) {
    try {
      threads.emplace_back(work, t);
    } catch (const std::system_error&) {
      break;  // ranges are handed out dynamically: fewer threads still cover them all
    }
  }
  work(0);
  for (auto& thread : threads) thread.join();
  // An interruption wins over errors of documents that were reached only by chance.
  if (interruption && interruption->stopped) throw Interrupted();
  if (first_error) std::rethrow_exception(first_error);
}

}  // namespace khabar::detail
