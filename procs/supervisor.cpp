// Supervisor: dependency order, restarts with backoff, orderly stop.
//
// Every change of state happens under Impl::mu. Callbacks (a process's first step,
// its exit, a timer) hold a weak pointer, so they do nothing once the supervisor is
// gone, and an incarnation number, so a late callback of an earlier process of the
// same service is ignored. User callbacks (done) run after the lock is released.
#include "procs/supervisor.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <map>
#include <random>
#include <stdexcept>

#include "procs/duration.h"

namespace wippy::procs {

namespace {

std::string dur(Clock::duration d) {
  return format_duration(std::chrono::duration_cast<std::chrono::nanoseconds>(d).count());
}

// Forwards to the service's process and reports its first completed step (the
// process is then "started") and whether it was ever cancelled.
class Watched : public Process {
 public:
  Watched(std::unique_ptr<Process> inner, std::function<void()> on_started,
          std::shared_ptr<std::atomic<bool>> cancelled)
      : inner_(std::move(inner)), on_started_(std::move(on_started)), cancelled_(std::move(cancelled)) {}
  StepResult step(ProcessContext& ctx) override {
    StepResult r = inner_->step(ctx);
    if (ctx.cancelled()) cancelled_->store(true);
    if (!started_ && r.kind != StepResult::Kind::Done) {
      started_ = true;
      on_started_();
    }
    return r;
  }
  void close() override { inner_->close(); }

 private:
  std::unique_ptr<Process> inner_;
  std::function<void()> on_started_;
  std::shared_ptr<std::atomic<bool>> cancelled_;
  bool started_ = false;
};

class LoopClock : public SupervisorClock, public std::enable_shared_from_this<LoopClock> {
 public:
  explicit LoopClock(EventLoop& loop) : loop_(loop) {}
  Clock::time_point now() override { return loop_.now(); }
  uint64_t at(Clock::time_point when, std::function<void()> fn) override {
    std::lock_guard lk(mu_);
    uint64_t id = next_++;
    timers_[id] = loop_.at(when, [w = weak_from_this(), id, fn = std::move(fn)] {
      if (auto self = w.lock()) {
        std::lock_guard lk(self->mu_);
        self->timers_.erase(id);
      }
      fn();
    });
    return id;
  }
  void cancel(uint64_t id) override {
    std::lock_guard lk(mu_);
    auto it = timers_.find(id);
    if (it == timers_.end()) return;
    it->second.cancel();
    timers_.erase(it);
  }

 private:
  EventLoop& loop_;
  std::mutex mu_;
  std::map<uint64_t, TimerHandle> timers_;
  uint64_t next_ = 1;
};

}  // namespace

std::shared_ptr<SupervisorClock> loop_clock(EventLoop& loop) { return std::make_shared<LoopClock>(loop); }

const char* Supervisor::state_name(State s) {
  switch (s) {
    case State::Idle: return "idle";
    case State::Starting: return "starting";
    case State::Running: return "running";
    case State::Backoff: return "backoff";
    case State::Stopping: return "stopping";
    case State::Stopped: return "stopped";
    case State::Failed: return "failed";
  }
  return "?";
}

struct Supervisor::Impl : std::enable_shared_from_this<Impl> {
  struct Svc {
    ServiceConfig cfg;
    Status st;
    uint64_t incarnation = 0;
    uint64_t timer = 0;  // start timeout, restart delay or stop timeout
    Clock::time_point started_at{};
    bool ran = false;        // took its first step (started_at is valid)
    bool timed_out = false;  // terminated because it did not start in time
    bool launched = false;   // ever spawned (it is then stopped by stop())
    std::shared_ptr<std::atomic<bool>> cancelled;
  };

  Impl(System& s, SupervisorOptions o) : sys(s), opts(std::move(o)) {}

  System& sys;
  SupervisorOptions opts;
  std::vector<Svc> svcs;
  std::vector<size_t> order;  // dependencies first
  std::mt19937_64 rng{0x5eed};

  mutable std::mutex mu;
  mutable std::condition_variable cv;
  std::vector<std::function<void()>> after;  // user callbacks, run once mu is released

  std::vector<size_t> boot;
  size_t boot_pos = 0;
  bool booting = false;
  std::function<void(std::string)> boot_done;

  std::vector<size_t> launch_order;  // first launch of each service
  std::vector<size_t> stop_list;
  size_t stop_pos = 0;
  bool stopping = false, stopped = false;
  std::vector<std::function<void()>> stop_done;

  // Runs `fn` on the Impl (if it still exists) under the lock, then the callbacks it queued.
  template <class F>
  static void with(const std::weak_ptr<Impl>& w, F&& fn) {
    if (auto self = w.lock()) self->run(std::forward<F>(fn));
  }
  template <class F>
  void run(F&& fn) {
    std::vector<std::function<void()>> todo;
    {
      std::lock_guard lk(mu);
      fn(*this);
      todo.swap(after);
    }
    cv.notify_all();
    for (auto& f : todo) f();
  }

  void log(const std::string& line) {
    if (opts.log) opts.log(line);
  }
  Clock::time_point now() { return opts.clock->now(); }
  void cancel_timer(Svc& s) {
    if (s.timer) opts.clock->cancel(s.timer);
    s.timer = 0;
  }

  void launch(size_t i) {
    Svc& s = svcs[i];
    std::unique_ptr<Process> p;
    std::string error;
    try {
      p = opts.factory ? opts.factory(s.cfg.process, s.cfg.input) : nullptr;
      if (!p) error = "no process factory for " + s.cfg.process;
    } catch (const std::exception& e) {
      error = e.what();
    }
    uint64_t inc = ++s.incarnation;
    s.st.starts++;
    s.ran = false;
    s.timed_out = false;
    if (!s.launched) {
      s.launched = true;
      launch_order.push_back(i);
    }
    if (error.empty()) {
      s.cancelled = std::make_shared<std::atomic<bool>>(false);
      std::weak_ptr<Impl> w = weak_from_this();
      auto proc = std::make_unique<Watched>(
          std::move(p), [w, i, inc] { with(w, [&](Impl& m) { m.on_started(i, inc); }); }, s.cancelled);
      SpawnOptions so;
      so.on_exit = [w, i, inc](const Event& ev) { with(w, [&](Impl& m) { m.on_exit(i, inc, ev); }); };
      s.st.state = State::Starting;
      SpawnResult r = sys.spawn_process(s.cfg.host, std::move(proc), std::move(so));
      if (r) {
        s.st.pid = r.pid;
        s.timer = opts.clock->at(saturating_add(now(), s.cfg.start_timeout),
                                 [w, i, inc] { with(w, [&](Impl& m) { m.on_start_timeout(i, inc); }); });
        return;
      }
      error = r.error;
    }
    s.st.state = State::Starting;  // so that failed() treats it as a failure to start
    failed(i, "cannot start " + s.cfg.process + ": " + error);
  }

  void on_started(size_t i, uint64_t inc) {
    Svc& s = svcs[i];
    if (inc != s.incarnation || s.st.state != State::Starting || s.timed_out) return;
    cancel_timer(s);
    s.st.state = State::Running;
    s.ran = true;
    s.started_at = now();
    log("service " + s.cfg.id + " started (" + s.st.pid.to_string() + ")");
    boot_step_done(i);
  }

  void on_start_timeout(size_t i, uint64_t inc) {
    Svc& s = svcs[i];
    if (inc != s.incarnation || s.st.state != State::Starting) return;
    s.timer = 0;
    s.timed_out = true;
    sys.terminate(s.st.pid);
  }

  void on_stop_timeout(size_t i, uint64_t inc) {
    Svc& s = svcs[i];
    if (inc != s.incarnation || s.st.state != State::Stopping) return;
    s.timer = 0;
    log("service " + s.cfg.id + " did not stop within " + dur(s.cfg.stop_timeout) + ": terminating it");
    sys.terminate(s.st.pid);
  }

  void on_exit(size_t i, uint64_t inc, const Event& ev) {
    Svc& s = svcs[i];
    if (inc != s.incarnation) return;
    cancel_timer(s);
    s.st.pid = {};
    if (s.st.state == State::Stopping) {
      s.st.state = State::Stopped;
      log("service " + s.cfg.id + " stopped");
      if (stop_pos < stop_list.size() && stop_list[stop_pos] == i) {
        stop_pos++;
        advance_stop();
      }
      return;
    }
    if (s.timed_out) {
      failed(i, "did not start within " + dur(s.cfg.start_timeout) + " (start_timeout)");
      return;
    }
    if (!ev.error || s.cancelled->load() || *ev.error == kErrTerminated) {
      // A normal exit, a cancel or a terminate: the service is done, no restart.
      std::string how = s.cancelled->load() ? "ended after a cancel" : !ev.error ? "ended normally" : "was terminated";
      s.st.state = State::Stopped;
      log("service " + s.cfg.id + " " + how + "; not restarted");
      boot_step_done(i);
      return;
    }
    failed(i, ev.backtrace.empty() ? *ev.error : "trap: " + *ev.error);
  }

  // An abnormal end (or a failure to start): fails the boot if this is the required
  // service it waits for, else a restart after the backoff delay.
  void failed(size_t i, const std::string& error) {
    Svc& s = svcs[i];
    bool was_starting = s.st.state == State::Starting;
    s.st.last_error = error;
    if (booting && was_starting && boot[boot_pos] == i && s.cfg.required) {
      s.st.state = State::Failed;
      log("service " + s.cfg.id + " failed to start: " + error);
      finish_boot("service " + s.cfg.id + " did not start: " + error);
      return;
    }
    schedule_restart(i);
    if (was_starting) boot_step_done(i);
  }

  void schedule_restart(size_t i) {
    Svc& s = svcs[i];
    Clock::time_point t = now();
    if (stopping || stopped) {
      s.st.state = State::Stopped;
      return;
    }
    if (s.ran && t - s.started_at >= s.cfg.stable_threshold) s.st.failures = 0;  // it had been stable
    s.st.failures++;
    const RestartPolicy& rp = s.cfg.restart;
    if (rp.max_attempts && s.st.failures > rp.max_attempts) {
      s.st.state = State::Failed;
      log("service " + s.cfg.id + " failed: " + s.st.last_error + "; giving up after " +
          std::to_string(rp.max_attempts) + " restart" + (rp.max_attempts == 1 ? "" : "s") + " (max_attempts)");
      return;
    }
    s.st.last_delay = restart_delay(rp, s.st.failures);
    s.st.restart_at = saturating_add(t, s.st.last_delay);
    s.st.state = State::Backoff;
    log("service " + s.cfg.id + " failed: " + s.st.last_error + "; restarting in " + dur(s.st.last_delay));
    std::weak_ptr<Impl> w = weak_from_this();
    uint64_t inc = s.incarnation;
    s.timer = opts.clock->at(s.st.restart_at, [w, i, inc] {
      with(w, [&](Impl& m) {
        Svc& sv = m.svcs[i];
        if (sv.incarnation != inc || sv.st.state != State::Backoff || m.stopping || m.stopped) return;
        sv.timer = 0;
        m.launch(i);
      });
    });
  }

  // initial_delay * backoff_factor^(failures-1), capped at max_delay, then varied by
  // +-jitter (and capped again: max_delay is never exceeded).
  Clock::duration restart_delay(const RestartPolicy& rp, uint32_t failures) {
    using ns = std::chrono::nanoseconds;
    double max = static_cast<double>(std::chrono::duration_cast<ns>(rp.max_delay).count());
    double d = static_cast<double>(std::chrono::duration_cast<ns>(rp.initial_delay).count());
    for (uint32_t k = 1; k < failures && d < max; ++k) d *= rp.backoff_factor;
    d = std::min(d, max);
    if (rp.jitter > 0) {
      double r = opts.random ? opts.random() : std::uniform_real_distribution<double>(0.0, 1.0)(rng);
      d *= 1.0 + rp.jitter * (2.0 * r - 1.0);
    }
    d = std::clamp(d, 0.0, max);
    return std::chrono::duration_cast<Clock::duration>(ns(static_cast<int64_t>(d)));
  }

  void boot_step_done(size_t i) {
    if (!booting || boot[boot_pos] != i) return;
    boot_pos++;
    advance_boot();
  }

  void advance_boot() {
    while (booting && boot_pos < boot.size()) {
      size_t i = boot[boot_pos];
      State st = svcs[i].st.state;
      if (st == State::Idle || st == State::Stopped || st == State::Failed) {
        launch(i);
        return;  // continues from on_started / on_exit
      }
      boot_pos++;  // already running (started earlier)
    }
    if (booting) finish_boot("");
  }

  void finish_boot(std::string error) {
    booting = false;
    if (boot_done) after.push_back([f = std::move(boot_done), error = std::move(error)] { f(error); });
    boot_done = nullptr;
  }

  void advance_stop() {
    while (stop_pos < stop_list.size()) {
      size_t i = stop_list[stop_pos];
      Svc& s = svcs[i];
      if (s.st.state == State::Starting || s.st.state == State::Running) {
        s.st.state = State::Stopping;
        cancel_timer(s);
        // The service's own stop_timeout applies, not the host's.
        sys.cancel(Pid{}, s.st.pid, Value("service stop"), Clock::duration::max());
        std::weak_ptr<Impl> w = weak_from_this();
        uint64_t inc = s.incarnation;
        s.timer = opts.clock->at(saturating_add(now(), s.cfg.stop_timeout),
                                 [w, i, inc] { with(w, [&](Impl& m) { m.on_stop_timeout(i, inc); }); });
        return;  // continues from on_exit
      }
      if (s.st.state == State::Backoff) {
        cancel_timer(s);
        s.st.state = State::Stopped;
      }
      if (s.st.state == State::Stopping) return;
      stop_pos++;
    }
    stopping = false;
    stopped = true;
    for (auto& f : stop_done) after.push_back(std::move(f));
    stop_done.clear();
  }

  std::vector<Status> snapshot() const {
    std::vector<Status> out;
    out.reserve(svcs.size());
    for (const Svc& s : svcs) out.push_back(s.st);
    return out;
  }
};

std::vector<size_t> service_start_order(const std::vector<ServiceConfig>& cfgs) {
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < cfgs.size(); ++i) {
    if (!index.emplace(cfgs[i].id, i).second) throw ServiceGraphError(cfgs[i].id, "declared twice");
  }
  std::vector<int> mark(cfgs.size(), 0);  // 0 new, 1 on the path, 2 done
  std::vector<size_t> order, path;
  std::function<void(size_t)> visit = [&](size_t i) {
    if (mark[i] == 2) return;
    if (mark[i] == 1) {
      std::string cycle;
      auto from = std::find(path.begin(), path.end(), i);
      for (auto it = from; it != path.end(); ++it) cycle += cfgs[*it].id + " -> ";
      throw ServiceGraphError(cfgs[i].id, "requires forms a cycle: " + cycle + cfgs[i].id);
    }
    mark[i] = 1;
    path.push_back(i);
    for (const std::string& dep : cfgs[i].depends_on) {
      auto it = index.find(dep);
      if (it == index.end())
        throw ServiceGraphError(cfgs[i].id, "requires " + dep + ", which is not a service");
      visit(it->second);
    }
    path.pop_back();
    mark[i] = 2;
    order.push_back(i);
  };
  for (size_t i = 0; i < cfgs.size(); ++i) visit(i);
  return order;
}

Supervisor::Supervisor(System& system, std::vector<ServiceConfig> services, SupervisorOptions options) {
  std::vector<size_t> order = service_start_order(services);
  if (!options.clock) options.clock = loop_clock(system.loop());
  impl_ = std::make_shared<Impl>(system, std::move(options));
  impl_->order = std::move(order);
  for (ServiceConfig& c : services) {
    Impl::Svc s;
    s.st.id = c.id;
    s.cfg = std::move(c);
    impl_->svcs.push_back(std::move(s));
  }
}

Supervisor::~Supervisor() {
  std::lock_guard lk(impl_->mu);
  impl_->stopped = true;
  impl_->booting = false;
  for (Impl::Svc& s : impl_->svcs) {
    impl_->cancel_timer(s);
    if (s.st.pid.valid()) impl_->sys.terminate(s.st.pid);
  }
}

void Supervisor::start(std::function<void(std::string)> done) {
  impl_->run([&](Impl& m) {
    if (m.booting || m.stopping || m.stopped) {
      m.after.push_back([done = std::move(done)] { done("the supervisor is already starting or was stopped"); });
      return;
    }
    // The auto_start services and, transitively, what they require.
    std::vector<bool> wanted(m.svcs.size(), false);
    std::map<std::string, size_t> index;
    for (size_t i = 0; i < m.svcs.size(); ++i) index[m.svcs[i].cfg.id] = i;
    std::function<void(size_t)> want = [&](size_t i) {
      if (wanted[i]) return;
      wanted[i] = true;
      for (const std::string& d : m.svcs[i].cfg.depends_on) want(index.at(d));
    };
    for (size_t i = 0; i < m.svcs.size(); ++i)
      if (m.svcs[i].cfg.auto_start) want(i);
    m.boot.clear();
    for (size_t i : m.order)
      if (wanted[i]) m.boot.push_back(i);
    m.boot_pos = 0;
    m.booting = true;
    m.boot_done = std::move(done);
    m.advance_boot();
  });
}

std::string Supervisor::start_and_wait() {
  std::mutex mu;
  std::condition_variable cv;
  std::optional<std::string> result;
  // Deterministic mode: the boot is asked for while nothing runs, and the caller
  // continues from the point of the run where it ended.
  System& sys = impl_->sys;
  sys.hold();
  start([&](std::string e) {
    sys.hold();
    std::lock_guard lk(mu);
    result = std::move(e);
    cv.notify_all();
  });
  std::unique_lock lk(mu);
  if (!result) sys.release();
  cv.wait(lk, [&] { return result.has_value(); });
  sys.wait_held();
  return *result;
}

void Supervisor::stop(std::function<void()> done) {
  impl_->run([&](Impl& m) {
    if (m.stopped) {
      m.after.push_back(std::move(done));
      return;
    }
    m.stop_done.push_back(std::move(done));
    if (m.stopping) return;
    if (m.booting) m.finish_boot("stopped before every service started");
    m.stopping = true;
    m.stop_list.assign(m.launch_order.rbegin(), m.launch_order.rend());
    m.stop_pos = 0;
    m.advance_stop();
  });
}

void Supervisor::stop_and_wait() {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  System& sys = impl_->sys;  // as in start_and_wait
  sys.hold();
  stop([&] {
    sys.hold();
    std::lock_guard lk(mu);
    done = true;
    cv.notify_all();
  });
  std::unique_lock lk(mu);
  if (!done) sys.release();
  cv.wait(lk, [&] { return done; });
  sys.wait_held();
}

std::vector<Supervisor::Status> Supervisor::status() const {
  std::lock_guard lk(impl_->mu);
  return impl_->snapshot();
}

bool Supervisor::wait_until(const std::function<bool(const std::vector<Status>&)>& pred,
                            Clock::duration safety) const {
  std::unique_lock lk(impl_->mu);
  return impl_->cv.wait_for(lk, safety, [&] { return pred(impl_->snapshot()); });
}

std::vector<std::string> Supervisor::start_order() const {
  std::vector<std::string> out;
  for (size_t i : impl_->order) out.push_back(impl_->svcs[i].cfg.id);
  return out;
}

}  // namespace wippy::procs
