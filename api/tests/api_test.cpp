// The public API (include/wippy) on the calc guest: typed host functions and their
// derived signatures, calls, memory, resumable executions, suspension, trap codes.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <string>
#include <tuple>
#include <vector>

#include "wippy/wippy.h"

namespace {

const std::string kCalc = std::string(WIPPY_GUEST_DIR) + "/api_calc.wasm";

struct Log {
  std::vector<int32_t> values;
};

// A linker with the calc guest's imports: log appends to the store's Log.
wippy::Linker calc_linker() {
  wippy::Linker linker;
  linker.func("env", "log", [](wippy::Caller& caller, int32_t x) { caller.data<Log>().values.push_back(x); });
  linker.func("env", "add", [](int32_t a, int32_t b) { return a + b; });
  return linker;
}

struct Calc {
  explicit Calc(wippy::Limits limits = {}) : store(limits) {
    store.emplace_data<Log>();
    module = engine.load_file(kCalc);
    instance.emplace(store, calc_linker(), module);
  }
  wippy::Engine engine;
  wippy::Store store;
  wippy::Module module;
  std::optional<wippy::Instance> instance;
};

template <class F>
wippy::TrapError trap_of(F&& f) {
  try {
    f();
  } catch (const wippy::TrapError& e) {
    return e;
  }
  ADD_FAILURE() << "no trap";
  return wippy::TrapError(wippy::Trap{});
}

TEST(Linker, DerivesTheSignatureFromTheCallable) {
  // Registering under the calc guest's import names and instantiating checks the
  // derived types against the module's: a mismatch is a LinkError naming both.
  wippy::Engine engine;
  wippy::Module module = engine.load_file(kCalc);
  wippy::Linker linker;
  linker.func("env", "log", [](int64_t) {});  // the guest imports (i32)
  linker.func("env", "add", [](int32_t a, int32_t b) { return a + b; });
  wippy::Store store;
  try {
    wippy::Instance instance(store, linker, module);
    FAIL() << "instantiated with a mismatched host function";
  } catch (const wippy::LinkError& e) {
    EXPECT_STREQ(e.what(),
                 "incompatible import type for env.log: the module imports [i32] -> [], the host "
                 "function is [i64] -> []");
  }
}

TEST(Linker, TypedFunctionsOfEveryNumberTypeAndTuples) {
  // The module imports exactly these types: it instantiates only if every derived
  // signature matches, and the calls check the value conversions both ways.
  wippy::Engine engine;
  wippy::Module module = engine.load_file(std::string(WIPPY_GUEST_DIR) + "/api_typed_imports.wasm");
  std::vector<std::string> seen;
  wippy::Linker linker;
  linker.func("m", "mix", [&](uint32_t a, int64_t b, uint64_t c, float d, double e) {
    seen.push_back(std::to_string(a) + " " + std::to_string(b) + " " + std::to_string(c) + " " +
                   std::to_string(d) + " " + std::to_string(e));
    return d * 2;
  });
  linker.func("m", "pair", []() { return std::tuple<int32_t, double>(-7, 2.5); });
  linker.func("m", "note", [&](wippy::Caller&, int32_t x) { seen.push_back("note " + std::to_string(x)); });
  EXPECT_TRUE(linker.has("m", "pair"));
  EXPECT_FALSE(linker.has("m", "other"));
  wippy::Store store;
  wippy::Instance instance(store, linker, module);

  std::vector<wippy::Val> r =
      instance.call("mix", {int32_t{-1}, int64_t{-2}, int64_t{-3}, 1.25f, 0.5});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].type(), wippy::ValType::F32);
  EXPECT_FLOAT_EQ(r[0].f32(), 2.5f);
  r = instance.call("pair");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].i32(), -7);
  EXPECT_DOUBLE_EQ(r[1].f64(), 2.5);
  instance.call("note", {int32_t{9}});
  EXPECT_EQ(seen, (std::vector<std::string>{"4294967295 -2 18446744073709551613 1.250000 0.500000", "note 9"}));
  EXPECT_EQ(wippy::to_string(*instance.func_type("mix")), "[i32 i64 i64 f32 f64] -> [f32]");
}

TEST(Instance, CallsExportsWithTypedValues) {
  Calc c;
  EXPECT_EQ(c.instance->call("add", {int32_t{2}, int32_t{40}})[0].i32(), 42);
  EXPECT_EQ(c.instance->call("add64", {int64_t{1} << 40, int64_t{1}})[0].i64(), (int64_t{1} << 40) + 1);
  EXPECT_FLOAT_EQ(c.instance->call("mul32", {1.5f, 2.0f})[0].f32(), 3.0f);
  EXPECT_DOUBLE_EQ(c.instance->call("mul64", {1.5, -2.0})[0].f64(), -3.0);
  std::vector<wippy::Val> qr = c.instance->call("divmod", {int32_t{17}, int32_t{5}});
  ASSERT_EQ(qr.size(), 2u);
  EXPECT_EQ(qr[0].i32(), 3);
  EXPECT_EQ(qr[1].i32(), 2);
  EXPECT_EQ(c.instance->call("host_sum", {int32_t{5}})[0].i32(), 10);  // five typed host calls
  c.instance->call("log", {int32_t{7}});
  EXPECT_EQ(c.store.data<Log>().values, std::vector<int32_t>{7});
}

TEST(Instance, WrongArgumentsNameTheExportAndPosition) {
  Calc c;
  auto message = [&](std::initializer_list<wippy::Val> args) {
    try {
      c.instance->call("add", args);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message({int32_t{1}}), "add: expected 2 arguments, got 1");
  EXPECT_EQ(message({int32_t{1}, 2.0}), "add: argument 2 must be i32, got f64");
  EXPECT_THROW(c.instance->call("nope"), std::invalid_argument);
  EXPECT_THROW(c.instance->call("memory"), std::invalid_argument);
}

TEST(Instance, ModuleTypesListImportsAndExports) {
  Calc c;
  std::vector<wippy::ImportType> imports = c.module.imports();
  ASSERT_EQ(imports.size(), 2u);
  EXPECT_EQ(imports[0].module + "." + imports[0].name, "env.log");
  EXPECT_EQ(wippy::to_string(imports[0].type), "func [i32] -> []");
  bool saw_memory = false, saw_global = false;
  for (const wippy::ExportType& e : c.module.exports()) {
    if (e.name == "memory") saw_memory = wippy::to_string(e.type) == "memory 1..4";
    if (e.name == "counter") saw_global = wippy::to_string(e.type) == "global mut i64";
  }
  EXPECT_TRUE(saw_memory);
  EXPECT_TRUE(saw_global);
}

TEST(Instance, MemoryReadWriteAndBounds) {
  Calc c;
  std::optional<wippy::Memory> mem = c.instance->memory();
  ASSERT_TRUE(mem);
  EXPECT_EQ(mem->pages(), 1u);
  std::vector<uint8_t> hello(5);
  mem->read(16, hello);
  EXPECT_EQ(std::string(hello.begin(), hello.end()), "hello");
  const uint8_t bytes[] = {1, 2, 3};
  mem->write(100, bytes);
  EXPECT_EQ(c.instance->call("sum_bytes", {int32_t{100}, int32_t{3}})[0].i32(), 6);
  std::vector<uint8_t> one(1);
  EXPECT_THROW(mem->read(mem->size(), one), std::out_of_range);
  EXPECT_THROW(mem->write(UINT64_MAX, bytes), std::out_of_range);
  EXPECT_FALSE(c.instance->memory("nope"));
}

TEST(Execution, RunsInBudgetsAndResumesToTheSameResultAndFuel) {
  Calc whole;
  EXPECT_EQ(whole.instance->call("count", {int32_t{1000}})[0].i32(), 499500);
  const uint64_t fuel = whole.instance->fuel_consumed();

  Calc sliced;
  wippy::Execution e = sliced.instance->call_async("count", std::vector<wippy::Val>{int32_t{1000}});
  int slices = 0;
  wippy::RunState st;
  while ((st = e.run(100)) == wippy::RunState::Yielded) ++slices;
  ASSERT_EQ(st, wippy::RunState::Done);
  EXPECT_GT(slices, 10);
  EXPECT_EQ(e.results()[0].i32(), 499500);
  EXPECT_EQ(e.fuel_consumed(), fuel);
  EXPECT_EQ(sliced.instance->fuel_consumed(), fuel);
}

// A host function that suspends; the embedder completes it with resume().
struct Ask : wippy::Suspension {
  int32_t a, b;
};

TEST(Execution, HostFunctionSuspendsAndResumes) {
  wippy::Engine engine;
  wippy::Module module = engine.load_file(kCalc);
  wippy::Linker linker;
  linker.func("env", "log", [](int32_t) {});
  linker.func("env", "add", wippy::FuncType{{wippy::ValType::I32, wippy::ValType::I32}, {wippy::ValType::I32}},
              [](wippy::Caller&, std::span<const wippy::Val> args, std::span<wippy::Val>) {
                auto ask = std::make_unique<Ask>();
                ask->a = args[0].i32();
                ask->b = args[1].i32();
                return wippy::HostResult::suspend(std::move(ask));
              });
  wippy::Store store;
  wippy::Instance instance(store, linker, module);
  wippy::Execution e = instance.call_async("host_sum", std::vector<wippy::Val>{int32_t{4}});
  int suspensions = 0;
  for (;;) {
    wippy::RunState st = e.run(1000);
    if (st != wippy::RunState::Suspended) {
      ASSERT_EQ(st, wippy::RunState::Done);
      break;
    }
    ++suspensions;
    auto* ask = dynamic_cast<Ask*>(e.suspension());
    ASSERT_NE(ask, nullptr);
    EXPECT_THROW(e.run(), std::logic_error);
    EXPECT_THROW(e.resume(std::vector<wippy::Val>{int64_t{1}}), std::invalid_argument);
    e.resume(std::vector<wippy::Val>{int32_t{ask->a + ask->b}});
  }
  EXPECT_EQ(suspensions, 4);
  EXPECT_EQ(e.results()[0].i32(), 6);

  // A synchronous call cannot wait for it: the call traps, the instance stays usable.
  wippy::TrapError t = trap_of([&] { instance.call("host_sum", {int32_t{1}}); });
  EXPECT_EQ(t.code(), wippy::TrapCode::HostError);
  EXPECT_NE(std::string(t.what()).find("call_async"), std::string::npos) << t.what();
  EXPECT_EQ(instance.call("add", {int32_t{1}, int32_t{1}})[0].i32(), 2);
}

TEST(Traps, EachKindHasItsCode) {
  Calc c;
  auto code = [&](const char* name, std::initializer_list<wippy::Val> args) {
    return trap_of([&] { c.instance->call(name, args); }).code();
  };
  EXPECT_EQ(code("unreachable", {}), wippy::TrapCode::Unreachable);
  EXPECT_EQ(code("div", {int32_t{1}, int32_t{0}}), wippy::TrapCode::IntegerDivideByZero);
  EXPECT_EQ(code("div", {INT32_MIN, int32_t{-1}}), wippy::TrapCode::IntegerOverflow);
  EXPECT_EQ(code("oob", {}), wippy::TrapCode::MemoryOutOfBounds);
  EXPECT_EQ(code("recurse", {int32_t{0}}), wippy::TrapCode::StackOverflow);
  EXPECT_EQ(code("to_int", {std::nan("")}), wippy::TrapCode::InvalidConversion);
  EXPECT_EQ(code("to_int", {1e300}), wippy::TrapCode::IntegerOverflow);
  EXPECT_EQ(code("call_null", {}), wippy::TrapCode::UninitializedElement);
  wippy::TrapError t = trap_of([&] { c.instance->call("unreachable"); });
  EXPECT_STREQ(t.what(), "unreachable");
  EXPECT_NE(t.trap().backtrace.find("at func["), std::string::npos) << t.trap().backtrace;
  EXPECT_STREQ(wippy::to_string(t.code()), "unreachable");
}

TEST(Traps, FuelLimitAndCallDepthLimit) {
  Calc c(wippy::Limits{.fuel = 500, .max_call_depth = 50});
  wippy::TrapError t = trap_of([&] { c.instance->call("count", {int32_t{1000}}); });
  EXPECT_EQ(t.code(), wippy::TrapCode::FuelExhausted);
  EXPECT_STREQ(t.what(), "fuel exhausted");
  EXPECT_LE(c.instance->fuel_consumed(), 500u);

  Calc d(wippy::Limits{.max_call_depth = 50});
  EXPECT_EQ(trap_of([&] { d.instance->call("recurse", {int32_t{0}}); }).code(), wippy::TrapCode::StackOverflow);
}

TEST(Traps, HostExceptionsTrapTheCallOnly) {
  wippy::Engine engine;
  wippy::Module module = engine.load_file(kCalc);
  wippy::Linker linker;
  linker.func("env", "log", [](int32_t x) {
    if (x < 0) throw std::runtime_error("negative: " + std::to_string(x));
  });
  linker.func("env", "add", [](int32_t a, int32_t b) { return a + b; });
  wippy::Store store;
  wippy::Instance instance(store, linker, module);
  wippy::TrapError t = trap_of([&] { instance.call("log", {int32_t{-3}}); });
  EXPECT_EQ(t.code(), wippy::TrapCode::HostError);
  EXPECT_STREQ(t.what(), "negative: -3");
  EXPECT_NO_THROW(instance.call("log", {int32_t{3}}));
}

TEST(Engine, LoadErrors) {
  wippy::Engine engine;
  const std::vector<uint8_t> junk = {0, 'a', 's', 'x'};
  try {
    engine.load(junk);
    FAIL();
  } catch (const wippy::LoadError& e) {
    EXPECT_NE(std::string(e.what()).find("(at byte 0x"), std::string::npos) << e.what();
  }
  std::ifstream in(kCalc, std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string zero = "sha256:" + std::string(64, '0');
  try {
    engine.load(bytes, zero);
    FAIL();
  } catch (const wippy::LoadError& e) {
    EXPECT_TRUE(std::string(e.what()).starts_with("hash verification failed: expected " + zero))
        << e.what();
  }
  EXPECT_THROW(engine.load(bytes, "md5:00"), wippy::LoadError);
  EXPECT_THROW(engine.load_file("/nonexistent.wasm"), wippy::LoadError);
}

TEST(Store, HostStateIsTypeChecked) {
  wippy::Store store;
  EXPECT_THROW(store.data<Log>(), std::logic_error);
  store.emplace_data<Log>().values.push_back(1);
  EXPECT_EQ(store.data<Log>().values.size(), 1u);
  EXPECT_THROW(store.data<int>(), std::logic_error);
}

}  // namespace
