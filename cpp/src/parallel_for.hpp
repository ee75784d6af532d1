#pragma once

#include <cstddef>
#include <functional>

namespace khabar::detail {

/// Most threads used for one call, whatever is requested: more than the cores only adds
/// switching, and per-worker state is sized by this count before the input is known.
inline constexpr std::size_t kMaxThreads = 256;

/// Number of worker threads to use for a request of `n_threads` (0 = all cores) over `n_items`,
/// at most kMaxThreads.
std::size_t resolve_thread_count(std::size_t n_threads, std::size_t n_items);

/// Number of worker threads parallel_for(n_items, n_threads, grain, ...) starts.
std::size_t worker_count(std::size_t n_items, std::size_t n_threads, std::size_t grain);

/// Calls `body(worker, begin, end)` on consecutive ranges covering [0, n_items), from up to
/// `n_threads` threads (0 = all cores); `worker` in [0, resolve_thread_count(...)) identifies the
/// calling thread, for per-thread state. Ranges are handed out dynamically so that long
/// documents do not leave a thread idle. If bodies throw, the exception of the lowest range is
/// rethrown after all threads finish, so the error reported does not depend on scheduling.
/// When the system refuses to start a thread, the threads already running do the work.
void parallel_for(std::size_t n_items, std::size_t n_threads, std::size_t grain,
                  const std::function<void(std::size_t, std::size_t, std::size_t)>& body);

}  // namespace khabar::detail
