// A process host (`process.host`): worker threads, each serving its own round-robin
// run queue and stealing from the others when idle (procs/run_queues.h).
// Processes are created and addressed through System; a host only runs them.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "procs/id_table.h"
#include "procs/process.h"
#include "procs/run_queues.h"
#include "procs/spin_lock.h"

namespace wippy::procs {

struct HostOptions {
  std::string name;
  unsigned workers = 0;                             // 0: std::thread::hardware_concurrency()
  Clock::duration stop_timeout = std::chrono::seconds(10);  // CANCEL -> terminate, and shutdown
  int64_t slice_budget = 10000;                     // fuel units per Step
  // What one process may hoard (0: no limit). A send to a full mailbox fails (the
  // sender gets "mailbox full: ..."; the message is not queued); a wake_at beyond
  // max_timers pending timers fails the process that asked.
  size_t max_mailbox_messages = 100'000;
  size_t max_mailbox_bytes = size_t{64} << 20;  // approximate: payloads, topics, overhead
  size_t max_timers = 10'000;
  // One value a process of this host passes to another (message, spawn arguments,
  // result): a larger, deeper or cyclic one is refused when it is made.
  MessageLimits message_limits;
};

struct HostStats {
  size_t processes = 0;      // alive now
  uint64_t spawned = 0;      // since start
  uint64_t steps = 0;        // Step calls
  uint64_t finished = 0;
};

class ProcessHost {
 public:
  ProcessHost(System& system, HostOptions options);  // starts the workers
  ~ProcessHost();                                     // stop_workers()
  ProcessHost(const ProcessHost&) = delete;
  ProcessHost& operator=(const ProcessHost&) = delete;

  const std::string& name() const { return opts_.name; }
  const HostOptions& options() const { return opts_; }
  System& system() const { return system_; }
  size_t process_count() const;
  HostStats stats() const;
  std::vector<Pid> pids() const;  // alive now

  // ---- Used by System (and the dispatcher); not for process code. ----
  // A new process's record (state: queued), with its pid, not yet registered: no
  // other thread can see it, so the spawner fills it in without its lock.
  std::shared_ptr<detail::ProcessRecord> create(std::unique_ptr<Process> p, const Pid& parent);
  // Registers a created record (findable from now on); false when the host is shutting down.
  bool add(const std::shared_ptr<detail::ProcessRecord>& rec);
  void start(std::shared_ptr<detail::ProcessRecord> rec);  // makes it runnable
  std::shared_ptr<detail::ProcessRecord> find(uint64_t id) const;
  void enqueue(std::shared_ptr<detail::ProcessRecord> rec);
  void begin_shutdown();  // refuse new spawns
  // Waits until no process is alive or `deadline` passed; true when none is alive.
  bool wait_empty(Clock::time_point deadline);
  void stop_workers();  // joins the worker threads (idempotent)
  static constexpr unsigned kNotAWorker = ~0u;
  // Ends `rec` with `result` (on the thread that ran its last step, or on the spawning
  // thread for a process that never started): unregisters and closes it, sends EXIT
  // to its monitors and LINK_DOWN to its links, runs its on_exit callbacks. `worker`:
  // the worker it runs on, or kNotAWorker.
  void end(const std::shared_ptr<detail::ProcessRecord>& rec, StepResult result, unsigned worker = kNotAWorker);
  // One step, on worker `worker` or (kNotAWorker) on SerialScheduler's thread.
  void run_one(const std::shared_ptr<detail::ProcessRecord>& rec, unsigned worker = kNotAWorker);

 private:
  static constexpr size_t kLine = 64;  // a cache line
  void worker_main(unsigned self);
  // Takes an ended process out of the table: at once, or on a worker a batch at a
  // time (see WorkerSlot).
  void remove(uint64_t id, unsigned worker);
  void remove_pending(unsigned worker);
  void count_finished(unsigned worker);

  System& system_;
  HostOptions opts_;
  const std::string pid_host_;  // the host part of this host's pids (System::pid_host)
  // The process table, in shards by id, each with its own lock: the spawning threads
  // insert new ids while the workers erase ended ones, and with one lock they would
  // queue on each other (a futex wait and wake-up per collision). Shards sit on cache
  // lines of their own, with the counts of their spawns and ends: a spawn and an end
  // write the shard's line anyway, and host-wide counters would be one more line that
  // moves between cores with every process. shutting_down_ is written with every shard
  // locked, so any one shard's lock is enough to read it.
  struct alignas(kLine) TableShard {
    mutable detail::SpinLock mu;
    detail::IdTable<std::shared_ptr<detail::ProcessRecord>> table;
    uint64_t spawned = 0;
  };
  // Runs of kShardRun consecutive ids share a shard: a spawning thread then keeps one
  // shard's line for that many spawns, while the workers end processes spawned a
  // queue's length earlier, in other shards (with id % kShards, the two threads took
  // turns on each shard's line, a transfer between cores for nearly every spawn).
  static constexpr size_t kShards = 16, kShardRun = 64;
  static size_t shard_index(uint64_t id) { return (id / kShardRun) % kShards; }
  TableShard& shard(uint64_t id) { return shards_[shard_index(id)]; }
  const TableShard& shard(uint64_t id) const { return shards_[shard_index(id)]; }
  std::array<TableShard, kShards> shards_;
  bool shutting_down_ = false;
  // wait_empty sleeps on empty_cv_ until no process is alive. An ending process counts
  // the live processes (every shard's lock) only while someone waits.
  std::mutex empty_mu_;
  std::condition_variable empty_cv_;
  std::atomic<unsigned> empty_waiters_{0};
  alignas(kLine) std::atomic<uint64_t> next_id_{1};

  // Where runnable processes wait: a queue per worker and one for other threads.
  alignas(kLine) detail::RunQueues<std::shared_ptr<detail::ProcessRecord>> runq_;
  std::vector<std::thread> workers_;

  // What each worker counts and keeps on a line of its own (a counter written by every
  // step or end would move between cores with each); the last slot is for every other
  // thread (SerialScheduler's, a spawner whose process never started).
  //
  // A worker takes the processes it ended out of the table kPendingMax at a time, a
  // shard lock per run of ids in one shard, and all of them before it sleeps: the
  // spawning thread takes the lock of the shard it fills for every spawn, and the
  // workers, close behind it, took the same lock for every end. Until then the table
  // still finds an ended record, which everything that looks one up checks
  // (`finished`); the count of live processes is spawns minus ends, so it is exact
  // at once.
  static constexpr unsigned kPendingMax = 32;
  struct alignas(kLine) WorkerSlot {
    std::atomic<uint64_t> steps{0};     // written by its one thread (a load and a store)
    std::atomic<uint64_t> finished{0};  // processes ended (the last slot has many writers)
    unsigned pending = 0;               // ids ended, still in the table (workers only)
    uint64_t pending_ids[kPendingMax];
  };
  WorkerSlot& slot(unsigned worker) { return worker == kNotAWorker ? slots_.back() : slots_[worker]; }
  std::vector<WorkerSlot> slots_;
};

}  // namespace wippy::procs
