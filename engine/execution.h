// A call in progress, for the layers above engine/: run it in budgets, complete the
// host operation it suspended on, resume; or read its trap. Aliases of the
// interpreter's types (see engine/types.h).
#pragma once

#include "engine/host.h"
#include "interp/execution.h"

namespace wippy::engine {

// run(budget) -> Done, Trapped, OutOfBudget (run again) or Suspended (take_pending(),
// complete it, resume(results)).
using interp::Execution;
using interp::RunStatus;
using interp::run_status_name;

// A trap: its code (wippy::TrapCode, the one enum of the public API and the
// interpreter), the message and the backtrace.
using interp::Trap;
using interp::TrapCode;
using interp::trap_code_of;  // the code of a trap message ("fuel exhausted" ...)

}  // namespace wippy::engine
