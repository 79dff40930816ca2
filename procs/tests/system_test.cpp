// System semantics with native test processes: pids, messages, monitors, links,
// cancel, terminate, shutdown, wake-ups.
#include <atomic>
#include <future>
#include <map>
#include <set>
#include <thread>

#include "procs/tests/test_util.h"

namespace wippy::procs::test {
namespace {

HostOptions host_opts(std::string name = "h", unsigned workers = 2, std::chrono::milliseconds stop = 10000ms) {
  HostOptions o;
  o.name = std::move(name);
  o.workers = workers;
  o.stop_timeout = stop;
  return o;
}

// A process that waits for events and ends with the first one as its value:
// {type, from, value, error}.
std::unique_ptr<Process> event_waiter() {
  return fn_process([](ProcessContext& ctx) {
    auto ev = ctx.take_event();
    if (!ev) return StepResult::waiting();
    Value::Map m{{"type", event_type_name(ev->kind)}, {"from", ev->from.to_string()}, {"value", ev->value}};
    if (ev->error) m.emplace_back("error", *ev->error);
    return StepResult::done(Value(std::move(m)));
  });
}

std::unique_ptr<Process> returns(Value v) {
  return fn_process([v](ProcessContext&) { return StepResult::done(v); });
}

std::unique_ptr<Process> fails(std::string e) {
  return fn_process([e](ProcessContext&) { return StepResult::fail(e); });
}

// Never ends by itself: waits forever (ignores messages and events).
std::unique_ptr<Process> sleeper() {
  return fn_process([](ProcessContext& ctx) {
    while (ctx.take_event()) {
    }
    while (ctx.take_message()) {
    }
    return StepResult::waiting();
  });
}

TEST(System, PidsIncreaseFromOnePerHost) {
  System sys;
  sys.add_host(host_opts("a"));
  sys.add_host(host_opts("b"));
  ExitCollector c;
  EXPECT_EQ(sys.spawn_process("a", returns(1), c.options()).pid.to_string(), "{a|1}");
  EXPECT_EQ(sys.spawn_process("a", returns(2), c.options()).pid.to_string(), "{a|2}");
  EXPECT_EQ(sys.spawn_process("b", returns(3), c.options()).pid.to_string(), "{b|1}");
  ASSERT_TRUE(c.wait_for(3));
  EXPECT_THROW(sys.add_host(host_opts("a")), std::invalid_argument);
  EXPECT_EQ(sys.spawn_process("zz", returns(1)).error, "unknown host: zz");
}

TEST(System, ExitValueAndErrorReachOnExit) {
  System sys;
  sys.add_host(host_opts());
  ExitCollector ok, bad, thrower;
  Pid p = sys.spawn_process("h", returns("fine"), ok.options()).pid;
  sys.spawn_process("h", fails("boom"), bad.options());
  sys.spawn_process("h", fn_process([](ProcessContext&) -> StepResult { throw std::runtime_error("thrown"); }),
                    thrower.options());
  ASSERT_TRUE(ok.wait_for(1) && bad.wait_for(1) && thrower.wait_for(1));
  EXPECT_EQ(ok.only().value, Value("fine"));
  EXPECT_EQ(ok.only().from, p);
  EXPECT_FALSE(ok.only().error);
  EXPECT_EQ(bad.only().error, "boom");
  EXPECT_EQ(thrower.only().error, "thrown");
  EXPECT_FALSE(sys.alive(p));
}

TEST(System, FactorySpawnAndErrors) {
  System sys;
  sys.add_host(host_opts());
  EXPECT_NE(sys.spawn("h", "ns:x", {}).error.find("no process factory"), std::string::npos);
  sys.set_factory([](const std::string& id, std::vector<Value> args) -> std::unique_ptr<Process> {
    if (id != "ns:echo") throw std::runtime_error("entry not found: " + id);
    return returns(Value(std::move(args)));
  });
  ExitCollector c;
  SpawnResult r = sys.spawn("h", "ns:echo", {1, "two"}, c.options());
  ASSERT_TRUE(r) << r.error;
  ASSERT_TRUE(c.wait_for(1));
  EXPECT_EQ(c.only().value, Value(Value::Array{1, "two"}));
  EXPECT_EQ(sys.spawn("h", "ns:nope", {}).error, "entry not found: ns:nope");
  EXPECT_EQ(sys.spawn("zz", "ns:echo", {}).error, "unknown host: zz");
  SpawnOptions o;
  o.monitor = true;
  EXPECT_EQ(sys.spawn("h", "ns:echo", {}, o).error, "monitor/link requires a parent process");
}

TEST(System, MessagesPingPong) {
  System sys;
  sys.add_host(host_opts("h", 2));
  // The ponger answers every "ping" with "pong" carrying the same payload.
  Pid ponger = sys.spawn_process("h", fn_process([](ProcessContext& ctx) {
                                   while (auto m = ctx.take_message()) {
                                     if (m->topic == "stop") return StepResult::done("stopped");
                                     ctx.system().send(ctx.pid(), m->from, "pong", m->payload);
                                   }
                                   return StepResult::waiting();
                                 }))
                   .pid;
  const int kRounds = 2000;
  ExitCollector c;
  int sent = 0;
  int64_t sum = 0;
  sys.spawn_process("h", fn_process([&, ponger](ProcessContext& ctx) {
                      if (sent == 0) {
                        ctx.system().send(ctx.pid(), ponger, "ping", sent);
                        sent++;
                        return StepResult::waiting();
                      }
                      while (auto m = ctx.take_message()) {
                        EXPECT_EQ(m->topic, "pong");
                        EXPECT_EQ(m->from, ponger);
                        sum += m->payload.as_int();
                        if (sent == kRounds) {
                          ctx.system().send(ctx.pid(), ponger, "stop", {});
                          return StepResult::done(sum);
                        }
                        ctx.system().send(ctx.pid(), ponger, "ping", sent);
                        sent++;
                      }
                      return StepResult::waiting();
                    }),
                    c.options());
  ASSERT_TRUE(c.wait_for(1));
  EXPECT_EQ(c.only().value, Value(int64_t{kRounds} * (kRounds - 1) / 2));
  EXPECT_FALSE(sys.send(Pid{}, Pid{"h", 999}, "x", {}));
}

// Many threads send to one process that waits between messages: no wake-up is lost.
TEST(System, NoLostWakeups) {
  System sys;
  sys.add_host(host_opts("h", 2));
  const int kThreads = 4, kPer = 5000;
  int received = 0;
  ExitCollector c;
  Pid p = sys.spawn_process("h", fn_process([&](ProcessContext& ctx) {
                              // Take one message per step to maximise the races.
                              if (ctx.take_message() && ++received == kThreads * kPer)
                                return StepResult::done(received);
                              return ctx.has_message() ? StepResult::cont() : StepResult::waiting();
                            }),
                            c.options())
              .pid;
  std::vector<std::thread> ts;
  for (int t = 0; t < kThreads; t++)
    ts.emplace_back([&] {
      for (int i = 0; i < kPer; i++) sys.send(Pid{}, p, "", i);
    });
  for (auto& t : ts) t.join();
  ASSERT_TRUE(c.wait_for(1, 30000ms)) << "received " << received;
  EXPECT_EQ(c.only().value, Value(kThreads * kPer));
}

// What a process spawns is shared by the workers: the children end only once steps
// ran on two threads (kept on the spawning worker, they would run until the
// collector gives up).
TEST(System, ProcessesSpawnedByAProcessRunOnEveryWorker) {
  System sys;
  sys.add_host(host_opts("h", 2));
  std::mutex mu;
  std::set<std::thread::id> threads;
  auto on_two_threads = [&] {
    std::lock_guard lk(mu);
    threads.insert(std::this_thread::get_id());
    return threads.size() >= 2;
  };
  ExitCollector c;
  const int kChildren = 8;
  sys.spawn_process("h", fn_process([&](ProcessContext& ctx) {
                      for (int i = 0; i < kChildren; i++)
                        ctx.system().spawn_process("h", fn_process([&](ProcessContext&) {
                                                     return on_two_threads() ? StepResult::done() : StepResult::cont();
                                                   }),
                                                   c.options());
                      return StepResult::done();
                    }),
                    c.options());
  ASSERT_TRUE(c.wait_for(kChildren + 1)) << "steps ran on " << threads.size() << " thread(s)";
  for (const Event& ev : c.events()) EXPECT_FALSE(ev.error) << *ev.error;
}

// A process that always continues does not keep a new one from running on its
// worker (the round-robin: it goes behind what is queued).
TEST(System, AProcessThatAlwaysContinuesDoesNotStarveANewOne) {
  System sys;
  sys.add_host(host_opts("h", 1));
  std::atomic<bool> released{false};
  ExitCollector c;
  Counter first_step;
  sys.spawn_process("h", fn_process([&](ProcessContext&) {
                      first_step.add();
                      return released.load() ? StepResult::done() : StepResult::cont();
                    }),
                    c.options());
  ASSERT_TRUE(first_step.wait_for(1));
  sys.spawn_process("h", fn_process([&](ProcessContext&) {
                      released = true;
                      return StepResult::done();
                    }),
                    c.options());
  ASSERT_TRUE(c.wait_for(2)) << "the process from the global queue never ran";
}

// A timer never fires early, and it is the only thing that wakes the process.
TEST(System, WakeAtTimer) {
  System sys;
  sys.add_host(host_opts());
  ExitCollector c;
  std::optional<Clock::time_point> until;
  Clock::time_point woke{};
  int steps = 0;
  sys.spawn_process("h", fn_process([&](ProcessContext& ctx) {
                      steps++;
                      if (!until) {
                        until = Clock::now() + 40ms;
                        ctx.wake_at(*until);
                        ctx.wake_after(1h);  // dropped when the process ends
                        return StepResult::waiting();
                      }
                      woke = Clock::now();
                      return StepResult::done("woke");
                    }),
                    c.options());
  ASSERT_TRUE(c.wait_for(1));
  EXPECT_EQ(c.only().value, Value("woke"));
  EXPECT_EQ(steps, 2);
  EXPECT_GE(woke, *until);
}

// A parent spawns a child (monitored and/or linked) and ends with its first event,
// or "nothing". The test pokes the parent with a message once the child's on_exit
// ran: EXIT and LINK_DOWN are queued before on_exit, so "nothing" means none came.
Event parent_sees(System& sys, std::unique_ptr<Process> child, bool monitor, bool link) {
  ExitCollector parent_exit, child_exit;
  std::shared_ptr<std::unique_ptr<Process>> slot = std::make_shared<std::unique_ptr<Process>>(std::move(child));
  bool spawned = false;
  Pid parent = sys.spawn_process("h", fn_process([&, slot](ProcessContext& ctx) {
                                   if (!spawned) {
                                     spawned = true;
                                     ctx.set_trap_links(true);
                                     SpawnOptions o = child_exit.options();
                                     o.parent = ctx.pid();
                                     o.monitor = monitor;
                                     o.link = link;
                                     SpawnResult r = ctx.system().spawn_process("h", std::move(*slot), o);
                                     if (!r) return StepResult::fail(r.error);
                                   }
                                   if (auto ev = ctx.take_event()) {
                                     Value::Map m;
                                     m.reserve(3);  // no regrowth: GCC 12 warns falsely on moving Values
                                     m.emplace_back("type", event_type_name(ev->kind));
                                     m.emplace_back("value", ev->value);
                                     if (ev->error) m.emplace_back("error", *ev->error);
                                     return StepResult::done(Value(std::move(m)));
                                   }
                                   if (ctx.take_message()) return StepResult::done("nothing");
                                   return StepResult::waiting();
                                 }),
                                 parent_exit.options())
                   .pid;
  EXPECT_TRUE(child_exit.wait_for(1));
  sys.send(Pid{}, parent, "check", {});
  EXPECT_TRUE(parent_exit.wait_for(1));
  return parent_exit.only();
}

TEST(System, MonitorReceivesExitWithValueOrError) {
  System sys;
  sys.add_host(host_opts());
  Event e = parent_sees(sys, returns(42), true, false);
  EXPECT_EQ(*e.value.get("type"), Value("EXIT"));
  EXPECT_EQ(*e.value.get("value"), Value(42));
  e = parent_sees(sys, fails("bad"), true, false);
  EXPECT_EQ(*e.value.get("type"), Value("EXIT"));
  EXPECT_EQ(*e.value.get("error"), Value("bad"));
}

TEST(System, LinkDownOnlyOnAbnormalExit) {
  System sys;
  sys.add_host(host_opts());
  Event e = parent_sees(sys, fails("crash"), false, true);
  EXPECT_EQ(*e.value.get("type"), Value("LINK_DOWN"));
  EXPECT_EQ(*e.value.get("error"), Value("crash"));
  // A normal exit of a linked child delivers nothing.
  e = parent_sees(sys, returns("ok"), false, true);
  EXPECT_EQ(e.value, Value("nothing"));
}

TEST(System, MonitorAndLinkAfterSpawn) {
  System sys;
  sys.add_host(host_opts());
  ExitCollector w1, w2;
  Pid watcher = sys.spawn_process("h", event_waiter(), w1.options()).pid;
  SpawnOptions trapping;
  trapping.trap_links = true;
  Pid linked = sys.spawn_process("h", event_waiter(), w2.options(trapping)).pid;
  Pid target = sys.spawn_process("h", sleeper()).pid;
  EXPECT_TRUE(sys.monitor(watcher, target));
  EXPECT_TRUE(sys.link(linked, target));
  EXPECT_TRUE(sys.terminate(target));
  ASSERT_TRUE(w1.wait_for(1) && w2.wait_for(1));
  EXPECT_EQ(*w1.only().value.get("type"), Value("EXIT"));
  EXPECT_EQ(*w1.only().value.get("error"), Value("terminated"));
  EXPECT_EQ(*w1.only().value.get("from"), Value(target.to_string()));
  EXPECT_EQ(*w2.only().value.get("type"), Value("LINK_DOWN"));
  EXPECT_EQ(*w2.only().value.get("error"), Value("terminated"));

  // Monitoring a process that is gone: EXIT "no such process" at once.
  ExitCollector w3;
  Pid late = sys.spawn_process("h", event_waiter(), w3.options()).pid;
  EXPECT_FALSE(sys.monitor(late, Pid{"h", 12345}));
  ASSERT_TRUE(w3.wait_for(1));
  EXPECT_EQ(*w3.only().value.get("error"), Value("no such process"));
  EXPECT_FALSE(sys.link(late, Pid{"h", 12345}));
}

// A worker takes the processes it ended out of the table in batches, and while it
// is busy an ended process may still be there: everything must already treat it as
// gone (host.h, WorkerSlot).
TEST(System, AnEndedProcessIsGoneWhileItsWorkerIsBusy) {
  System sys;
  sys.add_host(host_opts("h", 1));
  ExitCollector ended, busy, starter;
  std::atomic<bool> release{false};
  Counter busy_running;
  Pid gone, blocker;
  // Spawned by a process, both go to the back of the one worker's queue: it runs
  // `gone` to its end, then the blocker, with no sleep in between.
  sys.spawn_process("h", fn_process([&](ProcessContext& ctx) {
                      gone = ctx.system().spawn_process("h", returns("done"), ended.options()).pid;
                      blocker = ctx.system()
                                    .spawn_process("h", fn_process([&](ProcessContext&) {
                                                     busy_running.add();
                                                     while (!release.load()) std::this_thread::sleep_for(1ms);
                                                     return StepResult::done();
                                                   }),
                                                   busy.options())
                                    .pid;
                      return StepResult::done();
                    }),
                    starter.options());
  ASSERT_TRUE(starter.wait_for(1) && ended.wait_for(1) && busy_running.wait_for(1));
  // The one worker is inside the blocker's step: it has not slept since `gone` ended.
  EXPECT_FALSE(sys.alive(gone));
  EXPECT_EQ(sys.host("h")->pids(), std::vector<Pid>{blocker});
  EXPECT_EQ(sys.process_count(), 1u);
  HostStats st = sys.host("h")->stats();
  EXPECT_EQ(st.spawned, 3u);
  EXPECT_EQ(st.finished, 2u);
  EXPECT_EQ(sys.try_send(Pid{}, gone, "m", 1).error, "no such process");
  EXPECT_FALSE(sys.terminate(gone));
  EXPECT_FALSE(sys.cancel(Pid{}, gone, {}));
  release = true;
  ASSERT_TRUE(busy.wait_for(1));
  EXPECT_EQ(sys.process_count(), 0u);
  EXPECT_TRUE(sys.host("h")->pids().empty());
}

TEST(System, DemonitorAndUnlink) {
  System sys;
  sys.add_host(host_opts());
  ExitCollector w;
  Pid watcher = sys.spawn_process("h", fn_process([](ProcessContext& ctx) {
                                    if (ctx.take_event()) return StepResult::done("got event");
                                    if (ctx.take_message()) return StepResult::done("no event");
                                    return StepResult::waiting();
                                  }),
                                  w.options())
                    .pid;
  ExitCollector t;
  Pid target = sys.spawn_process("h", sleeper(), t.options()).pid;
  EXPECT_TRUE(sys.monitor(watcher, target));
  EXPECT_TRUE(sys.link(watcher, target));
  EXPECT_TRUE(sys.demonitor(watcher, target));
  EXPECT_TRUE(sys.unlink(watcher, target));
  sys.terminate(target);
  ASSERT_TRUE(t.wait_for(1));
  sys.send(Pid{}, watcher, "", {});
  ASSERT_TRUE(w.wait_for(1));
  EXPECT_EQ(w.only().value, Value("no event"));
}

// A child spawned monitored sends its EXIT straight to its parent's record (record.h,
// parent_record): once while the parent monitors it, even if it monitors it again,
// and not at all once it demonitored it.
TEST(System, ASpawnMonitoredChildExitsToItsParentOnceOrNotAfterDemonitor) {
  System sys;
  sys.add_host(host_opts());
  ExitCollector parent_exit, children_exit;
  Pid quiet, twice, loud;
  std::map<Pid, int> exits;
  bool started = false, stop = false;
  Pid parent = sys.spawn_process("h", fn_process([&](ProcessContext& ctx) {
                                   if (!started) {
                                     started = true;
                                     System& s = ctx.system();
                                     SpawnOptions o = children_exit.options();
                                     o.parent = ctx.pid();
                                     o.monitor = true;
                                     quiet = s.spawn_process("h", sleeper(), o).pid;
                                     EXPECT_TRUE(s.demonitor(ctx.pid(), quiet));
                                     twice = s.spawn_process("h", sleeper(), o).pid;
                                     EXPECT_TRUE(s.monitor(ctx.pid(), twice));
                                     loud = s.spawn_process("h", returns("loud"), o).pid;
                                     EXPECT_TRUE(s.terminate(quiet));
                                     EXPECT_TRUE(s.terminate(twice));
                                   }
                                   while (auto ev = ctx.take_event()) exits[ev->from]++;
                                   if (ctx.take_message()) stop = true;
                                   return stop ? StepResult::done() : StepResult::waiting();
                                 }),
                                 parent_exit.options())
                 .pid;
  // A child's on_exit runs after its EXITs went out: they are queued before the message.
  ASSERT_TRUE(children_exit.wait_for(3));
  sys.send(Pid{}, parent, "", {});
  ASSERT_TRUE(parent_exit.wait_for(1));
  EXPECT_EQ(exits, (std::map<Pid, int>{{twice, 1}, {loud, 1}}));
}

TEST(System, CancelHandledByProcess) {
  System sys;
  sys.add_host(host_opts());
  ExitCollector c;
  Pid canceller{"x", 7};
  Pid p = sys.spawn_process("h", fn_process([](ProcessContext& ctx) {
                              auto ev = ctx.take_event();
                              if (!ev) return StepResult::waiting();
                              EXPECT_TRUE(ctx.cancelled());
                              return StepResult::done(std::string("cancelled by ") + ev->from.to_string() + " " +
                                                      event_type_name(ev->kind));
                            }),
                            c.options())
              .pid;
  EXPECT_TRUE(sys.cancel(canceller, p));
  ASSERT_TRUE(c.wait_for(1));
  EXPECT_EQ(c.only().value, Value("cancelled by {x|7} CANCEL"));
}

TEST(System, CancelIgnoredIsTerminatedAfterStopTimeout) {
  System sys;
  sys.add_host(host_opts("h", 1, 200ms));
  ExitCollector c;
  Pid p = sys.spawn_process("h", sleeper(), c.options()).pid;
  auto t0 = Clock::now();
  EXPECT_TRUE(sys.cancel(Pid{}, p));
  ASSERT_TRUE(c.wait_for(1));
  EXPECT_GE(Clock::now() - t0, 200ms);  // never before the stop timeout
  EXPECT_EQ(c.only().error, "terminated");
  EXPECT_FALSE(sys.cancel(Pid{}, p));
}

TEST(System, TerminateRunningAndWaiting) {
  System sys;
  sys.add_host(host_opts("h", 1));
  ExitCollector busy, idle, other;
  std::atomic<int> closed{0};
  Counter busy_steps, idle_waits;
  Pid b = sys.spawn_process("h",
                            observed(std::make_unique<FnProcess>([](ProcessContext&) { return StepResult::cont(); },
                                                                 [&] { closed++; }),
                                     &busy_steps),
                            busy.options())
              .pid;
  Pid i = sys.spawn_process("h", observed(sleeper(), nullptr, &idle_waits), idle.options()).pid;
  sys.spawn_process("h", returns("unaffected"), other.options());
  // One is running (it has stepped and wants more), the other waits.
  ASSERT_TRUE(busy_steps.wait_for(1) && idle_waits.wait_for(1));
  EXPECT_TRUE(sys.terminate(b));
  EXPECT_TRUE(sys.terminate(i));
  ASSERT_TRUE(busy.wait_for(1) && idle.wait_for(1) && other.wait_for(1));
  EXPECT_EQ(busy.only().error, "terminated");
  EXPECT_EQ(idle.only().error, "terminated");
  EXPECT_EQ(other.only().value, Value("unaffected"));
  EXPECT_EQ(closed.load(), 1);
  EXPECT_FALSE(sys.terminate(b));
  EXPECT_EQ(sys.process_count(), 0u);
}

TEST(System, SupervisedShutdownTerminatesWhatIgnoresCancel) {
  ExitCollector polite, stubborn, busy;
  auto t0 = Clock::now();
  {
    System sys;
    sys.add_host(host_opts("h", 2, 300ms));
    sys.spawn_process("h", fn_process([](ProcessContext& ctx) {
                        return ctx.take_event() ? StepResult::done("bye") : StepResult::waiting();
                      }),
                      polite.options());
    sys.spawn_process("h", sleeper(), stubborn.options());
    sys.spawn_process("h", fn_process([](ProcessContext&) { return StepResult::cont(); }), busy.options());
    sys.shutdown();
    EXPECT_EQ(sys.spawn_process("h", returns(1)).error, "host h is shutting down");
  }
  EXPECT_GE(Clock::now() - t0, 300ms);  // nothing is terminated before the stop timeout
  EXPECT_EQ(polite.only().value, Value("bye"));
  EXPECT_EQ(stubborn.only().error, "terminated");
  EXPECT_EQ(busy.only().error, "terminated");
}

// Shutdown returns as soon as every process ended on CANCEL: it does not wait for the
// stop timeout, and terminates nothing.
TEST(System, ShutdownIsQuickWhenEverythingCooperates) {
  constexpr auto kStop = 60000ms;
  ExitCollector c;
  auto t0 = Clock::now();
  {
    System sys;
    sys.add_host(host_opts("h", 2, kStop));
    for (int i = 0; i < 100; i++)
      sys.spawn_process("h", fn_process([](ProcessContext& ctx) {
                          return ctx.cancelled() ? StepResult::done() : StepResult::waiting();
                        }),
                        c.options());
    EXPECT_EQ(sys.shutdown(), 0u);
  }
  EXPECT_LT(Clock::now() - t0, kStop);
  ASSERT_EQ(c.size(), 100u);
  for (const Event& e : c.events()) EXPECT_FALSE(e.error);
}

// A process that has ended but is still inside close() is findable yet finished:
// the state that link() met half-way when the other side ended between its two locks.
// Linking it must change neither side.
TEST(System, LinkToAnEndingProcessLinksNeitherSide) {
  System sys;
  sys.add_host(host_opts());
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  Counter closing;
  ExitCollector ending_exit, a_exit;
  Pid a = sys.spawn_process("h", sleeper(), a_exit.options()).pid;
  Pid ending = sys.spawn_process("h",
                                 std::make_unique<FnProcess>([](ProcessContext&) { return StepResult::fail("crash"); },
                                                             [&closing, released] {
                                                               closing.add();
                                                               released.wait();
                                                             }),
                                 ending_exit.options())
                   .pid;
  ASSERT_TRUE(closing.wait_for(1));
  EXPECT_FALSE(sys.alive(ending));
  EXPECT_FALSE(sys.link(a, ending));
  EXPECT_FALSE(sys.link(ending, a));
  EXPECT_FALSE(sys.unlink(a, ending)) << "a was linked to a process that had ended";
  release.set_value();
  ASSERT_TRUE(ending_exit.wait_for(1));
  EXPECT_TRUE(sys.terminate(a));
  ASSERT_TRUE(a_exit.wait_for(1));
}

namespace {

// A process that counts the events of `kind` it receives into `count`; on a message
// it ends with the count.
std::unique_ptr<Process> counts_events(EventKind kind, int& count) {
  return fn_process([kind, &count](ProcessContext& ctx) {
    while (auto ev = ctx.take_event()) count += ev->kind == kind;
    if (ctx.take_message()) return StepResult::done(count);
    return StepResult::waiting();
  });
}

}  // namespace

// link() racing with the other side's exit: whatever the interleaving, a link that
// succeeded delivers LINK_DOWN, and one that failed left nothing behind.
TEST(System, LinkRacingWithExitIsAllOrNothing) {
  System sys;
  sys.add_host(host_opts("h", 2));
  // `a` counts LINK_DOWN events; on a message it ends with the count.
  ExitCollector a_exit;
  int link_downs = 0;
  SpawnOptions trapping;
  trapping.trap_links = true;
  Pid a = sys.spawn_process("h", counts_events(EventKind::LinkDown, link_downs), a_exit.options(trapping)).pid;
  const int kRounds = 300;
  int linked = 0;
  for (int i = 0; i < kRounds; i++) {
    ExitCollector b_exit;
    Pid b = sys.spawn_process("h", fn_process([](ProcessContext& ctx) {
                                return ctx.take_message() ? StepResult::fail("crash") : StepResult::waiting();
                              }),
                              b_exit.options())
                .pid;
    sys.send(Pid{}, b, "die", {});
    bool ok = sys.link(a, b);
    ASSERT_TRUE(b_exit.wait_for(1));
    if (ok)
      linked++;
    else
      EXPECT_FALSE(sys.unlink(a, b)) << "round " << i;
  }
  sys.send(Pid{}, a, "report", {});
  ASSERT_TRUE(a_exit.wait_for(1));
  EXPECT_EQ(a_exit.only().value, Value(linked));
}

// A send to a full mailbox fails visibly and queues nothing; the receiver and the
// sender are unaffected, and room frees up as the receiver takes messages.
TEST(System, MailboxMessageLimit) {
  HostOptions o = host_opts("h", 1, 3600000ms);
  o.max_mailbox_messages = 3;
  System sys;
  sys.add_host(o);
  // Takes no message until it gets an event (a CANCEL here), then all of them.
  Counter drained;
  int taken = 0;
  ExitCollector c;
  Pid p = sys.spawn_process("h", fn_process([&](ProcessContext& ctx) {
                              if (!ctx.take_event()) return StepResult::waiting();
                              while (ctx.take_message()) taken++;
                              drained.add();
                              return StepResult::waiting();
                            }),
                            c.options())
              .pid;
  for (int i = 0; i < 3; i++) EXPECT_TRUE(sys.try_send(Pid{}, p, "m", i)) << i;
  SendResult full = sys.try_send(Pid{}, p, "m", 3);
  EXPECT_EQ(full.error, "mailbox full: {h|1} holds 3 messages (max_mailbox_messages 3)");
  EXPECT_FALSE(sys.send(Pid{}, p, "m", 3));
  EXPECT_TRUE(sys.alive(p));
  sys.cancel(Pid{}, p);
  ASSERT_TRUE(drained.wait_for(1));
  EXPECT_TRUE(sys.try_send(Pid{}, p, "m", 4));
  EXPECT_EQ(sys.try_send(Pid{"x", 1}, Pid{"h", 99}, "m", 1).error, "no such process");
  sys.terminate(p);
  ASSERT_TRUE(c.wait_for(1));
  EXPECT_EQ(taken, 3);
}

TEST(System, MailboxByteLimit) {
  HostOptions o = host_opts("h", 1, 3600000ms);
  o.max_mailbox_bytes = 10000;
  System sys;
  sys.add_host(o);
  Counter drained;
  ExitCollector c;
  Pid p = sys.spawn_process("h", fn_process([&](ProcessContext& ctx) {
                              if (!ctx.take_event()) return StepResult::waiting();
                              while (ctx.take_message()) {
                              }
                              drained.add();
                              return StepResult::waiting();
                            }),
                            c.options())
              .pid;
  std::string kb4(4000, 'x');
  EXPECT_TRUE(sys.try_send(Pid{}, p, "", kb4));
  EXPECT_TRUE(sys.try_send(Pid{}, p, "", kb4));
  SendResult full = sys.try_send(Pid{}, p, "", kb4);
  EXPECT_EQ(full.error.rfind("mailbox full: {h|1} holds ", 0), 0u) << full.error;
  EXPECT_NE(full.error.find("(max_mailbox_bytes 10000)"), std::string::npos) << full.error;
  // Nested payloads count too: 3 x 4000 bytes inside one array.
  EXPECT_FALSE(sys.send(Pid{}, p, "", Value(Value::Array{kb4, kb4, kb4})));
  sys.cancel(Pid{}, p);
  ASSERT_TRUE(drained.wait_for(1));
  // Taking the messages gave their bytes back; one message above the limit never fits.
  EXPECT_TRUE(sys.try_send(Pid{}, p, "", kb4));
  EXPECT_FALSE(sys.send(Pid{}, p, "", std::string(20000, 'y')));
  sys.terminate(p);
  ASSERT_TRUE(c.wait_for(1));
}

// The hoarding case with the default limits: 1 KB messages to a process that
// never receives are refused long before 1,000,000 (the default caps its mailbox at
// 64 MiB / 100,000 messages).
TEST(System, MailboxDefaultsBoundANeverReceivingProcess) {
  System sys;
  sys.add_host(host_opts("h", 1, 3600000ms));
  ExitCollector c;
  Pid p = sys.spawn_process("h", fn_process([](ProcessContext&) { return StepResult::waiting(); }), c.options()).pid;
  const std::string kb(1024, 'x');
  size_t sent = 0;
  SendResult r;
  while (sent < 1'000'000 && (r = sys.try_send(Pid{}, p, "t", kb))) sent++;
  EXPECT_LT(sent, size_t{100'000});
  EXPECT_GT(sent, size_t{10'000});
  EXPECT_EQ(r.error.rfind("mailbox full: {h|1} holds ", 0), 0u) << r.error;
  sys.terminate(p);
  ASSERT_TRUE(c.wait_for(1));
}

TEST(System, PendingTimerLimitEndsOnlyTheHoarder) {
  HostOptions o = host_opts();
  o.max_timers = 5;
  System sys;
  sys.add_host(o);
  ExitCollector hoarder, tidy;
  sys.spawn_process("h", fn_process([](ProcessContext& ctx) {
                      for (int i = 0; i < 6; i++) ctx.wake_after(1h);
                      return StepResult::waiting();
                    }),
                    hoarder.options());
  // Timers that fired or were cancelled do not count.
  sys.spawn_process("h", fn_process([](ProcessContext& ctx) {
                      for (int i = 0; i < 100; i++) ctx.wake_after(1h).cancel();
                      return StepResult::done("ok");
                    }),
                    tidy.options());
  ASSERT_TRUE(hoarder.wait_for(1) && tidy.wait_for(1));
  EXPECT_EQ(hoarder.only().error, "too many pending timers: 5 (max_timers 5)");
  EXPECT_EQ(tidy.only().value, Value("ok"));
}

// Monitoring a dead pid queues an EXIT each time: a process that does so again and
// again without reading them is ended once max_mailbox_messages are unread.
TEST(System, EventQueueLimitEndsTheProcessThatLetsEventsPileUp) {
  HostOptions o = host_opts();
  o.max_mailbox_messages = 3;
  System sys;
  sys.add_host(o);
  ExitCollector c;
  Pid p = sys.spawn_process("h", fn_process([](ProcessContext&) { return StepResult::waiting(); }), c.options()).pid;
  for (int i = 0; i < 4; i++) EXPECT_FALSE(sys.monitor(p, Pid{"h", 1000u + i}));
  ASSERT_TRUE(c.wait_for(1));
  EXPECT_EQ(c.only().error, "event queue full: {h|1} holds 3 unread events (max_mailbox_messages 3)");
}

// Repeated cancels queue one CANCEL event: they cannot fill the event queue.
TEST(System, CancelIsDeliveredOnce) {
  System sys;
  sys.add_host(host_opts("h", 1, 3600000ms));
  ExitCollector c;
  int cancels = 0;
  Pid p = sys.spawn_process("h", counts_events(EventKind::Cancel, cancels), c.options()).pid;
  for (int i = 0; i < 10000; i++) ASSERT_TRUE(sys.cancel(Pid{}, p));
  sys.send(Pid{}, p, "report", {});
  ASSERT_TRUE(c.wait_for(1));
  EXPECT_EQ(c.only().value, Value(1));
}

// Without trap_links a LINK_DOWN fails the linked process (and so on down a chain);
// with it, the LINK_DOWN is an event.
TEST(System, LinkDownFailsAProcessThatDoesNotTrapLinks) {
  System sys;
  sys.add_host(host_opts());
  ExitCollector a_exit, b_exit, c_exit;
  Pid a = sys.spawn_process("h", event_waiter(), a_exit.options()).pid;
  Pid b = sys.spawn_process("h", event_waiter(), b_exit.options()).pid;
  Pid c = sys.spawn_process("h", fn_process([](ProcessContext& ctx) {
                              return ctx.take_message() ? StepResult::fail("boom") : StepResult::waiting();
                            }),
                            c_exit.options())
              .pid;
  ASSERT_TRUE(sys.link(a, b));
  ASSERT_TRUE(sys.link(b, c));
  sys.send(Pid{}, c, "die", {});
  ASSERT_TRUE(a_exit.wait_for(1) && b_exit.wait_for(1));
  EXPECT_EQ(*b_exit.only().error, "linked process " + c.to_string() + " failed: boom");
  EXPECT_EQ(*a_exit.only().error, "linked process " + b.to_string() + " failed: linked process " + c.to_string() +
                                      " failed: boom");
}

}  // namespace
}  // namespace wippy::procs::test
