// Tests of the embedding API: hashes, the module cache, the linker and calls.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "engine/engine.h"
#include "interp/limits.h"

namespace wippy::engine {
namespace {

// (module (func (export "add") (param i32 i32) (result i32)
//   local.get 0 local.get 1 i32.add))
const std::vector<uint8_t> kAddModule = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x07, 0x01, 0x60, 0x02, 0x7f,
    0x7f, 0x01, 0x7f, 0x03, 0x02, 0x01, 0x00, 0x07, 0x07, 0x01, 0x03, 0x61, 0x64, 0x64,
    0x00, 0x00, 0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b};

// (module (import "env" "f" (func)))
const std::vector<uint8_t> kImportModule = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00,
    0x00, 0x02, 0x09, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x01, 0x66, 0x00, 0x00};

// (module (import "env" "f" (func (param i32) (result i32)))
//   (func (export "g") (param i32) (result i32) local.get 0 call 0))
const std::vector<uint8_t> kCallHostModule = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x06, 0x01, 0x60, 0x01, 0x7f,
    0x01, 0x7f, 0x02, 0x09, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x01, 0x66, 0x00, 0x00, 0x03,
    0x02, 0x01, 0x00, 0x07, 0x05, 0x01, 0x01, 0x67, 0x00, 0x01, 0x0a, 0x08, 0x01, 0x06,
    0x00, 0x20, 0x00, 0x10, 0x00, 0x0b};

std::span<const uint8_t> bytes_of(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

template <typename E, typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "<no exception>";
}

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(sha256_hex(bytes_of("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex(bytes_of("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(EngineLoad, AcceptsMatchingHashInAnyCase) {
  Engine engine;
  std::string hex = sha256_hex(kAddModule);
  EXPECT_NE(engine.load(kAddModule, "sha256:" + hex), nullptr);
  std::string upper = hex;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_NE(engine.load(kAddModule, "sha256:" + upper), nullptr);
}

TEST(EngineLoad, HashMismatchMessage) {
  Engine engine;
  std::string wrong(64, '0');
  std::string msg = error_of<LoadError>([&] { engine.load(kAddModule, "sha256:" + wrong); });
  EXPECT_EQ(msg, "hash verification failed: expected sha256:" + wrong + ", got sha256:" +
                     sha256_hex(kAddModule));
}

TEST(EngineLoad, InvalidHashFormat) {
  Engine engine;
  const std::string kMsg = "invalid hash format: expected sha256:<64 hex digits>";
  EXPECT_EQ(error_of<LoadError>([&] { engine.load(kAddModule, "md5:abc"); }), kMsg);
  EXPECT_EQ(error_of<LoadError>([&] { engine.load(kAddModule, "sha256:" + std::string(63, 'a')); }),
            kMsg);
  EXPECT_EQ(error_of<LoadError>([&] { engine.load(kAddModule, "sha256:" + std::string(64, 'g')); }),
            kMsg);
}

TEST(EngineLoad, CacheHitOnSameBytes) {
  Engine engine;
  ModulePtr a = engine.load(kAddModule);
  std::vector<uint8_t> copy = kAddModule;  // same content, different buffer
  ModulePtr b = engine.load(copy);
  EXPECT_EQ(a.get(), b.get());
  EXPECT_EQ(engine.cache_hits(), 1u);
  EXPECT_EQ(engine.cache_size(), 1u);
  ModulePtr c = engine.load(kImportModule);
  EXPECT_NE(a.get(), c.get());
  EXPECT_EQ(engine.cache_size(), 2u);
}

TEST(EngineLoad, CacheDoesNotKeepModulesAlive) {
  Engine engine;
  engine.load(kAddModule).reset();
  EXPECT_EQ(engine.cache_size(), 0u);
  EXPECT_NE(engine.load(kAddModule), nullptr);
  EXPECT_EQ(engine.cache_hits(), 0u);
}

TEST(EngineLoad, MalformedModuleThrowsModuleError) {
  Engine engine;
  std::vector<uint8_t> bad = {0x00, 0x61, 0x73, 0x6d, 0x02, 0x00, 0x00, 0x00};
  EXPECT_THROW(engine.load(bad), interp::ModuleError);
}

TEST(EngineLoad, LoadFile) {
  Engine engine;
  auto path = std::filesystem::temp_directory_path() / "wippy_engine_test_add.wasm";
  {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(kAddModule.data()),
              static_cast<std::streamsize>(kAddModule.size()));
  }
  EXPECT_NE(engine.load_file(path, "sha256:" + sha256_hex(kAddModule)), nullptr);
  std::filesystem::remove(path);
  std::string msg = error_of<LoadError>([&] { engine.load_file(path); });
  EXPECT_EQ(msg, "cannot read " + path.string() + ": No such file or directory");
}

TEST(EngineLoad, OversizedFileIsRefused) {
  // A sparse file one byte over the module size limit.
  Engine engine;
  auto path = std::filesystem::temp_directory_path() / "wippy_engine_test_oversized.wasm";
  { std::ofstream out(path, std::ios::binary); }
  std::filesystem::resize_file(path, interp::limits::kModuleBytes + 1);
  EXPECT_EQ(error_of<interp::ModuleError>([&] { engine.load_file(path); }),
            "module too large: 268435457 bytes (limit 268435456)");
  std::filesystem::remove(path);
}

TEST(EngineLoad, CacheHitsCanBeReadWhileLoading) {
  Engine engine;
  ModulePtr kept = engine.load(kAddModule);
  constexpr size_t kLoads = 1000;
  std::thread loader([&] {
    for (size_t i = 0; i < kLoads; ++i) engine.load(kAddModule);
  });
  // Reads race with the loader's increments (a data race before they were locked).
  while (engine.cache_hits() < kLoads) std::this_thread::yield();
  loader.join();
  EXPECT_EQ(engine.cache_hits(), kLoads);
}

TEST(InstanceLimits, TableElementsPerInstance) {
  // (module (table 3 funcref) (table 3 funcref))
  const std::vector<uint8_t> two_tables = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x04,
                                           0x07, 0x02, 0x70, 0x00, 0x03, 0x70, 0x00, 0x03};
  Engine engine;
  Linker linker;
  ModulePtr m = engine.load(two_tables);
  Limits limits;
  limits.max_table_elements = 6;
  EXPECT_NO_THROW({ Instance inst(linker, m, limits); });
  limits.max_table_elements = 5;
  EXPECT_EQ(error_of<interp::LinkError>([&] { Instance inst(linker, m, limits); }),
            "table of 3 elements exceeds the limit of 5 table elements per store (3 in use)");
}

TEST(Linker, UnknownImportMessage) {
  Engine engine;
  Linker linker;
  ModulePtr m = engine.load(kImportModule);
  interp::Store store;
  EXPECT_FALSE(linker.has("env", "f"));
  EXPECT_EQ(error_of<interp::LinkError>([&] { linker.resolve(store, *m); }),
            "unknown import: env.f");
  EXPECT_EQ(error_of<interp::LinkError>([&] { Instance inst(linker, m); }),
            "unknown import: env.f");
}

TEST(Linker, IncompatibleImportMessage) {
  Engine engine;
  Linker linker;
  linker.define_func("env", "f", FuncType{{ValType::I64}, {}},
                     [](interp::HostCall&, const uint64_t*, uint64_t*) {
                       return interp::HostResult::ok();
                     });
  EXPECT_TRUE(linker.has("env", "f"));
  ModulePtr m = engine.load(kImportModule);
  interp::Store store;
  EXPECT_EQ(error_of<interp::LinkError>([&] { linker.resolve(store, *m); }),
            "incompatible import type for env.f: the module imports [] -> [], the host "
            "function is [i64] -> []");
}

TEST(Linker, ResolvesHostFunction) {
  Engine engine;
  Linker linker;
  linker.define_func("env", "f", FuncType{},
                     [](interp::HostCall&, const uint64_t*, uint64_t*) {
                       return interp::HostResult::ok();
                     });
  ModulePtr m = engine.load(kImportModule);
  interp::Store store;
  std::vector<Extern> ext = linker.resolve(store, *m);
  ASSERT_EQ(ext.size(), 1u);
  EXPECT_EQ(ext[0].kind, interp::ExternKind::Func);
  ASSERT_NE(ext[0].func, nullptr);
  EXPECT_NE(ext[0].func->host, nullptr);
}

TEST(InstanceCall, ArgumentCountMismatch) {
  Engine engine;
  Linker linker;
  Instance inst(linker, engine.load(kAddModule));
  uint64_t one = 1;
  EXPECT_EQ(error_of<std::invalid_argument>([&] { inst.call("add", {&one, 1}); }),
            "parameter count mismatch: expected 2, got 1");
  EXPECT_EQ(error_of<std::invalid_argument>([&] { inst.call("nope", {}); }),
            "unknown export: nope");
}

TEST(InstanceCall, AddRunsToCompletion) {
  Engine engine;
  Linker linker;
  Instance inst(linker, engine.load(kAddModule));
  EXPECT_EQ(inst.start(), nullptr);
  inst.run_start();  // no start function: nothing happens
  uint64_t args[] = {2, 40};
  auto exec = inst.call("add", args);
  EXPECT_EQ(exec->run(), RunStatus::Done);
  ASSERT_EQ(exec->results().size(), 1u);
  EXPECT_EQ(static_cast<uint32_t>(exec->results()[0]), 42u);
}

TEST(InstanceCall, InstancesCanShareAStore) {
  Engine engine;
  Linker linker;
  Instance a(linker, engine.load(kAddModule));
  Instance b(linker, engine.load(kAddModule), a.shared_store());
  EXPECT_EQ(&a.store(), &b.store());
  linker.define_instance("a", a);
  EXPECT_TRUE(linker.has("a", "add"));
}

TEST(InstanceCall, HostFunctionIsCalled) {
  Engine engine;
  Linker linker;
  linker.define_func("env", "f", FuncType{{ValType::I32}, {ValType::I32}},
                     [](interp::HostCall&, const uint64_t* args, uint64_t* results) {
                       results[0] = static_cast<uint32_t>(args[0]) * 2u;
                       return interp::HostResult::ok();
                     });
  Instance inst(linker, engine.load(kCallHostModule));
  uint64_t arg = 21;
  auto exec = inst.call("g", {&arg, 1});
  ASSERT_EQ(exec->run(), RunStatus::Done);
  EXPECT_EQ(static_cast<uint32_t>(exec->results()[0]), 42u);
}

// (module (import "env" "f" (func (param v128) (result v128))) (export "f" (func 0)))
const std::vector<uint8_t> kV128HostExport = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x06, 0x01, 0x60, 0x01, 0x7b, 0x01, 0x7b,
    0x02, 0x09, 0x01, 0x03, 'e', 'n', 'v', 0x01, 'f', 0x00, 0x00, 0x07, 0x05, 0x01, 0x01, 'f', 0x00, 0x00};

TEST(InstanceCall, V128ArgumentsAndResultsAreTwoCells) {
  Engine engine;
  Linker linker;
  linker.define_func("env", "f", FuncType{{ValType::V128}, {ValType::V128}},
                     [](interp::HostCall&, const uint64_t* args, uint64_t* results) {
                       results[0] = args[1];  // swap the halves
                       results[1] = args[0];
                       return interp::HostResult::ok();
                     });
  Instance inst(linker, engine.load(kV128HostExport));
  const uint64_t one_cell[] = {1};
  EXPECT_EQ(error_of<std::invalid_argument>([&] { inst.call("f", one_cell); }),
            "parameter count mismatch: expected 2, got 1");
  const uint64_t args[] = {1, 2};
  auto exec = inst.call("f", args);
  ASSERT_EQ(exec->run(), RunStatus::Done);
  ASSERT_EQ(exec->results().size(), 2u);
  EXPECT_EQ(exec->results()[0], 2u);
  EXPECT_EQ(exec->results()[1], 1u);
}

// (module (memory 1) (memory (export "second") 2))
const std::vector<uint8_t> kTwoMemories = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x05, 0x05, 0x02, 0x00, 0x01, 0x00, 0x02,
    0x07, 0x0a, 0x01, 0x06, 's', 'e', 'c', 'o', 'n', 'd', 0x02, 0x01};

TEST(InstanceMemory, ByIndexAndByExport) {
  Engine engine;
  Instance inst(Linker{}, engine.load(kTwoMemories));
  ASSERT_NE(inst.memory(), nullptr);
  EXPECT_EQ(inst.memory()->pages, 1u);
  ASSERT_NE(inst.memory(1), nullptr);
  EXPECT_EQ(inst.memory(1)->pages, 2u);
  EXPECT_EQ(inst.memory(2), nullptr);
  EXPECT_EQ(inst.exported_memory("second"), inst.memory(1));
  EXPECT_EQ(inst.exported_memory("first"), nullptr);
}

// (module (import "env" "f" (func (param i32) (result i32))) (export "f" (func 0)))
const std::vector<uint8_t> kI32HostExport = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f,
    0x02, 0x09, 0x01, 0x03, 'e', 'n', 'v', 0x01, 'f', 0x00, 0x00, 0x07, 0x05, 0x01, 0x01, 'f', 0x00, 0x00};

// env.f(n) charges n fuel units (HostCall::charge) and returns n, or 0 when refused.
Linker charging_linker(bool* refused = nullptr) {
  Linker linker;
  linker.define_func("env", "f", FuncType{{ValType::I32}, {ValType::I32}},
                     [refused](interp::HostCall& call, const uint64_t* args, uint64_t* results) {
                       bool ok = call.charge(static_cast<uint32_t>(args[0]));
                       if (refused) *refused = !ok;
                       results[0] = ok ? args[0] : 0;
                       return interp::HostResult::ok();
                     });
  return linker;
}

uint64_t fuel_of_call(Instance& inst, const char* name, uint64_t arg, RunStatus want = RunStatus::Done) {
  auto exec = inst.call(name, {&arg, 1});
  EXPECT_EQ(exec->run(), want) << exec->trap().message;
  return exec->fuel_consumed();
}

TEST(HostCharge, ChargesCountAgainstTheLimitExactly) {
  Engine engine;
  Linker linker = charging_linker();
  Instance free_run(linker, engine.load(kCallHostModule));
  uint64_t base = fuel_of_call(free_run, "g", 0);
  uint64_t need = fuel_of_call(free_run, "g", 1000);
  EXPECT_EQ(need - base, 1000u);
  Limits fits;
  fits.fuel = need;
  Instance a(linker, engine.load(kCallHostModule), fits);
  EXPECT_EQ(fuel_of_call(a, "g", 1000), need);
  bool refused = false;
  Linker watched = charging_linker(&refused);
  Limits short_by_one;
  short_by_one.fuel = need - 1;
  Instance b(watched, engine.load(kCallHostModule), short_by_one);
  uint64_t arg = 1000;
  auto exec = b.call("g", {&arg, 1});
  ASSERT_EQ(exec->run(), RunStatus::Trapped);
  EXPECT_TRUE(refused);
  EXPECT_EQ(exec->trap().message, "fuel exhausted");
  EXPECT_EQ(exec->trap().backtrace.at(0).name, "env.f");
  EXPECT_EQ(exec->fuel_consumed(), base) << "the refused charge is not counted";
}

TEST(HostCharge, AChargePastTheBudgetYieldsRightAfterTheCall) {
  Engine engine;
  Linker linker = charging_linker();
  Instance inst(linker, engine.load(kCallHostModule));
  uint64_t unsliced = fuel_of_call(inst, "g", 1000);
  uint64_t arg = 1000;
  auto exec = inst.call("g", {&arg, 1});
  ASSERT_EQ(exec->run(10), RunStatus::OutOfBudget) << "the call happened, then the slice ended";
  EXPECT_GE(exec->fuel_consumed(), 1000u);
  ASSERT_EQ(exec->run(10), RunStatus::Done);
  EXPECT_EQ(static_cast<uint32_t>(exec->results()[0]), 1000u);
  EXPECT_EQ(exec->fuel_consumed(), unsliced);
}

TEST(HostCharge, AHostFunctionCalledDirectlyIsChargedToo) {
  Engine engine;
  Linker linker = charging_linker();
  Instance inst(linker, engine.load(kI32HostExport));
  EXPECT_EQ(fuel_of_call(inst, "f", 50), 50u);
  Limits l;
  l.fuel = 49;
  Instance limited(linker, engine.load(kI32HostExport), l);
  uint64_t arg = 50;
  auto exec = limited.call("f", {&arg, 1});
  ASSERT_EQ(exec->run(), RunStatus::Trapped);
  EXPECT_EQ(exec->trap().message, "fuel exhausted");
}

TEST(Linker, WrapHostFuncsWrapsEveryHostFunction) {
  Engine engine;
  Linker linker = charging_linker();
  int wrapped_calls = 0;
  linker.wrap_host_funcs([&](HostFn fn) -> HostFn {
    return [&wrapped_calls, fn](interp::HostCall& call, const uint64_t* args, uint64_t* results) {
      ++wrapped_calls;
      interp::HostResult r = fn(call, args, results);
      results[0] += 1;
      return r;
    };
  });
  Instance inst(linker, engine.load(kCallHostModule));
  uint64_t arg = 5;
  auto exec = inst.call("g", {&arg, 1});
  ASSERT_EQ(exec->run(), RunStatus::Done);
  EXPECT_EQ(static_cast<uint32_t>(exec->results()[0]), 6u);
  EXPECT_EQ(wrapped_calls, 1);
}

}  // namespace
}  // namespace wippy::engine
