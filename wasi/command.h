// Running a WASI command to its end: the start function, then `_start`, each driven
// in budget slices, with proc_exit ending the run.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "engine/engine.h"
#include "wasi/context.h"

namespace wippy::wasi {

struct RunOutcome {
  enum class Kind {
    Returned,   // the call returned normally: `results`
    Exited,     // proc_exit: `exit_code`
    Trapped,    // `trap`
    Suspended,  // a host function suspended with something other than ExitRequest: `pending`
  };
  Kind kind = Kind::Returned;
  std::vector<uint64_t> results;
  uint32_t exit_code = 0;
  engine::Trap trap;
  std::unique_ptr<engine::HostPending> pending;

  uint64_t fuel_consumed = 0;    // by the executions this outcome covers
  size_t peak_stack_cells = 0;   // the largest value stack they allocated (it grows by doubling)
  uint64_t slices = 0;           // number of run() calls
  uint64_t suspensions = 0;      // BlockingOps completed (sleeps, waits, off-thread I/O)
};

// A wall-clock limit on a run (`wippy wasm --timeout`), checked between budget slices
// and after each blocking operation: past it, the run traps with
// "execution time limit exceeded (N ms)", the message of a process's max_execution_ms.
struct Deadline {
  std::chrono::steady_clock::time_point at;
  uint64_t ms = 0;  // the limit, for the message
};

// Runs `ex` in budgets of `slice` fuel units until it returns, traps, calls proc_exit
// or suspends on an operation this driver does not know. A wasi::BlockingOp (sleep,
// stdin, large file I/O, sched_yield; preview1 or WASI 0.2) is completed at once on
// this thread.
RunOutcome drive(engine::Execution& ex, int64_t slice = INT64_MAX, const Deadline* deadline = nullptr);

// Runs the module's start function (if any), then its `_start` export. A normal
// return from `_start` becomes Exited with code 0. Throws std::invalid_argument if
// the module exports no `_start` function.
RunOutcome run_command(engine::Instance& instance, int64_t slice = INT64_MAX, const Deadline* deadline = nullptr);

// Runs only the start function (if any): Returned when there is none or it returned.
RunOutcome run_start(engine::Instance& instance, int64_t slice = INT64_MAX, const Deadline* deadline = nullptr);

}  // namespace wippy::wasi
