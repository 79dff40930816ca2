// spawn_probe: what one spawn-to-EXIT of a trivial WASM process costs in heap
// allocations, and a fixed amount of work for callgrind (procs_bench's iteration
// counts vary from run to run). Usage: spawn_probe [processes per round] [rounds].
// Each round spawns all its processes at once (as BM_SpawnToExitBatch) and waits for
// their EXITs; rounds after the first show the steady state (pools warm). For
// instructions per spawn, run it under callgrind with 1 and with 2 rounds and divide
// the difference by the processes per round.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <new>

#include "benches/exit_latch.h"
#include "procs/system.h"
#include "procs/wasm_process.h"

namespace {

std::atomic<uint64_t> g_allocations{0};
std::atomic<uint64_t> g_failed{0};  // EXITs with an error: the probe measured the wrong thing

}  // namespace

void* operator new(size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace wippy::procs {
namespace {

int run(int per_round, int rounds) {
  engine::Engine engine;
  auto module = engine.load_file(std::string(WIPPY_GUEST_DIR) + "/bench_trivial.wasm");
  System sys;
  HostOptions o;
  o.name = "bench";
  o.workers = 2;
  sys.add_host(o);
  ExitLatch latch;
  uint64_t total = 0;
  for (int r = 0; r < rounds; r++) {
    uint64_t allocs0 = g_allocations.load();
    auto t0 = std::chrono::steady_clock::now();
    for (int k = 0; k < per_round; k++) {
      WasmProcessConfig cfg;
      cfg.module = module;
      cfg.method = "compute";
      cfg.args = {k, 7};
      SpawnOptions so;
      so.on_exit = [&](const Event& ev) {
        if (ev.error) g_failed.fetch_add(1, std::memory_order_relaxed);
        latch.hit();
      };
      sys.spawn_process("bench", std::make_unique<WasmProcess>(std::move(cfg)), std::move(so));
    }
    auto spawned = std::chrono::steady_clock::now();
    total += static_cast<uint64_t>(per_round);
    latch.wait(total);
    auto ns = [&](auto t) { return std::chrono::duration<double, std::nano>(t - t0).count() / per_round; };
    std::printf("round %d: %.2f allocations and %.0f ns per process (spawning: %.0f ns)\n", r + 1,
                static_cast<double>(g_allocations.load() - allocs0) / per_round,
                ns(std::chrono::steady_clock::now()), ns(spawned));
  }
  if (uint64_t failed = g_failed.load()) {
    std::fprintf(stderr, "%llu processes failed\n", static_cast<unsigned long long>(failed));
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace wippy::procs

int main(int argc, char** argv) {
  int per_round = argc > 1 ? std::atoi(argv[1]) : 10000;
  int rounds = argc > 2 ? std::atoi(argv[2]) : 3;
  if (per_round <= 0 || rounds <= 0) {
    std::fprintf(stderr, "usage: spawn_probe [processes per round > 0] [rounds > 0]\n");
    return 2;
  }
  return wippy::procs::run(per_round, rounds);
}
