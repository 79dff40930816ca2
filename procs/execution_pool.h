// Internal to procs/: engine::Executions kept for reuse by the calling thread (a
// worker), so a process's call costs no allocation of value stack, frame stack and
// results once the worker has run a process before. An execution taken here may be
// given back on any thread.
#pragma once

#include <memory>
#include <span>

#include "engine/execution.h"

namespace wippy::procs::detail {

// A new execution of `func` in `store` with `args` (engine::Execution's constructor
// and its errors), reusing one this thread gave back when it can.
std::unique_ptr<engine::Execution> take_execution(engine::Store& store, engine::FuncInst* func,
                                                  std::span<const uint64_t> args);
// Keeps `exec` for this thread's next take_execution (a few, with small stacks;
// the rest are freed).
void give_execution(std::unique_ptr<engine::Execution> exec);

}  // namespace wippy::procs::detail
