// WASI sleeps on the process host: a C guest's nanosleep (poll_oneoff with a clock
// subscription) suspends the process; no worker thread waits.
#include "procs/tests/test_util.h"
#include "wasi/wasi.h"

namespace wippy::procs::test {
namespace {

// Every one of 1000 sleepers suspends (its step returns Waiting, releasing the
// worker) and completes; none wakes before its 100 ms.
TEST(WasiOnProcs, ThousandSleepersOnTwoWorkers) {
  static engine::Engine engine;
  engine::ModulePtr module = engine.load_file(std::string(WIPPY_GUEST_DIR) + "/wasi_sleep.wasm");
  System sys;
  HostOptions o;
  o.name = "wasm";
  o.workers = 2;
  sys.add_host(o);
  ExitCollector c;
  Counter suspended;
  constexpr int kProcs = 1000;
  auto t0 = Clock::now();
  for (int i = 0; i < kProcs; i++) {
    WasmProcessConfig cfg;
    cfg.module = module;
    cfg.method = "_start";
    cfg.imports = [](WasmImports& im, ProcessContext&) {
      auto ctx = std::make_shared<wasi::WasiContext>();
      ctx->args = {"sleep", "100", "quiet"};
      wasi::add_to_linker(im.linker, *ctx);
      im.keep_alive.push_back(ctx);
    };
    ASSERT_TRUE(
        sys.spawn_process("wasm", observed(std::make_unique<WasmProcess>(std::move(cfg)), nullptr, &suspended),
                          c.options()));
  }
  ASSERT_TRUE(c.wait_for(kProcs, 60000ms));
  EXPECT_GE(Clock::now() - t0, 100ms);
  int failed = 0;
  for (const Event& e : c.events()) failed += e.error.has_value();
  EXPECT_EQ(failed, 0) << (c.events()[0].error ? *c.events()[0].error : "");
  EXPECT_EQ(suspended.value(), kProcs);
}

TEST(WasiOnProcs, LargeFileIoAndYieldThroughTheIoPool) {
  // The fs_ops guest does 300 KiB reads and writes (suspending on the I/O pool) and
  // sched_yield-free work; sleep does a sched_yield.
  static engine::Engine engine;
  char tmpl[] = "/tmp/wippy-procs-wasi-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  std::string dir = tmpl;
  System sys;
  HostOptions o;
  o.name = "wasm";
  o.workers = 1;
  sys.add_host(o);
  ExitCollector c;
  auto out = std::make_shared<std::string>();
  WasmProcessConfig cfg;
  cfg.module = engine.load_file(std::string(WIPPY_GUEST_DIR) + "/wasi_fs_ops.wasm");
  cfg.method = "_start";
  cfg.imports = [dir, out](WasmImports& im, ProcessContext&) {
    auto ctx = std::make_shared<wasi::WasiContext>();
    ctx->args = {"fs_ops"};
    ctx->stdout_sink = wasi::string_sink(*out);
    ctx->mount(dir, "/data", false);
    wasi::add_to_linker(im.linker, *ctx);
    im.keep_alive.push_back(ctx);
  };
  ASSERT_TRUE(sys.spawn_process("wasm", std::make_unique<WasmProcess>(std::move(cfg)), c.options()));
  ASSERT_TRUE(c.wait_for(1));
  Event e = c.only();
  EXPECT_FALSE(e.error) << *e.error << "\n" << *out;
  EXPECT_NE(out->find("big.bin: 307200 bytes, equal=1"), std::string::npos) << *out;
  EXPECT_NE(out->find("failures: 0"), std::string::npos) << *out;
  std::string cmd = "rm -rf " + dir;
  EXPECT_EQ(std::system(cmd.c_str()), 0);
}

}  // namespace
}  // namespace wippy::procs::test
