// Fairness under hostile host calls (issue 15): N processes that do nothing but big
// host calls (random_get of 16 MiB, or fd_write of 1 MiB to stdout) run beside a
// process that asks to be woken every 50 ms; the benchmark reports how late those
// wake-ups were (worst and mean), first with no hostile process, then with N.
// Host calls charge fuel for their work, so each hostile slice ends after at most one
// big call and the timer process waits a few slices at worst.
//
//   fairness_bench [N=4] [random|write|mixed] [ticks=40] [workers=2]
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "procs/system.h"
#include "procs/wasm_process.h"
#include "wasi/wasi.h"

namespace wippy::procs {
namespace {

using namespace std::chrono_literals;
constexpr auto kPeriod = 50ms;

// Wakes every kPeriod for `ticks` periods and records how late each wake-up came.
class Ticker : public Process {
 public:
  Ticker(int ticks, std::function<void(Clock::duration worst, Clock::duration mean)> report)
      : ticks_(ticks), report_(std::move(report)) {}
  StepResult step(ProcessContext& ctx) override {
    Clock::time_point now = Clock::now();
    if (due_) {
      if (now < *due_) return StepResult::waiting();  // woken early: the timer is still set
      Clock::duration late = now - *due_;
      worst_ = std::max(worst_, late);
      total_ += late;
      if (++seen_ == ticks_) {
        report_(worst_, total_ / ticks_);
        return StepResult::done();
      }
    }
    due_ = now + kPeriod;
    timer_ = ctx.wake_at(*due_);
    return StepResult::waiting();
  }

 private:
  int ticks_;
  int seen_ = 0;
  std::optional<Clock::time_point> due_;
  TimerHandle timer_;
  Clock::duration worst_{0}, total_{0};
  std::function<void(Clock::duration, Clock::duration)> report_;
};

std::unique_ptr<Process> hostile(const engine::ModulePtr& module, const std::string& method) {
  WasmProcessConfig cfg;
  cfg.module = module;
  cfg.method = method;
  cfg.imports = [](WasmImports& im, ProcessContext&) {
    auto ctx = std::make_shared<wasi::WasiContext>();
    ctx->stdout_sink = [](std::string_view) { return true; };  // discards
    wasi::add_to_linker(im.linker, *ctx);
    im.keep_alive.push_back(ctx);
  };
  return std::make_unique<WasmProcess>(std::move(cfg));
}

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// One round: n hostile processes of `kind`, then the ticker; returns when it is done.
void run_round(const engine::ModulePtr& module, int n, const std::string& kind, int ticks, unsigned workers) {
  System sys;
  HostOptions o;
  o.name = "bench";
  o.workers = workers;
  o.stop_timeout = 100ms;
  sys.add_host(o);
  for (int i = 0; i < n; i++) {
    bool random = kind == "random" || (kind == "mixed" && i % 2 == 0);
    if (!sys.spawn_process("bench", hostile(module, random ? "random_forever" : "write_forever")))
      std::fprintf(stderr, "spawn failed\n");
  }
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  Clock::duration worst{}, mean{};
  sys.spawn_process("bench", std::make_unique<Ticker>(ticks, [&](Clock::duration w, Clock::duration m) {
    std::lock_guard lk(mu);
    worst = w;
    mean = m;
    done = true;
    cv.notify_all();
  }));
  std::unique_lock lk(mu);
  cv.wait(lk, [&] { return done; });
  lk.unlock();
  std::printf("%d hostile (%s), %u workers, %d wake-ups every 50 ms: worst lateness %.2f ms, mean %.2f ms\n", n,
              kind.c_str(), workers, ticks, ms(worst), ms(mean));
  std::fflush(stdout);
  sys.shutdown();
}

}  // namespace
}  // namespace wippy::procs

int main(int argc, char** argv) {
  using namespace wippy;
  int n = argc > 1 ? std::atoi(argv[1]) : 4;
  std::string kind = argc > 2 ? argv[2] : "mixed";
  int ticks = argc > 3 ? std::atoi(argv[3]) : 40;
  unsigned workers = argc > 4 ? static_cast<unsigned>(std::atoi(argv[4])) : 2;
  if (n < 0 || ticks < 1 || workers < 1 || (kind != "random" && kind != "write" && kind != "mixed")) {
    std::fprintf(stderr, "usage: fairness_bench [N=4] [random|write|mixed] [ticks=40] [workers=2]\n");
    return 2;
  }
  engine::Engine eng;
  engine::ModulePtr module = eng.load_file(std::string(WIPPY_GUEST_DIR) + "/bench_hostile.wasm");
  procs::run_round(module, 0, kind, ticks, workers);
  procs::run_round(module, n, kind, ticks, workers);
  return 0;
}
