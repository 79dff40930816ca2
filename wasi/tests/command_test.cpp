// Running WASI commands through engine + wasi: output and fuel do not depend on the
// slice size; limits (call depth, fuel) trap cleanly on a small native stack and leave
// the engine usable.
#include <gtest/gtest.h>
#include <pthread.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "wasi/command.h"
#include "wasi/wasi.h"

namespace wasi = wippy::wasi;
namespace engine = wippy::engine;
using Kind = wasi::RunOutcome::Kind;

namespace {

const std::string kGuests = WIPPY_GUEST_DIR;

struct CommandRun {
  std::string out, err;
  wasi::RunOutcome outcome;
  uint64_t store_fuel = 0;
};

CommandRun run_guest(engine::Engine& eng, const std::string& name, std::vector<std::string> args,
                     int64_t slice) {
  CommandRun r;
  wasi::WasiContext ctx;
  ctx.args = {name};
  ctx.args.insert(ctx.args.end(), args.begin(), args.end());
  ctx.stdout_sink = wasi::string_sink(r.out);
  ctx.stderr_sink = wasi::string_sink(r.err);
  engine::Linker linker;
  wasi::add_to_linker(linker, ctx);
  engine::Instance inst(linker, eng.load_file(kGuests + "/" + name + ".wasm"));
  r.outcome = wasi::run_command(inst, slice);
  r.store_fuel = inst.store().fuel_consumed;
  return r;
}

TEST(Command, HelloRunsWithArgumentsAndExitCode) {
  engine::Engine eng;
  CommandRun r = run_guest(eng, "hello", {"x"}, INT64_MAX);
  EXPECT_EQ(r.outcome.kind, Kind::Exited) << r.outcome.trap.describe();
  EXPECT_EQ(r.outcome.exit_code, 0u);
  EXPECT_EQ(r.out, "hello from wasm\narg 1: x\n");
  CommandRun e = run_guest(eng, "hello", {"exit=5"}, 100);
  EXPECT_EQ(e.outcome.kind, Kind::Exited);
  EXPECT_EQ(e.outcome.exit_code, 5u);
}

void expect_same(const CommandRun& a, const CommandRun& b, const char* what) {
  EXPECT_EQ(a.outcome.kind, b.outcome.kind) << what;
  EXPECT_EQ(a.out, b.out) << what;
  EXPECT_EQ(a.store_fuel, b.store_fuel) << what;
  EXPECT_EQ(a.outcome.fuel_consumed, b.outcome.fuel_consumed) << what;
}

TEST(Command, ChecksumIsTheSameForEverySliceSize) {
  engine::Engine eng;
  // Slice 1 on a small input (one run() per block), larger slices on a larger one.
  CommandRun whole = run_guest(eng, "checksum", {"400"}, INT64_MAX);
  ASSERT_EQ(whole.outcome.kind, Kind::Exited) << whole.outcome.trap.describe();
  ASSERT_EQ(whole.out.rfind("checksum: ", 0), 0u) << whole.out;
  EXPECT_GT(whole.store_fuel, 0u);
  EXPECT_EQ(whole.store_fuel, whole.outcome.fuel_consumed);
  CommandRun one = run_guest(eng, "checksum", {"400"}, 1);
  expect_same(whole, one, "slice 1");
  EXPECT_GT(one.outcome.slices, 1000u);
  CommandRun k = run_guest(eng, "checksum", {"400"}, 1000);
  expect_same(whole, k, "slice 1000");

  CommandRun big = run_guest(eng, "checksum", {"20000"}, INT64_MAX);
  ASSERT_EQ(big.outcome.kind, Kind::Exited);
  for (int64_t slice : {1000, 99991}) {
    CommandRun s = run_guest(eng, "checksum", {"20000"}, slice);
    expect_same(big, s, ("slice " + std::to_string(slice)).c_str());
  }
}

// Runs f on a thread whose native stack is only 256 KiB.
void on_small_stack(const std::function<void()>& f) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  ASSERT_EQ(pthread_attr_setstacksize(&attr, 256 * 1024), 0);
  pthread_t t;
  auto tramp = [](void* p) -> void* {
    (*static_cast<const std::function<void()>*>(p))();
    return nullptr;
  };
  ASSERT_EQ(pthread_create(&t, &attr, tramp, const_cast<std::function<void()>*>(&f)), 0);
  pthread_join(t, nullptr);
  pthread_attr_destroy(&attr);
}

uint64_t call_i32(engine::Instance& inst, const char* name, std::vector<uint64_t> args) {
  auto ex = inst.call(name, args);
  wasi::RunOutcome o = wasi::drive(*ex);
  EXPECT_EQ(o.kind, Kind::Returned) << name << ": " << o.trap.message;
  return o.results.empty() ? ~0ull : o.results[0];
}

TEST(Command, UnboundedRecursionTrapsOnASmallNativeStack) {
  on_small_stack([] {
    engine::Engine eng;
    engine::Linker linker;
    auto mod = eng.load_file(kGuests + "/funcs.wasm");
    engine::Instance inst(linker, mod);
    for (int64_t slice : {INT64_MAX, int64_t{100}}) {
      auto ex = inst.call("recurse", std::vector<uint64_t>{0});
      wasi::RunOutcome o = wasi::drive(*ex, slice);
      ASSERT_EQ(o.kind, Kind::Trapped);
      EXPECT_EQ(o.trap.message, "call stack exhausted");
      EXPECT_FALSE(o.trap.backtrace.empty());
    }
    // Deep but bounded recursion works, and so does the same instance afterwards.
    EXPECT_EQ(call_i32(inst, "fac", {20}), 2432902008176640000ull);
    auto ex = inst.call("fac", std::vector<uint64_t>{5000});
    EXPECT_EQ(wasi::drive(*ex).kind, Kind::Returned);
    EXPECT_EQ(call_i32(inst, "add", {2, 3}), 5u);
    // The same engine loads (from its cache) and instantiates again.
    engine::Instance again(linker, eng.load_file(kGuests + "/funcs.wasm"));
    EXPECT_EQ(call_i32(again, "add", {40, 2}), 42u);
    // A lower call-depth limit traps earlier.
    engine::Limits limits;
    limits.max_call_depth = 50;
    engine::Instance shallow(linker, mod, limits);
    auto deep = shallow.call("fac", std::vector<uint64_t>{100});
    wasi::RunOutcome o = wasi::drive(*deep);
    ASSERT_EQ(o.kind, Kind::Trapped);
    EXPECT_EQ(o.trap.message, "call stack exhausted");
  });
}

TEST(Command, FuelLimitTrapsAndTheEngineStaysUsable) {
  on_small_stack([] {
    engine::Engine eng;
    engine::Linker linker;
    auto mod = eng.load_file(kGuests + "/funcs.wasm");
    for (int64_t slice : {INT64_MAX, int64_t{1}, int64_t{333}}) {
      engine::Limits limits;
      limits.fuel = 100000;
      engine::Instance inst(linker, mod, limits);
      auto ex = inst.call("loop", {});
      wasi::RunOutcome o = wasi::drive(*ex, slice);
      ASSERT_EQ(o.kind, Kind::Trapped) << "slice " << slice;
      EXPECT_EQ(o.trap.message, "fuel exhausted");
      EXPECT_LE(inst.store().fuel_consumed, 100000u);
      EXPECT_GT(inst.store().fuel_consumed, 90000u);
    }
    // Fuel limits of whole commands: the checksum guest stops part-way.
    {
      std::string out;
      wasi::WasiContext ctx;
      ctx.args = {"checksum", "20000"};
      ctx.stdout_sink = wasi::string_sink(out);
      engine::Linker wl;
      wasi::add_to_linker(wl, ctx);
      engine::Limits limits;
      limits.fuel = 50000;
      engine::Instance inst(wl, eng.load_file(kGuests + "/checksum.wasm"), limits);
      wasi::RunOutcome o = wasi::run_command(inst, 1000);
      ASSERT_EQ(o.kind, Kind::Trapped);
      EXPECT_EQ(o.trap.message, "fuel exhausted");
      EXPECT_EQ(out, "");
    }
    engine::Instance fresh(linker, eng.load_file(kGuests + "/funcs.wasm"));
    EXPECT_EQ(call_i32(fresh, "add", {2, 3}), 5u);
    EXPECT_GE(eng.cache_hits(), 1u);
  });
}

}  // namespace
