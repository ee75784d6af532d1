#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace khabar::detail {

/// Per-thread state that outlives its threads. parallel_for starts new threads for every call,
/// and what one of them built up (the khabar stemmer's memory of analysed words, an ICU break
/// iterator) is handed to the next thread that asks instead of being destroyed with it: the
/// second call of a multi-threaded job no longer starts cold. At most `max_idle` states wait;
/// more are destroyed.
template <class State>
class StatePool {
 public:
  explicit StatePool(std::size_t max_idle) : max_idle_(max_idle) {}

  /// A state a thread gave back, or a new one.
  std::unique_ptr<State> take() {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      if (!idle_.empty()) {
        std::unique_ptr<State> state = std::move(idle_.back());
        idle_.pop_back();
        return state;
      }
    }
    return std::make_unique<State>();
  }
  /// Keeps `state` for the next take(), unless max_idle states wait already.
  void give_back(std::unique_ptr<State> state) {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (idle_.size() < max_idle_) idle_.push_back(std::move(state));
  }
  std::size_t idle() const {
    const std::lock_guard<std::mutex> lock(mutex_);
    return idle_.size();
  }

 private:
  const std::size_t max_idle_;
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<State>> idle_;
};

/// Tokenizer workspaces waiting for a thread (for tests).
std::size_t idle_tokenizer_workspaces();

}  // namespace khabar::detail
