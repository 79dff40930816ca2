// Interpreter micro-benchmarks, run through the engine API (load, link, instantiate,
// Instance::call, Execution::run). Where it means something, items/s is wasm
// instructions per second (Execution::fuel_consumed() counts one per instruction).
//
//   build/benches/interp_bench [--benchmark_filter=REGEX]
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/engine.h"

namespace wippy::engine {
namespace {

std::string guest_path(const std::string& name) { return std::string(WIPPY_GUEST_DIR) + "/" + name + ".wasm"; }

ModulePtr guest(const std::string& name) {
  static Engine engine;
  return engine.load_file(guest_path(name));
}

// A host function that completes at once, and one that always suspends; the
// benchmark resumes it immediately with the argument plus one.
struct Pending : interp::HostPending {
  uint64_t value = 0;
};

Linker host_linker() {
  Linker linker;
  FuncType t{{ValType::I32}, {ValType::I32}};
  linker.define_func("env", "call", t, [](interp::HostCall&, const uint64_t* args, uint64_t* results) {
    results[0] = static_cast<uint32_t>(args[0] + 1);
    return interp::HostResult::ok();
  });
  linker.define_func("env", "suspend", t, [](interp::HostCall&, const uint64_t* args, uint64_t*) {
    auto p = std::make_unique<Pending>();
    p->value = static_cast<uint32_t>(args[0] + 1);
    return interp::HostResult::suspend(std::move(p));
  });
  return linker;
}

// Runs export `fn` of guest `module` with one i32 argument `n` to completion each
// iteration, in budgets of `slice` fuel units (0: one run with an unlimited budget).
void run_export(benchmark::State& state, const char* module, const char* fn, uint32_t n, int64_t slice = 0) {
  Linker linker;
  Instance inst(linker, guest(module));
  uint64_t arg = n;
  uint64_t instructions = 0;
  uint64_t result = 0;
  for (auto _ : state) {
    auto exec = inst.call(fn, {&arg, 1});
    RunStatus s;
    if (slice > 0) {
      while ((s = exec->run(slice)) == RunStatus::OutOfBudget) {
      }
    } else {
      s = exec->run();
    }
    if (s != RunStatus::Done) {
      std::string why = std::string("run ended ") + interp::run_status_name(s);
      if (s == RunStatus::Trapped) why += ": " + exec->trap().message;
      state.SkipWithError(why.c_str());
      return;
    }
    result = exec->results()[0];
    instructions += exec->fuel_consumed();
  }
  benchmark::DoNotOptimize(result);
  state.SetItemsProcessed(static_cast<int64_t>(instructions));
  state.SetLabel("items = wasm instructions");
}

// Dispatch of simple i32 arithmetic in a loop.
void BM_Arith(benchmark::State& state) { run_export(state, "micro_arith", "run", 1'000'000); }
BENCHMARK(BM_Arith)->Unit(benchmark::kMillisecond);

// local.get / local.set / local.tee among many locals.
void BM_Locals(benchmark::State& state) { run_export(state, "micro_locals", "run", 1'000'000); }
BENCHMARK(BM_Locals)->Unit(benchmark::kMillisecond);

// Loads and stores of several widths.
void BM_Memory(benchmark::State& state) { run_export(state, "micro_memory", "run", 1'000'000); }
BENCHMARK(BM_Memory)->Unit(benchmark::kMillisecond);

// A loop calling a two-argument leaf function.
void BM_CallDirect(benchmark::State& state) { run_export(state, "micro_calls", "direct", 1'000'000); }
BENCHMARK(BM_CallDirect)->Unit(benchmark::kMillisecond);

// Naive recursive fib(25): about 243,000 calls, deep and shallow.
void BM_CallRecursiveFib(benchmark::State& state) { run_export(state, "micro_calls", "fib", 25); }
BENCHMARK(BM_CallRecursiveFib)->Unit(benchmark::kMillisecond);

// call_indirect through a table, cycling over four targets of the same type.
void BM_CallIndirect(benchmark::State& state) { run_export(state, "micro_calls", "indirect", 1'000'000); }
BENCHMARK(BM_CallIndirect)->Unit(benchmark::kMillisecond);

// if/else and br_if on pseudo-random conditions.
void BM_Branches(benchmark::State& state) { run_export(state, "micro_branches", "branches", 1'000'000); }
BENCHMARK(BM_Branches)->Unit(benchmark::kMillisecond);

// br_table over eight targets.
void BM_BrTable(benchmark::State& state) { run_export(state, "micro_branches", "br_table", 1'000'000); }
BENCHMARK(BM_BrTable)->Unit(benchmark::kMillisecond);

// Fuel metering: the arithmetic loop with one unlimited budget versus budget slices
// of 10,000 units (each slice returns OutOfBudget to the host and is run again).
void BM_FuelUnlimited(benchmark::State& state) { run_export(state, "micro_arith", "run", 1'000'000, 0); }
BENCHMARK(BM_FuelUnlimited)->Unit(benchmark::kMillisecond);
void BM_FuelSlices10k(benchmark::State& state) { run_export(state, "micro_arith", "run", 1'000'000, 10'000); }
BENCHMARK(BM_FuelSlices10k)->Unit(benchmark::kMillisecond);
void BM_FuelSlices1k(benchmark::State& state) { run_export(state, "micro_arith", "run", 1'000'000, 1'000); }
BENCHMARK(BM_FuelSlices1k)->Unit(benchmark::kMillisecond);

// Host calls: items/s = host calls per second. "Call" completes in place;
// "SuspendResume" suspends the execution at every call and resumes it at once.
constexpr uint32_t kHostCalls = 100'000;

void BM_HostCall(benchmark::State& state) {
  Linker linker = host_linker();
  Instance inst(linker, guest("micro_host"));
  uint64_t arg = kHostCalls;
  for (auto _ : state) {
    auto exec = inst.call("calls", {&arg, 1});
    if (RunStatus s = exec->run(); s != RunStatus::Done) {
      std::string why = std::string("host call loop ended ") + interp::run_status_name(s);
      if (s == RunStatus::Trapped) why += ": " + exec->trap().message;
      state.SkipWithError(why.c_str());
      return;
    }
    benchmark::DoNotOptimize(exec->results()[0]);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * kHostCalls);
  state.SetLabel("items = host calls");
}
BENCHMARK(BM_HostCall)->Unit(benchmark::kMillisecond);

// Arg: the budget of each run() (0: unlimited, as a plain embedder calls it; 1,000,000:
// a scheduler's time slice).
void BM_HostSuspendResume(benchmark::State& state) {
  Linker linker = host_linker();
  Instance inst(linker, guest("micro_host"));
  uint64_t arg = kHostCalls;
  int64_t budget = state.range(0) > 0 ? state.range(0) : INT64_MAX;
  for (auto _ : state) {
    auto exec = inst.call("suspends", {&arg, 1});
    RunStatus s;
    while ((s = exec->run(budget)) == RunStatus::Suspended || s == RunStatus::OutOfBudget) {
      if (s == RunStatus::OutOfBudget) continue;
      uint64_t value = static_cast<Pending*>(exec->pending())->value;
      exec->resume({&value, 1});
    }
    if (s != RunStatus::Done) {
      std::string why = std::string("suspend loop ended ") + interp::run_status_name(s);
      if (s == RunStatus::Trapped) why += ": " + exec->trap().message;
      state.SkipWithError(why.c_str());
      return;
    }
    benchmark::DoNotOptimize(exec->results()[0]);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * kHostCalls);
  state.SetLabel("items = suspend+resume round trips");
}
BENCHMARK(BM_HostSuspendResume)->Arg(0)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

// --- module load -----------------------------------------------------------------

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Size in bytes of the module's code section (id 10), or 0.
size_t code_section_size(const std::vector<uint8_t>& bytes) {
  size_t p = 8;
  auto leb = [&]() -> uint64_t {
    uint64_t v = 0;
    for (int shift = 0; p < bytes.size() && shift < 64; shift += 7) {
      uint8_t b = bytes[p++];
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) break;
    }
    return v;
  };
  while (p < bytes.size()) {
    uint8_t id = bytes[p++];
    uint64_t size = leb();
    if (id == 10) return size;
    p += size;
  }
  return 0;
}

// The whole-program workload module (benches/workloads/*.c) with the most code.
std::string largest_workload() {
  static const char* const kWorkloads[] = {"calls", "sieve", "matmul", "sha256",
                                           "nbody", "quicksort", "vm", "hashmap"};
  std::string best;
  size_t best_size = 0;
  for (const char* w : kWorkloads) {
    if (!std::filesystem::exists(guest_path(w))) continue;
    size_t size = code_section_size(read_file(guest_path(w)));
    if (size > best_size) best = w, best_size = size;
  }
  return best;
}

// Decode + validate + translate of `path` (a fresh Engine each time, so the cache
// never hits) on `threads` threads (0: as many as the engine picks). bytes/s counts
// the whole module; the code_bytes/s counter only its code section. Both are per
// second of wall time, and the CPU time is the process's (all threads).
void module_load(benchmark::State& state, const std::string& path, unsigned threads = 0,
                 Translation translation = Translation::Auto) {
  std::vector<uint8_t> bytes = read_file(path);
  size_t code = code_section_size(bytes);
  for (auto _ : state) {
    Engine engine({.compile_threads = threads, .translation = translation});
    ModulePtr m = engine.load(bytes);
    benchmark::DoNotOptimize(m.get());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes.size()));
  state.counters["code_bytes/s"] = benchmark::Counter(static_cast<double>(state.iterations() * code),
                                                      benchmark::Counter::kIsRate, benchmark::Counter::kIs1000);
  state.SetLabel(std::filesystem::path(path).filename().string() + ": " + std::to_string(bytes.size()) +
                 " bytes, code " + std::to_string(code));
}

void BM_ModuleLoad(benchmark::State& state) {
  std::string name = largest_workload();
  if (name.empty()) {
    state.SkipWithError("no workload module built");
    return;
  }
  module_load(state, guest_path(name));
}
BENCHMARK(BM_ModuleLoad)->Unit(benchmark::kMicrosecond)->UseRealTime()->MeasureProcessCPUTime();

// Big real-world modules: the core modules jco ships (build/jco, scripts/install-jco.sh;
// wasm-tools 2.4 MB, StarlingMonkey 10.5 MB) and $WIPPY_BENCH_MODULE if set, each
// loaded on one thread (threads:1) and on as many as the engine picks (threads:0),
// translated lazily as the engine picks for them (at least 1 MiB of code), and all at
// load on every thread (threads:0/eager) for comparison.
std::vector<std::string> big_modules() {
  const std::string jco = std::string(WIPPY_GUEST_DIR) + "/../jco/node_modules/@bytecodealliance/";
  std::vector<std::string> out;
  for (const char* p : {"jco-transpile/vendor/wasm-tools.core.wasm", "componentize-js/lib/starlingmonkey_embedding.wasm"})
    if (std::filesystem::exists(jco + p)) out.push_back(jco + p);
  if (const char* env = std::getenv("WIPPY_BENCH_MODULE")) out.push_back(env);
  return out;
}

const bool kBigModulesRegistered = [] {
  struct Variant {
    unsigned threads;
    Translation translation;
    const char* suffix;
  };
  for (const std::string& path : big_modules())
    for (Variant v : {Variant{1, Translation::Auto, ""}, Variant{0, Translation::Auto, ""},
                      Variant{0, Translation::Eager, "/eager"}})
      benchmark::RegisterBenchmark(("BM_ModuleLoadBig/" + std::filesystem::path(path).stem().string() +
                                    "/threads:" + std::to_string(v.threads) + v.suffix)
                                       .c_str(),
                                   [path, v](benchmark::State& s) { module_load(s, path, v.threads, v.translation); })
          ->Unit(benchmark::kMillisecond)
          ->UseRealTime()
          ->MeasureProcessCPUTime();
  return true;
}();

}  // namespace
}  // namespace wippy::engine

BENCHMARK_MAIN();
