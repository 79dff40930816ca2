// Internal to procs/: a word that threads sleep on until another thread changes it.
// On Linux it is a futex: a sleep is one FUTEX_WAIT and a wake-up one FUTEX_WAKE,
// without the mutex a condition variable re-acquires after every wake-up (glibc
// marks that mutex contended, so the woken thread's next unlock is a futex call too).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace wippy::procs::detail {

class WakeWord {
 public:
  // Read before deciding to sleep; wait_for(seen) returns at once if a wake-up came since.
  uint32_t value() const { return word_.load(std::memory_order_acquire); }
  // Sleeps until the word differs from `seen`, for at most `timeout`; may return
  // spuriously.
  void wait_for(uint32_t seen, std::chrono::nanoseconds timeout);
  void wake_one();
  void wake_all();

 private:
  std::atomic<uint32_t> word_{0};
};

}  // namespace wippy::procs::detail
