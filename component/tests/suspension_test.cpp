// Suspension of component host calls (instance.h, HostReply): a host function that
// suspends makes the core execution of the Call return Suspended with the pending
// operation the host built; its completion lowers the result Values into the cells
// for Execution::resume, through the guest's cabi_realloc while the call is still
// suspended; a lowering that fails traps the guest on resume. Fuel is charged to the
// calling run through HostContext.
#include <gtest/gtest.h>

#include "component/instance.h"
#include "component/tests/guest_util.h"

namespace wippy::component {
namespace {

using V = Value;

// What a host layer would build (wasi/ makes a wasi::BlockingOp): it keeps the
// lowering to run on completion.
struct TestPending : interp::HostPending {
  LowerResults lower;
};

class Suspension : public ::testing::Test {
 protected:
  // combine suspends; everything else is TypesHost's.
  void SetUp() override {
    linker_ = host_.linker();
    linker_.define_suspendable("test:types/host", "combine", [this](HostContext& ctx, const std::vector<Value>& args) {
      seen_args_ = args;
      had_call_ = ctx.call != nullptr;
      return HostReply::suspended([](LowerResults lower) {
        auto p = std::make_unique<TestPending>();
        p->lower = std::move(lower);
        return p;
      });
    });
    inst_ = std::make_unique<ComponentInstance>(test::load_guest("types.component.wasm"), linker_);
    call_ = inst_->prepare("test:types/api#call-combine", {V::u32(1), V::string("abc"), V::list({V::u32(2)})});
  }

  // Runs the call to its suspension and returns the pending operation.
  std::unique_ptr<TestPending> suspend() {
    EXPECT_EQ(call_->run(), interp::RunStatus::Suspended);
    std::unique_ptr<interp::HostPending> p = call_->execution().take_pending();
    auto* t = dynamic_cast<TestPending*>(p.get());
    if (!t) return nullptr;
    p.release();
    return std::unique_ptr<TestPending>(t);
  }

  test::TypesHost host_;
  Linker linker_;
  std::unique_ptr<ComponentInstance> inst_;
  std::unique_ptr<Call> call_;
  std::vector<Value> seen_args_;
  bool had_call_ = false;
};

TEST_F(Suspension, ResumesWithResultsLoweredAfterTheSuspension) {
  std::unique_ptr<TestPending> p = suspend();
  ASSERT_TRUE(p);
  EXPECT_TRUE(had_call_);
  EXPECT_EQ(seen_args_.at(0), V::record({V::u32(1), V::string("abc")}));
  // The string is copied into the guest by its cabi_realloc, while the call is suspended.
  std::vector<uint64_t> cells = p->lower({V::ok(V::record({V::u32(7), V::string("after the wait")}))});
  call_->execution().resume(cells);
  EXPECT_EQ(call_->run(), interp::RunStatus::Done);
  EXPECT_EQ(call_->results(), std::vector<Value>{V::ok(V::tuple({V::u32(7), V::string("after the wait")}))});
  // The instance takes the next call.
  EXPECT_EQ(inst_->call("add", {V::s32(1), V::s32(2)}), std::vector<Value>{V::s32(3)});
}

TEST_F(Suspension, ResultThatDoesNotFitTrapsOnResume) {
  std::unique_ptr<TestPending> p = suspend();
  ASSERT_TRUE(p);
  std::vector<uint64_t> cells = p->lower({V::string("not a result")});
  call_->execution().resume(cells);
  EXPECT_EQ(call_->execution().status(), interp::RunStatus::Trapped);
  try {
    call_->results();
    FAIL() << "no trap";
  } catch (const CallError& e) {
    EXPECT_NE(std::string(e.what()).find("test:types/host#combine: result: expected result<record{a, b}, string>, got string"), std::string::npos) << e.what();
  }
}

TEST_F(Suspension, ASynchronousCallOfASuspendingHostSaysWhy) {
  call_.reset();
  try {
    inst_->call("test:types/api#call-combine", {V::u32(1), V::string("a"), V::list({V::u32(2)})});
    FAIL() << "no error";
  } catch (const CallError& e) {
    EXPECT_NE(std::string(e.what()).find("has not finished (suspended)"), std::string::npos) << e.what();
  }
}

TEST(HostFuel, HostFunctionChargesTheCallingRun) {
  test::TypesHost host;
  Linker linker = host.linker();
  linker.define_suspendable("test:types/host", "log", [](HostContext& ctx, const std::vector<Value>&) {
    if (!ctx.charge(1000)) return HostReply();
    return HostReply();
  });
  std::shared_ptr<const Component> c = test::load_guest("types.component.wasm");
  // The fuel of the whole store: instantiation, the call, its cabi_realloc.
  auto fuel_of = [&](Linker& l) {
    ComponentInstance inst(c, l);
    auto call = inst.prepare("test:types/api#call-combine", {V::u32(1), V::string("a"), V::list({V::u32(2)})});
    EXPECT_EQ(call->run(), interp::RunStatus::Done);
    call->results();
    return inst.store().fuel_consumed;
  };
  Linker plain = host.linker();
  uint64_t base = fuel_of(plain);
  EXPECT_EQ(fuel_of(linker), base + 1000);
  // Under a limit that cannot pay for it the call traps with `fuel exhausted`.
  interp::StoreLimits limits;
  limits.fuel = base + 500;
  ComponentInstance inst(c, linker, limits);
  auto call = inst.prepare("test:types/api#call-combine", {V::u32(1), V::string("a"), V::list({V::u32(2)})});
  EXPECT_EQ(call->run(), interp::RunStatus::Trapped);
  EXPECT_EQ(call->execution().trap().message, "fuel exhausted");
}

}  // namespace
}  // namespace wippy::component
