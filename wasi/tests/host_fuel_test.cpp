// Host calls charge fuel for their work (issue 15): 1 unit per 64 bytes copied,
// filled or generated, judged against the fuel limit before the work is done, and a
// charge past the slice budget makes the run yield right after the call.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>

#include "wasi/command.h"
#include "wasi/pending.h"
#include "wasi/wasi.h"

namespace wasi = wippy::wasi;
namespace engine = wippy::engine;

namespace {

constexpr uint32_t kBuf = 65536;             // where the guest's big buffer starts
constexpr uint32_t k16MiB = 16u * 1024 * 1024;

// Does what a suspended run waits for, here, and resumes it.
void resume_here(engine::Execution& ex) {
  std::unique_ptr<engine::HostPending> pending = ex.take_pending();
  auto* op = dynamic_cast<wasi::BlockingOp*>(pending.get());
  ASSERT_NE(op, nullptr);
  ex.resume(op->run_here());
}

engine::RunStatus run_to_end(engine::Execution& ex) {
  for (;;) {
    engine::RunStatus st = ex.run();
    if (st != engine::RunStatus::Suspended) return st;
    resume_here(ex);
  }
}

// An instance of fuel_probe with its own context; random_get fills with 0xab.
struct FuelProbe {
  engine::Engine eng;
  wasi::WasiContext ctx;
  std::string out;
  engine::Linker linker;
  std::unique_ptr<engine::Instance> inst;

  explicit FuelProbe(uint64_t fuel_limit = 0) {
    ctx.stdout_sink = wasi::string_sink(out);
    ctx.random = [](std::span<uint8_t> buf) {
      std::fill(buf.begin(), buf.end(), 0xab);
      return true;
    };
    wasi::add_to_linker(linker, ctx);
    engine::Limits limits;
    limits.fuel = fuel_limit;
    inst = std::make_unique<engine::Instance>(
        linker, eng.load_file(std::string(WIPPY_GUEST_DIR) + "/fuel_probe.wasm"), limits);
  }
  uint8_t* mem() { return inst->memory(0)->data; }
  std::unique_ptr<engine::Execution> start(const char* name, std::vector<uint64_t> args) {
    return inst->call(name, args);
  }
  // Runs `name(args)` unsliced, doing what it suspends on here; returns the fuel it
  // consumed (and expects it returned 0).
  uint64_t fuel_of(const char* name, std::vector<uint64_t> args) {
    auto ex = inst->call(name, args);
    EXPECT_EQ(run_to_end(*ex), engine::RunStatus::Done) << ex->trap().message;
    EXPECT_EQ(ex->results().size(), 1u);
    if (!ex->results().empty()) {
      EXPECT_EQ(ex->results()[0], 0u);
    }
    return ex->fuel_consumed();
  }
};

}  // namespace

TEST(HostFuel, ALargeRandomGetFillsAPiecePerRoundAndYieldsBetween) {
  FuelProbe p;
  auto ex = p.start("random_get", {kBuf, k16MiB});
  ASSERT_EQ(ex->run(), engine::RunStatus::Suspended);
  auto pending = ex->take_pending();
  auto* op = dynamic_cast<wasi::BlockingOp*>(pending.get());
  ASSERT_NE(op, nullptr);
  EXPECT_TRUE(op->yield_only()) << "nothing runs on another thread";
  constexpr uint32_t kPiece = 256 * 1024;
  EXPECT_EQ(p.mem()[kBuf + kPiece - 1], 0xab) << "the first piece is filled in the call";
  EXPECT_EQ(p.mem()[kBuf + kPiece], 0);
  int rounds = 1;
  std::vector<uint64_t> results;
  std::unique_ptr<wasi::BlockingOp> later;
  for (wasi::BlockingOp* round = op;;) {
    ASSERT_TRUE(round->yield_only());
    results = round->finish();
    ++rounds;
    EXPECT_EQ(p.mem()[kBuf + uint64_t{kPiece} * rounds - 1], 0xab);
    if (!round->next) break;
    EXPECT_EQ(p.mem()[kBuf + uint64_t{kPiece} * rounds], 0) << "one piece per round";
    later = std::move(round->next);
    round = later.get();
  }
  EXPECT_EQ(rounds, int(k16MiB / kPiece));
  ex->resume(results);
  ASSERT_EQ(ex->run(), engine::RunStatus::Done);
  EXPECT_EQ(ex->results()[0], 0u);
}

TEST(HostFuel, RandomGetCostsOneUnitPer64Bytes) {
  FuelProbe p;
  uint64_t none = p.fuel_of("random_get", {kBuf, 0});
  EXPECT_EQ(p.fuel_of("random_get", {kBuf, 1}) - none, 1u);
  EXPECT_EQ(p.fuel_of("random_get", {kBuf, 64}) - none, 1u);
  EXPECT_EQ(p.fuel_of("random_get", {kBuf, 65}) - none, 2u);
  EXPECT_EQ(p.fuel_of("random_get", {kBuf, k16MiB}) - none, 262144u);
  EXPECT_EQ(p.mem()[kBuf + k16MiB - 1], 0xab);
}

TEST(HostFuel, FdWriteCostsItsBytesAndItsIovecs) {
  FuelProbe p;
  // One iovec {100, 0} at 16 and one {100, 120} at 24; nwritten at 8.
  auto iov = [&](uint32_t at, uint32_t buf, uint32_t len) {
    std::memcpy(p.mem() + at, &buf, 4);
    std::memcpy(p.mem() + at + 4, &len, 4);
  };
  iov(16, 100, 0);
  iov(24, 100, 120);
  uint64_t empty = p.fuel_of("fd_write", {1, 16, 1, 8});             // 8 bytes of iovec: 1 unit
  uint64_t two = p.fuel_of("fd_write", {1, 16, 2, 8});               // 16 + 120 bytes: 3 units
  EXPECT_EQ(two - empty, 2u);
  EXPECT_EQ(p.out.size(), 120u);
}

TEST(HostFuel, ARefusedChargeTrapsBeforeTheWork) {
  // Enough for the call and a 1 MiB fill (16,384 units), not for 16 MiB.
  FuelProbe p(100000);
  auto ex = p.start("random_get", {kBuf, k16MiB});
  ASSERT_EQ(ex->run(), engine::RunStatus::Trapped);
  EXPECT_EQ(ex->trap().message, "fuel exhausted");
  ASSERT_FALSE(ex->trap().backtrace.empty());
  EXPECT_EQ(ex->trap().backtrace[0].name, "wasi_snapshot_preview1.random_get");
  EXPECT_EQ(p.mem()[kBuf], 0) << "nothing was filled";
  EXPECT_LT(ex->fuel_consumed(), 100u) << "the refused charge is not counted";
}

TEST(HostFuel, TheLimitIsExactForHostCharges) {
  uint64_t need;
  {
    FuelProbe p;
    need = p.fuel_of("random_loop", {kBuf, 4096, 10});
  }
  FuelProbe fits(need);
  EXPECT_EQ(fits.fuel_of("random_loop", {kBuf, 4096, 10}), need);
  FuelProbe short_by_one(need - 1);
  auto ex = short_by_one.start("random_loop", {kBuf, 4096, 10});
  ASSERT_EQ(run_to_end(*ex), engine::RunStatus::Trapped);
  EXPECT_EQ(ex->trap().message, "fuel exhausted");
}

TEST(HostFuel, ASliceEndsRightAfterACallThatSpentItsBudget) {
  // Ten 1 MiB fills (16,384 units each) in slices of 10,000 units: every run() ends
  // after at most one fill, so there are at least ten runs; the total is unchanged.
  uint64_t unsliced;
  {
    FuelProbe p;
    unsliced = p.fuel_of("random_loop", {kBuf, 1u << 20, 10});
  }
  FuelProbe p;
  auto ex = p.start("random_loop", {kBuf, 1u << 20, 10});
  int runs = 0;
  uint64_t before = 0;
  engine::RunStatus st;
  do {
    st = ex->run(10000);
    ++runs;
    if (st == engine::RunStatus::Suspended) {
      resume_here(*ex);  // a fill larger than one piece
      st = engine::RunStatus::OutOfBudget;
    }
    uint64_t used = ex->fuel_consumed() - before;
    before = ex->fuel_consumed();
    EXPECT_LE(used, 10000u + 16384u + 100u) << "a slice ran past its budget by more than one call";
  } while (st == engine::RunStatus::OutOfBudget);
  ASSERT_EQ(st, engine::RunStatus::Done);
  EXPECT_GE(runs, 10);
  EXPECT_EQ(ex->fuel_consumed(), unsliced);
}
