// The values of the finished proposals outside the translator: extended-const
// expressions, v128 in types, globals and host calls, and several memories per module.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "interp/execution.h"
#include "interp/instance.h"
#include "interp/module.h"

namespace wippy::interp {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes read_guest(const std::string& name) {
  std::ifstream in(std::string(WIPPY_GUEST_DIR) + "/" + name, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

// "\0asm" version 1, then a global section with one global: `type` immutable,
// initialised by `init` (which must end with 0x0b).
Bytes one_global(uint8_t type, Bytes init) {
  Bytes b = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x06};
  b.push_back(static_cast<uint8_t>(init.size() + 3));
  b.insert(b.end(), {0x01, type, 0x00});
  b.insert(b.end(), init.begin(), init.end());
  return b;
}

std::string invalid_message(const Bytes& b) {
  try {
    decode_module(b);
  } catch (const ModuleError& e) {
    return std::string(e.kind() == ModuleError::Kind::Invalid ? "invalid: " : "malformed: ") + e.what();
  }
  return "accepted";
}

TEST(ExtendedConst, Validation) {
  constexpr uint8_t I32 = 0x7f, I64 = 0x7e, V128 = 0x7b;
  // i32.const 1 i32.const 2 i32.add
  EXPECT_EQ(invalid_message(one_global(I32, {0x41, 0x01, 0x41, 0x02, 0x6a, 0x0b})), "accepted");
  // i64.const 1 i64.const 2 i64.mul i64.const 3 i64.sub
  EXPECT_EQ(invalid_message(one_global(I64, {0x42, 0x01, 0x42, 0x02, 0x7e, 0x42, 0x03, 0x7d, 0x0b})), "accepted");
  // An operator without enough operands, with operands of the other width, or
  // producing the wrong type.
  EXPECT_EQ(invalid_message(one_global(I32, {0x41, 0x01, 0x6a, 0x0b})), "invalid: type mismatch");
  EXPECT_EQ(invalid_message(one_global(I32, {0x6c, 0x0b})), "invalid: type mismatch");
  EXPECT_EQ(invalid_message(one_global(I32, {0x42, 0x01, 0x42, 0x02, 0x6a, 0x0b})), "invalid: type mismatch");
  EXPECT_EQ(invalid_message(one_global(I64, {0x41, 0x01, 0x41, 0x02, 0x6a, 0x0b})), "invalid: type mismatch");
  EXPECT_EQ(invalid_message(one_global(I32, {0x41, 0x01, 0x42, 0x02, 0x6a, 0x0b})), "invalid: type mismatch");
  // Other arithmetic stays non-constant.
  EXPECT_EQ(invalid_message(one_global(I32, {0x41, 0x01, 0x41, 0x02, 0x71, 0x0b})),
            "invalid: constant expression required");
  EXPECT_EQ(invalid_message(one_global(I64, {0x42, 0x01, 0x42, 0x02, 0x80, 0x0b})),
            "invalid: constant expression required");
  // v128.const is constant, other SIMD instructions are not.
  Bytes v128_const = {0xfd, 0x0c};
  v128_const.insert(v128_const.end(), 16, 0xab);
  v128_const.push_back(0x0b);
  EXPECT_EQ(invalid_message(one_global(V128, v128_const)), "accepted");
  EXPECT_EQ(invalid_message(one_global(I32, v128_const)), "invalid: type mismatch");
  Bytes splat = {0x41, 0x01, 0xfd, 0x11, 0x0b};  // i32.const 1 i32x4.splat
  EXPECT_EQ(invalid_message(one_global(V128, splat)), "invalid: constant expression required");
  EXPECT_EQ(invalid_message(one_global(V128, {0xfd, 0x0c, 0x01, 0x02, 0x0b})),
            "malformed: unexpected end of section or function");
}

TEST(ExtendedConst, LengthIsCapped) {
  // i32.const 1, then (i32.const 1 i32.add) n times: 2n + 1 instructions.
  auto chain = [](size_t n) {
    Bytes init = {0x41, 0x01};
    for (size_t i = 0; i < n; ++i) init.insert(init.end(), {0x41, 0x01, 0x6a});
    init.push_back(0x0b);
    // The section is larger than one_global's one-byte size: build it by hand.
    Bytes contents = {0x01, 0x7f, 0x00};
    contents.insert(contents.end(), init.begin(), init.end());
    Bytes b = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x06};
    for (size_t v = contents.size();; v >>= 7) {  // the size, as unsigned LEB128
      b.push_back(static_cast<uint8_t>((v & 0x7f) | (v >= 0x80 ? 0x80 : 0)));
      if (v < 0x80) break;
    }
    b.insert(b.end(), contents.begin(), contents.end());
    return b;
  };
  EXPECT_EQ(invalid_message(chain(499)), "accepted");  // 999 instructions
  EXPECT_EQ(invalid_message(chain(500)), "malformed: too many instructions in a constant expression: 1001 (limit 1000)");
}

// Instantiates proposal_values.wat with global g = 100 and two imported memories.
struct ProposalInstance {
  std::shared_ptr<const Module> module = decode_module(read_guest("proposal_values.wasm"));
  Store store;
  Global* g = store.new_global(GlobalType{ValType::I32, false}, 100);
  Memory* mem0 = store.new_memory(MemoryType{{1, {}}});
  Memory* mem1 = store.new_memory(MemoryType{{1, 2}});
  Instance* inst = nullptr;

  ProposalInstance() {
    Extern imports[] = {Extern::of(g), Extern::of(mem0), Extern::of(mem1)};
    inst = store.instantiate(module, imports);
  }
  Global* global(const char* name) const { return inst->get_export(name)->global; }
};

TEST(ExtendedConst, GlobalsAndOffsetsEvaluate) {
  ProposalInstance p;
  EXPECT_EQ(p.global("sum")->value, 112u);
  EXPECT_EQ(p.global("wrap")->value, 0xffffffffu);  // i32 arithmetic wraps, zero-extended
  EXPECT_EQ(p.global("big")->value, 0x100000000ull - 1);  // 2^64 + 2^32 - 1 wraps
  // The data segment at g + 1 in memory 1.
  EXPECT_EQ(std::string(reinterpret_cast<char*>(p.mem1->data) + 101, 3), "one");
}

TEST(V128, GlobalsHoldTwoCells) {
  ProposalInstance p;
  Global* v = p.global("v");
  EXPECT_EQ(v->type.type, ValType::V128);
  EXPECT_EQ(v->value, 0x0000000200000001ull);  // lanes 0 and 1, low cell first
  EXPECT_EQ(v->value_hi, 0x0000000400000003ull);
  Global* vm = p.global("vm");
  EXPECT_TRUE(vm->type.mut);
  EXPECT_EQ(vm->value, ~uint64_t{0});
  EXPECT_EQ(vm->value_hi, 7u);
}

TEST(V128, ImportedGlobalMatchesByType) {
  // (import "" "" (global v128))
  auto m = decode_module(Bytes{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
                               0x02, 0x06, 0x01, 0x00, 0x00, 0x03, 0x7b, 0x00});
  Store store;
  Global* v = store.new_global(GlobalType{ValType::V128, false}, 1, 2);
  Global* i = store.new_global(GlobalType{ValType::I64, false}, 1);
  Extern good[] = {Extern::of(v)};
  Extern bad[] = {Extern::of(i)};
  EXPECT_EQ(store.instantiate(m, good)->globals[0]->value_hi, 2u);
  EXPECT_THROW(store.instantiate(m, bad), LinkError);
}

TEST(V128, HostFunctionTakesAndReturnsTwoCellsPerValue) {
  // [i32 v128] -> [v128 i32]: swaps the halves of the vector and adds one to the i32.
  auto host = std::make_shared<HostFunc>();
  host->type = FuncType{{ValType::I32, ValType::V128}, {ValType::V128, ValType::I32}};
  host->fn = [](HostCall&, const uint64_t* args, uint64_t* results) {
    results[0] = args[2];
    results[1] = args[1];
    results[2] = args[0] + 1;
    return HostResult::ok();
  };
  host->name = "test.swap";
  Store store;
  FuncInst* f = store.new_host_func(host);
  const uint64_t args[] = {41, 0x1111, 0x2222};
  Execution ex(store, f, args);
  ASSERT_EQ(ex.run(), RunStatus::Done);
  EXPECT_EQ(std::vector<uint64_t>(ex.results().begin(), ex.results().end()),
            (std::vector<uint64_t>{0x2222, 0x1111, 42}));
  // Arguments count in cells: one v128 is not one cell.
  const uint64_t short_args[] = {41, 0x1111};
  EXPECT_THROW(Execution(store, f, short_args), std::invalid_argument);
}

TEST(V128, SuspendedHostCallResumesWithCells) {
  auto host = std::make_shared<HostFunc>();
  host->type = FuncType{{}, {ValType::V128}};
  host->fn = [](HostCall&, const uint64_t*, uint64_t*) {
    return HostResult::suspend(std::make_unique<HostPending>());
  };
  Store store;
  Execution ex(store, store.new_host_func(host), {});
  ASSERT_EQ(ex.run(), RunStatus::Suspended);
  const uint64_t one[] = {5};
  EXPECT_THROW(ex.resume(one), std::invalid_argument);
  const uint64_t two[] = {5, 6};
  ex.resume(two);
  ASSERT_EQ(ex.run(), RunStatus::Done);
  EXPECT_EQ(std::vector<uint64_t>(ex.results().begin(), ex.results().end()), (std::vector<uint64_t>{5, 6}));
}

TEST(MultiMemory, ImportedAndDefinedMemoriesInOrder) {
  ProposalInstance p;
  const Module& m = *p.module;
  EXPECT_EQ(m.memories.size(), 4u);
  EXPECT_EQ(m.num_imported_memories, 2u);
  ASSERT_EQ(p.inst->memories.size(), 4u);
  EXPECT_EQ(p.inst->memories[0], p.mem0);
  EXPECT_EQ(p.inst->memories[1], p.mem1);
  EXPECT_EQ(p.inst->memories[2]->pages, 2u);
  Memory* m3 = p.inst->memories[3];
  EXPECT_EQ(m3->max_pages, 1u);
  EXPECT_EQ(p.inst->get_export("m3")->memory, m3);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(m3->data) + 10, 5), "three");
  // Memory 0 holds no data; the passive segment stays.
  EXPECT_EQ(p.mem0->data[10], 0);
  EXPECT_FALSE(p.inst->data_dropped[2]);
  HostCall call{p.inst, nullptr, nullptr};
  EXPECT_EQ(call.memory(), p.mem0);
  EXPECT_EQ(call.memory(3), m3);
  EXPECT_EQ(call.memory(4), nullptr);
}

TEST(MultiMemory, DataSegmentOutOfBoundsInItsOwnMemory) {
  // (memory 2) (memory 1) (data (memory 1) (i32.const 65535) "ab"): the segment
  // does not fit its 1-page memory, though it would fit memory 0.
  auto m = decode_module(Bytes{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
                               0x05, 0x05, 0x02, 0x00, 0x02, 0x00, 0x01,
                               0x0b, 0x0b, 0x01, 0x02, 0x01, 0x41, 0xff, 0xff, 0x03, 0x0b, 0x02, 'a', 'b'});
  Store store;
  try {
    store.instantiate(m, {});
    FAIL();
  } catch (const TrapError& e) {
    EXPECT_STREQ(e.what(), "out of bounds memory access");
  }
  // (data (memory 2) ...) names no memory.
  auto bad = Bytes{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
                   0x05, 0x05, 0x02, 0x00, 0x02, 0x00, 0x01,
                   0x0b, 0x0b, 0x01, 0x02, 0x02, 0x41, 0xff, 0xff, 0x03, 0x0b, 0x02, 'a', 'b'};
  EXPECT_EQ(invalid_message(bad), "invalid: unknown memory 2");
}

TEST(MultiMemory, PagesOfAllMemoriesShareOneStoreLimit) {
  StoreLimits limits;
  limits.max_memory_pages = 10;
  limits.max_total_memory_pages = 12;
  Store store(limits);
  Memory* a = store.new_memory(MemoryType{{8, {}}});
  try {
    store.new_memory(MemoryType{{5, {}}});
    FAIL();
  } catch (const LinkError& e) {
    EXPECT_STREQ(e.what(), "memory of 5 pages exceeds the limit of 12 memory pages per store (8 in use)");
  }
  Memory* b = store.new_memory(MemoryType{{2, {}}});
  EXPECT_FALSE(a->can_grow(3));  // 10 per memory allows it, 12 in all does not
  EXPECT_EQ(a->grow(3), -1);
  EXPECT_EQ(b->grow(2), 2);
  EXPECT_EQ(a->grow(1), -1);
  EXPECT_EQ(a->grow(0), 8);
}

// (memory 1) and a function whose body (after the local declarations) is `code`.
Bytes one_memory_function(Bytes code) {
  Bytes b = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
             0x03, 0x02, 0x01, 0x00, 0x05, 0x03, 0x01, 0x00, 0x01, 0x0a};
  code.insert(code.begin(), 0x00);  // no locals
  b.push_back(static_cast<uint8_t>(code.size() + 2));
  b.push_back(0x01);
  b.push_back(static_cast<uint8_t>(code.size()));
  b.insert(b.end(), code.begin(), code.end());
  return b;
}

std::string error_with(const Bytes& b, DecodeOptions options) {
  try {
    decode_module(b, options);
  } catch (const ModuleError& e) {
    return std::string(e.kind() == ModuleError::Kind::Invalid ? "invalid: " : "malformed: ") + e.what();
  }
  return "accepted";
}

TEST(MultiMemory, MemoryImmediatesAreValidated) {
  const DecodeOptions wasm3, wasm2{.multi_memory = false};
  // i32.const 0, i32.load with flags 0x42 (align 2, memory index follows) memory 0 / 1.
  Bytes load_mem0 = one_memory_function({0x41, 0x00, 0x28, 0x42, 0x00, 0x00, 0x1a, 0x0b});
  Bytes load_mem1 = one_memory_function({0x41, 0x00, 0x28, 0x42, 0x01, 0x00, 0x1a, 0x0b});
  EXPECT_EQ(error_with(load_mem0, wasm3), "accepted");
  EXPECT_EQ(error_with(load_mem1, wasm3), "invalid: unknown memory 1");
  // In WebAssembly 2.0 the flags are only the alignment: 2^66 is too large.
  EXPECT_EQ(error_with(load_mem0, wasm2), "invalid: alignment must not be larger than natural");
  // Flags of 128 and more are no memarg at all.
  EXPECT_EQ(error_with(one_memory_function({0x41, 0x00, 0x28, 0x82, 0x01, 0x00, 0x1a, 0x0b}), wasm3),
            "malformed: malformed memop flags");
  // memory.size 1: an unknown memory, or in 2.0 a non-zero reserved byte.
  Bytes size1 = one_memory_function({0x3f, 0x01, 0x1a, 0x0b});
  EXPECT_EQ(error_with(size1, wasm3), "invalid: unknown memory 1");
  EXPECT_EQ(error_with(size1, wasm2), "malformed: zero byte expected");
  // memory.copy 0 3.
  EXPECT_EQ(error_with(one_memory_function({0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xfc, 0x0a, 0x00, 0x03, 0x0b}),
                       wasm3),
            "invalid: unknown memory 3");
  // Two memories only with multi-memory.
  Bytes two = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x05, 0x05, 0x02, 0x00, 0x00, 0x00, 0x00};
  EXPECT_EQ(error_with(two, wasm3), "accepted");
  EXPECT_EQ(error_with(two, wasm2), "invalid: multiple memories");
}

// multi_memory.wat instantiated; calls run to completion in budgets of `slice`.
struct MultiMemoryRun : ::testing::TestWithParam<int64_t> {
  std::shared_ptr<const Module> module = decode_module(read_guest("multi_memory.wasm"));
  Store store;
  Instance* inst = store.instantiate(module, {});

  // The call's single result, or the trap message prefixed with "trap: ".
  std::string call(const char* name, std::vector<uint64_t> args) {
    Execution ex(store, inst->get_export(name)->func, args);
    RunStatus s;
    do s = ex.run(GetParam());
    while (s == RunStatus::OutOfBudget);
    if (s == RunStatus::Trapped) return "trap: " + ex.trap().message;
    return ex.results().empty() ? "" : std::to_string(static_cast<uint32_t>(ex.results()[0]));
  }
};

TEST_P(MultiMemoryRun, LoadsAndStoresReachTheirOwnMemory) {
  EXPECT_EQ(call("load_b", {0}), std::to_string(0x04030201));
  EXPECT_EQ(call("load_a", {0}), "0");
  EXPECT_EQ(call("store_both", {100}), "907");
  EXPECT_EQ(call("load_b", {100}), "7");
  EXPECT_EQ(call("load_a", {100}), "9");
  // Bounds are those of the memory accessed: $c has no pages, $b one.
  EXPECT_EQ(call("load8_c", {0}), "trap: out of bounds memory access");
  EXPECT_EQ(call("load_b", {65533}), "trap: out of bounds memory access");
  EXPECT_EQ(call("load_a", {65532}), "0");  // memory 0 again after the trap
}

TEST_P(MultiMemoryRun, SizeAndGrowPerMemory) {
  EXPECT_EQ(call("size_c", {}), "0");
  EXPECT_EQ(call("grow_c", {2}), "0");
  EXPECT_EQ(call("size_c", {}), "2");
  EXPECT_EQ(call("size_a", {}), "1");
  EXPECT_EQ(call("grow_c", {3}), std::to_string(uint32_t(-1)));  // maximum 4
  EXPECT_EQ(call("load8_c", {2 * 65536 - 1}), "0");
  EXPECT_EQ(inst->memories[2]->pages, 2u);
}

TEST_P(MultiMemoryRun, BulkOperationsBetweenMemories) {
  EXPECT_EQ(call("fill_b", {8, 0xab, 4}), "");
  EXPECT_EQ(call("copy_b_to_a", {16, 6, 4}), "");  // $b[6..10) is 00 00 ab ab
  EXPECT_EQ(call("load_a", {16}), std::to_string(0xabab0000));
  EXPECT_EQ(call("load_b", {16}), "0");  // the source memory is not the destination
  EXPECT_EQ(call("copy_b_to_a", {0, 65535, 2}), "trap: out of bounds memory access");
  EXPECT_EQ(call("grow_c", {1}), "0");
  EXPECT_EQ(call("init_c", {65534, 1, 2}), "");
  EXPECT_EQ(call("load8_c", {65535}), std::to_string('l'));
  EXPECT_EQ(call("init_c", {65535, 0, 2}), "trap: out of bounds memory access");
}

INSTANTIATE_TEST_SUITE_P(Budgets, MultiMemoryRun, ::testing::Values(INT64_MAX, 1, 3));

}  // namespace
}  // namespace wippy::interp
