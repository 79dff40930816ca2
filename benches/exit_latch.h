// Counts EXITs (from on_exit callbacks on worker threads) and lets the benchmark
// thread wait for them. A hit is one atomic increment; the lock is taken (and the
// waiter woken) only when the count it waits for is reached: a lock or wake-up per
// EXIT would time the workers' contention on the latch rather than the processes.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>

struct ExitLatch {
  std::mutex mu;
  std::condition_variable cv;
  // Sequentially consistent: hit() increments n then reads target, wait() stores
  // target then reads n, so at least one of them sees the other's write.
  std::atomic<uint64_t> n{0}, target{0};
  void hit() {
    if (n.fetch_add(1) + 1 == target.load()) {
      std::lock_guard lk(mu);  // the waiter is asleep or will see n >= target
      cv.notify_all();
    }
  }
  void wait(uint64_t t) {
    std::unique_lock lk(mu);
    target.store(t);
    cv.wait(lk, [&] { return n.load() >= t; });
  }
};
