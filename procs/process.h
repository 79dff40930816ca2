// The process interface (Init = constructor, Step, Close) and what a process sees
// of the system while it steps (ProcessContext).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "procs/event.h"
#include "procs/event_loop.h"
#include "procs/pid.h"
#include "procs/value.h"

namespace wippy::procs {

class System;
class ProcessHost;
namespace detail {
struct ProcessRecord;
}

// What one Step did.
struct StepResult {
  enum class Kind : uint8_t {
    Continue,  // used its slice and wants more: goes to the back of the run queue
    Waiting,   // blocked (message, event, timer, I/O): runnable again when woken
    Done,      // finished: `value`, or `error` if it failed
  };
  Kind kind = Kind::Continue;
  Value value;
  std::optional<std::string> error;
  std::string backtrace;              // a WASM trap: one line per frame (see Event)
  std::optional<uint32_t> exit_code;  // a WASI command's non-zero proc_exit code (see Event)

  static StepResult cont() { return {}; }
  static StepResult waiting() { return {Kind::Waiting, {}, std::nullopt, {}, std::nullopt}; }
  static StepResult done(Value v = {}) { return {Kind::Done, std::move(v), std::nullopt, {}, std::nullopt}; }
  static StepResult fail(std::string error) { return {Kind::Done, {}, std::move(error), {}, std::nullopt}; }
};

// A thread-safe handle that makes a waiting process runnable. Call it from any
// thread (an I/O completion, the event loop). It is a no-op once the process ended.
// Waking a process that is not waiting (or waking twice) is harmless: a Step can
// always be a spurious wake-up, so a process re-checks what it waits for.
class Waker {
 public:
  Waker() = default;
  void wake() const;
  explicit operator bool() const { return !rec_.expired(); }

 private:
  friend class ProcessContext;
  explicit Waker(std::weak_ptr<detail::ProcessRecord> r) : rec_(std::move(r)) {}
  std::weak_ptr<detail::ProcessRecord> rec_;
};

// A process. The constructor is Init (it captures entry, method and arguments; it
// must not run guest code). step() runs on a worker thread, one call at a time per
// process (never concurrently), but successive steps may run on different threads.
// close() is called exactly once, after the last step (also when the process was
// terminated or never stepped); release everything there.
// What a process used so far (`wippy run --stats`).
struct ProcessUsage {
  uint64_t fuel = 0;               // WASM: fuel units; Lua: VM instructions
  uint64_t peak_memory_bytes = 0;  // WASM: linear memories; Lua: the allocator's high-water mark
};

class Process {
 public:
  virtual ~Process() = default;
  // Advances by about one slice (ctx.slice_budget() units of work).
  virtual StepResult step(class ProcessContext& ctx) = 0;
  virtual void close() {}
  // Valid until close().
  virtual ProcessUsage usage() const { return {}; }
};

// The running process's view of the system. Valid for the process's whole life;
// its methods may be called from the process's own step() (and the thread-safe ones,
// marked so, from anywhere).
class ProcessContext {
 public:
  const Pid& pid() const;
  const Pid& parent() const;  // invalid if spawned from outside any process
  System& system() const;
  ProcessHost& host() const;
  EventLoop& loop() const;
  int64_t slice_budget() const;  // fuel units (or equivalent work) per Step

  // Inbox: messages in arrival order.
  std::optional<Message> take_message();
  bool has_message() const;
  // Events (EXIT, LINK_DOWN, CANCEL) in arrival order.
  std::optional<Event> take_event();
  bool has_event() const;

  // Whether LINK_DOWN arrives as an event (true) or ends this process with
  // "linked process P failed: ERROR" (false, the default), as in Erlang.
  void set_trap_links(bool on);
  bool trap_links() const;

  // True once CANCEL was delivered (thread-safe).
  bool cancelled() const;
  // True once the process was terminated (thread-safe): a step that cannot return at
  // the end of its slice (Lua code inside a C call) polls this to stop early.
  bool terminate_requested() const;

  // Wakes this process once `when` has passed (a timer on the event loop). Several
  // may be pending; all are dropped when the process ends. The handle can cancel it.
  // Throws std::runtime_error ("too many pending timers") beyond the host's
  // max_timers, which ends the process when it escapes step().
  TimerHandle wake_at(Clock::time_point when);
  TimerHandle wake_after(Clock::duration delay) { return wake_at(saturating_add(now(), delay)); }
  // The loop's clock: steady, or virtual in deterministic mode (EventLoop::now).
  Clock::time_point now() const;
  // A handle for wake-ups from other threads (thread-safe to use and copy).
  Waker waker() const;

 private:
  friend struct detail::ProcessRecord;
  explicit ProcessContext(detail::ProcessRecord& r) : rec_(r) {}
  std::weak_ptr<detail::ProcessRecord> self() const;  // for wakers and timers
  detail::ProcessRecord& rec_;
};

}  // namespace wippy::procs
