// Counts EXITs (from on_exit callbacks on worker threads) and lets the benchmark
// thread wait for them. It is woken only when the count it waits for is reached: a
// wake-up per EXIT would time the futex calls rather than the processes.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>

struct ExitLatch {
  std::mutex mu;
  std::condition_variable cv;
  uint64_t n = 0, target = 0;
  void hit() {
    std::lock_guard lk(mu);
    if (++n == target) cv.notify_all();
  }
  void wait(uint64_t t) {
    std::unique_lock lk(mu);
    target = t;
    cv.wait(lk, [&] { return n >= target; });
  }
};
