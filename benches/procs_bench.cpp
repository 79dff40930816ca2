// procs benchmarks: spawn-to-EXIT latency of a trivial WASM process, the cost of a
// context switch between two processes exchanging messages, and the memory an idle
// (waiting) process costs.
#include <benchmark/benchmark.h>
#include <malloc.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <mutex>

#include "benches/exit_latch.h"
#include "procs/system.h"
#include "procs/wasm_process.h"

namespace wippy::procs {
namespace {

using namespace std::chrono_literals;

engine::ModulePtr guest(const char* name) {
  static engine::Engine engine;
  return engine.load_file(std::string(WIPPY_GUEST_DIR) + "/" + name + ".wasm");
}

HostOptions host(unsigned workers) {
  HostOptions o;
  o.name = "bench";
  o.workers = workers;
  o.stop_timeout = 1000ms;
  return o;
}

class Fn : public Process {
 public:
  explicit Fn(std::function<StepResult(ProcessContext&)> f) : f_(std::move(f)) {}
  StepResult step(ProcessContext& ctx) override { return f_(ctx); }

 private:
  std::function<StepResult(ProcessContext&)> f_;
};

// The trivial WASM process: compute(a, 7).
std::unique_ptr<WasmProcess> trivial_process(const engine::ModulePtr& module, int a) {
  WasmProcessConfig cfg;
  cfg.module = module;
  cfg.method = "compute";
  cfg.args = {a, 7};
  return std::make_unique<WasmProcess>(std::move(cfg));
}

// One spawn of compute(6, 7), from the benchmark thread to its EXIT callback.
void BM_SpawnToExit(benchmark::State& state) {
  System sys;
  sys.add_host(host(static_cast<unsigned>(state.range(0))));
  auto module = guest("bench_trivial");
  ExitLatch latch;
  uint64_t i = 0;
  for (auto _ : state) {
    SpawnOptions o;
    o.on_exit = [&](const Event&) { latch.hit(); };
    sys.spawn_process("bench", trivial_process(module, 6), std::move(o));
    latch.wait(++i);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_SpawnToExit)->Arg(1)->Arg(2)->UseRealTime();

// Throughput variant: 10,000 spawns in flight at once, time per process.
void BM_SpawnToExitBatch(benchmark::State& state) {
  System sys;
  sys.add_host(host(static_cast<unsigned>(state.range(0))));
  auto module = guest("bench_trivial");
  ExitLatch latch;
  const int kN = 10000;
  uint64_t total = 0;
  double elapsed_ns = 0;
  for (auto _ : state) {
    auto t0 = Clock::now();
    for (int k = 0; k < kN; k++) {
      SpawnOptions o;
      o.on_exit = [&](const Event&) { latch.hit(); };
      sys.spawn_process("bench", trivial_process(module, k), std::move(o));
    }
    total += kN;
    latch.wait(total);
    elapsed_ns += std::chrono::duration<double, std::nano>(Clock::now() - t0).count();
  }
  state.SetItemsProcessed(static_cast<int64_t>(total));
  state.counters["ns_per_process"] = elapsed_ns / static_cast<double>(total);
}
// Arg: worker threads (2 is one per core here; 1 leaves the other core to the spawning thread).
BENCHMARK(BM_SpawnToExitBatch)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);

// As the batch above, but a process spawns the 10,000 (monitored) and counts their
// EXIT events, as a Lua process spawning WASM workers does: the spawning thread is a
// worker of the host.
void BM_SpawnToExitFromProcess(benchmark::State& state) {
  System sys;
  sys.add_host(host(static_cast<unsigned>(state.range(0))));
  auto module = guest("bench_trivial");
  const int kN = 10000;
  uint64_t total = 0;
  double elapsed_ns = 0;
  std::atomic<int> failed{0};
  for (auto _ : state) {
    ExitLatch latch;
    auto t0 = Clock::now();
    int exits = 0;
    bool spawned = false;
    SpawnOptions po;
    po.on_exit = [&](const Event&) { latch.hit(); };
    sys.spawn_process("bench", std::make_unique<Fn>([&](ProcessContext& ctx) {
                        if (!spawned) {
                          spawned = true;
                          for (int k = 0; k < kN; k++) {
                            SpawnOptions o;
                            o.parent = ctx.pid();
                            o.monitor = true;
                            ctx.system().spawn_process("bench", trivial_process(module, k), std::move(o));
                          }
                        }
                        while (auto ev = ctx.take_event()) {
                          if (ev->kind != EventKind::Exit || ev->error) failed++;
                          exits++;
                        }
                        return exits == kN ? StepResult::done() : StepResult::waiting();
                      }),
                      std::move(po));
    latch.wait(1);
    elapsed_ns += std::chrono::duration<double, std::nano>(Clock::now() - t0).count();
    total += kN;
  }
  if (failed.load()) state.SkipWithError("a child failed");
  state.SetItemsProcessed(static_cast<int64_t>(total));
  state.counters["ns_per_process"] = elapsed_ns / static_cast<double>(total);
}
BENCHMARK(BM_SpawnToExitFromProcess)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);

// Two processes ping-pong `rounds` messages; one switch = one message delivered and
// the receiver stepped.
void BM_PingPong(benchmark::State& state) {
  const int64_t kRounds = 20000;
  System sys;
  sys.add_host(host(static_cast<unsigned>(state.range(0))));
  int64_t switches = 0;
  double elapsed_ns = 0;
  for (auto _ : state) {
    auto t0 = Clock::now();
    ExitLatch latch;
    SpawnOptions po;
    po.on_exit = [&](const Event&) { latch.hit(); };
    Pid ponger = sys.spawn_process("bench", std::make_unique<Fn>([](ProcessContext& ctx) {
                                     while (auto m = ctx.take_message()) {
                                       if (m->topic == "stop") return StepResult::done();
                                       ctx.system().send(ctx.pid(), m->from, "pong", {});
                                     }
                                     return StepResult::waiting();
                                   }),
                                   po)
                     .pid;
    int64_t n = 0;
    SpawnOptions o;
    o.on_exit = [&](const Event&) { latch.hit(); };
    sys.spawn_process("bench", std::make_unique<Fn>([&n, ponger, kRounds](ProcessContext& ctx) {
                        if (n == 0) {
                          n = 1;
                          ctx.system().send(ctx.pid(), ponger, "ping", {});
                          return StepResult::waiting();
                        }
                        while (ctx.take_message()) {
                          if (n++ == kRounds) {
                            ctx.system().send(ctx.pid(), ponger, "stop", {});
                            return StepResult::done();
                          }
                          ctx.system().send(ctx.pid(), ponger, "ping", {});
                        }
                        return StepResult::waiting();
                      }),
                      o);
    latch.wait(2);
    elapsed_ns += std::chrono::duration<double, std::nano>(Clock::now() - t0).count();
    switches += 2 * kRounds;
  }
  state.SetItemsProcessed(switches);
  state.counters["ns_per_switch"] = elapsed_ns / static_cast<double>(switches);
}
BENCHMARK(BM_PingPong)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);

size_t rss_bytes() {
  std::ifstream f("/proc/self/statm");
  size_t size = 0, resident = 0;
  f >> size >> resident;
  return resident * static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

// Bytes allocated with malloc and in use (independent of what RSS keeps from earlier runs).
size_t heap_in_use() {
  struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd;
}

// Never completes: the guest stays suspended until terminated.
struct Forever : AsyncOp {
  void start(std::shared_ptr<Completion>, EventLoop&) override {}
};

// N processes that all wait at once; RSS delta / N. range(1): 0 = native process
// waiting for a message, 1 = WASM guest (1 page of memory, one store into it)
// suspended on a host call, 2 = WASM guest with 16 pages it never touches.
void BM_IdleProcessMemory(benchmark::State& state) {
  const int kN = static_cast<int>(state.range(0));
  const bool wasm = state.range(1) != 0;
  auto module = guest(state.range(1) == 2 ? "bench_idle_untouched" : "bench_idle");
  double per_process = 0, heap_per_process = 0;
  for (auto _ : state) {
    System sys;
    sys.add_host(host(2));
    std::atomic<int> waiting{0};
    size_t before = rss_bytes();
    size_t heap_before = heap_in_use();
    for (int i = 0; i < kN; i++) {
      std::unique_ptr<Process> p;
      if (wasm) {
        WasmProcessConfig cfg;
        cfg.module = module;
        cfg.method = "run";
        cfg.imports = [&waiting](WasmImports& imp, ProcessContext&) {
          imp.linker.define_func("bench", "wait", interp::FuncType{{}, {interp::ValType::I32}},
                                 [&waiting](interp::HostCall&, const uint64_t*, uint64_t*) {
                                   waiting++;
                                   return interp::HostResult::suspend(std::make_unique<Forever>());
                                 });
        };
        p = std::make_unique<WasmProcess>(std::move(cfg));
      } else {
        p = std::make_unique<Fn>([&waiting, first = true](ProcessContext& ctx) mutable {
          if (first) {
            first = false;
            waiting++;
          }
          return ctx.take_message() ? StepResult::done() : StepResult::waiting();
        });
      }
      sys.spawn_process("bench", std::move(p));
    }
    while (waiting.load() < kN) std::this_thread::sleep_for(1ms);
    std::this_thread::sleep_for(20ms);
    size_t after = rss_bytes();
    per_process = (static_cast<double>(after) - static_cast<double>(before)) / kN;
    heap_per_process = (static_cast<double>(heap_in_use()) - static_cast<double>(heap_before)) / kN;
    state.PauseTiming();
    for (const Pid& pid : sys.host("bench")->pids()) sys.terminate(pid);
    sys.shutdown();
    state.ResumeTiming();
  }
  state.counters["rss_bytes_per_idle_process"] = per_process;  // run alone: RSS keeps freed heap
  state.counters["heap_bytes_per_idle_process"] = heap_per_process;
}
BENCHMARK(BM_IdleProcessMemory)
    ->Args({10000, 0})
    ->Args({10000, 1})
    ->Args({10000, 2})
    ->Args({100000, 2})
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace wippy::procs

BENCHMARK_MAIN();
