// ProcessHost: the process table, worker threads and shutdown helpers.
#include "procs/host.h"

#include "procs/record.h"
#include "procs/system.h"

namespace wippy::procs {

using detail::ProcessRecord;

namespace {

HostOptions with_defaults(HostOptions o) {
  if (o.workers == 0) o.workers = std::max(1u, std::thread::hardware_concurrency());
  if (o.slice_budget <= 0) o.slice_budget = 10000;
  return o;
}

}  // namespace

ProcessHost::ProcessHost(System& system, HostOptions options)
    : system_(system),
      opts_(with_defaults(std::move(options))),
      pid_host_(system_.pid_host(opts_.name)),
      runq_(opts_.workers),
      slots_(opts_.workers + 1) {
  if (system_.serial()) return;  // deterministic mode: its one thread runs every host
  workers_.reserve(opts_.workers);
  for (unsigned i = 0; i < opts_.workers; i++) workers_.emplace_back([this, i] { worker_main(i); });
}

ProcessHost::~ProcessHost() {
  stop_workers();
  // Processes still registered (only if the system was not shut down): close them.
  std::vector<std::shared_ptr<ProcessRecord>> left;
  for (TableShard& sh : shards_) {
    std::lock_guard lk(sh.mu);
    sh.table.drain([&](uint64_t, std::shared_ptr<ProcessRecord>& rec) { left.push_back(std::move(rec)); });
  }
  for (auto& rec : left) {
    rec->finish();  // wake-ups still in flight (I/O pool jobs, timers) leave the host alone
    if (rec->proc) {
      try {
        rec->proc->close();
      } catch (...) {
      }
      rec->proc.reset();
    }
  }
}

size_t ProcessHost::process_count() const { return stats().processes; }

// Ends are read first: a process counted as ended was spawned before, so the count of
// live processes is never below the truth (it may include one that ended meanwhile).
HostStats ProcessHost::stats() const {
  HostStats s;
  for (const WorkerSlot& w : slots_) {
    s.finished += w.finished.load();
    s.steps += w.steps.load(std::memory_order_relaxed);
  }
  for (const TableShard& sh : shards_) {
    std::lock_guard lk(sh.mu);
    s.spawned += sh.spawned;
  }
  s.processes = static_cast<size_t>(s.spawned - s.finished);
  return s;
}

std::vector<Pid> ProcessHost::pids() const {
  std::vector<Pid> out;
  for (const TableShard& sh : shards_) {
    std::lock_guard lk(sh.mu);
    sh.table.for_each([&](uint64_t, const std::shared_ptr<ProcessRecord>& rec) {
      if (rec->state.load() != detail::RunState::Finished) out.push_back(rec->pid);
    });
  }
  return out;
}

// The record is made before the table lock is taken (in add): the workers take that
// lock to remove every process that ends, and would wait for the allocation.
std::shared_ptr<ProcessRecord> ProcessHost::create(std::unique_ptr<Process> p, const Pid& parent) {
  uint64_t id = next_id_.fetch_add(1, std::memory_order_relaxed);
  return detail::make_record(*this, Pid{pid_host_, id}, parent, std::move(p));
}

bool ProcessHost::add(const std::shared_ptr<ProcessRecord>& rec) {
  TableShard& sh = shard(rec->pid.id);
  std::lock_guard lk(sh.mu);
  if (shutting_down_) return false;
  sh.table.insert(rec->pid.id, rec);
  sh.spawned++;
  return true;
}

void ProcessHost::start(std::shared_ptr<ProcessRecord> rec) { enqueue(std::move(rec)); }

std::shared_ptr<ProcessRecord> ProcessHost::find(uint64_t id) const {
  const TableShard& sh = shard(id);
  std::lock_guard lk(sh.mu);
  const std::shared_ptr<ProcessRecord>* rec = sh.table.find(id);
  return rec ? *rec : nullptr;
}

void ProcessHost::remove(uint64_t id, unsigned worker) {
  if (worker == kNotAWorker) {
    TableShard& sh = shard(id);
    std::lock_guard lk(sh.mu);
    sh.table.erase(id);
  } else {
    WorkerSlot& w = slots_[worker];
    w.pending_ids[w.pending++] = id;
    if (w.pending == kPendingMax) remove_pending(worker);
  }
  count_finished(worker);
}

void ProcessHost::remove_pending(unsigned worker) {
  WorkerSlot& w = slots_[worker];
  for (unsigned i = 0; i < w.pending;) {
    TableShard& sh = shard(w.pending_ids[i]);
    std::lock_guard lk(sh.mu);
    for (; i < w.pending && &shard(w.pending_ids[i]) == &sh; i++) sh.table.erase(w.pending_ids[i]);
  }
  w.pending = 0;
}

void ProcessHost::count_finished(unsigned worker) {
  // A waiter registers before it counts (both sequentially consistent): if this read
  // misses it, its count sees this end.
  slot(worker).finished.fetch_add(1);
  if (empty_waiters_.load() == 0 || process_count() != 0) return;
  std::lock_guard lk(empty_mu_);  // wait_empty checks under it: no wake-up is lost
  empty_cv_.notify_all();
}

void ProcessHost::begin_shutdown() {
  std::array<std::unique_lock<detail::SpinLock>, kShards> locks;
  for (size_t i = 0; i < kShards; i++) locks[i] = std::unique_lock(shards_[i].mu);
  shutting_down_ = true;
}

bool ProcessHost::wait_empty(Clock::time_point deadline) {
  empty_waiters_.fetch_add(1);
  bool empty;
  {
    std::unique_lock lk(empty_mu_);
    empty = empty_cv_.wait_until(lk, deadline, [&] { return process_count() == 0; });
  }
  empty_waiters_.fetch_sub(1);
  return empty;
}

void ProcessHost::stop_workers() {
  runq_.stop();
  for (auto& t : workers_)
    if (t.joinable()) t.join();
  workers_.clear();
  runq_.clear();
}

}  // namespace wippy::procs
