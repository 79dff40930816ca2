// Internal to procs/: a lock for critical sections of a few dozen instructions that
// threads on different cores take (a run queue, a process table shard). It spins a
// little before it sleeps. std::mutex sleeps at the first collision: a futex wait for
// the thread that lost and a futex wake for the holder's unlock, microseconds each in
// a VM, where the holder kept the lock for tens of nanoseconds. Four bytes, not forty.
#pragma once

#include <atomic>
#include <cstdint>

namespace wippy::procs::detail {

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

class SpinLock {
 public:
  void lock() {
    for (int i = 0; i < kSpins; i++) {
      if (try_lock()) return;
      cpu_relax();
    }
    // Sleep until free; 2 marks the lock as wanted by a sleeper, so that its unlock
    // wakes one (a woken thread marks it so again, as others may still sleep).
    while (state_.exchange(kWanted, std::memory_order_acquire) != kFree) state_.wait(kWanted, std::memory_order_relaxed);
  }
  bool try_lock() {
    uint32_t free = kFree;
    return state_.load(std::memory_order_relaxed) == kFree &&
           state_.compare_exchange_weak(free, kHeld, std::memory_order_acquire, std::memory_order_relaxed);
  }
  void unlock() {
    if (state_.exchange(kFree, std::memory_order_release) == kWanted) state_.notify_one();
  }

 private:
  static constexpr int kSpins = 100;
  static constexpr uint32_t kFree = 0, kHeld = 1, kWanted = 2;
  std::atomic<uint32_t> state_{kFree};
};

}  // namespace wippy::procs::detail
