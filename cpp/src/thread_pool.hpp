#pragma once

#include <cstddef>
#include <functional>

namespace khabar::detail {

/// Number of worker threads to use for a request of `n_threads` (0 = all cores) over `n_items`.
std::size_t resolve_thread_count(std::size_t n_threads, std::size_t n_items);

/// Calls `body(worker, begin, end)` on consecutive ranges covering [0, n_items), from up to
/// `n_threads` threads (0 = all cores); `worker` in [0, resolve_thread_count(...)) identifies the
/// calling thread, for per-thread state. Ranges are handed out dynamically so that long
/// documents do not leave a thread idle. If bodies throw, the exception of the lowest range is
/// rethrown after all threads finish, so the error reported does not depend on scheduling.
void parallel_for(std::size_t n_items, std::size_t n_threads, std::size_t grain,
                  const std::function<void(std::size_t, std::size_t, std::size_t)>& body);

}  // namespace khabar::detail
