// The operations a WASI host function suspends on instead of blocking the thread it
// runs on: a sleep (poll_oneoff with a clock), a read of stdin or of a pipe or device
// that has no data yet, a large file read or write, and sched_yield.
//
// wasi/ only describes the operation; whoever drives the execution runs it:
//   * wasi::drive() (`wippy wasm`) runs it at once on the calling thread;
//   * procs::WasmProcess wraps it in an AsyncOp: the deadline becomes an event-loop
//     timer, the descriptor waits are event-loop watches, the work runs on the I/O
//     pool, and the worker thread serves other processes meanwhile. Nothing that can
//     wait for ever (a read of a terminal or pipe) may be `work`: it waits for
//     readiness first, so that a process that ends while waiting holds no thread.
// Either way the driver then calls finish() on the guest's thread and resumes the
// execution with its result cells.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "engine/host.h"

namespace wippy::wasi {

struct BlockingOp : engine::HostPending {
  using Clock = std::chrono::steady_clock;

  // A host descriptor to wait for: readable, or writable if `write`. Hangup and errors
  // count as ready (the read or write that follows reports them).
  struct FdWait {
    int fd;
    bool write = false;
  };

  // With no fd_waits: resume no earlier than this (a sleep). With fd_waits: resume
  // when one of them is ready or this passed, whichever comes first. Unset: no
  // waiting on time.
  std::optional<Clock::time_point> deadline;
  // Descriptors to wait for (any one suffices) before `work`. The driver duplicates
  // them when the wait starts, so they need to be open only until then.
  std::vector<FdWait> fd_waits;
  // The blocking part, run on some other thread (or inline by a synchronous driver).
  // It must not touch guest memory or the WasiContext: it owns (shares) all it uses,
  // because the process may end while it runs, and then finish() is never called.
  std::function<void()> work;
  // Runs on the guest's thread once the deadline passed and `work` returned: stores
  // results into guest memory and returns the suspended function's result cells.
  std::function<std::vector<uint64_t>()> finish;
  // Set by finish() when the call is not over: the driver runs this operation next
  // instead of resuming the guest (its finish() gives the results, or sets `next`
  // again). Long host work (a large random_get) goes in pieces this way, one piece
  // per slice, taking turns with other processes as guest code does.
  std::unique_ptr<BlockingOp> next;

  // Neither a deadline, a descriptor nor work: the op only ends the current slice
  // (sched_yield).
  bool yield_only() const { return !deadline && fd_waits.empty() && !work; }

  // Runs the whole operation (and any `next`) on the calling thread and returns the
  // result cells.
  std::vector<uint64_t> run_here();
};

// Waits on the calling thread until one of `waits` is ready or `deadline` passed
// (poll(2)); no deadline: without end.
void wait_for_fds(const std::vector<BlockingOp::FdWait>& waits, std::optional<BlockingOp::Clock::time_point> deadline);

}  // namespace wippy::wasi
