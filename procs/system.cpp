// System: hosts by name, routing by pid, spawn, monitors, links, cancel, terminate,
// supervised shutdown.
#include "procs/system.h"

#include <algorithm>

#include "procs/record.h"

namespace wippy::procs {

using detail::ProcessRecord;

System::System() = default;

uint64_t process_seed(uint64_t system_seed, const Pid& pid) {
  uint64_t h = 14695981039346656037ull ^ system_seed;  // FNV-1a over the pid's text
  for (unsigned char c : pid.to_string()) h = (h ^ c) * 1099511628211ull;
  h += 0x9e3779b97f4a7c15ull;  // splitmix64's finaliser spreads it
  h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ull;
  h = (h ^ (h >> 27)) * 0x94d049bb133111ebull;
  return h ^ (h >> 31);
}

void System::set_deterministic(uint64_t seed) {
  std::unique_lock lk(mu_);
  if (!hosts_.empty()) throw std::logic_error("set_deterministic must come before the first host");
  if (serial_) throw std::logic_error("deterministic mode is already set");
  seed_ = seed;
  serial_ = std::make_unique<SerialScheduler>(loop_);
  start_ = loop_.now();
}

void System::hold() {
  if (serial_) serial_->hold();
}

void System::wait_held() {
  if (serial_) serial_->wait_held();
}

void System::release() {
  if (serial_) serial_->release();
}

void System::set_trace(Trace::Sink sink) {
  std::unique_lock lk(mu_);
  if (!hosts_.empty()) throw std::logic_error("set_trace must come before the first host");
  trace_ = std::make_unique<Trace>(std::move(sink));
}

void System::trace(std::string_view what) {
  if (trace_) trace_->write(std::chrono::duration_cast<std::chrono::nanoseconds>(loop_.now() - start_), what);
}

System::~System() {
  shutdown();
  last_host_.store(nullptr);  // the hosts go next
}

ProcessHost& System::add_host(HostOptions options) {
  if (options.name.empty()) throw std::invalid_argument("host name is empty");
  if (options.name.find_first_of("{}|@") != std::string::npos)
    throw std::invalid_argument("host name may not contain '{', '}', '|' or '@': " + options.name);
  std::unique_lock lk(mu_);
  if (shut_down_) throw std::invalid_argument("system is shut down");
  if (hosts_.count(options.name)) throw std::invalid_argument("duplicate host: " + options.name);
  std::string name = options.name;
  auto h = std::make_unique<ProcessHost>(*this, std::move(options));
  ProcessHost& ref = *h;
  hosts_.emplace(std::move(name), std::move(h));
  return ref;
}

ProcessHost* System::host(std::string_view name) const {
  // Hosts are never removed (until the system is destroyed) and their names never
  // change, so the last host found can be checked without the lock: every spawn,
  // send and monitor looks a host up, and most go to the same one.
  ProcessHost* last = last_host_.load(std::memory_order_acquire);
  if (last && last->name() == name) return last;
  std::shared_lock lk(mu_);
  auto it = hosts_.find(name);
  if (it == hosts_.end()) return nullptr;
  last_host_.store(it->second.get(), std::memory_order_release);
  return it->second.get();
}

std::vector<std::string> System::host_names() const {
  std::shared_lock lk(mu_);
  std::vector<std::string> out;
  for (const auto& [n, h] : hosts_) out.push_back(n);
  return out;
}

void System::set_factory(ProcessFactory factory) {
  std::unique_lock lk(mu_);
  factory_ = std::move(factory);
}

void System::set_node(std::string node) {
  std::unique_lock lk(mu_);
  if (!hosts_.empty()) throw std::logic_error("set_node must come before the first host");
  node_ = std::move(node);
}

void System::set_remote_router(std::shared_ptr<RemoteRouter> router) {
  std::unique_lock lk(mu_);
  router_ = std::move(router);
}

std::shared_ptr<RemoteRouter> System::remote_router() const {
  std::shared_lock lk(mu_);
  return router_;
}

bool System::is_remote(const Pid& pid) const {
  std::string_view n = pid.node();
  return !n.empty() && n != node_;
}

std::string System::pid_host(const std::string& name) const {
  return node_.empty() ? name : node_ + "@" + name;
}

std::shared_ptr<ProcessRecord> System::find(const Pid& pid) const {
  if (!pid.valid() || is_remote(pid)) return nullptr;
  ProcessHost* h = host(pid.local_host());
  return h ? h->find(pid.id) : nullptr;
}

SpawnResult System::spawn(const std::string& host_name, const std::string& entry_id,
                          std::vector<Value> args, SpawnOptions opts) {
  if (size_t at = host_name.find('@'); at != std::string::npos) {  // "node@host"
    std::string node = host_name.substr(0, at), local = host_name.substr(at + 1);
    if (node == node_) return spawn(local, entry_id, std::move(args), std::move(opts));
    std::shared_ptr<RemoteRouter> router = remote_router();
    if (!router) return {{}, "no route to node " + node + ": this process system is not in a cluster"};
    if (opts.on_exit) return {{}, "spawn on node " + node + ": an exit callback works only for local spawns"};
    return router->spawn(node, local, entry_id, std::move(args), opts);
  }
  if (!host(host_name)) return {{}, "unknown host: " + host_name};
  ProcessFactory factory;
  {
    std::shared_lock lk(mu_);
    factory = factory_;
  }
  if (!factory) return {{}, "no process factory: cannot spawn " + entry_id};
  std::unique_ptr<Process> p;
  try {
    p = factory(entry_id, std::move(args));
  } catch (const std::exception& e) {
    return {{}, e.what()};
  }
  if (!p) return {{}, "cannot create a process for " + entry_id};
  return spawn_process(host_name, std::move(p), std::move(opts));
}

namespace {

// Links two records under both locks, so neither can end half-way through: both get
// the other's pid, or nothing changes when either has ended.
bool link_records(ProcessRecord& a, ProcessRecord& b) {
  std::scoped_lock lk(a.mu, b.mu);
  if (a.finished || b.finished) return false;
  if (std::find(a.links.begin(), a.links.end(), b.pid) == a.links.end()) a.links.push_back(b.pid);
  if (std::find(b.links.begin(), b.links.end(), a.pid) == b.links.end()) b.links.push_back(a.pid);
  return true;
}

std::string mailbox_full(const ProcessRecord& rec, size_t bytes) {
  const HostOptions& o = rec.host.options();
  if (o.max_mailbox_messages && rec.inbox.size() >= o.max_mailbox_messages)
    return "mailbox full: " + rec.pid.to_string() + " holds " + std::to_string(rec.inbox.size()) +
           " messages (max_mailbox_messages " + std::to_string(o.max_mailbox_messages) + ")";
  if (o.max_mailbox_bytes && bytes > o.max_mailbox_bytes - std::min(rec.inbox.bytes(), o.max_mailbox_bytes))
    return "mailbox full: " + rec.pid.to_string() + " holds " + std::to_string(rec.inbox.bytes()) +
           " bytes of messages, this one needs " + std::to_string(bytes) + " (max_mailbox_bytes " +
           std::to_string(o.max_mailbox_bytes) + ")";
  return {};
}

}  // namespace

SpawnResult System::spawn_process(std::string_view host_name, std::unique_ptr<Process> process,
                                  SpawnOptions opts) {
  ProcessHost* h = host(host_name);
  if (!h) return {{}, "unknown host: " + std::string(host_name)};
  if ((opts.monitor || opts.link) && !opts.parent.valid())
    return {{}, "monitor/link requires a parent process"};
  std::shared_ptr<ProcessRecord> parent;
  bool remote_parent = is_remote(opts.parent);  // spawned for another node's process
  if (opts.link && !remote_parent) {
    parent = find(opts.parent);
    if (!parent) return {{}, "parent process is not alive: " + opts.parent.to_string()};
  }
  std::shared_ptr<ProcessRecord> rec = h->create(std::move(process), opts.parent);
  // Not registered yet, so no other thread sees it: no lock.
  if (opts.monitor) {
    rec->parent_monitors = true;
    if (!remote_parent) rec->parent_record = parent ? parent : find(opts.parent);
  }
  if (opts.link && remote_parent) rec->links.push_back(opts.parent);
  // Relaxed: the table's lock publishes the record (a sequentially consistent store is a
  // locked instruction, which waits for the stores into the new record to finish).
  if (opts.trap_links) rec->trap_links.store(true, std::memory_order_relaxed);
  rec->on_exit = std::move(opts.on_exit);
  if (!h->add(rec)) return {{}, "host " + std::string(host_name) + " is shutting down"};
  if (parent && !link_records(*parent, *rec)) {
    // The parent ended after the check above: the child never runs, and its on_exit
    // is not called (the caller gets the error).
    std::string error = "parent process is not alive: " + opts.parent.to_string();
    {
      std::lock_guard lk(rec->mu);
      rec->on_exit = nullptr;
    }
    h->end(rec, StepResult::fail(error));
    return {{}, std::move(error)};
  }
  if (trace_) trace("spawn " + rec->pid.to_string() + " by " + opts.parent.to_string());
  // Handed over, not copied: once queued, a worker may be running (and counting
  // references to) the record.
  Pid pid = rec->pid;
  h->start(std::move(rec));
  return {std::move(pid), {}};
}

bool System::deliver_event(const Pid& to, Event ev) {
  if (is_remote(to)) {
    std::shared_ptr<RemoteRouter> router = remote_router();
    return router && router->deliver_event(to, std::move(ev));
  }
  auto rec = find(to);
  return rec && deliver_event(rec, std::move(ev));
}

bool System::deliver_event(const std::shared_ptr<ProcessRecord>& rec, Event ev) {
  if (trace_) trace(std::string("event ") + event_type_name(ev.kind) + " " + ev.from.to_string() + " -> " + rec->pid.to_string());
  {
    std::lock_guard lk(rec->mu);
    if (rec->finished) return false;
    size_t max = rec->host.options().max_mailbox_messages;
    if (ev.kind == EventKind::LinkDown && !rec->trap_links.load()) {
      // A linked process failed: this one fails too (Erlang's exit propagation).
      if (!rec->terminate_requested.exchange(true))
        rec->termination_error = "linked process " + ev.from.to_string() + " failed: " + ev.error.value_or("?");
    } else if (max && rec->events.size() >= max) {
      // It lets events pile up unread (e.g. monitors a dead pid again and again):
      // end it, rather than drop an event silently or hold memory without bound.
      if (!rec->terminate_requested.exchange(true))
        rec->termination_error = "event queue full: " + rec->pid.to_string() + " holds " +
                                 std::to_string(rec->events.size()) + " unread events (max_mailbox_messages " +
                                 std::to_string(max) + ")";
    } else {
      rec->events.push(std::move(ev));
    }
  }
  detail::wake(rec);
  return true;
}

SendResult System::try_send(const Pid& from, const Pid& to, std::string topic, Value payload) {
  if (is_remote(to)) {
    std::shared_ptr<RemoteRouter> router = remote_router();
    if (!router) return {"no route to node " + std::string(to.node())};
    return router->send(from, to, std::move(topic), std::move(payload));
  }
  if (trace_) trace("send " + from.to_string() + " -> " + to.to_string() + " " + topic + " " + Trace::value(payload));
  auto rec = find(to);
  if (!rec) return {kErrNoProcess};
  size_t bytes = 0;
  if (rec->host.options().max_mailbox_bytes) bytes = sizeof(Message) + topic.size() + payload.footprint();
  {
    std::lock_guard lk(rec->mu);
    if (rec->finished) return {kErrNoProcess};
    if (std::string full = mailbox_full(*rec, bytes); !full.empty()) return {std::move(full)};
    rec->inbox.push(Message{from, std::move(topic), std::move(payload)}, bytes);
  }
  detail::wake(rec);
  return {};
}

bool System::monitor(const Pid& watcher, const Pid& target) {
  Event ev{EventKind::Exit, target, {}, std::string(kErrNoProcess), {}, std::nullopt};
  if (is_remote(target)) {
    if (std::shared_ptr<RemoteRouter> router = remote_router()) {
      router->monitor(watcher, target);
      return true;
    }
    ev.error = "no route to node " + std::string(target.node());
  }
  if (auto rec = find(target)) {
    std::lock_guard lk(rec->mu);
    if (!rec->finished) {
      bool already = (rec->parent_monitors && watcher == rec->parent) ||
                     std::find(rec->monitors.begin(), rec->monitors.end(), watcher) != rec->monitors.end();
      if (!already) rec->monitors.push_back(watcher);
      return true;
    }
    ev = rec->exit_event;
  }
  deliver_event(watcher, std::move(ev));
  return false;
}

bool System::demonitor(const Pid& watcher, const Pid& target) {
  if (is_remote(target)) {
    std::shared_ptr<RemoteRouter> router = remote_router();
    if (router) router->demonitor(watcher, target);
    return router != nullptr;
  }
  auto rec = find(target);
  if (!rec) return false;
  std::shared_ptr<ProcessRecord> parent;  // released after the lock
  std::lock_guard lk(rec->mu);
  if (rec->parent_monitors && watcher == rec->parent) {
    rec->parent_monitors = false;
    parent.swap(rec->parent_record);
    return true;
  }
  return std::erase(rec->monitors, watcher) > 0;
}

bool System::link(const Pid& a, const Pid& b) {
  if (a == b) return false;
  if (is_remote(a) != is_remote(b)) {
    const Pid& local = is_remote(a) ? b : a;
    const Pid& remote = is_remote(a) ? a : b;
    std::shared_ptr<RemoteRouter> router = remote_router();
    if (!router || !add_remote_link(local, remote)) return false;
    router->link(local, remote);
    return true;
  }
  auto ra = find(a), rb = find(b);
  return ra && rb && link_records(*ra, *rb);
}

bool System::add_remote_link(const Pid& local, const Pid& remote) {
  auto rec = find(local);
  if (!rec) return false;
  std::lock_guard lk(rec->mu);
  if (rec->finished) return false;
  if (std::find(rec->links.begin(), rec->links.end(), remote) == rec->links.end()) rec->links.push_back(remote);
  return true;
}

bool System::remove_remote_link(const Pid& local, const Pid& remote) {
  auto rec = find(local);
  if (!rec) return false;
  std::lock_guard lk(rec->mu);
  return std::erase(rec->links, remote) > 0;
}

bool System::unlink(const Pid& a, const Pid& b) {
  if (is_remote(a) != is_remote(b)) {
    const Pid& local = is_remote(a) ? b : a;
    const Pid& remote = is_remote(a) ? a : b;
    bool had = remove_remote_link(local, remote);
    if (std::shared_ptr<RemoteRouter> router = remote_router()) router->unlink(local, remote);
    return had;
  }
  bool any = false;
  if (auto ra = find(a)) {
    std::lock_guard lk(ra->mu);
    any |= std::erase(ra->links, b) > 0;
  }
  if (auto rb = find(b)) {
    std::lock_guard lk(rb->mu);
    any |= std::erase(rb->links, a) > 0;
  }
  return any;
}

bool System::cancel(const Pid& from, const Pid& target, Value reason, std::optional<Clock::duration> stop_timeout) {
  if (is_remote(target)) {
    std::shared_ptr<RemoteRouter> router = remote_router();
    if (router) router->cancel(from, target, std::move(reason));
    return router != nullptr;
  }
  auto rec = find(target);
  if (!rec) return false;
  {
    std::lock_guard lk(rec->mu);
    if (rec->finished) return false;
    // One CANCEL per process: repeated cancels cannot fill its event queue.
    if (rec->cancelled.exchange(true)) return true;
    rec->events.push(Event{EventKind::Cancel, from, std::move(reason), std::nullopt, {}, std::nullopt});
    Clock::duration timeout = stop_timeout.value_or(rec->host.options().stop_timeout);
    if (timeout != Clock::duration::max())
      rec->cancel_timer = loop_.after(timeout, [this, target] { terminate(target); });
  }
  detail::wake(rec);
  return true;
}

bool System::terminate(const Pid& target) {
  auto rec = find(target);
  if (!rec) return false;
  {
    std::lock_guard lk(rec->mu);
    if (rec->finished) return false;
  }
  rec->terminate_requested.store(true);
  detail::wake(rec);
  return true;
}

bool System::alive(const Pid& pid) const {
  auto rec = find(pid);
  if (!rec) return false;
  std::lock_guard lk(rec->mu);
  return !rec->finished;
}

std::string System::register_name(const std::string& name, const Pid& pid) {
  if (!names_.lookup(name)) {
    if (std::shared_ptr<RemoteRouter> router = remote_router())
      if (std::optional<Pid> held = router->lookup(name); held && *held != pid)
        return "name " + name + " is already registered by " + held->to_string();
  }
  return names_.add(name, pid);
}

std::optional<Pid> System::lookup_name(const std::string& name) {
  if (std::optional<Pid> here = names_.lookup(name)) return here;
  std::shared_ptr<RemoteRouter> router = remote_router();
  return router ? router->lookup(name) : std::nullopt;
}

size_t System::process_count() const {
  std::shared_lock lk(mu_);
  size_t n = 0;
  for (const auto& [name, h] : hosts_) n += h->process_count();
  return n;
}

size_t System::shutdown() {
  std::vector<ProcessHost*> hosts;
  {
    std::unique_lock lk(mu_);
    if (shut_down_) return 0;
    shut_down_ = true;
    for (auto& [n, h] : hosts_) hosts.push_back(h.get());
  }
  Clock::duration timeout{0};
  for (ProcessHost* h : hosts) {
    h->begin_shutdown();
    timeout = std::max<Clock::duration>(timeout, h->options().stop_timeout);
  }
  wait_held();
  for (ProcessHost* h : hosts)
    for (const Pid& p : h->pids()) cancel(Pid{}, p);
  release();  // deterministic mode: the CANCELs are in; they run from here on
  // Cancelled processes are terminated by their own stop-timeout timers; this wait
  // only adds a little slack for those timers to fire.
  Clock::time_point deadline = saturating_add(saturating_add(Clock::now(), timeout), std::chrono::milliseconds(100));
  bool all_done = true;
  for (ProcessHost* h : hosts) all_done &= h->wait_empty(deadline);
  size_t terminated = 0;
  if (!all_done) {
    for (ProcessHost* h : hosts)
      for (const Pid& p : h->pids()) terminated += terminate(p) ? 1 : 0;
    // A terminated process ends at the end of its current slice.
    Clock::time_point grace = Clock::now() + std::chrono::seconds(5);
    for (ProcessHost* h : hosts) h->wait_empty(grace);
  }
  for (ProcessHost* h : hosts) h->stop_workers();
  if (serial_) serial_->stop();
  loop_.stop();
  return terminated;
}

}  // namespace wippy::procs
