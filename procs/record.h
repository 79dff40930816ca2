// Internal to procs/: the per-process bookkeeping shared by the host, the dispatcher
// and System.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "procs/block_pool.h"
#include "procs/fifo.h"
#include "procs/host.h"
#include "procs/process.h"
#include "procs/spin_lock.h"

namespace wippy::procs::detail {

// The inbox: messages in arrival order, with their count and approximate size in
// bytes, which the host's mailbox limits are checked against.
class Mailbox {
 public:
  bool empty() const { return items_.empty(); }
  size_t size() const { return items_.size(); }
  size_t bytes() const { return bytes_; }
  void push(Message m, size_t bytes) {
    items_.push(Item{std::move(m), bytes});
    bytes_ += bytes;
  }
  std::optional<Message> pop() {
    std::optional<Item> it = items_.pop();
    if (!it) return std::nullopt;
    bytes_ -= it->bytes;
    return std::move(it->msg);
  }
  void clear() {
    items_.clear();
    bytes_ = 0;
  }

 private:
  struct Item {
    Message msg;
    size_t bytes;
  };
  Fifo<Item> items_;
  size_t bytes_ = 0;
};

// Monitors or links: most processes have none or one (the parent that spawned it
// monitored), which is then a recycled block rather than a heap allocation made on
// the spawning thread and freed on the worker that ends the process.
using PidList = std::vector<Pid, PoolAllocator<Pid>>;

// Scheduling state. Exactly one of: waiting for a wake-up (Idle), in the run queue
// (Queued), being stepped (Running), being stepped with a wake-up that arrived
// meanwhile (RunningWoken: it is queued again after the step), or ended (Finished).
enum class RunState : uint8_t { Idle, Queued, Running, RunningWoken, Finished };

// Not enable_shared_from_this: its weak reference is a locked increment on every
// spawn and makes the last release two locked decrements instead of none; the few
// that need a weak reference (wakers, timers) get one from the table (ProcessContext).
struct ProcessRecord {
  ProcessRecord(ProcessHost& h, Pid p, Pid par, std::unique_ptr<Process> proc_)
      : host(h), pid(std::move(p)), parent(std::move(par)), proc(std::move(proc_)), ctx(*this) {}

  ProcessHost& host;
  const Pid pid;
  const Pid parent;
  std::unique_ptr<Process> proc;  // touched only by the worker that runs the process
  ProcessContext ctx;

  std::atomic<RunState> state{RunState::Queued};
  // Held by wake() while it may enqueue on `host`, and by whoever marks the record
  // Finished: once that is done, no wake-up (say, an I/O pool job that outlived its
  // process) touches the host again, so the host may be destroyed.
  SpinLock wake_mu;
  std::atomic<bool> terminate_requested{false};
  std::atomic<bool> cancelled{false};
  // LINK_DOWN is queued as an event; without it a LINK_DOWN ends the process.
  std::atomic<bool> trap_links{false};

  mutable SpinLock mu;  // everything below
  Mailbox inbox;
  Fifo<Event> events;
  // Whether `parent` receives EXIT (it spawned this process monitored and has not
  // demonitored it). Kept apart from `monitors`, so that a monitored spawn makes no list
  // (written on the spawning core, read on the core that ends the child). A local
  // parent's record is held in parent_record: the EXIT goes there without a lookup in
  // the table, whose shard lock every child's end took, often on another core.
  bool parent_monitors = false;
  std::shared_ptr<ProcessRecord> parent_record;
  PidList monitors;  // who else receives EXIT
  PidList links;
  std::function<void(const Event&)> on_exit;  // SpawnOptions::on_exit
  std::vector<TimerHandle> timers;  // wake_at timers, cancelled at the end
  TimerHandle cancel_timer;         // CANCEL -> terminate after the stop timeout
  // Why the host ends the process when terminate_requested is set by a limit rather
  // than by terminate() (empty: "terminated").
  std::string termination_error;
  bool finished = false;
  // Constructed once, with `finished` (which says it is there): what the monitors, the
  // links and on_exit are sent, and what a monitor set up between the end and the table
  // removal receives. In the record, as every process ends with one (a heap event cost
  // an allocation per process); a union, last, so that making a record writes none of
  // its bytes (they are often cache lines another core freed).
  union {
    Event exit_event;
  };

  ~ProcessRecord() {
    if (finished) exit_event.~Event();
  }

  // Marks the record Finished; no wake-up enqueues it (or touches the host) after this.
  void finish() {
    std::lock_guard lk(wake_mu);
    state.store(RunState::Finished);
  }
  // The EXIT error of a process ended by terminate_requested (locks mu).
  std::string termination_reason() const {
    std::lock_guard lk(mu);
    return termination_error.empty() ? std::string(kErrTerminated) : termination_error;
  }
};

// Makes the process runnable if it is waiting (thread-safe; see wake_mu).
void wake(const std::shared_ptr<ProcessRecord>& rec);

// A new record, in memory recycled from ended processes (procs/block_pool.h).
inline std::shared_ptr<ProcessRecord> make_record(ProcessHost& h, Pid pid, Pid parent, std::unique_ptr<Process> proc) {
  return std::allocate_shared<ProcessRecord>(PoolAllocator<ProcessRecord>{}, h, std::move(pid), std::move(parent),
                                             std::move(proc));
}

}  // namespace wippy::procs::detail
