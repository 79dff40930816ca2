// Fairness under hostile processes (issue 15): N processes that do nothing but
// expensive things run beside a process that asks to be woken every 50 ms; the
// benchmark reports how late those wake-ups were (worst and mean), first with no
// hostile process, then with N of each kind:
//   random  random_get of 16 MiB, again and again
//   write   fd_write of 1 MiB to stdout (discarded)
//   disk    fd_pwrite of 1 MiB into a file on a writable mount (real disk I/O)
//   locals  calls of a function with 49,000 locals (each call zeroes them)
//   flood   sends of 1 KB messages to the timer process itself, 100 per slice
//   mixed   the five kinds in turn
// Host calls and locals charge fuel for their work, so each hostile slice ends after
// at most one big call and the timer process waits a few slices at worst.
//
//   fairness_bench [N=4] [KIND|all=all] [ticks=40] [workers=2]
#include <stdlib.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
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

// Sends 1 KB messages to `target`, 100 per step, for ever (a full mailbox only makes
// the sends fail).
class Flooder : public Process {
 public:
  explicit Flooder(Pid target) : target_(std::move(target)) {}
  StepResult step(ProcessContext& ctx) override {
    for (int i = 0; i < 100; i++) ctx.system().send(ctx.pid(), target_, "flood", payload_);
    return StepResult::cont();
  }

 private:
  Pid target_;
  Value payload_{std::string(1024, 'f')};
};

struct Guests {
  engine::ModulePtr hostile, locals;
  std::string mount_dir;  // a writable mount for `disk`, as /d
};

constexpr std::array<const char*, 5> kKinds = {"random", "write", "disk", "locals", "flood"};

std::unique_ptr<Process> hostile(const Guests& g, const std::string& kind, const Pid& ticker) {
  if (kind == "flood") return std::make_unique<Flooder>(ticker);
  WasmProcessConfig cfg;
  cfg.module = kind == "locals" ? g.locals : g.hostile;
  cfg.method = kind + "_forever";
  cfg.imports = [dir = g.mount_dir](WasmImports& im, ProcessContext&) {
    auto ctx = std::make_shared<wasi::WasiContext>();
    ctx->stdout_sink = [](std::string_view) { return true; };  // discards
    ctx->mount(dir, "/d", false);
    wasi::add_to_linker(im.linker, *ctx);
    im.keep_alive.push_back(ctx);
  };
  return std::make_unique<WasmProcess>(std::move(cfg));
}

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// One round: the ticker, then n hostile processes of `kind` (for mixed: the kinds in
// turn); returns the ticker's worst lateness when it is done.
Clock::duration run_round(const Guests& g, int n, const std::string& kind, int ticks, unsigned workers) {
  System sys;
  HostOptions o;
  o.name = "bench";
  o.workers = workers;
  o.stop_timeout = 100ms;
  sys.add_host(o);
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  Clock::duration worst{}, mean{};
  Pid ticker = sys.spawn_process("bench", std::make_unique<Ticker>(ticks, [&](Clock::duration w, Clock::duration m) {
                                   std::lock_guard lk(mu);
                                   worst = w;
                                   mean = m;
                                   done = true;
                                   cv.notify_all();
                                 }))
                   .pid;
  for (int i = 0; i < n; i++) {
    std::string k = kind == "mixed" ? kKinds[i % kKinds.size()] : kind;
    if (!sys.spawn_process("bench", hostile(g, k, ticker))) std::fprintf(stderr, "spawn failed\n");
  }
  std::unique_lock lk(mu);
  cv.wait(lk, [&] { return done; });
  lk.unlock();
  std::printf("%d hostile (%s), %u workers, %d wake-ups every 50 ms: worst lateness %.2f ms, mean %.2f ms\n", n,
              kind.c_str(), workers, ticks, ms(worst), ms(mean));
  std::fflush(stdout);
  sys.shutdown();
  return worst;
}

}  // namespace
}  // namespace wippy::procs

int main(int argc, char** argv) {
  using namespace wippy;
  int n = argc > 1 ? std::atoi(argv[1]) : 4;
  std::string kind = argc > 2 ? argv[2] : "all";
  int ticks = argc > 3 ? std::atoi(argv[3]) : 40;
  unsigned workers = argc > 4 ? static_cast<unsigned>(std::atoi(argv[4])) : 2;
  std::vector<std::string> kinds(procs::kKinds.begin(), procs::kKinds.end());
  kinds.push_back("mixed");
  bool known = kind == "all" || std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
  if (n < 0 || ticks < 1 || workers < 1 || !known) {
    std::fprintf(stderr,
                 "usage: fairness_bench [N=4] [random|write|disk|locals|flood|mixed|all] [ticks=40] [workers=2]\n");
    return 2;
  }
  if (kind != "all") kinds = {kind};
  engine::Engine eng;
  procs::Guests g;
  g.hostile = eng.load_file(std::string(WIPPY_GUEST_DIR) + "/bench_hostile.wasm");
  g.locals = eng.load_file(std::string(WIPPY_GUEST_DIR) + "/bench_hostile_locals.wasm");
  char tmpl[] = "/tmp/wippy-fairness-XXXXXX";
  if (!mkdtemp(tmpl)) {
    std::perror("mkdtemp");
    return 1;
  }
  g.mount_dir = tmpl;
  procs::run_round(g, 0, "none", ticks, workers);
  procs::Clock::duration worst{};
  for (const std::string& k : kinds) worst = std::max(worst, procs::run_round(g, n, k, ticks, workers));
  std::printf("worst lateness of all rounds: %.2f ms\n", procs::ms(worst));
  std::error_code ec;
  std::filesystem::remove_all(g.mount_dir, ec);
  return 0;
}
