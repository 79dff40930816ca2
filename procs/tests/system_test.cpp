// System semantics with native test processes: pids, messages, monitors, links,
// cancel, terminate, shutdown, wake-ups.
#include <atomic>
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

TEST(System, WakeAtTimer) {
  System sys;
  sys.add_host(host_opts());
  ExitCollector c;
  std::optional<Clock::time_point> until;
  sys.spawn_process("h", fn_process([&](ProcessContext& ctx) {
                      if (!until) {
                        until = Clock::now() + 40ms;
                        ctx.wake_at(*until);
                        ctx.wake_after(1h);  // dropped when the process ends
                      }
                      if (Clock::now() < *until) return StepResult::waiting();
                      return StepResult::done("woke");
                    }),
                    c.options());
  auto t0 = Clock::now();
  ASSERT_TRUE(c.wait_for(1));
  EXPECT_GE(Clock::now() - t0, 40ms);
  EXPECT_EQ(c.only().value, Value("woke"));
}

// A parent spawns a child (monitored and/or linked) and returns the first event.
Event parent_sees(System& sys, std::unique_ptr<Process> child, bool monitor, bool link) {
  ExitCollector c;
  std::shared_ptr<std::unique_ptr<Process>> slot = std::make_shared<std::unique_ptr<Process>>(std::move(child));
  bool spawned = false;
  Clock::time_point give_up{};
  sys.spawn_process("h", fn_process([&, slot](ProcessContext& ctx) {
                      if (!spawned) {
                        spawned = true;
                        SpawnOptions o;
                        o.parent = ctx.pid();
                        o.monitor = monitor;
                        o.link = link;
                        SpawnResult r = ctx.system().spawn_process("h", std::move(*slot), o);
                        if (!r) return StepResult::fail(r.error);
                        give_up = Clock::now() + 300ms;
                        if (!monitor) ctx.wake_at(give_up);  // give up when nothing comes
                      }
                      auto ev = ctx.take_event();
                      if (!ev) {
                        if (!monitor && Clock::now() >= give_up) return StepResult::done("nothing");
                        return StepResult::waiting();
                      }
                      Value::Map m{{"type", event_type_name(ev->kind)}, {"value", ev->value}};
                      if (ev->error) m.emplace_back("error", *ev->error);
                      return StepResult::done(Value(std::move(m)));
                    }),
                    c.options());
  EXPECT_TRUE(c.wait_for(1));
  return c.only();
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
  // A normal exit of a linked child delivers nothing (the parent times out).
  auto t0 = Clock::now();
  std::atomic<bool> release{false};
  e = parent_sees(sys,
                  fn_process([&](ProcessContext& ctx) {
                    if (!release) {
                      ctx.wake_after(20ms);
                      release = true;
                      return StepResult::waiting();
                    }
                    return StepResult::done("ok");
                  }),
                  false, true);
  EXPECT_EQ(e.value, Value("nothing"));
  EXPECT_GE(Clock::now() - t0, 250ms);
}

TEST(System, MonitorAndLinkAfterSpawn) {
  System sys;
  sys.add_host(host_opts());
  ExitCollector w1, w2;
  Pid watcher = sys.spawn_process("h", event_waiter(), w1.options()).pid;
  Pid linked = sys.spawn_process("h", event_waiter(), w2.options()).pid;
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
  ASSERT_TRUE(c.wait_for(1, 5000ms));
  auto took = Clock::now() - t0;
  EXPECT_GE(took, 200ms);
  EXPECT_LT(took, 2000ms);
  EXPECT_EQ(c.only().error, "terminated");
  EXPECT_FALSE(sys.cancel(Pid{}, p));
}

TEST(System, TerminateRunningAndWaiting) {
  System sys;
  sys.add_host(host_opts("h", 1));
  ExitCollector busy, idle, other;
  std::atomic<int> closed{0};
  Pid b = sys.spawn_process("h",
                            std::make_unique<FnProcess>([](ProcessContext&) { return StepResult::cont(); },
                                                        [&] { closed++; }),
                            busy.options())
              .pid;
  Pid i = sys.spawn_process("h", sleeper(), idle.options()).pid;
  sys.spawn_process("h", returns("unaffected"), other.options());
  std::this_thread::sleep_for(20ms);
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
  size_t terminated = 0;
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
    terminated = sys.shutdown();
    EXPECT_EQ(sys.spawn_process("h", returns(1)).error, "host h is shutting down");
  }
  auto took = Clock::now() - t0;
  EXPECT_LT(took, 3000ms);
  EXPECT_GE(took, 300ms);
  EXPECT_EQ(polite.only().value, Value("bye"));
  EXPECT_EQ(stubborn.only().error, "terminated");
  EXPECT_EQ(busy.only().error, "terminated");
  (void)terminated;
}

TEST(System, ShutdownIsQuickWhenEverythingCooperates) {
  auto t0 = Clock::now();
  {
    System sys;
    sys.add_host(host_opts("h", 2));  // 10 s stop timeout, never reached
    for (int i = 0; i < 100; i++)
      sys.spawn_process("h", fn_process([](ProcessContext& ctx) {
                          return ctx.cancelled() ? StepResult::done() : StepResult::waiting();
                        }));
  }
  EXPECT_LT(Clock::now() - t0, 2000ms);
}

}  // namespace
}  // namespace wippy::procs::test
