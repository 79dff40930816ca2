// WASM processes on the dispatcher: results, traps, limits, fairness, scale,
// suspension on host operations, proc_exit.
#include <atomic>

#include "procs/tests/test_util.h"

namespace wippy::procs::test {
namespace {

HostOptions host_opts(unsigned workers = 2, std::chrono::milliseconds stop = 10000ms) {
  HostOptions o;
  o.name = "wasm";
  o.workers = workers;
  o.stop_timeout = stop;
  return o;
}

TEST(WasmProcess, SpawnMonitoredComputeReceivesExit42) {
  System sys;
  sys.add_host(host_opts());
  sys.set_factory([](const std::string& id, std::vector<Value> args) -> std::unique_ptr<Process> {
    if (id != "myns:compute_worker") throw std::runtime_error("unknown entry: " + id);
    return wasm("basic", "compute", std::move(args));
  });
  // The driver plays the Lua main of issue 3: spawn_monitored, then receive EXIT.
  ExitCollector c;
  bool spawned = false;
  Pid child;
  sys.spawn_process("wasm", fn_process([&](ProcessContext& ctx) {
                      if (!spawned) {
                        spawned = true;
                        SpawnOptions o;
                        o.parent = ctx.pid();
                        o.monitor = true;
                        SpawnResult r = ctx.system().spawn("wasm", "myns:compute_worker", {6, 7}, o);
                        if (!r) return StepResult::fail("spawn failed: " + r.error);
                        child = r.pid;
                      }
                      auto ev = ctx.take_event();
                      if (!ev) return StepResult::waiting();
                      EXPECT_EQ(ev->kind, EventKind::Exit);
                      EXPECT_EQ(ev->from, child);
                      EXPECT_FALSE(ev->error);
                      return StepResult::done("result=" + ev->value.to_string());
                    }),
                    c.options());
  ASSERT_TRUE(c.wait_for(1));
  EXPECT_EQ(c.only().value, Value("result=42"));
  EXPECT_EQ(child.to_string(), "{wasm|2}");
}

TEST(WasmProcess, ResultShapes) {
  EXPECT_EQ(run_one(wasm("basic", "compute", {6, 7})).value, Value(42));
  EXPECT_EQ(run_one(wasm("basic", "started", {})).value, Value(7));  // the start function ran
  EXPECT_EQ(run_one(wasm("basic", "pair", {})).value, Value(Value::Array{-5, int64_t{9000000000}}));
  Event nothing = run_one(wasm("basic", "nothing", {}));
  EXPECT_TRUE(nothing.value.is_nil());
  EXPECT_FALSE(nothing.error);
  EXPECT_EQ(run_one(wasm("basic", "addf", {1.25, 2})).value, Value(3.25));
  EXPECT_EQ(run_one(wasm("basic", "echo64", {int64_t{-9000000000}})).value, Value(int64_t{-9000000000}));
  EXPECT_EQ(run_one(wasm("basic", "compute", {int64_t{4294967295}, 1})).value, Value(-1));
  // Many slices: count(1,000,000) takes ~4 million fuel units = ~400 slices.
  EXPECT_EQ(run_one(wasm("basic", "count", {1000000})).value, Value(0));
}

TEST(WasmProcess, ArgumentAndExportErrors) {
  EXPECT_EQ(run_one(wasm("basic", "compute", {6})).error, "parameter count mismatch: expected 2, got 1");
  EXPECT_EQ(run_one(wasm("basic", "compute", {6, "7"})).error,
            "argument 2: expected an integer for i32, got string");
  EXPECT_EQ(run_one(wasm("basic", "compute", {int64_t{1} << 33, 1})).error,
            "argument 1: integer 8589934592 out of range for i32");
  EXPECT_EQ(run_one(wasm("basic", "missing", {})).error, "export not found: missing");
}

TEST(WasmProcess, TrapsBecomeErrors) {
  EXPECT_EQ(run_one(wasm("basic", "unreachable", {})).error, "unreachable");
  EXPECT_EQ(run_one(wasm("basic", "oob", {})).error, "out of bounds memory access");
  WasmLimits depth;
  depth.max_call_depth = 100;
  EXPECT_EQ(run_one(wasm("basic", "recurse", {0}, depth)).error, "call stack exhausted");
}

TEST(WasmProcess, FuelLimit) {
  WasmLimits l;
  l.fuel = 200000;
  EXPECT_EQ(run_one(wasm("basic", "spin", {}, l)).error, "fuel exhausted");
  EXPECT_EQ(run_one(wasm("basic", "count", {1000}, l)).value, Value(0));  // well within
}

TEST(WasmProcess, MemoryLimit) {
  WasmLimits l;
  l.max_memory_pages = 10;
  Event e = run_one(wasm("bigmem", "run", {}, l));
  ASSERT_TRUE(e.error);
  EXPECT_FALSE(e.error->empty());
  EXPECT_EQ(run_one(wasm("bigmem", "run", {})).value, Value(1));
  // memory.grow past the limit fails inside the guest (-1); the process goes on.
  EXPECT_EQ(run_one(wasm("basic", "grow", {20}, l)).value, Value(-1));
  EXPECT_EQ(run_one(wasm("basic", "grow", {2}, l)).value, Value(1));
}

TEST(WasmProcess, ExecutionTimeLimitCpuBound) {
  WasmLimits l;
  l.max_execution_ms = 150;
  auto t0 = Clock::now();
  Event e = run_one(wasm("basic", "spin", {}, l));
  EXPECT_EQ(e.error, "execution time limit exceeded (150 ms)");
  EXPECT_GE(Clock::now() - t0, 150ms);  // never before the limit
}

TEST(WasmProcess, ExecutionTimeLimitCheckedAfterEachHostCall) {
  // One slice with no fuel budget to speak of runs host calls for ever; the first call
  // waits until the 1 ms limit has passed, so the check after it must end the process
  // (before, only the check between slices could, and this slice never ends).
  auto calls = std::make_shared<std::atomic<int>>(0);
  WasmProcessConfig cfg;
  cfg.module = load_guest("host_loop");
  cfg.method = "work_forever";
  cfg.limits.max_execution_ms = 1;
  cfg.slice = INT64_MAX;
  cfg.imports = [calls](WasmImports& im, ProcessContext&) {
    auto started = Clock::now();
    im.linker.define_func("test", "work", engine::FuncType{{}, {engine::ValType::I32}},
                          [calls, started](engine::HostCall&, const uint64_t*, uint64_t* r) {
                            if (++*calls == 1) {
                              while (Clock::now() < started + 2ms) {
                              }
                            }
                            if (*calls > 1000) return engine::HostResult::trap("not stopped after the time limit");
                            r[0] = 0;
                            return engine::HostResult::ok();
                          });
  };
  Event e = run_one(std::make_unique<WasmProcess>(std::move(cfg)));
  EXPECT_EQ(e.error, "execution time limit exceeded (1 ms)");
  EXPECT_EQ(calls->load(), 1);
}

TEST(WasmProcess, ImportsAndLinkErrors) {
  EXPECT_EQ(run_one(wasm("host", "sleep_then", {1, 5})).error, "unknown import: test.sleep_ms");
  Event e = run_one(wasm("host", "sleep_then", {1, 5}, {}, [](WasmImports&, ProcessContext&) {
    throw std::runtime_error("required wasi env variable not found: app:token");
  }));
  EXPECT_EQ(e.error, "required wasi env variable not found: app:token");
}

TEST(WasmProcess, SuspendsOnAsyncOpWithoutHoldingAThread) {
  // One worker, 200 guests that each wait on the gate: all 200 get to suspend, which
  // they could not if a waiting guest held the only worker. Then the gate opens.
  System sys;
  sys.add_host(host_opts(1));
  auto gate = std::make_shared<Gate>();
  ExitCollector c;
  for (int i = 0; i < 200; i++)
    ASSERT_TRUE(sys.spawn_process("wasm", wasm("host", "sleep_then", {0, i}, {}, host_imports(gate)), c.options()));
  ASSERT_TRUE(gate->suspended().wait_for(200));
  EXPECT_EQ(c.size(), 0u);
  gate->open();
  ASSERT_TRUE(c.wait_for(200));
  std::set<int64_t> values;
  for (const Event& e : c.events()) {
    EXPECT_FALSE(e.error) << *e.error;
    if (!e.error) values.insert(e.value.as_int());
  }
  EXPECT_EQ(values.size(), 200u);
  // Two suspensions in one call on a real SleepOp (a timer), each completing with 1;
  // a sleep never ends early.
  auto t0 = Clock::now();
  EXPECT_EQ(run_one(wasm("host", "sleep_twice", {5}, {}, host_imports())).value, Value(2));
  EXPECT_GE(Clock::now() - t0, 10ms);
}

TEST(WasmProcess, ExecutionTimeLimitWhileWaiting) {
  WasmLimits l;
  l.max_execution_ms = 100;
  auto t0 = Clock::now();
  Event e = run_one(wasm("host", "sleep_then", {60000, 1}, l, host_imports()));
  EXPECT_EQ(e.error, "execution time limit exceeded (100 ms)");
  EXPECT_GE(Clock::now() - t0, 100ms);
}

TEST(WasmProcess, ProcExit) {
  Event zero = run_one(wasm("host", "exit_with", {0}, {}, host_imports()));
  EXPECT_FALSE(zero.error);
  EXPECT_TRUE(zero.value.is_nil());
  EXPECT_EQ(run_one(wasm("host", "exit_with", {3}, {}, host_imports())).error, "exit code 3");
}

TEST(WasmProcess, TerminateAndCancelWhileWaiting) {
  System sys;
  sys.add_host(host_opts(1, 150ms));
  ExitCollector t, c;
  auto gate = std::make_shared<Gate>();  // never opens
  Pid a = sys.spawn_process("wasm", wasm("host", "sleep_then", {0, 1}, {}, host_imports(gate)), t.options()).pid;
  Pid b = sys.spawn_process("wasm", wasm("basic", "spin", {}), c.options()).pid;
  ASSERT_TRUE(gate->suspended().wait_for(1));  // `a` waits on a host operation
  EXPECT_TRUE(sys.terminate(a));
  auto t0 = Clock::now();
  EXPECT_TRUE(sys.cancel(Pid{}, b));  // a WASM process can't react: terminated after 150 ms
  ASSERT_TRUE(t.wait_for(1) && c.wait_for(1));
  EXPECT_EQ(t.only().error, "terminated");
  EXPECT_EQ(c.only().error, "terminated");
  EXPECT_GE(Clock::now() - t0, 150ms);
}

// Fairness: one worker; an endless loop holds it before 50 short guests arrive. A
// driver process makes the order exact: it spawns the loop, lets it run one slice,
// then spawns the short ones. Round robin gives each a slice per round, so all 50
// finish (about 10 slices each) while the loop still runs.
// Outlives the System, which the processes report to.
struct Fairness {
  ExitCollector driver, loop_exit, short_exits;
  Counter loop_steps;
  int stage = 0;
  Pid loop;
};

void run_fairness(System& sys, WasmLimits loop_limits, Fairness& f) {
  sys.add_host(host_opts(1));
  sys.spawn_process("wasm", fn_process([&f, loop_limits](ProcessContext& ctx) {
                      if (f.stage++ == 0) {
                        SpawnResult r = ctx.system().spawn_process(
                            "wasm", observed(wasm("basic", "spin", {}, loop_limits), &f.loop_steps),
                            f.loop_exit.options());
                        if (!r) return StepResult::fail(r.error);
                        f.loop = r.pid;
                        return StepResult::cont();  // behind the loop in the run queue
                      }
                      if (f.loop_steps.value() == 0) return StepResult::fail("the loop has not run yet");
                      for (int i = 0; i < 50; i++) {
                        SpawnResult r = ctx.system().spawn_process("wasm", wasm("basic", "count", {20000 + i}),
                                                                   f.short_exits.options());
                        if (!r) return StepResult::fail(r.error);
                      }
                      return StepResult::done();
                    }),
                    f.driver.options());
  ASSERT_TRUE(f.driver.wait_for(1));
  ASSERT_FALSE(f.driver.only().error) << *f.driver.only().error;
  ASSERT_TRUE(f.short_exits.wait_for(50, 60000ms));
  EXPECT_EQ(f.loop_exit.size(), 0u) << "the loop ended before the short processes";
  for (const Event& e : f.short_exits.events()) EXPECT_EQ(e.value, Value(0));
}

TEST(WasmProcess, FairnessShortGuestsFinishWhileALoopRuns) {
  Fairness f;
  System sys;
  run_fairness(sys, {}, f);
  EXPECT_TRUE(sys.terminate(f.loop));
  ASSERT_TRUE(f.loop_exit.wait_for(1));
  EXPECT_EQ(f.loop_exit.only().error, "terminated");
}

TEST(WasmProcess, FairnessEndlessLoopEndsByFuelLimit) {
  WasmLimits l;
  l.fuel = 20'000'000;  // 2,000 slices: far more than the short guests need
  Fairness f;
  System sys;
  run_fairness(sys, l, f);
  ASSERT_TRUE(f.loop_exit.wait_for(1, 60000ms));
  EXPECT_EQ(f.loop_exit.only().error, "fuel exhausted");
}

TEST(WasmProcess, TrapDoesNotAffectOthers) {
  System sys;
  sys.add_host(host_opts(2));
  ExitCollector good, bad;
  for (int i = 0; i < 20; i++) {
    sys.spawn_process("wasm", wasm("basic", "compute", {i, 2}), good.options());
    sys.spawn_process("wasm", wasm("basic", i % 2 ? "oob" : "unreachable", {}), bad.options());
  }
  ASSERT_TRUE(good.wait_for(20) && bad.wait_for(20));
  int64_t sum = 0;
  for (const Event& e : good.events()) sum += e.value.as_int();
  EXPECT_EQ(sum, 2 * (19 * 20 / 2));
  for (const Event& e : bad.events()) EXPECT_TRUE(e.error);
}

// Scale: a driver process spawns 10,000 monitored WASM processes and receives
// every EXIT; the test thread also sees every one through on_exit.
// A worker releases the module references of ended processes a batch at a time
// (procs/module_release.h), and the rest once it is idle: a module nobody else holds
// is freed soon after its last process ended, while the host lives on.
TEST(WasmProcess, ModuleFreedOnceItsProcessesEnded) {
  System sys;
  sys.add_host(host_opts(2));
  std::weak_ptr<const engine::Module> weak;
  Counter exits;
  {
    engine::ModulePtr module = load_guest("basic");
    weak = module;
    for (int k = 0; k < 10; k++) {
      WasmProcessConfig cfg;
      cfg.module = module;
      cfg.method = "compute";
      cfg.args = {k, 3};
      SpawnOptions o;
      o.on_exit = [&](const Event&) { exits.add(); };
      ASSERT_TRUE(sys.spawn_process("wasm", std::make_unique<WasmProcess>(std::move(cfg)), std::move(o)));
    }
  }
  ASSERT_TRUE(exits.wait_for(10));
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!weak.expired() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
  EXPECT_TRUE(weak.expired());
}

TEST(WasmProcess, Scale10000FromADriverProcess) {
  const int kN = 10000;
  System sys;
  sys.add_host(host_opts(2));
  auto module = load_guest("basic");
  ExitCollector driver_exit;
  Counter on_exit_seen;
  int spawned = 0, received = 0;
  int64_t sum = 0;
  std::set<Pid> from;
  sys.spawn_process("wasm", fn_process([&](ProcessContext& ctx) {
                      // Spawn in batches so that spawning itself is sliced.
                      for (int k = 0; k < 500 && spawned < kN; k++, spawned++) {
                        WasmProcessConfig cfg;
                        cfg.module = module;
                        cfg.method = "compute";
                        cfg.args = {spawned, 3};
                        SpawnOptions o;
                        o.parent = ctx.pid();
                        o.monitor = true;
                        o.on_exit = [&](const Event&) { on_exit_seen.add(); };
                        SpawnResult r = ctx.system().spawn_process("wasm", std::make_unique<WasmProcess>(cfg), o);
                        if (!r) return StepResult::fail(r.error);
                      }
                      while (auto ev = ctx.take_event()) {
                        if (ev->kind != EventKind::Exit || ev->error) return StepResult::fail("bad event");
                        received++;
                        sum += ev->value.as_int();
                        from.insert(ev->from);
                      }
                      if (received == kN) return StepResult::done(received);
                      return spawned < kN ? StepResult::cont() : StepResult::waiting();
                    }),
                    driver_exit.options());
  ASSERT_TRUE(driver_exit.wait_for(1, 120000ms));
  EXPECT_EQ(driver_exit.only().value, Value(kN));
  EXPECT_EQ(sum, int64_t{3} * kN * (kN - 1) / 2);
  EXPECT_EQ(from.size(), size_t(kN));
  // The monitor's EXIT is delivered before on_exit runs: the last callbacks may lag.
  EXPECT_TRUE(on_exit_seen.wait_for(kN));
  EXPECT_EQ(on_exit_seen.value(), kN);
  EXPECT_EQ(sys.process_count(), 0u);
  EXPECT_EQ(sys.host("wasm")->stats().spawned, uint64_t(kN + 1));
}

}  // namespace
}  // namespace wippy::procs::test
