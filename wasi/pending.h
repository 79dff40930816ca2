// The operations a WASI host function suspends on instead of blocking the thread it
// runs on: a sleep (poll_oneoff with a clock), a read of stdin, a large file read or
// write, and sched_yield.
//
// wasi/ only describes the operation; whoever drives the execution runs it:
//   * wasi::drive() (`wippy wasm`) runs it at once on the calling thread;
//   * procs::WasmProcess wraps it in an AsyncOp: the deadline becomes an event-loop
//     timer, the work runs on the I/O pool, and the worker thread serves other
//     processes meanwhile.
// Either way the driver then calls finish() on the guest's thread and resumes the
// execution with its result cells.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <thread>
#include <vector>

#include "interp/instance.h"

namespace wippy::wasi {

struct BlockingOp : interp::HostPending {
  using Clock = std::chrono::steady_clock;

  // Resume no earlier than this (a sleep). Unset: no waiting.
  std::optional<Clock::time_point> deadline;
  // The blocking part, run on some other thread (or inline by a synchronous driver).
  // It must not touch guest memory or the WasiContext: it owns (shares) all it uses,
  // because the process may end while it runs, and then finish() is never called.
  std::function<void()> work;
  // Runs on the guest's thread once the deadline passed and `work` returned: stores
  // results into guest memory and returns the suspended function's result cells.
  std::function<std::vector<uint64_t>()> finish;

  // Neither a deadline nor work: the op only ends the current slice (sched_yield).
  bool yield_only() const { return !deadline && !work; }

  // Runs the whole operation on the calling thread and returns the result cells.
  std::vector<uint64_t> run_here() {
    if (deadline) std::this_thread::sleep_until(*deadline);
    if (work) work();
    return finish ? finish() : std::vector<uint64_t>{};
  }
};

}  // namespace wippy::wasi
