#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
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

/// For long work inside one unit of a parallel loop (one huge document): call it every few
/// thousand steps; it throws Interrupted once a stop was requested (see InterruptionState).
/// Workers of a parallel loop see the owner's state through `state`; elsewhere it is the
/// calling thread's own.
class InterruptionPoller {
 public:
  InterruptionPoller() : state_(current_interruption()) {}
  explicit InterruptionPoller(InterruptionState* state) : state_(state) {}
  /// `work`: steps done since the last call (e.g. tokens compared).
  void step(std::size_t work = 1) {
    steps_ += work;
    if (steps_ < 4096) return;
    steps_ = 0;
    if (state_) state_->poll();
  }

 private:
  InterruptionState* state_;
  std::size_t steps_ = 0;
};

}  // namespace khabar::detail
