// One libuv event-loop thread: timers, descriptor readiness and cross-thread posts.
// Everything that waits on time or I/O outside a worker thread runs here.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

struct uv_loop_s;

namespace wippy::procs {

using Clock = std::chrono::steady_clock;

// Time arithmetic for limits and timeouts from configuration, which may be as large
// as 2^64-1 ms: they saturate at the largest representable value ("never") instead
// of overflowing into the past.
Clock::duration saturating_ms(uint64_t ms);
Clock::time_point saturating_add(Clock::time_point from, Clock::duration delay);

namespace detail {
struct TimerState;
struct WatchState;
struct LoopState;
}  // namespace detail

// A pending timer. Copies share it; cancel() is thread-safe and idempotent, and a
// cancelled timer's callback never starts afterwards (one that is already running
// on the loop thread finishes).
class TimerHandle {
 public:
  TimerHandle() = default;
  void cancel();
  bool pending() const;  // neither fired nor cancelled
  explicit operator bool() const { return state_ != nullptr; }

 private:
  friend class EventLoop;
  explicit TimerHandle(std::shared_ptr<detail::TimerState> s) : state_(std::move(s)) {}
  std::shared_ptr<detail::TimerState> state_;
};

// A pending wait for a host descriptor's readiness; same contract as TimerHandle.
class WatchHandle {
 public:
  WatchHandle() = default;
  void cancel();
  explicit operator bool() const { return state_ != nullptr; }

 private:
  friend class EventLoop;
  explicit WatchHandle(std::shared_ptr<detail::WatchState> s) : state_(std::move(s)) {}
  std::shared_ptr<detail::WatchState> state_;
};

class EventLoop {
 public:
  EventLoop();   // starts the loop thread
  ~EventLoop();  // stop()
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Runs `fn` on the loop thread, soon. Thread-safe. Ignored after stop().
  void post(std::function<void()> fn);
  // Runs `fn` on the loop thread once `delay` has passed (never earlier).
  TimerHandle after(Clock::duration delay, std::function<void()> fn);
  TimerHandle at(Clock::time_point when, std::function<void()> fn);
  // Runs `fn` on the loop thread once host descriptor `fd` is readable (writable if
  // `write`), hung up or in error; at once if it cannot be polled (a regular file).
  // `fd` is duplicated here: the caller may close it afterwards. Its file status
  // flags are left as they were (stdin stays blocking for whoever shares it).
  WatchHandle when_ready(int fd, bool write, std::function<void()> fn);

  // ---- Virtual time (deterministic mode, procs/serial_scheduler.h) ----
  // From this call on (before any timer exists) time is virtual: now() starts at
  // kVirtualStart and moves only when run_next_timer() runs the earliest pending
  // timer; at()/after() timers wait for that instead of the clock (a timer at
  // time_point::max(), "never", never runs). `on_timer` is called, on the caller's
  // thread, whenever a timer is added.
  void use_virtual_time(std::function<void()> on_timer);
  bool virtual_time() const;
  // The steady clock, or the virtual time.
  Clock::time_point now() const;
  // The wall clock, or kVirtualEpoch plus the virtual time elapsed.
  std::chrono::system_clock::time_point wall_now() const;
  // Virtual time: moves the clock to the earliest pending timer's deadline and runs
  // it on the calling thread; false when no timer is pending.
  bool run_next_timer();
  static constexpr Clock::time_point kVirtualStart{std::chrono::hours(1)};
  static constexpr std::chrono::system_clock::time_point kVirtualEpoch{std::chrono::seconds(1'735'689'600)};  // 2025-01-01

  // Stops the thread: pending timers are dropped, posted functions not yet run are
  // dropped. Idempotent; must not be called from the loop thread.
  void stop();
  bool in_loop_thread() const;
  // The libuv loop, for I/O users; only touch it from the loop thread (inside post()).
  uv_loop_s* raw();

 private:
  std::shared_ptr<detail::LoopState> s_;
};

}  // namespace wippy::procs
