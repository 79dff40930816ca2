// Components and WIT-typed core modules as processes: values in and out, the faults
// a component call can have (each a clear error of that process only), fuel,
// max_execution_ms and slicing; a reactor's _initialize.
#include <fstream>
#include <iterator>

#include "component/loader.h"
#include "component/wit.h"
#include "procs/tests/test_util.h"
#include "wasi/wasi.h"

namespace wippy::procs::test {
namespace {

std::shared_ptr<const component::Component> load_component(const std::string& name) {
  std::ifstream in(std::string(WIPPY_GUEST_DIR) + "/" + name + ".component.wasm", std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return component::load_component(bytes);
}

engine::ModulePtr load_core(const std::string& name) {
  static engine::Engine engine;
  return engine.load_file(std::string(WIPPY_GUEST_DIR) + "/" + name + ".wasm");
}

Event run(WasmProcessConfig cfg) { return run_one(std::make_unique<WasmProcess>(std::move(cfg))); }

WasmProcessConfig faults(std::string method, std::vector<Value> args = {}) {
  WasmProcessConfig cfg;
  cfg.component = load_component("faults");
  cfg.method = std::move(method);
  cfg.args = std::move(args);
  return cfg;
}

std::string error_of(const Event& ev) { return ev.error.value_or("(no error: " + ev.value.to_string() + ")"); }

Value user(std::string name, int64_t age) { return Value(Value::Map{{"name", Value(std::move(name))}, {"age", Value(age)}}); }

TEST(ComponentProcess, ScalarsAndRecordsRoundTrip) {
  Event ev = run(faults("add", {Value(40), Value(2)}));
  EXPECT_FALSE(ev.error) << *ev.error;
  EXPECT_EQ(ev.value, Value(42));

  Value users(Value::Array{user("ann", 31), user("bob", 7)});
  ev = run(faults("echo-users", {users}));
  EXPECT_FALSE(ev.error) << *ev.error;
  EXPECT_EQ(ev.value, users);  // fields in WIT order, keyed by name

  ev = run(faults("echo-result", {Value(Value::Map{{"ok", Value("fine")}})}));
  EXPECT_EQ(ev.value, Value(Value::Map{{"ok", Value("fine")}}));
  ev = run(faults("echo-result", {Value(Value::Map{{"err", Value(7)}})}));
  EXPECT_EQ(ev.value, Value(Value::Map{{"err", Value(7)}}));

  // list<u8> from a Lua string, or from an array
  ev = run(faults("count-bytes", {Value(std::string("\x01\x02\xff", 3))}));
  EXPECT_EQ(ev.value, Value(258));
  ev = run(faults("count-bytes", {Value(Value::Array{Value(1), Value(2)})}));
  EXPECT_EQ(ev.value, Value(3));
}

TEST(ComponentProcess, WrongArgumentsNameThePlace) {
  Value bad_users(Value::Array{user("ann", 31), Value(Value::Map{{"name", Value(5)}, {"age", Value(1)}})});
  EXPECT_EQ(error_of(run(faults("echo-users", {bad_users}))), "`echo-users`: expected string for users[2].name, got integer");
  Value old(Value::Array{user("ann", 300)});
  EXPECT_EQ(error_of(run(faults("echo-users", {old}))), "`echo-users`: expected u8 for users[1].age, got 300 (out of range)");
  EXPECT_EQ(error_of(run(faults("echo-users", {Value("x")}))), "`echo-users`: expected list<record{name, age}> for users, got string");
  EXPECT_EQ(error_of(run(faults("add", {Value(1)}))), "`add`: parameter count mismatch: expected 2, got 1");
  EXPECT_EQ(error_of(run(faults("echo-result", {Value(Value::Map{{"maybe", Value(1)}})}))),
            "`echo-result`: r: unknown case `maybe` (the cases of result<string, u32> are: ok, err)");
  EXPECT_EQ(error_of(run(faults("add", {Value(1), Value(std::string("\xff"))}))),
            "`add`: expected s32 for b, got string");
}

TEST(ComponentProcess, MissingExportListsTheExports) {
  std::string e = error_of(run(faults("nope")));
  EXPECT_EQ(e.rfind("no exported function `nope` (the component exports: add, echo-users, echo-result", 0), 0u) << e;
}

TEST(ComponentProcess, GuestFaultsAreErrorsOfThatProcess) {
  Event ev = run(faults("crash"));
  EXPECT_EQ(error_of(ev), "unreachable");
  EXPECT_FALSE(ev.backtrace.empty());
  EXPECT_EQ(error_of(run(faults("bad-utf8"))), "`bad-utf8`: result: string is not valid UTF-8");
  std::string e = error_of(run(faults("bad-list")));
  EXPECT_NE(e.find("`bad-list`: result: list of 100 u32 at 0xfffffff0 (400 bytes) is outside memory"), std::string::npos) << e;
  EXPECT_EQ(error_of(run(faults("big"))), "`big`: result: u64 18446744073709551615 does not fit a Lua integer (above 2^63-1)");
}

TEST(ComponentProcess, FuelIsExactAndTheSameForEverySlicing) {
  WasmProcessConfig free_run = faults("spin", {Value(1000)});
  Event done = run(free_run);
  ASSERT_FALSE(done.error) << *done.error;
  for (int64_t slice : {1, 7, 10000}) {
    WasmProcessConfig cfg = faults("spin", {Value(1000)});
    cfg.slice = slice;
    EXPECT_EQ(run(std::move(cfg)).value, done.value) << "slice " << slice;
  }
  WasmProcessConfig limited = faults("spin", {Value(1000000)});
  limited.limits.fuel = 5000;
  EXPECT_EQ(error_of(run(std::move(limited))), "fuel exhausted");
}

TEST(ComponentProcess, MaxExecutionMsEndsAnEndlessCall) {
  WasmProcessConfig cfg = faults("forever");
  cfg.limits.max_execution_ms = 50;
  cfg.slice = 1000;
  EXPECT_EQ(error_of(run(std::move(cfg))), "execution time limit exceeded (50 ms)");
}

TEST(ComponentProcess, AWasiImportTheHostLacksIsNamed) {
  // hello.component.wasm is tests/guests/hello.c with jco's preview1 command adapter.
  WasmProcessConfig cfg;
  cfg.component = load_component("hello");
  cfg.method = component::cli_run_export(*cfg.component);
  ASSERT_FALSE(cfg.method.empty());
  std::string e = error_of(run(std::move(cfg)));
  // No WASI 0.2 host functions were linked for this process.
  EXPECT_EQ(e.rfind("component imports wasi:", 0), 0u) << e;
  EXPECT_NE(e.find("which this host does not provide"), std::string::npos) << e;
}

TEST(ReactorProcess, InitializeRunsBeforeTheMethod) {
  WasmProcessConfig cfg;
  cfg.module = load_core("reactor");
  cfg.method = "ready";
  cfg.imports = [](WasmImports& im, ProcessContext&) {
    // wasi-libc's reactor start may import preview1; nothing here is called.
    auto ctx = std::make_shared<wasi::WasiContext>();
    wasi::add_to_linker(im.linker, *ctx);
    im.keep_alive.push_back(ctx);
  };
  Event ev = run(std::move(cfg));
  EXPECT_FALSE(ev.error) << *ev.error;
  EXPECT_EQ(ev.value, Value(42));
}

WasmProcessConfig wit_core(const std::string& guest, const std::string& method, std::vector<Value> args) {
  static const auto funcs = component::parse_wit_funcs(R"(
    record point { x: s32, y: s32 }
    // greet takes a name
    export greet: func(name: string) -> string;
    sum: func(xs: list<s32>) -> s64;
    mid: func(a: point, b: point) -> point;
    bad: func() -> string;
    post-returns: func() -> s32;
  )");
  WasmProcessConfig cfg;
  cfg.module = load_core(guest);
  cfg.method = method;
  cfg.wit_func = funcs.at(method);
  cfg.args = std::move(args);
  return cfg;
}

TEST(WitCoreProcess, TypedValuesThroughTheCanonicalAbi) {
  for (const char* guest : {"wit_core", "wit_core_alloc"}) {
    SCOPED_TRACE(guest);
    Event ev = run(wit_core(guest, "greet", {Value("wit")}));
    EXPECT_FALSE(ev.error) << *ev.error;
    EXPECT_EQ(ev.value, Value("hello, wit"));
    ev = run(wit_core(guest, "sum", {Value(Value::Array{Value(1), Value(-5), Value(100)})}));
    EXPECT_EQ(ev.value, Value(96));
    Value a(Value::Map{{"x", Value(0)}, {"y", Value(10)}});
    Value b(Value::Map{{"x", Value(4)}, {"y", Value(20)}});
    ev = run(wit_core(guest, "mid", {a, b}));
    EXPECT_EQ(ev.value, Value(Value::Map{{"x", Value(2)}, {"y", Value(15)}}));
    EXPECT_EQ(error_of(run(wit_core(guest, "bad", {}))), "`bad`: result: string is not valid UTF-8");
    EXPECT_EQ(error_of(run(wit_core(guest, "mid", {a, Value(1)}))), "`mid`: expected record{x, y} for b, got integer");
  }
}

TEST(WitCoreProcess, ASignatureThatDoesNotMatchTheExportIsRefused) {
  WasmProcessConfig cfg = wit_core("wit_core", "greet", {Value("x")});
  cfg.wit_func = component::parse_wit_funcs("greet: func(a: s32) -> s32;").at("greet");
  cfg.args = {Value(1)};
  EXPECT_EQ(error_of(run(std::move(cfg))),
            "`greet`: the wit signature needs the core type [i32] -> [i32], the module exports [i32 i32] -> [i32]");
}

}  // namespace
}  // namespace wippy::procs::test
