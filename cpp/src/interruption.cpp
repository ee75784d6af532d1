#include "khabar/interruption.hpp"

#include "interruption_state.hpp"
#include "khabar/errors.hpp"

namespace khabar {
namespace detail {
namespace {
thread_local InterruptionState* installed = nullptr;
}

InterruptionState* current_interruption() noexcept { return installed; }

void InterruptionState::poll() {
  if (stopped.load(std::memory_order_relaxed)) throw Interrupted();
  if (std::this_thread::get_id() != owner) return;
  const auto now = std::chrono::steady_clock::now();
  if (now < next_check) return;
  next_check = now + interval;
  if (requested()) {
    stopped.store(true, std::memory_order_relaxed);
    throw Interrupted();
  }
}

}  // namespace detail

InterruptionCheck::InterruptionCheck(std::function<bool()> requested,
                                     std::chrono::milliseconds interval)
    : state_(std::make_unique<detail::InterruptionState>()), enclosing_(detail::installed) {
  state_->requested = std::move(requested);
  state_->interval = interval;
  state_->next_check = std::chrono::steady_clock::now() + interval;
  detail::installed = state_.get();
}

InterruptionCheck::~InterruptionCheck() { detail::installed = enclosing_; }

}  // namespace khabar
