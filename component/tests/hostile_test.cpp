// A guest that misbehaves at the canonical ABI boundary (guests/hostile.wat): every
// bad pointer, length, alignment or trap becomes a CallError or LinkError that says
// what and where, and the instance keeps answering.
#include <gtest/gtest.h>

#include "component/instance.h"
#include "component/tests/guest_util.h"

namespace wippy::component {
namespace {

class Hostile : public ::testing::Test {
 protected:
  void SetUp() override { inst_ = std::make_unique<ComponentInstance>(test::load_guest("hostile.component.wasm"), Linker{}); }
  std::string error_of(std::string_view name, std::vector<Value> args = {}) {
    try {
      inst_->call(name, args);
    } catch (const CallError& e) {
      return e.what();
    }
    return "no error";
  }
  std::unique_ptr<ComponentInstance> inst_;
};

TEST_F(Hostile, AllocatorResultsAreChecked) {
  EXPECT_EQ(error_of("string-realloc-outside", {Value::string("abc")}),
            "`string-realloc-outside`: param `s`: cabi_realloc result at 0x7ffffff0 (3 bytes) is outside memory (65536 bytes)");
  EXPECT_EQ(error_of("list-realloc-misaligned", {Value::list({Value::u32(1)})}),
            "`list-realloc-misaligned`: param `xs`: cabi_realloc returned 0x1, not aligned to 4");
  EXPECT_EQ(error_of("string-realloc-trap", {Value::string("abc")}),
            "`string-realloc-trap`: param `s`: cabi_realloc trapped: unreachable");
}

TEST_F(Hostile, ListsAndStringsAreCheckedBeforeTheyAreRead) {
  EXPECT_EQ(error_of("misaligned-list"), "`misaligned-list`: result: list at 0x2 is not 4-aligned");
  EXPECT_EQ(error_of("huge-list"),
            "`huge-list`: result: list of 268435456 elements (2147483648 bytes) exceeds the limit of 268435455 bytes");
  EXPECT_EQ(error_of("huge-string"), "`huge-string`: result: string of 268435456 bytes exceeds the limit of 268435455");
  EXPECT_EQ(error_of("string-past-end"), "`string-past-end`: result: string at 0xfff0 (32 bytes) is outside memory (65536 bytes)");
}

TEST_F(Hostile, ReturnAreasAreChecked) {
  EXPECT_EQ(error_of("retptr-outside"), "`retptr-outside`: result: spilled values at 0xfffffff8 (16 bytes) is outside memory (65536 bytes)");
  EXPECT_EQ(error_of("retptr-misaligned"), "`retptr-misaligned`: result: spilled values at 0x4 are not 8-aligned");
}

TEST_F(Hostile, HandleTableIsBounded) {
  std::string e = error_of("many-handles");
  EXPECT_NE(e.find("trapped: more than 1048576 resource handles"), std::string::npos) << e;
  EXPECT_EQ(inst_->resources().live(), kMaxHandles);
}

TEST_F(Hostile, AnyNonZeroBoolIsTrue) { EXPECT_EQ(inst_->call("two-as-bool", {}), std::vector<Value>{Value::boolean(true)}); }

TEST_F(Hostile, FlagBitsBeyondTheLabelsAreIgnored) {
  EXPECT_EQ(inst_->call("flags-extra-bits", {}), std::vector<Value>{Value::flags(3)});
}

TEST_F(Hostile, PostReturnTrapIsAnError) {
  EXPECT_EQ(error_of("post-return-traps"), "`post-return-traps`: post-return trapped: unreachable");
  EXPECT_EQ(error_of("two-as-bool"), "no error");
}

// The other direction: a list the guest passes to a host function is checked too,
// and the host function is not called.
TEST(HostileImport, ListOutsideMemoryPassedToTheHost) {
  std::vector<std::vector<Value>> calls;
  Linker linker;
  linker.define("test:hostile/host", "take", [&](const std::vector<Value>& args) {
    calls.push_back(args);
    return std::vector<Value>{};
  });
  ComponentInstance inst(test::load_guest("hostile_import.component.wasm"), linker);
  inst.call("good-list-to-host", {});
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0], std::vector<Value>{Value::list({Value::u32(0), Value::u32(0)})});
  try {
    inst.call("bad-list-to-host", {});
    FAIL() << "no error";
  } catch (const CallError& e) {
    EXPECT_NE(std::string(e.what()).find("`bad-list-to-host` trapped: test:hostile/host#take: param `xs`: list of 100 u32 "
                                         "at 0xfff0 (400 bytes) is outside memory (65536 bytes)"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(calls.size(), 1u);
}

TEST(HostileInstantiation, CoreSignatureMustMatchTheCanonicalABI) {
  try {
    ComponentInstance inst(test::load_guest("bad_lift_type.component.wasm"), Linker{});
    FAIL() << "instantiated";
  } catch (const LinkError& e) {
    EXPECT_EQ(std::string(e.what()), "canon lift: core function 0 has type [i32] -> [i32], the canonical ABI needs [i64] -> [i32]");
  }
}

TEST(HostileInstantiation, DestructorMustTakeTheRepresentation) {
  try {
    ComponentInstance inst(test::load_guest("bad_dtor.component.wasm"), Linker{});
    FAIL() << "instantiated";
  } catch (const LinkError& e) {
    EXPECT_EQ(std::string(e.what()), "destructor of resource0 has type [i64] -> [], needs [i32] -> []");
  }
}

TEST(HostileInstantiation, TrappingStartFunctionFailsInstantiation) {
  try {
    ComponentInstance inst(test::load_guest("start_traps.component.wasm"), Linker{});
    FAIL() << "instantiated";
  } catch (const LinkError& e) {
    EXPECT_EQ(std::string(e.what()), "core instance 0 (module 0): start function trapped: unreachable");
  }
}

}  // namespace
}  // namespace wippy::component
