// The dispatcher: the workers' loop (procs/run_queues.h picks what runs next),
// wake-ups, and what happens when a process ends (EXIT to monitors, LINK_DOWN to
// links, close).
#include <exception>

#include "procs/module_release.h"
#include "procs/record.h"
#include "procs/system.h"

namespace wippy::procs {

using detail::ProcessRecord;
using detail::RunState;

namespace {

const char* step_kind(const StepResult& r) {
  switch (r.kind) {
    case StepResult::Kind::Continue: return " continue";
    case StepResult::Kind::Waiting: return " wait";
    case StepResult::Kind::Done: return " done";
  }
  return "";
}

}  // namespace

void detail::wake(const std::shared_ptr<ProcessRecord>& rec) {
  // Only Idle -> Queued enqueues, which wake_mu must cover (whoever marks the record
  // Finished holds it); the other states need no lock (the worker's own transitions
  // out of Running are CASes or stores that do not take it either). A busy parent
  // whose children's EXITs arrive from other cores is mostly Queued or Running: their
  // wake-ups then leave its lock's line alone.
  RunState s = rec->state.load();
  for (;;) {
    switch (s) {
      case RunState::Idle: {
        std::lock_guard lk(rec->wake_mu);
        if (rec->state.compare_exchange_strong(s, RunState::Queued)) {
          rec->host.enqueue(rec);
          return;
        }
        break;
      }
      case RunState::Running:
        if (rec->state.compare_exchange_weak(s, RunState::RunningWoken)) return;
        break;
      default:  // Queued, RunningWoken, Finished: nothing to do
        return;
    }
  }
}

void ProcessHost::enqueue(std::shared_ptr<ProcessRecord> rec) {
  if (SerialScheduler* serial = system_.serial()) return serial->enqueue(std::move(rec));
  runq_.push(std::move(rec));
}

void ProcessHost::worker_main(unsigned self) {
  runq_.bind(self);
  detail::ModuleReleaseScope module_release;
  // What the worker keeps of ended processes goes before it sleeps.
  auto before_sleep = [this, self] {
    remove_pending(self);
    detail::release_kept_modules();
  };
  while (std::shared_ptr<ProcessRecord> rec = runq_.next(self, before_sleep)) run_one(rec, self);
  remove_pending(self);
}

void ProcessHost::end(const std::shared_ptr<ProcessRecord>& rec, StepResult result, unsigned worker) {
  rec->finish();
  if (system_.tracing())
    system_.trace("exit " + rec->pid.to_string() + (result.error ? " error " + *result.error : " ok " + Trace::value(result.value)));
  bool parent_monitors;
  std::shared_ptr<ProcessRecord> parent_record;
  detail::PidList monitors, links;
  std::function<void(const Event&)> on_exit;
  std::vector<TimerHandle> timers;
  TimerHandle cancel_timer;
  {
    std::lock_guard lk(rec->mu);
    std::construct_at(&rec->exit_event, Event{EventKind::Exit, rec->pid, std::move(result.value),
                                              std::move(result.error), std::move(result.backtrace), result.exit_code});
    rec->finished = true;
    parent_monitors = rec->parent_monitors;
    parent_record.swap(rec->parent_record);
    monitors.swap(rec->monitors);
    links.swap(rec->links);
    on_exit.swap(rec->on_exit);
    timers.swap(rec->timers);
    cancel_timer = rec->cancel_timer;
    rec->inbox.clear();
    rec->events.clear();
  }
  // Written once above, under the lock that readers take before they see `finished`;
  // only read from here on (rec outlives this call).
  const Event& ev = rec->exit_event;
  for (auto& t : timers) t.cancel();
  cancel_timer.cancel();
  try {
    rec->proc->close();
  } catch (...) {
  }
  rec->proc.reset();
  remove(rec->pid.id, worker);
  system_.names().release(rec->pid);

  if (parent_monitors) {
    if (parent_record)
      system_.deliver_event(parent_record, ev);
    else
      system_.deliver_event(rec->parent, ev);  // on another node, or not found at the spawn
  }
  for (const Pid& m : monitors) system_.deliver_event(m, ev);
  for (const Pid& l : links) {
    if (auto other = system_.find(l)) {
      std::lock_guard lk(other->mu);
      std::erase(other->links, rec->pid);
    }
    if (ev.error) {
      system_.deliver_event(l, Event{EventKind::LinkDown, rec->pid, {}, ev.error, {}, std::nullopt});
    } else if (system_.is_remote(l)) {
      system_.unlink(rec->pid, l);  // its node drops the link too
    }
  }
  if (on_exit) {
    try {
      on_exit(ev);
    } catch (...) {
    }
  }
}

void ProcessHost::run_one(const std::shared_ptr<ProcessRecord>& rec, unsigned worker) {
  rec->state.store(RunState::Running);
  StepResult r;
  if (rec->terminate_requested.load()) {
    r = StepResult::fail(rec->termination_reason());
  } else {
    try {
      r = rec->proc->step(rec->ctx);
    } catch (const std::exception& e) {
      r = StepResult::fail(e.what());
    } catch (...) {
      r = StepResult::fail("process step threw an unknown exception");
    }
    std::atomic<uint64_t>& steps = slot(worker).steps;
    steps.store(steps.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    if (system_.tracing()) system_.trace("step " + rec->pid.to_string() + step_kind(r));
    if (r.kind != StepResult::Kind::Done && rec->terminate_requested.load())
      r = StepResult::fail(rec->termination_reason());
  }
  switch (r.kind) {
    case StepResult::Kind::Continue:
      rec->state.store(RunState::Queued);
      enqueue(rec);
      break;
    case StepResult::Kind::Waiting: {
      RunState expected = RunState::Running;
      if (!rec->state.compare_exchange_strong(expected, RunState::Idle)) {
        // A wake-up arrived during the step: run again.
        rec->state.store(RunState::Queued);
        enqueue(rec);
      }
      break;
    }
    case StepResult::Kind::Done:
      end(rec, std::move(r), worker);
      break;
  }
}

}  // namespace wippy::procs
