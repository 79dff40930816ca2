#include "wasi/command.h"

#include <algorithm>
#include <stdexcept>

#include "wasi/pending.h"

namespace wippy::wasi {

namespace {

bool passed(const Deadline* deadline, RunOutcome& out, engine::Execution& ex) {
  if (!deadline || std::chrono::steady_clock::now() < deadline->at) return false;
  out.fuel_consumed = ex.fuel_consumed();
  out.peak_stack_cells = ex.stack_cells();
  out.kind = RunOutcome::Kind::Trapped;
  out.trap = engine::Trap{engine::TrapCode::HostError,
                          "execution time limit exceeded (" + std::to_string(deadline->ms) + " ms)", {}, 0};
  return true;
}

}  // namespace

RunOutcome drive(engine::Execution& ex, int64_t slice, const Deadline* deadline) {
  if (slice <= 0) slice = INT64_MAX;
  RunOutcome out;
  for (;;) {
    engine::RunStatus st = ex.run(slice);
    out.slices++;
    if (st == engine::RunStatus::OutOfBudget) {
      if (passed(deadline, out, ex)) return out;
      continue;
    }
    out.fuel_consumed = ex.fuel_consumed();
    out.peak_stack_cells = ex.stack_cells();
    switch (st) {
      case engine::RunStatus::Done:
        out.kind = RunOutcome::Kind::Returned;
        out.results.assign(ex.results().begin(), ex.results().end());
        return out;
      case engine::RunStatus::Trapped:
        out.kind = RunOutcome::Kind::Trapped;
        out.trap = ex.trap();
        return out;
      case engine::RunStatus::Suspended: {
        std::unique_ptr<engine::HostPending> p = ex.take_pending();
        if (auto* op = dynamic_cast<BlockingOp*>(p.get())) {
          // A sleep, a read of stdin, large file I/O, sched_yield: no one else runs
          // here, so do it now and go on.
          std::vector<uint64_t> results = op->run_here();
          out.suspensions++;
          if (passed(deadline, out, ex)) return out;
          ex.resume(results);
          continue;
        }
        if (auto* exit = dynamic_cast<ExitRequest*>(p.get())) {
          out.kind = RunOutcome::Kind::Exited;
          out.exit_code = exit->code;
        } else {
          out.kind = RunOutcome::Kind::Suspended;
          out.pending = std::move(p);
        }
        return out;
      }
      default:
        throw std::logic_error(std::string("execution stopped with status ") +
                               engine::run_status_name(st));
    }
  }
}

namespace {

// Adds the cost of `next` to `acc` and makes `next` the outcome.
RunOutcome chain(const RunOutcome& acc, RunOutcome next) {
  next.fuel_consumed += acc.fuel_consumed;
  next.peak_stack_cells = std::max(next.peak_stack_cells, acc.peak_stack_cells);
  next.slices += acc.slices;
  next.suspensions += acc.suspensions;
  return next;
}

}  // namespace

RunOutcome run_start(engine::Instance& instance, int64_t slice, const Deadline* deadline) {
  std::unique_ptr<engine::Execution> ex = instance.start();
  if (!ex) return RunOutcome{};
  return drive(*ex, slice, deadline);
}

RunOutcome run_command(engine::Instance& instance, int64_t slice, const Deadline* deadline) {
  const engine::Export* exp = instance.module().find_export("_start");
  if (!exp || exp->kind != engine::ExternKind::Func)
    throw std::invalid_argument("module exports no _start function");
  RunOutcome start = run_start(instance, slice, deadline);
  if (start.kind != RunOutcome::Kind::Returned) return start;
  std::unique_ptr<engine::Execution> ex = instance.call("_start", {});
  RunOutcome out = chain(start, drive(*ex, slice, deadline));
  if (out.kind == RunOutcome::Kind::Returned) {
    out.kind = RunOutcome::Kind::Exited;
    out.exit_code = 0;
    out.results.clear();
  }
  return out;
}

}  // namespace wippy::wasi
