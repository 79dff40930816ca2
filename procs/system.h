// The process system: the event loop, the hosts by name, and every operation that
// addresses processes by pid (spawn, send, monitor, link, cancel, terminate).
// All methods are thread-safe.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "procs/event_loop.h"
#include "procs/host.h"
#include "procs/names.h"
#include "procs/process.h"
#include "procs/serial_scheduler.h"
#include "procs/trace.h"

namespace wippy::procs {

// Creates the process for a registry entry ID ("ns:name"). Throws
// std::runtime_error with a clear message (unknown entry, bad arguments, ...),
// which spawn() reports as its error.
using ProcessFactory =
    std::function<std::unique_ptr<Process>(const std::string& entry_id, std::vector<Value> args)>;

struct SpawnOptions {
  Pid parent;            // the spawning process (needed for monitor/link)
  bool monitor = false;  // parent receives EXIT when the child ends
  bool link = false;     // parent and child are linked (LINK_DOWN on abnormal exit)
  bool trap_links = false;  // the child receives LINK_DOWN as an event instead of failing
  // Called once (on a worker thread) with the EXIT event when the process ends;
  // lets code outside any process (tests, the CLI) wait for a result.
  std::function<void(const Event&)> on_exit;
};

struct SpawnResult {
  Pid pid;            // valid on success
  std::string error;  // non-empty on failure
  bool ok() const { return error.empty(); }
  explicit operator bool() const { return ok(); }
};

// Why a send failed (empty on success).
struct SendResult {
  std::string error;  // "no such process", or "mailbox full: ..." (HostOptions limits)
  bool ok() const { return error.empty(); }
  explicit operator bool() const { return ok(); }
};

// Carries operations on pids of other cluster nodes (cluster/ implements it over
// NATS; procs knows nothing of the transport). Called on the sender's thread.
class RemoteRouter {
 public:
  virtual ~RemoteRouter() = default;
  // Queues `payload` for `to` on node to.node(); an error when it cannot (the
  // message is too large, the node link is closed). Delivery is at most once.
  virtual SendResult send(const Pid& from, const Pid& to, std::string topic, Value payload) = 0;
  // `watcher` (local) watches `target` (remote): the target's node delivers its EXIT
  // back through deliver_event; if the node is or goes down, the router delivers EXIT
  // itself. demonitor ends that.
  virtual void monitor(const Pid& watcher, const Pid& target) = 0;
  virtual void demonitor(const Pid& watcher, const Pid& target) = 0;
  // An event for a process of another node (EXIT to a remote watcher). False when it
  // cannot be sent.
  virtual bool deliver_event(const Pid& to, Event ev) = 0;
  // Spawns `entry_id` on host `host` of node `node` and waits for its answer (the
  // pid, or why not). opts.on_exit is not supported there (an error).
  virtual SpawnResult spawn(const std::string& node, const std::string& host, const std::string& entry_id,
                            std::vector<Value> args, const SpawnOptions& opts) = 0;
  // `local` (already holding `remote` in its links) links `remote`: the other node
  // adds the link, or answers LINK_DOWN "no such process". unlink ends that.
  virtual void link(const Pid& local, const Pid& remote) = 0;
  virtual void unlink(const Pid& local, const Pid& remote) = 0;
  // CANCEL to a remote process (its node applies its own stop timeout).
  virtual void cancel(const Pid& from, const Pid& target, Value reason) = 0;
  // The pid another node holds `name` for, if any.
  virtual std::optional<Pid> lookup(const std::string& name) = 0;
};

// A process's own seed in deterministic mode: the system's seed mixed with its pid
// (so each process's random numbers differ, and do not depend on the others').
uint64_t process_seed(uint64_t system_seed, const Pid& pid);

class System {
 public:
  System();
  ~System();  // shutdown()
  System(const System&) = delete;
  System& operator=(const System&) = delete;

  EventLoop& loop() { return loop_; }
  // Process names; a process's names are released when it ends.
  NameRegistry& names() { return names_; }

  // Adds a host and starts its workers. Throws std::invalid_argument if the name is
  // empty or taken.
  ProcessHost& add_host(HostOptions options);
  ProcessHost* host(std::string_view name) const;  // null if unknown
  std::vector<std::string> host_names() const;

  void set_factory(ProcessFactory factory);

  // Clustering. set_node names this node before any host is added (throws
  // std::logic_error after): its pids are then "{node@host|N}". Pids of other nodes
  // go to the router (sends to them fail with "no route to node X" without one,
  // monitors get EXIT "no route to node X").
  // On a clustered node a spawn host "node@host" of another node spawns there, link,
  // unlink and cancel of remote pids go to the router (asynchronous: they return
  // true, and a dead remote answers LINK_DOWN "no such process"), and names are
  // looked up on other nodes when not held here.
  void set_node(std::string node);
  const std::string& node() const { return node_; }
  void set_remote_router(std::shared_ptr<RemoteRouter> router);
  // True for a pid of another node.
  bool is_remote(const Pid& pid) const;
  std::shared_ptr<RemoteRouter> remote_router() const;
  // The host part of the pids of host `name` ("node@name" on a clustered node).
  std::string pid_host(const std::string& name) const;

  // Deterministic mode (once, before the first host; std::logic_error otherwise): one thread
  // runs every host's processes in one run queue, time is virtual (procs/
  // serial_scheduler.h), and processes draw random numbers and clocks from `seed`
  // (process_seed) instead of the host's. Same project, inputs and seed: same run.
  void set_deterministic(uint64_t seed);
  std::optional<uint64_t> deterministic_seed() const { return seed_; }
  // Deterministic mode: stop running processes after the current step, and start
  // again (see SerialScheduler); otherwise nothing.
  void hold();
  void wait_held();  // until the step being run is over (SerialScheduler::wait_held)
  void release();
  // An event trace of the run (procs/trace.h), set before the first host.
  void set_trace(Trace::Sink sink);
  bool tracing() const { return trace_ != nullptr; }
  void trace(std::string_view what);  // internal: one line, stamped with loop().now()

  // Spawns the process the factory makes for `entry_id` on host `host`. Errors:
  // "unknown host: X", the factory's message, "host X is shutting down",
  // "monitor/link requires a parent process", "parent process is not alive: P" (link:
  // the child is then never started).
  SpawnResult spawn(const std::string& host, const std::string& entry_id, std::vector<Value> args,
                    SpawnOptions opts = {});
  // Spawns a ready-made process.
  SpawnResult spawn_process(std::string_view host, std::unique_ptr<Process> process,
                            SpawnOptions opts = {});

  // Queues a message in `to`'s inbox. Fails when `to` is not alive or its mailbox is
  // at its host's max_mailbox_messages / max_mailbox_bytes (nothing is queued then).
  SendResult try_send(const Pid& from, const Pid& to, std::string topic, Value payload);
  bool send(const Pid& from, const Pid& to, std::string topic, Value payload) {
    return try_send(from, to, std::move(topic), std::move(payload)).ok();
  }
  // Each returns false when the target (or, for link, either side) is not alive.
  // `watcher` receives EXIT when `target` ends; if `target` is not alive it receives
  // EXIT with error "no such process" at once (and this returns false).
  bool monitor(const Pid& watcher, const Pid& target);
  bool demonitor(const Pid& watcher, const Pid& target);
  // Atomic with respect to either side ending: both are linked, or (when either has
  // ended, even while this runs) neither and this returns false.
  bool link(const Pid& a, const Pid& b);
  bool unlink(const Pid& a, const Pid& b);
  // Delivers CANCEL (once: later cancels of the same process queue nothing more)
  // with `reason` as the event's value; the target is terminated if it has not ended
  // after `stop_timeout` (default: its host's; Clock::duration::max(): never, the
  // caller terminates it itself).
  bool cancel(const Pid& from, const Pid& target, Value reason = {},
              std::optional<Clock::duration> stop_timeout = std::nullopt);
  // Ends the target at once (a running process at the end of its current slice);
  // its EXIT error is "terminated".
  bool terminate(const Pid& target);
  bool alive(const Pid& pid) const;
  // Names (Lua's process.registry): register fails when this node or (clustered)
  // another node holds the name already; lookup asks other nodes when this one does
  // not hold it.
  std::string register_name(const std::string& name, const Pid& pid);
  std::optional<Pid> lookup_name(const std::string& name);
  size_t process_count() const;

  // Supervised shutdown: CANCEL to every process on every host, wait up to the
  // largest stop timeout, terminate the rest, join the workers, stop the loop.
  // Idempotent; returns the number of processes that had to be terminated.
  size_t shutdown();

  // ---- Internal (dispatcher): routes an event to a process. A process that has
  // max_mailbox_messages events unread is ended with "event queue full: ..."; a
  // LINK_DOWN to one that does not trap links ends it. ----
  bool deliver_event(const Pid& to, Event ev);
  // The same, to a local process whose record the caller holds.
  bool deliver_event(const std::shared_ptr<detail::ProcessRecord>& rec, Event ev);
  std::shared_ptr<detail::ProcessRecord> find(const Pid& pid) const;
  // The cluster node's side of a link with a remote pid: adds or removes `remote` in
  // the links of local process `local` (false when it is not alive).
  bool add_remote_link(const Pid& local, const Pid& remote);
  bool remove_remote_link(const Pid& local, const Pid& remote);
  SerialScheduler* serial() const { return serial_.get(); }

 private:
  EventLoop loop_;
  Clock::time_point start_ = loop_.now();
  std::optional<uint64_t> seed_;             // set before hosts exist, then constant
  std::unique_ptr<SerialScheduler> serial_;  // deterministic mode
  std::unique_ptr<Trace> trace_;
  NameRegistry names_;
  mutable std::shared_mutex mu_;  // hosts_, factory_
  std::map<std::string, std::unique_ptr<ProcessHost>, std::less<>> hosts_;
  mutable std::atomic<ProcessHost*> last_host_{nullptr};  // host()'s last answer
  ProcessFactory factory_;
  std::string node_;                       // set before hosts exist, then constant
  std::shared_ptr<RemoteRouter> router_;   // under mu_
  bool shut_down_ = false;
};

}  // namespace wippy::procs
