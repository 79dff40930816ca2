// Execution semantics: budgets and deterministic fuel, host-call suspension and
// resumption, limits, traps with backtraces. Guest: tests/guests/exec_basics.wat.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <optional>
#include <ostream>

#include "interp/execution.h"
#include "interp/tests/guest_file.h"

using namespace wippy::interp;

namespace {

struct NextPending : HostPending {};

// One store with exec_basics instantiated; host.next suspends, host.log records.
struct Fixture {
  std::shared_ptr<const Module> module = decode_module(read_guest("exec_basics.wasm"));
  Store store;
  std::vector<uint32_t> logged;
  Instance* inst = nullptr;

  explicit Fixture(StoreLimits limits = {}) : store(limits) {
    auto next = std::make_shared<HostFunc>(HostFunc{
        {{}, {ValType::I32}},
        [](HostCall&, const uint64_t*, uint64_t*) { return HostResult::suspend(std::make_unique<NextPending>()); },
        "host.next"});
    auto log = std::make_shared<HostFunc>(HostFunc{
        {{ValType::I32}, {}},
        [this](HostCall&, const uint64_t* args, uint64_t*) {
          logged.push_back(static_cast<uint32_t>(args[0]));
          return HostResult::ok();
        },
        "host.log"});
    std::vector<Extern> imports = {Extern::of(store.new_host_func(next)), Extern::of(store.new_host_func(log))};
    inst = store.instantiate(module, imports);
  }

  std::unique_ptr<Execution> call(const char* name, std::vector<uint64_t> args) {
    return std::make_unique<Execution>(store, inst->get_export(name)->func, args);
  }
};

// Runs to completion in budgets of `slice`; returns the number of run() calls.
int run_sliced(Execution& ex, int64_t slice) {
  int runs = 0;
  RunStatus s;
  do {
    s = ex.run(slice);
    ++runs;
  } while (s == RunStatus::OutOfBudget);
  return runs;
}

}  // namespace

TEST(Execution, LoopAndRecursionResults) {
  Fixture f;
  auto sum = f.call("sum", {100});
  ASSERT_EQ(sum->run(), RunStatus::Done);
  EXPECT_EQ(sum->results()[0], 5050u);
  auto fib = f.call("fib", {20});
  ASSERT_EQ(fib->run(), RunStatus::Done);
  EXPECT_EQ(fib->results()[0], 6765u);
}

TEST(Execution, FramesFollowTheValueStackWhenItGrows) {
  // Every frame keeps a local across its call: after the stack has grown (and moved)
  // many times, each return must restore its caller's frame in the new stack.
  Fixture f;
  auto ex = f.call("rsum", {5000});
  ASSERT_EQ(ex->run(), RunStatus::Done) << ex->trap().message;
  EXPECT_EQ(ex->results()[0], 5000ull * 5001 / 2);
  EXPECT_GT(ex->stack_cells(), 5000u);
  // The same in slices of 7 units: the run leaves and re-enters the loop at every
  // depth, the stack growing in between.
  auto sliced = f.call("rsum", {5000});
  EXPECT_GT(run_sliced(*sliced, 7), 1000);
  ASSERT_EQ(sliced->status(), RunStatus::Done) << sliced->trap().message;
  EXPECT_EQ(sliced->results()[0], 5000ull * 5001 / 2);
  EXPECT_EQ(sliced->fuel_consumed(), ex->fuel_consumed());
}

TEST(Execution, SlicingChangesNeitherResultNorFuel) {
  uint64_t reference_fuel = 0;
  for (int64_t slice : {INT64_MAX, int64_t{1000}, int64_t{7}, int64_t{1}}) {
    Fixture f;
    auto ex = f.call("fib", {15});
    int runs = run_sliced(*ex, slice);
    ASSERT_EQ(ex->status(), RunStatus::Done) << "slice " << slice;
    EXPECT_EQ(ex->results()[0], 610u);
    if (slice == INT64_MAX) {
      EXPECT_EQ(runs, 1);
      reference_fuel = ex->fuel_consumed();
    } else {
      EXPECT_GT(runs, 1);
      EXPECT_EQ(ex->fuel_consumed(), reference_fuel) << "slice " << slice;
    }
    EXPECT_EQ(f.store.fuel_consumed, reference_fuel);
  }
  EXPECT_GT(reference_fuel, 1000u);
}

TEST(Execution, FuelCountsOneUnitPerInstruction) {
  // sum(n): the loop body executes 12 instructions per iteration plus a fixed part.
  Fixture a, b;
  auto x = a.call("sum", {10});
  auto y = b.call("sum", {11});
  ASSERT_EQ(x->run(), RunStatus::Done);
  ASSERT_EQ(y->run(), RunStatus::Done);
  EXPECT_EQ(y->fuel_consumed() - x->fuel_consumed(), 12u);
}

TEST(Execution, HostCallsSuspendAndResume) {
  Fixture f;
  auto ex = f.call("gather", {5});
  uint64_t next_value = 10;
  int suspensions = 0;
  for (;;) {
    RunStatus s = ex->run(3);  // small budgets interleave with suspensions
    if (s == RunStatus::OutOfBudget) continue;
    if (s != RunStatus::Suspended) break;
    ASSERT_NE(dynamic_cast<NextPending*>(ex->pending()), nullptr);
    ++suspensions;
    uint64_t v = next_value++;
    ex->resume(std::span<const uint64_t>(&v, 1));
  }
  ASSERT_EQ(ex->status(), RunStatus::Done);
  EXPECT_EQ(suspensions, 5);
  EXPECT_EQ(ex->results()[0], 10u + 11 + 12 + 13 + 14);
  EXPECT_EQ(f.logged, (std::vector<uint32_t>{10, 11, 12, 13, 14}));
}

TEST(Execution, ResumeThenRunWithoutBudget) {
  Fixture f;
  auto ex = f.call("gather", {4});
  uint64_t v = 0;
  while (ex->run() == RunStatus::Suspended) {
    ++v;
    ex->resume(std::span<const uint64_t>(&v, 1));
  }
  ASSERT_EQ(ex->status(), RunStatus::Done) << ex->trap().message;
  EXPECT_EQ(ex->results()[0], 1u + 2 + 3 + 4);
}

TEST(Execution, ResumeOntoTakenBranchWithoutBudget) {
  // The first instruction after the resume is a taken branch (which used to refund
  // fuel): with an unlimited budget this must not overflow the fuel counter.
  Fixture f;
  auto ex = f.call("count_until_zero", {});
  uint64_t answers[] = {7, 7, 0};
  int i = 0;
  while (ex->run() == RunStatus::Suspended) ex->resume(std::span<const uint64_t>(&answers[i++], 1));
  ASSERT_EQ(ex->status(), RunStatus::Done) << ex->trap().message;
  EXPECT_EQ(ex->results()[0], 2u);
}

TEST(Execution, ResumeWithWrongResultCountIsRefused) {
  Fixture f;
  auto ex = f.call("gather", {1});
  ASSERT_EQ(ex->run(), RunStatus::Suspended);
  EXPECT_THROW(ex->resume({}), std::invalid_argument);
  EXPECT_THROW(ex->run(), std::logic_error);
  ex->resume_trap("host operation failed");
  EXPECT_EQ(ex->status(), RunStatus::Trapped);
  EXPECT_EQ(ex->trap().message, "host operation failed");
}

TEST(Execution, FuelLimitTrapsAndStoreStaysUsable) {
  StoreLimits limits;
  limits.fuel = 10000;
  Fixture f(limits);
  auto ex = f.call("forever", {});
  EXPECT_EQ(run_sliced(*ex, 999) > 1, true);
  ASSERT_EQ(ex->status(), RunStatus::Trapped);
  EXPECT_EQ(ex->trap().message, "fuel exhausted");
  EXPECT_LE(f.store.fuel_consumed, 10000u);
  EXPECT_GT(f.store.fuel_consumed, 9990u);

  f.store.limits().fuel = 0;  // lift the limit: the same store still works
  auto sum = f.call("sum", {10});
  ASSERT_EQ(sum->run(), RunStatus::Done);
  EXPECT_EQ(sum->results()[0], 55u);
}

TEST(Execution, FuelExhaustionIsDeterministicAcrossSlices) {
  uint64_t consumed = 0;
  for (int64_t slice : {INT64_MAX, int64_t{5}, int64_t{1}}) {
    StoreLimits limits;
    limits.fuel = 5000;
    Fixture f(limits);
    auto ex = f.call("fib", {30});
    run_sliced(*ex, slice);
    ASSERT_EQ(ex->status(), RunStatus::Trapped);
    EXPECT_EQ(ex->trap().message, "fuel exhausted");
    if (slice == INT64_MAX) consumed = f.store.fuel_consumed;
    EXPECT_EQ(f.store.fuel_consumed, consumed);
  }
}

TEST(Execution, DeepRecursionTrapsAtConfiguredDepth) {
  StoreLimits limits;
  limits.max_call_depth = 500;
  Fixture f(limits);
  auto ex = f.call("deep", {0});
  ASSERT_EQ(ex->run(), RunStatus::Trapped);
  EXPECT_EQ(ex->trap().message, "call stack exhausted");
  EXPECT_EQ(ex->trap().backtrace.size() + ex->trap().omitted_frames, 500u);
  EXPECT_EQ(ex->trap().backtrace[0].name, "deep");
  auto sum = f.call("sum", {3});
  ASSERT_EQ(sum->run(), RunStatus::Done);
  EXPECT_EQ(sum->results()[0], 6u);
}

// reset() makes a used execution a new one: whatever state it was left in (done,
// trapped deep in a recursion, suspended in a host call, out of budget), the next call
// gets the same results, fuel and traps as a fresh execution, many times over.
TEST(Execution, ResetReusesAnExecutionForNewCalls) {
  StoreLimits limits;
  limits.max_call_depth = 500;
  Fixture f(limits);
  auto fresh_fib = f.call("fib", {15});
  ASSERT_EQ(fresh_fib->run(), RunStatus::Done);
  auto ex = f.call("deep", {0});
  for (int round = 0; round < 100; round++) {  // far more than the frame stack's doublings
    ex->reset(f.store, f.inst->get_export("deep")->func, std::vector<uint64_t>{0});
    ASSERT_EQ(ex->run(), RunStatus::Trapped) << "round " << round;
    EXPECT_EQ(ex->trap().message, "call stack exhausted");
    EXPECT_EQ(ex->trap().backtrace.size() + ex->trap().omitted_frames, 500u);

    ex->reset(f.store, f.inst->get_export("gather")->func, std::vector<uint64_t>{3});
    ASSERT_EQ(ex->run(), RunStatus::Suspended);  // left suspended: reset drops the pending call

    ex->reset(f.store, f.inst->get_export("fib")->func, std::vector<uint64_t>{15});
    EXPECT_EQ(ex->status(), RunStatus::Ready);
    EXPECT_EQ(ex->pending(), nullptr);
    EXPECT_EQ(ex->fuel_consumed(), 0u);
    ASSERT_EQ(ex->run(7), RunStatus::OutOfBudget);
    ex->reset(f.store, f.inst->get_export("fib")->func, std::vector<uint64_t>{15});
    ASSERT_EQ(ex->run(), RunStatus::Done) << ex->trap().message;
    EXPECT_EQ(ex->results()[0], 610u);
    EXPECT_EQ(ex->fuel_consumed(), fresh_fib->fuel_consumed());
  }
  // Another store (another process's) and a wrong argument count, refused as by the constructor.
  Fixture g;
  ex->reset(g.store, g.inst->get_export("sum")->func, std::vector<uint64_t>{4});
  ASSERT_EQ(ex->run(), RunStatus::Done);
  EXPECT_EQ(ex->results()[0], 10u);
  EXPECT_THROW(ex->reset(g.store, g.inst->get_export("sum")->func, std::vector<uint64_t>{}), std::invalid_argument);
}

TEST(Execution, ValueStackLimitTrapsAsStackExhaustion) {
  StoreLimits limits;
  limits.max_stack_cells = 2000;
  Fixture f(limits);
  auto ex = f.call("deep", {0});
  ASSERT_EQ(ex->run(), RunStatus::Trapped);
  EXPECT_EQ(ex->trap().message, "call stack exhausted");
}

TEST(Execution, TrapCarriesBacktraceWithNamesAndOffsets) {
  Fixture f;
  auto ex = f.call("oob", {});
  ASSERT_EQ(ex->run(), RunStatus::Trapped);
  const Trap& t = ex->trap();
  EXPECT_EQ(t.message, "out of bounds memory access");
  ASSERT_EQ(t.backtrace.size(), 2u);
  EXPECT_EQ(t.backtrace[0].name, "inner");
  EXPECT_EQ(t.backtrace[1].name, "outer");
  EXPECT_GT(t.backtrace[0].code_offset, 0u);
  EXPECT_NE(t.describe().find("at func["), std::string::npos);
}

TEST(Execution, MultiValueAndBrTable) {
  Fixture f;
  auto swap = f.call("swap", {1, 2});
  ASSERT_EQ(swap->run(), RunStatus::Done);
  ASSERT_EQ(swap->results().size(), 2u);
  EXPECT_EQ(swap->results()[0], 2u);
  EXPECT_EQ(swap->results()[1], 1u);
  for (auto [in, out] : {std::pair{0, 100}, {1, 200}, {2, 300}, {99, 300}}) {
    auto c = f.call("classify", {static_cast<uint64_t>(in)});
    ASSERT_EQ(c->run(), RunStatus::Done);
    EXPECT_EQ(c->results()[0], static_cast<uint64_t>(out));
  }
}

TEST(Execution, FusedAddressArithmeticWrapsLikeTheInstructions) {
  Fixture f;
  auto load = f.call("load_wrapped", {0xfffffffcu});  // 0xfffffffc + 8 wraps to 4
  ASSERT_EQ(load->run(), RunStatus::Done) << load->trap().message;
  EXPECT_EQ(load->results()[0], 0x11223344u);
  auto oob = f.call("load_wrapped", {0xfffcu});  // 0x10004 is past the 64 KiB memory
  ASSERT_EQ(oob->run(), RunStatus::Trapped);
  EXPECT_EQ(oob->trap().message, "out of bounds memory access");
  auto load_sub = f.call("load_sub", {12});  // 12 - 8 = 4
  ASSERT_EQ(load_sub->run(), RunStatus::Done) << load_sub->trap().message;
  EXPECT_EQ(load_sub->results()[0], 0x55667788u);
  auto sub_oob = f.call("load_sub", {4});  // 4 - 8 wraps to 0xfffffffc: out of bounds
  ASSERT_EQ(sub_oob->run(), RunStatus::Trapped);
  EXPECT_EQ(sub_oob->trap().message, "out of bounds memory access");
  auto add_shl = f.call("add_shl", {5, 0x40000001u});  // (0x40000001 << 2) wraps to 4
  ASSERT_EQ(add_shl->run(), RunStatus::Done);
  EXPECT_EQ(add_shl->results()[0], 9u);
}

TEST(Execution, FusedLoadFromASumWrapsAndTrapsLikeTheInstructions) {
  Fixture f;
  auto wrapped = f.call("load_add", {0xfffffff0u, 0x14});  // the sum wraps to 4
  ASSERT_EQ(wrapped->run(), RunStatus::Done) << wrapped->trap().message;
  EXPECT_EQ(wrapped->results()[0], 0x11223344u);
  auto oob = f.call("load_add", {0xfff0u, 0x14});  // 0x10004 is past the 64 KiB memory
  ASSERT_EQ(oob->run(), RunStatus::Trapped);
  EXPECT_EQ(oob->trap().message, "out of bounds memory access");
  auto narrow = f.call("load8_s_add", {0xffffffffu, 5});  // (x + y) wraps to 4, + offset 5
  ASSERT_EQ(narrow->run(), RunStatus::Done) << narrow->trap().message;
  EXPECT_EQ(narrow->results()[0], 0xffffff80u);
  // The sum wraps to 0xffffffff; the offset is added without wrapping: out of bounds.
  auto past = f.call("load8_s_add", {0xfffffffau, 5});
  ASSERT_EQ(past->run(), RunStatus::Trapped);
  EXPECT_EQ(past->trap().message, "out of bounds memory access");
}

TEST(Execution, FusedAndNotAndRotationsMatchTheInstructions) {
  Fixture f;
  const uint32_t a = 0xf0f0ff00u, b = 0x12345678u;
  auto and_not = f.call("and_not", {a, b});
  ASSERT_EQ(and_not->run(), RunStatus::Done);
  EXPECT_EQ(and_not->results()[0], ~a & b);
  EXPECT_EQ(and_not->results()[1], ~a & b);
  for (uint32_t x : {0x6a09e667u, 0u, 0x80000001u}) {
    const uint32_t y = 0x9abcdef0u;
    auto r = f.call("rotations", {x, y});
    ASSERT_EQ(r->run(), RunStatus::Done);
    EXPECT_EQ(r->results()[0], std::rotl(x, 25) ^ std::rotl(x, 14));
    EXPECT_EQ(r->results()[1], std::rotl(x, 30) ^ std::rotl(x, 19) ^ std::rotl(x, 10));
    EXPECT_EQ(r->results()[2], std::rotl(x, 7) ^ std::rotl(y, 18));
    EXPECT_EQ(r->results()[3], uint32_t((std::rotl(x, 3) ^ std::rotl(x, 9)) + std::rotl(x, 3)));
  }
}

static uint64_t f64_bits(double d) { return std::bit_cast<uint64_t>(d); }

TEST(Execution, FusedMultiplyAddRoundsTwiceLikeTheInstructions) {
  Fixture f;
  auto run = [&](const char* name, double x, double y, double z) {
    auto ex = f.call(name, {f64_bits(x), f64_bits(y), f64_bits(z)});
    EXPECT_EQ(ex->run(), RunStatus::Done) << name << ": " << ex->trap().message;
    return std::bit_cast<double>(ex->results()[0]);
  };
  EXPECT_EQ(run("mul_add", 2, 3, 4), 10.0);
  EXPECT_EQ(run("add_mul", 2, 3, 4), 10.0);
  EXPECT_EQ(run("mul_sub", 2, 3, 4), 2.0);
  EXPECT_EQ(run("sub_mul", 2, 3, 4), -2.0);
  EXPECT_EQ(run("mul_add_imm", 2, 3, 0), 5.0);
  // (1 + 2^-30)(1 - 2^-30) = 1 - 2^-60 rounds to 1, so the sum with -1 is exactly 0;
  // an fma would give -2^-60.
  double x = 1 + std::ldexp(1.0, -30), y = 1 - std::ldexp(1.0, -30);
  EXPECT_EQ(run("mul_add", x, y, -1), 0.0);
  EXPECT_EQ(run("add_mul", x, y, -1), 0.0);
  EXPECT_EQ(run("mul_sub", x, y, 1), 0.0);
  EXPECT_EQ(run("sub_mul", x, y, 1), 0.0);
  EXPECT_EQ(run("mul_add_imm", x, y, 0), 0.0);
}

TEST(Execution, FusedF64LoadOperandComputesAndTrapsLikeTheLoad) {
  Fixture f;
  auto run = [&](const char* name, uint32_t addr, double x) {
    auto ex = f.call(name, {addr, f64_bits(x)});
    EXPECT_EQ(ex->run(), RunStatus::Done) << name << ": " << ex->trap().message;
    return std::bit_cast<double>(ex->results()[0]);
  };
  EXPECT_EQ(run("add_load", 8, 3), 3.25);
  EXPECT_EQ(run("sub_load", 8, 3), 2.75);
  EXPECT_EQ(run("mul_load", 8, 3), 0.75);
  // 65528 + 8 is the end of the 64 KiB memory: the 8-byte load is out of bounds, and
  // the trap names the f64.load (opcode 0x2b) in the module.
  auto oob = f.call("add_load", {65528, f64_bits(1)});
  ASSERT_EQ(oob->run(), RunStatus::Trapped);
  EXPECT_EQ(oob->trap().message, "out of bounds memory access");
  ASSERT_FALSE(oob->trap().backtrace.empty());
  std::vector<uint8_t> bytes = read_guest("exec_basics.wasm");
  uint32_t at = oob->trap().backtrace[0].code_offset;
  ASSERT_LT(at, bytes.size());
  EXPECT_EQ(bytes[at], 0x2b);
}

TEST(Execution, FusedConvertOfShiftMatchesTheInstructions) {
  Fixture f;
  auto ex = f.call("convert_shr", {~0ull, 0});
  ASSERT_EQ(ex->run(), RunStatus::Done) << ex->trap().message;
  ASSERT_EQ(ex->results().size(), 3u);
  EXPECT_EQ(std::bit_cast<double>(ex->results()[0]), 9007199254740991.0);  // 2^53 - 1
  EXPECT_EQ(std::bit_cast<double>(ex->results()[1]), 9223372036854775808.0);  // 2^63 - 1 rounds up
  EXPECT_EQ(std::bit_cast<double>(ex->results()[2]), 18446744073709551616.0);  // unsigned 2^64 - 1
}

TEST(Execution, ConstantLeftOperandOfFloatSubAndDiv) {
  Fixture f;
  auto ex = f.call("const_left", {f64_bits(4), std::bit_cast<uint32_t>(0.5f)});
  ASSERT_EQ(ex->run(), RunStatus::Done) << ex->trap().message;
  ASSERT_EQ(ex->results().size(), 4u);
  EXPECT_EQ(std::bit_cast<double>(ex->results()[0]), 0.25);
  EXPECT_EQ(std::bit_cast<double>(ex->results()[1]), 6.0);
  EXPECT_EQ(std::bit_cast<float>(static_cast<uint32_t>(ex->results()[2])), 2.0f);
  EXPECT_EQ(std::bit_cast<float>(static_cast<uint32_t>(ex->results()[3])), 9.5f);
}

TEST(Execution, MemoryGrowRespectsStoreLimit) {
  StoreLimits limits;
  limits.max_memory_pages = 2;
  Fixture f(limits);
  auto g1 = f.call("grow", {1});
  ASSERT_EQ(g1->run(), RunStatus::Done);
  EXPECT_EQ(g1->results()[0], 1u);  // old size
  auto g2 = f.call("grow", {1});
  ASSERT_EQ(g2->run(), RunStatus::Done);
  EXPECT_EQ(g2->results()[0], 0xffffffffu);  // -1: over the limit
}

TEST(Execution, WrongArgumentCountIsRefused) {
  Fixture f;
  EXPECT_THROW(f.call("sum", {}), std::invalid_argument);
}

TEST(Execution, UnmeteredCodeIgnoresBudgetsAndLimits) {
  auto module = decode_module(read_guest("exec_basics.wasm"), {.fuel_metering = false});
  StoreLimits limits;
  limits.fuel = 1;  // would trap metered code at once
  Store store(limits);
  auto next = std::make_shared<HostFunc>(HostFunc{{{}, {ValType::I32}}, nullptr, "host.next"});
  auto log = std::make_shared<HostFunc>(HostFunc{{{ValType::I32}, {}}, nullptr, "host.log"});
  std::vector<Extern> imports = {Extern::of(store.new_host_func(next)), Extern::of(store.new_host_func(log))};
  Instance* inst = store.instantiate(module, imports);
  Execution ex(store, inst->get_export("fib")->func, std::vector<uint64_t>{15});
  EXPECT_EQ(ex.run(1), RunStatus::Done);  // no Fuel instructions: nothing to yield at
  EXPECT_EQ(ex.results()[0], 610u);
  EXPECT_EQ(ex.fuel_consumed(), 0u);
  Execution grow(store, inst->get_export("grow")->func, std::vector<uint64_t>{2});
  EXPECT_EQ(grow.run(), RunStatus::Done) << grow.trap().message;  // memory.grow's extra units
  EXPECT_EQ(grow.results()[0], 1u);
  EXPECT_EQ(grow.fuel_consumed(), 0u);

  // Bulk work under a tiny budget: its extra units must not count against the budget
  // either (a branch would then look for a Fuel instruction that unmetered code lacks).
  auto bulk = decode_module(read_guest("fuel_contract.wasm"), {.fuel_metering = false});
  Store bulk_store;
  Instance* bulk_inst = bulk_store.instantiate(bulk, {});
  Execution fill(bulk_store, bulk_inst->get_export("fill_loop")->func, std::vector<uint64_t>{300});
  EXPECT_EQ(fill.run(1), RunStatus::Done) << fill.trap().message;
  EXPECT_EQ(fill.fuel_consumed(), 0u);
}

namespace {

struct Outcome {
  RunStatus status;
  uint64_t result = 0;
  std::string trap;
  uint64_t fuel = 0;
  bool operator==(const Outcome&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Outcome& o) {
  return os << run_status_name(o.status) << " result=" << o.result << " trap='" << o.trap << "' fuel=" << o.fuel;
}

// Calls an export of fuel_contract.wasm in a fresh store with the given fuel limit
// (0: none), in budgets of `slice`.
Outcome run_contract(const char* name, std::vector<uint64_t> args, uint64_t limit, int64_t slice) {
  static std::shared_ptr<const Module> module = decode_module(read_guest("fuel_contract.wasm"));
  StoreLimits limits;
  limits.fuel = limit;
  Store store(limits);
  Instance* inst = store.instantiate(module, {});
  Execution ex(store, inst->get_export(name)->func, args);
  run_sliced(ex, slice);
  Outcome o{ex.status(), 0, "", 0};
  if (o.status == RunStatus::Done && !ex.results().empty()) o.result = ex.results()[0];
  if (o.status == RunStatus::Trapped) o.trap = ex.trap().message;
  o.fuel = ex.fuel_consumed();
  EXPECT_EQ(store.fuel_consumed, o.fuel);
  return o;
}

// The fuel contract (design.md section 3): for any slicing the outcome and the fuel
// are the same; a run that consumes F completes under a limit of F and traps with
// `fuel exhausted` under F-1, at the same point for every slicing.
void check_contract(const char* name, std::vector<uint64_t> args) {
  SCOPED_TRACE(name);
  const Outcome free_run = run_contract(name, args, 0, INT64_MAX);
  ASSERT_GT(free_run.fuel, 0u);
  std::optional<Outcome> exhausted;
  for (int64_t slice : {INT64_MAX, int64_t{1}, int64_t{2}, int64_t{3}, int64_t{7}, int64_t{10000}}) {
    SCOPED_TRACE("slice " + std::to_string(slice));
    EXPECT_EQ(run_contract(name, args, 0, slice), free_run);
    EXPECT_EQ(run_contract(name, args, free_run.fuel, slice), free_run);
    Outcome short_run = run_contract(name, args, free_run.fuel - 1, slice);
    EXPECT_EQ(short_run.status, RunStatus::Trapped);
    EXPECT_EQ(short_run.trap, "fuel exhausted");
    EXPECT_LT(short_run.fuel, free_run.fuel);
    if (!exhausted) exhausted = short_run;
    EXPECT_EQ(short_run, *exhausted);
  }
}

}  // namespace

TEST(FuelContract, CallThenEarlyReturnIsExact) {
  // Issue 10's minimal case: sliced by 1 it used to trap with a false `fuel exhausted`.
  Outcome o = run_contract("call_then_if", {}, 0, 1);
  EXPECT_EQ(o, (Outcome{RunStatus::Done, 7, "", 6}));
  check_contract("call_then_if", {});
}

TEST(FuelContract, EarlyBranchOutOfALongSegment) {
  // block, i32.const, br_if (taken), then i32.const 3: 4 units, not the block's 13.
  EXPECT_EQ(run_contract("early_exit", {}, 0, INT64_MAX).fuel, 4u);
  EXPECT_EQ(run_contract("early_exit", {}, 4, INT64_MAX).status, RunStatus::Done);
  check_contract("early_exit", {});
}

TEST(FuelContract, LoopsWithCallsAndBulkWork) {
  for (uint64_t n : {1, 2, 10, 300}) check_contract("fill_loop", {n});
  for (uint64_t n : {1, 7, 27, 97}) check_contract("collatz", {n});
}

TEST(FuelContract, TrapInTheMiddleOfASegment) {
  Outcome o = run_contract("trap_mid_segment", {27}, 0, INT64_MAX);
  EXPECT_EQ(o.trap, "integer divide by zero");
  check_contract("trap_mid_segment", {27});
}

TEST(FuelContract, FailedGrowthIsNotChargedPerPage) {
  // memory.grow(-1) and table.grow(-1) return -1 for 1 unit each, under any limit
  // (plus 1 per operand: i32.const, ref.null).
  for (auto [name, fuel] : {std::pair{"grow_fails", 2u}, std::pair{"table_grow_fails", 3u}}) {
    Outcome o = run_contract(name, {}, 0, INT64_MAX);
    EXPECT_EQ(o, (Outcome{RunStatus::Done, 0xFFFFFFFFu, "", fuel})) << name;
    EXPECT_EQ(run_contract(name, {}, fuel, 1), o) << name;
  }
}

TEST(FuelContract, HugeLimitsAreNoLimits) {
  // Limits of 2^63 and above used to wrap negative and trap at once.
  for (uint64_t limit : {uint64_t{1} << 63, UINT64_MAX - 1, UINT64_MAX}) {
    Outcome o = run_contract("collatz", {27}, limit, INT64_MAX);
    EXPECT_EQ(o.status, RunStatus::Done) << o;
    EXPECT_EQ(o.result, 111u);
  }
}

TEST(FuelContract, ZeroingLocalsIsCharged) {
  // call (1) + the callee's entry (10 for its locals + i32.const 1).
  EXPECT_EQ(run_contract("many_locals", {}, 0, INT64_MAX).fuel, 12u);
  check_contract("many_locals_loop", {50});
}

// What mix_loop computes, in C++.
static uint32_t mix_loop_reference(uint32_t n) {
  static const uint8_t data[16] = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
                                   0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10};
  uint32_t a = 0x6a09e667u, b = 0xbb67ae85u, c = 0x3c6ef372u, d = 0xa54ff53au;
  while (n != 0) {
    --n;
    uint32_t at = n + (d & 31);
    uint32_t t = (std::rotl(a, 30) ^ std::rotl(a, 19) ^ std::rotl(a, 10)) + (~b & c);
    t += at < 16 ? data[at] : 0;
    d = c, c = b, b = a, a = t;
  }
  return a ^ b ^ c ^ d;
}

TEST(FuelContract, FusedMixingAndCopiesBeforeTheBranchBack) {
  // Fused rotations, and-not, a load from x + y and four copies joined to the br: the
  // results of the plain instructions, and 43 units per iteration as written.
  const uint64_t base = run_contract("mix_loop", {0}, 0, INT64_MAX).fuel;
  for (uint32_t n : {0u, 1u, 2u, 17u, 64u}) {
    Outcome o = run_contract("mix_loop", {n}, 0, INT64_MAX);
    ASSERT_EQ(o.status, RunStatus::Done) << o;
    EXPECT_EQ(o.result, mix_loop_reference(n)) << n;
    EXPECT_EQ(o.fuel - base, 43u * n) << n;
    check_contract("mix_loop", {n});
  }
}
