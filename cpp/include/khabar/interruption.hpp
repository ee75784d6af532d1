#pragma once

#include <chrono>
#include <functional>
#include <memory>

namespace khabar {

namespace detail {
struct InterruptionState;
}

/// While alive, lets the thread that created it stop the khabar computations it starts: their
/// parallel loops call `requested` between units of work (a few documents or rows), on this
/// thread only and at most once per `interval`; when it returns true every worker stops and the
/// computation throws khabar::Interrupted. The Python module uses it to honour Ctrl-C during
/// long calls; a C++ program can stop work on a deadline or a flag. Objects whose method was
/// interrupted are left as they were before the call.
class InterruptionCheck {
 public:
  explicit InterruptionCheck(std::function<bool()> requested,
                             std::chrono::milliseconds interval = std::chrono::milliseconds(100));
  ~InterruptionCheck();
  InterruptionCheck(const InterruptionCheck&) = delete;
  InterruptionCheck& operator=(const InterruptionCheck&) = delete;

 private:
  std::unique_ptr<detail::InterruptionState> state_;
  detail::InterruptionState* enclosing_;
};

}  // namespace khabar
