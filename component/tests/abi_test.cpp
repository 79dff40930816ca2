// The canonical ABI through a real guest (guests/types.c, made a component by jco):
// every value kind lifted from the guest's memory and flat results, lowered into its
// parameters and memory, host imports called back with records, lists and results,
// resources both ways, post-return, and the faults the ABI must refuse.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>

#include "component/instance.h"
#include "component/tests/guest_util.h"

namespace wippy::component {
namespace {

using V = Value;

// The value types.c builds in make_everything and expects in check_everything.
Value everything() {
  return V::record({
      V::boolean(true), V::s8(-5), V::u8(250), V::s16(-30000), V::u16(60000), V::s32(-2000000000),
      V::u32(4000000000u), V::s64(-9000000000000000000LL), V::u64(18000000000000000000ULL), V::f32(1.5f),
      V::f64(-2.25), V::character(0x1F600), V::string("h\xc3\xa9llo w\xc3\xb6rld"),
      V::list({V::record({V::s32(1), V::s32(2)}), V::record({V::s32(-3), V::s32(4)})}),
      V::list({V::string("a"), V::string(""), V::string("\xc3\xbcn\xc3\xaf")}),
      V::enumeration(2), V::flags(5), V::variant(1, V::record({V::s32(7), V::s32(-8)})),
      V::some(V::string("yes")), V::err(V::string("bad")), V::tuple({V::u8(9), V::string("nine")}),
      V::list({V::list({V::u16(1), V::u16(2), V::u16(3)}), V::list({}), V::list({V::u16(65535)})}),
  });
}

class TypesGuest : public ::testing::Test {
 protected:
  void SetUp() override {
    linker_ = host_.linker();
    inst_ = std::make_unique<ComponentInstance>(test::load_guest("types.component.wasm"), linker_);
  }

  std::vector<Value> call(std::string_view name, std::vector<Value> args = {}) { return inst_->call(name, args); }
  Value call1(std::string_view name, std::vector<Value> args = {}) {
    std::vector<Value> r = call(name, std::move(args));
    EXPECT_EQ(r.size(), 1u);
    return r.empty() ? Value{} : r[0];
  }
  std::string show(std::string_view func, const Value& v) { return to_string(v, *inst_->func_type(func).result()); }
  std::string error_of(std::string_view name, std::vector<Value> args = {}) {
    try {
      call(name, std::move(args));
    } catch (const CallError& e) {
      return e.what();
    }
    return "no error";
  }

  static constexpr const char* kApi = "test:types/api#";
  static std::string api(const char* f) { return std::string(kApi) + f; }

  test::TypesHost host_;
  Linker linker_;
  std::unique_ptr<ComponentInstance> inst_;
};

TEST_F(TypesGuest, WorldExportWithFlatValues) {
  EXPECT_EQ(call1("add", {V::s32(40), V::s32(2)}), V::s32(42));
  EXPECT_EQ(call1("add", {V::s32(INT32_MAX), V::s32(1)}), V::s32(INT32_MIN));
}

TEST_F(TypesGuest, LiftsEveryKindFromGuestMemory) {
  Value got = call1(api("make-everything"));
  EXPECT_EQ(got, everything()) << show(api("make-everything"), got);
}

TEST_F(TypesGuest, LowersEveryKindIntoGuestMemory) {
  Value got = call1(api("check-everything"), {everything()});
  EXPECT_EQ(got, V::string("")) << "fields the guest saw differently: " << got.str;
}

TEST_F(TypesGuest, RoundTripsEveryKindThroughMemory) {
  Value e = everything();
  EXPECT_EQ(call1(api("echo-everything"), {e}), e);
  // Other cases of the variants and options.
  e.items[17] = V::variant(3, V::u64(UINT64_MAX));
  e.items[18] = V::none();
  e.items[19] = V::ok(V::u32(42));
  e.items[13] = V::list({});
  EXPECT_EQ(call1(api("echo-everything"), {e}), e) << show(api("echo-everything"), e);
  e.items[17] = V::variant(2);
  EXPECT_EQ(call1(api("echo-everything"), {e}), e);
}

TEST_F(TypesGuest, VariantPayloadsShareJoinedFlatSlots) {
  // shape flattens to (i32, i64, i32): f32, i32 and u64 payloads share the i64 slot.
  for (const Value& s : {V::variant(0, V::f32(-0.75f)), V::variant(1, V::record({V::s32(-1), V::s32(INT32_MIN)})),
                         V::variant(2), V::variant(3, V::u64(0x8000000000000001ULL))}) {
    Value got = call1(api("echo-shape"), {s});
    EXPECT_EQ(got, s) << show(api("echo-shape"), got);
  }
}

TEST_F(TypesGuest, ScalarsOptionsResultsFlagsEnums) {
  EXPECT_EQ(call1(api("echo-char"), {V::character(0x10FFFF)}), V::character(0x10FFFF));
  EXPECT_EQ(call1(api("echo-char"), {V::character('A')}), V::character('A'));
  EXPECT_EQ(call1(api("echo-option"), {V::some(V::u32(7))}), V::some(V::u32(7)));
  EXPECT_EQ(call1(api("echo-option"), {V::none()}), V::none());
  EXPECT_EQ(call1(api("echo-result"), {V::ok(V::string("fine \xe2\x9c\x93"))}), V::ok(V::string("fine \xe2\x9c\x93")));
  EXPECT_EQ(call1(api("echo-result"), {V::err(V::u8(200))}), V::err(V::u8(200)));
  EXPECT_EQ(call1(api("echo-flags"), {V::flags(6)}), V::flags(6));
  EXPECT_EQ(call1(api("echo-color"), {V::enumeration(1)}), V::enumeration(1));
  Value ints = V::tuple({V::s8(-128), V::u8(255), V::s16(-32768), V::u16(65535), V::s64(INT64_MIN), V::u64(UINT64_MAX)});
  EXPECT_EQ(call1(api("echo-ints"), {V::s8(-128), V::u8(255), V::s16(-32768), V::u16(65535), V::s64(INT64_MIN), V::u64(UINT64_MAX)}), ints);
}

TEST_F(TypesGuest, FloatsAndNaNCanonicalisation) {
  Value got = call1(api("echo-floats"), {V::f32(3.25f), V::f64(-1e300)});
  EXPECT_EQ(got, V::tuple({V::f32(3.25f), V::f64(-1e300)}));
  // A NaN with a sign and payload comes out as the canonical NaN (0x7fc00000).
  Value nan = call1(api("noisy-nan"));
  ASSERT_EQ(nan.kind, Kind::F32);
  EXPECT_EQ(std::bit_cast<uint32_t>(static_cast<float>(nan.f)), 0x7fc00000u);
  Value both = call1(api("echo-floats"), {V::f32(std::nanf("5")), V::f64(-std::nan("9"))});
  EXPECT_EQ(std::bit_cast<uint32_t>(static_cast<float>(both.items[0].f)), 0x7fc00000u);
  EXPECT_EQ(std::bit_cast<uint64_t>(both.items[1].f), 0x7ff8000000000000ull);
}

TEST_F(TypesGuest, ListsAndStringsReachTheGuest) {
  std::vector<Value> xs;
  uint64_t want = 0;
  for (uint32_t i = 0; i < 1000; ++i) {
    xs.push_back(V::u32(i * 4000000));
    want += uint64_t{i} * 4000000;
  }
  EXPECT_EQ(call1(api("sum"), {V::list(xs)}), V::u64(want));
  EXPECT_EQ(call1(api("sum"), {V::list({})}), V::u64(0));
  EXPECT_EQ(call1(api("count-bytes"), {V::string("\xf0\x9f\x98\x80")}), V::u32(4));
}

TEST_F(TypesGuest, PostReturnRunsAfterEachCall) {
  EXPECT_EQ(call1(api("make-greeting"), {V::string("w\xc3\xb6rld")}), V::string("hello, w\xc3\xb6rld"));
  EXPECT_EQ(call1(api("make-greeting"), {V::string("")}), V::string("hello, "));
  EXPECT_EQ(call1(api("post-returns")), V::u32(2));
}

TEST_F(TypesGuest, GuestCallsHostWithRecordsListsAndResults) {
  Value got = call1(api("call-combine"), {V::u32(1), V::string("abc"), V::list({V::u32(2), V::u32(3)})});
  EXPECT_EQ(got, V::ok(V::tuple({V::u32(6), V::string("abc!")}))) << show(api("call-combine"), got);
  got = call1(api("call-combine"), {V::u32(1), V::string("abc"), V::list({})});
  EXPECT_EQ(got, V::err(V::string("no numbers")));
  EXPECT_EQ(host_.log, (std::vector<std::string>{"combining", "combining"}));
}

TEST_F(TypesGuest, HostResourceOwnedAndBorrowedByTheGuest) {
  EXPECT_EQ(call1(api("use-blob"), {V::u32(7)}), V::u32(7));
  EXPECT_EQ(host_.blob_kinds, std::vector<Kind>{Kind::Borrow});
  EXPECT_EQ(host_.dropped_blobs, std::vector<uint32_t>{70});
  EXPECT_EQ(inst_->resources().live(), 0u);
}

TEST_F(TypesGuest, HostLendsItsResourceToTheGuest) {
  const Type& ft = inst_->func_type(api("blob-size"));
  const Type* blob = ft.params().at(0).type->elem.get();
  EXPECT_EQ(call1(api("blob-size"), {V::borrow(blob, 90)}), V::u32(9));
  EXPECT_EQ(host_.blob_kinds, std::vector<Kind>{Kind::Borrow});
  EXPECT_EQ(inst_->resources().live(), 0u);  // the lent handle ended with the call
  EXPECT_TRUE(host_.dropped_blobs.empty());  // lending does not drop
}

TEST_F(TypesGuest, GuestResourceOwnedByTheHost) {
  Value counter = call1(api("[constructor]counter"), {V::u32(41)});
  ASSERT_EQ(counter.kind, Kind::Own);
  Value self = V::borrow(counter.resource, static_cast<uint32_t>(counter.bits));
  call(api("[method]counter.inc"), {self});
  EXPECT_EQ(call1(api("[method]counter.get"), {self}), V::u32(42));
  EXPECT_EQ(call1(api("dtor-calls")), V::u32(0));
  inst_->drop(counter);
  EXPECT_EQ(call1(api("dtor-calls")), V::u32(1));
}

// --- faults ------------------------------------------------------------------------

TEST_F(TypesGuest, InvalidUtf8FromTheGuestIsAnError) {
  EXPECT_EQ(error_of(api("bad-utf8")), "`test:types/api#bad-utf8`: result: string is not valid UTF-8");
}

TEST_F(TypesGuest, ListOutsideMemoryIsAnError) {
  std::string e = error_of(api("bad-list"));
  EXPECT_NE(e.find("result: list of 100 u32 at 0xfffffff0 (400 bytes) is outside memory"), std::string::npos) << e;
}

TEST_F(TypesGuest, InvalidCharEnumAndHandleAreErrors) {
  EXPECT_NE(error_of(api("bad-char")).find("result: invalid char U+D800"), std::string::npos);
  EXPECT_NE(error_of(api("bad-enum")).find("result: enum case 7 out of range (3 cases)"), std::string::npos);
  EXPECT_NE(error_of(api("bad-handle")).find("result: unknown handle 12345"), std::string::npos);
}

TEST_F(TypesGuest, GuestTrapIsAnError) {
  std::string e = error_of(api("crash"));
  EXPECT_NE(e.find("`test:types/api#crash` trapped: unreachable"), std::string::npos) << e;
  // The instance still answers.
  EXPECT_EQ(call1("add", {V::s32(1), V::s32(2)}), V::s32(3));
}

TEST_F(TypesGuest, MissingExportNamesWhatThereIs) {
  std::string e = error_of("nope");
  EXPECT_NE(e.find("no exported function `nope`"), std::string::npos) << e;
  EXPECT_NE(e.find("test:types/api#make-everything"), std::string::npos) << e;
  EXPECT_NE(error_of(api("nope")).find("no exported function `test:types/api#nope`"), std::string::npos);
}

TEST_F(TypesGuest, WrongHostArgumentsNameTheParameter) {
  EXPECT_EQ(error_of("add", {V::s32(1)}), "`add` takes 2 arguments, got 1");
  EXPECT_EQ(error_of("add", {V::s32(1), V::string("x")}), "`add`: param `b`: expected s32, got string");
  Value too_big = V::u16(0);
  too_big.bits = 70000;  // a host binding that did not range-check
  EXPECT_EQ(error_of(api("echo-ints"), {V::s8(0), V::u8(0), V::s16(0), too_big, V::s64(0), V::u64(0)}),
            "`test:types/api#echo-ints`: param `d`: 70000 out of range for u16");
  EXPECT_EQ(error_of(api("echo-char"), {V::character(0xDFFF)}),
            "`test:types/api#echo-char`: param `c`: invalid char U+DFFF (not a Unicode scalar value)");
  EXPECT_EQ(error_of(api("count-bytes"), {V::string("\xc3")}), "`test:types/api#count-bytes`: param `s`: string is not valid UTF-8");
  EXPECT_EQ(error_of(api("echo-color"), {V::enumeration(3)}), "`test:types/api#echo-color`: param `c`: case 3 out of range for enum{red, green, blue}");
  Value e = everything();
  e.items[13].items[1].items[0] = V::u32(1);
  EXPECT_EQ(error_of(api("echo-everything"), {e}),
            "`test:types/api#echo-everything`: param `e`: field `pts`: element 1: field `x`: expected s32, got u32");
}

TEST_F(TypesGuest, HostFunctionErrorTrapsTheGuest) {
  Linker failing = linker_;
  failing.define("test:types/host", "log", [](const std::vector<Value>&) -> std::vector<Value> {
    throw CallError("log refused");
  });
  ComponentInstance inst(test::load_guest("types.component.wasm"), failing);
  try {
    inst.call(api("call-combine"), {V::u32(1), V::string("a"), V::list({})});
    FAIL() << "no error";
  } catch (const CallError& e) {
    EXPECT_NE(std::string(e.what()).find("test:types/host#log: log refused"), std::string::npos) << e.what();
  }
}

// A host function may not call back into the instance that called it (the
// component model forbids reentrance); the instance answers again afterwards.
TEST(ComponentReentrance, HostCannotCallBackIntoTheCallingInstance) {
  test::TypesHost host;
  Linker linker = host.linker();
  ComponentInstance* self = nullptr;
  std::string reentry_error;
  linker.define("test:types/host", "log", [&](const std::vector<Value>&) {
    try {
      self->call("add", {Value::s32(1), Value::s32(2)});
    } catch (const CallError& e) {
      reentry_error = e.what();
    }
    return std::vector<Value>{};
  });
  ComponentInstance inst(test::load_guest("types.component.wasm"), linker);
  self = &inst;
  std::vector<Value> r = inst.call("test:types/api#call-combine", {Value::u32(1), Value::string("a"), Value::list({Value::u32(2)})});
  EXPECT_EQ(r, std::vector<Value>{Value::ok(Value::tuple({Value::u32(3), Value::string("a!")}))});
  EXPECT_EQ(reentry_error, "`add`: the component instance is already running a call (no reentrance)");
  EXPECT_EQ(inst.call("add", {Value::s32(1), Value::s32(2)}), std::vector<Value>{Value::s32(3)});
}

TEST(ComponentLink, MissingHostFunctionNamesInterfaceAndFunction) {
  Linker empty;
  try {
    ComponentInstance inst(test::load_guest("types.component.wasm"), empty);
    FAIL() << "instantiated without imports";
  } catch (const LinkError& e) {
    EXPECT_NE(std::string(e.what()).find("of interface `test:types/host`"), std::string::npos) << e.what();
  }
}

// The store's limits apply to the component as a whole: its allocator, the call
// and post-return draw on one fuel limit.
TEST(ComponentLimits, FuelLimitCoversTheWholeComponent) {
  test::TypesHost host;
  interp::StoreLimits limits;
  limits.fuel = 200000;
  ComponentInstance inst(test::load_guest("types.component.wasm"), host.linker(), limits);
  std::vector<Value> xs(20000, Value::u32(1));
  EXPECT_EQ(inst.call("test:types/api#sum", {Value::list(xs)}), std::vector<Value>{Value::u64(20000)});
  uint64_t used = inst.store().fuel_consumed;
  EXPECT_GT(used, 20000u);
  try {
    for (int i = 0; i < 100; ++i) inst.call("test:types/api#sum", {Value::list(xs)});
    FAIL() << "the fuel limit did not stop the calls";
  } catch (const CallError& e) {
    EXPECT_NE(std::string(e.what()).find("fuel exhausted"), std::string::npos) << e.what();
  }
  EXPECT_LE(inst.store().fuel_consumed, limits.fuel);
}

TEST_F(TypesGuest, CallRunsInBudgetSlices) {
  auto c = inst_->prepare(api("sum"), {V::list(std::vector<Value>(5000, V::u32(3)))});
  int slices = 0;
  interp::RunStatus s;
  while ((s = c->run(100)) == interp::RunStatus::OutOfBudget) ++slices;
  ASSERT_EQ(s, interp::RunStatus::Done);
  EXPECT_GT(slices, 1);
  EXPECT_EQ(c->results(), std::vector<Value>{V::u64(15000)});
}

}  // namespace
}  // namespace wippy::component
