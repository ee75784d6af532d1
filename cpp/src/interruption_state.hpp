#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>

namespace khabar::detail {

/// What an InterruptionCheck installs for its thread; parallel_for polls it from every worker.
struct InterruptionState {
  std::function<bool()> requested;
  std::chrono::steady_clock::duration interval;
  std::chrono::steady_clock::time_point next_check;  // touched by the owner thread only
  std::thread::id owner = std::this_thread::get_id();
  std::atomic<bool> stopped{false};

  /// Throws Interrupted once a stop was requested; asks `requested` when due on the owner.
  void poll();
};

/// The state installed by the innermost live InterruptionCheck of this thread, or null.
InterruptionState* current_interruption() noexcept;

}  // namespace khabar::detail
