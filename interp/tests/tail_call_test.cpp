// Tail calls (return_call, return_call_indirect): constant frame and value stack in
// endless tail recursion, the same result and fuel for any slicing, host callees
// (including suspension), callees in another instance, traps and backtraces.
// Guests: tests/guests/tail-call/tail_calls.wat and tail_other.wat.
#include <gtest/gtest.h>


#include "interp/execution.h"
#include "interp/tests/guest_file.h"

using namespace wippy::interp;

namespace {

struct NextPending : HostPending {};

// A store with tail_other and tail_calls instantiated. A call depth limit of 32
// frames: any call chain that kept its frames would trap at once.
struct TailFixture {
  static StoreLimits small_depth() {
    StoreLimits l;
    l.max_call_depth = 32;
    return l;
  }
  Store store;
  Instance* other = nullptr;
  Instance* inst = nullptr;
  int host_adds = 0;

  explicit TailFixture(StoreLimits limits = small_depth()) : store(limits) {
    static auto other_module = decode_module(read_guest("tail_other.wasm"));
    static auto module = decode_module(read_guest("tail_calls.wasm"));
    other = store.instantiate(other_module, {});
    auto next = std::make_shared<HostFunc>();
    next->type = {{}, {ValType::I32}};
    next->fn = [](HostCall&, const uint64_t*, uint64_t*) { return HostResult::suspend(std::make_unique<NextPending>()); };
    next->name = "host.next";
    auto add = std::make_shared<HostFunc>();
    add->type = {{ValType::I32, ValType::I32}, {ValType::I32}};
    add->fn = [this](HostCall&, const uint64_t* args, uint64_t* results) {
      ++host_adds;
      results[0] = static_cast<uint32_t>(args[0] + args[1]);
      return HostResult::ok();
    };
    add->name = "host.add";
    std::vector<Extern> imports = {Extern::of(store.new_host_func(next)), Extern::of(store.new_host_func(add)),
                                   *other->get_export("peek"), *other->get_export("count")};
    inst = store.instantiate(module, imports);
  }

  std::unique_ptr<Execution> call(const char* name, std::vector<uint64_t> args) {
    return std::make_unique<Execution>(store, inst->get_export(name)->func, args);
  }
};

// Runs to completion in budgets of `slice`; returns the number of run() calls.
int run_sliced(Execution& ex, int64_t slice) {
  int runs = 0;
  while (ex.run(slice) == RunStatus::OutOfBudget) ++runs;
  return runs + 1;
}

constexpr uint64_t kTenMillion = 10'000'000;
// What an execution allocates for its value stack at first (Execution's constructor):
// a chain of tail calls never needs more.
constexpr size_t kInitialStackCells = 256;

}  // namespace

TEST(TailCall, TenMillionMutualTailCallsUseConstantStack) {
  for (const char* name : {"even", "even_indirect"}) {
    SCOPED_TRACE(name);
    TailFixture f;
    auto ex = f.call(name, {kTenMillion});
    ASSERT_EQ(ex->run(), RunStatus::Done) << ex->trap().describe();
    EXPECT_EQ(ex->results()[0], 1u);
    // One frame's cells: a call that kept its caller's frame would need millions.
    EXPECT_LE(ex->stack_cells(), kInitialStackCells);
    auto odd = f.call(name, {kTenMillion + 1});
    ASSERT_EQ(odd->run(), RunStatus::Done) << odd->trap().describe();
    EXPECT_EQ(odd->results()[0], 0u);
  }
}

TEST(TailCall, SlicedRunsGiveTheSameResultAndFuel) {
  for (const char* name : {"even", "even_indirect"}) {
    SCOPED_TRACE(name);
    TailFixture whole;
    auto reference = whole.call(name, {kTenMillion});
    ASSERT_EQ(reference->run(), RunStatus::Done) << reference->trap().describe();
    ASSERT_GT(reference->fuel_consumed(), kTenMillion);

    TailFixture sliced;
    auto ex = sliced.call(name, {kTenMillion});
    int runs = run_sliced(*ex, 10000);
    ASSERT_EQ(ex->status(), RunStatus::Done) << ex->trap().describe();
    EXPECT_GT(runs, 1000);
    EXPECT_EQ(ex->results()[0], reference->results()[0]);
    EXPECT_EQ(ex->fuel_consumed(), reference->fuel_consumed());
    EXPECT_LE(ex->stack_cells(), kInitialStackCells);
  }
}

TEST(TailCall, FuelIsExactForEverySliceAndLimit) {
  // Small counts under tiny budgets: every yield falls before some tail call's entry.
  for (const char* name : {"even", "even_indirect", "even_plus_10"}) {
    SCOPED_TRACE(name);
    TailFixture free_fixture;
    auto free_run = free_fixture.call(name, {37});
    ASSERT_EQ(free_run->run(), RunStatus::Done);
    const uint64_t fuel = free_run->fuel_consumed();
    for (int64_t slice : {int64_t{1}, int64_t{2}, int64_t{3}, int64_t{7}}) {
      SCOPED_TRACE("slice " + std::to_string(slice));
      TailFixture f;
      auto ex = f.call(name, {37});
      run_sliced(*ex, slice);
      ASSERT_EQ(ex->status(), RunStatus::Done);
      EXPECT_EQ(ex->results()[0], free_run->results()[0]);
      EXPECT_EQ(ex->fuel_consumed(), fuel);
      // A limit one unit short traps before the last segment, whatever the slicing.
      StoreLimits limits = TailFixture::small_depth();
      limits.fuel = fuel - 1;
      TailFixture short_fixture(limits);
      auto short_run = short_fixture.call(name, {37});
      run_sliced(*short_run, slice);
      ASSERT_EQ(short_run->status(), RunStatus::Trapped);
      EXPECT_EQ(short_run->trap().message, "fuel exhausted");
    }
  }
}

TEST(TailCall, OverlappingArgumentMovesAndFreshLocals) {
  TailFixture f;
  // 5 tail calls swap (a, b) five times; the local starts at 0 in every callee.
  auto ex = f.call("swap", {1, 2, 5});
  ASSERT_EQ(ex->run(), RunStatus::Done) << ex->trap().describe();
  EXPECT_EQ(ex->results()[0], 2u * 1000 + 1 + 1000000);
  auto wide = f.call("to_wide", {41});
  ASSERT_EQ(wide->run(), RunStatus::Done) << wide->trap().describe();
  EXPECT_EQ(wide->results()[0], 42u);
}

TEST(TailCall, HostCalleeReturnsItsResultsFromTheCaller) {
  TailFixture f;
  auto add = f.call("tail_add", {40, 2});
  ASSERT_EQ(add->run(), RunStatus::Done) << add->trap().describe();
  EXPECT_EQ(add->results()[0], 42u);
  EXPECT_EQ(f.host_adds, 1);
}

TEST(TailCall, SuspendingHostCalleeResumesIntoTheReturn) {
  for (const char* name : {"tail_next", "tail_next_indirect", "tail_next_plus_1"}) {
    SCOPED_TRACE(name);
    TailFixture f;
    auto ex = f.call(name, {});
    ASSERT_EQ(ex->run(), RunStatus::Suspended);
    ex->resume(std::vector<uint64_t>{41});
    ASSERT_EQ(ex->run(1), RunStatus::Done) << ex->trap().describe();
    EXPECT_EQ(ex->results()[0], std::string(name) == "tail_next_plus_1" ? 42u : 41u);
  }
}

TEST(TailCall, CalleeInAnotherInstanceUsesItsOwnMemory) {
  TailFixture f;
  for (auto [name, expected] : {std::pair{"tail_peek", 2u}, std::pair{"tail_peek_indirect", 2u},
                                std::pair{"peek_both", 208u}}) {
    SCOPED_TRACE(name);
    auto ex = f.call(name, {1});
    ASSERT_EQ(ex->run(), RunStatus::Done) << ex->trap().describe();
    EXPECT_EQ(ex->results()[0], expected);
  }
  // A long count-down by tail calls inside the other instance, entered by a tail call.
  auto count = f.call("count_other", {kTenMillion / 10});
  ASSERT_EQ(run_sliced(*count, 5000) > 1, true);
  ASSERT_EQ(count->status(), RunStatus::Done) << count->trap().describe();
  EXPECT_EQ(count->results()[0], 3u);
  EXPECT_LE(count->stack_cells(), kInitialStackCells);
}

TEST(TailCall, IndirectChecksTrapAsForCallIndirect) {
  TailFixture f;
  auto bad_index = f.call("bad_index", {});
  ASSERT_EQ(bad_index->run(), RunStatus::Trapped);
  EXPECT_EQ(bad_index->trap().message, "undefined element");
  auto bad_type = f.call("bad_type", {});
  ASSERT_EQ(bad_type->run(), RunStatus::Trapped);
  EXPECT_EQ(bad_type->trap().message, "indirect call type mismatch");
}

TEST(TailCall, BacktraceShowsTheCalleeInItsCallersPlace) {
  TailFixture f;
  auto ex = f.call("outer", {});
  ASSERT_EQ(ex->run(), RunStatus::Trapped);
  const Trap& t = ex->trap();
  EXPECT_EQ(t.message, "integer divide by zero");
  ASSERT_EQ(t.backtrace.size(), 2u) << t.describe();
  EXPECT_EQ(t.backtrace[0].name, "boom");
  EXPECT_EQ(t.backtrace[1].name, "outer");
  EXPECT_GT(t.backtrace[0].code_offset, 0u);
}

TEST(TailCall, ValidationRefusesMismatchedResults) {
  // (func (result i64) (return_call $f)) where $f returns i32.
  const std::vector<uint8_t> bad = {
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,        // header
      0x01, 0x09, 0x02, 0x60, 0x00, 0x01, 0x7f, 0x60, 0x00, 0x01, 0x7e,  // types: ()->i32, ()->i64
      0x03, 0x03, 0x02, 0x00, 0x01,                          // funcs: 0 of type 0, 1 of type 1
      0x0a, 0x0b, 0x02,                                      // code: 2 bodies
      0x04, 0x00, 0x41, 0x00, 0x0b,                          // i32.const 0
      0x04, 0x00, 0x12, 0x00, 0x0b};                         // return_call 0
  try {
    decode_module(bad);
    FAIL() << "accepted a tail call with other results";
  } catch (const ModuleError& e) {
    EXPECT_NE(std::string(e.what()).find("type mismatch"), std::string::npos) << e.what();
  }
}
