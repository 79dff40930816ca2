#include <gtest/gtest.h>

#include <cstring>

#include "procs/wasm_values.h"

namespace wippy::procs {
namespace {

using engine::FuncType;
using engine::ValType;

std::string error_of(const FuncType& t, std::vector<Value> args) {
  try {
    to_wasm_args(t, args);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(WasmValues, ArgumentsConvertAndRangeCheck) {
  FuncType t{{ValType::I32, ValType::I64, ValType::F32, ValType::F64}, {}};
  auto cells = to_wasm_args(t, std::vector<Value>{-1, int64_t{-2}, 1.5, 3});
  ASSERT_EQ(cells.size(), 4u);
  EXPECT_EQ(cells[0], 0xffffffffu);
  EXPECT_EQ(cells[1], static_cast<uint64_t>(-2));
  float f;
  uint32_t fb = static_cast<uint32_t>(cells[2]);
  std::memcpy(&f, &fb, 4);
  EXPECT_EQ(f, 1.5f);
  double d;
  std::memcpy(&d, &cells[3], 8);
  EXPECT_EQ(d, 3.0);

  FuncType i32{{ValType::I32}, {}};
  EXPECT_EQ(to_wasm_args(i32, std::vector<Value>{int64_t{4294967295}})[0], 0xffffffffu);
  EXPECT_EQ(to_wasm_args(i32, std::vector<Value>{int64_t{-2147483648}})[0], 0x80000000u);
  EXPECT_EQ(to_wasm_args(i32, std::vector<Value>{6.0})[0], 6u);  // an integral double
  EXPECT_EQ(error_of(i32, {int64_t{4294967296}}), "argument 1: integer 4294967296 out of range for i32");
  EXPECT_EQ(error_of(i32, {int64_t{-2147483649}}), "argument 1: integer -2147483649 out of range for i32");
  EXPECT_EQ(error_of(i32, {"6"}), "argument 1: expected an integer for i32, got string");
  EXPECT_EQ(error_of(i32, {1.5}), "argument 1: expected an integer for i32, got number");
  EXPECT_EQ(error_of(i32, {true}), "argument 1: expected an integer for i32, got boolean");
  EXPECT_EQ(error_of(FuncType{{ValType::I32, ValType::F64}, {}}, {1, "x"}),
            "argument 2: expected a number for f64, got string");
  EXPECT_EQ(error_of(FuncType{{ValType::I32, ValType::I32}, {}}, {1}), "parameter count mismatch: expected 2, got 1");
  EXPECT_EQ(error_of(FuncType{{ValType::V128}, {}}, {1}), "argument 1: unsupported parameter type v128");
}

TEST(WasmValues, Results) {
  EXPECT_TRUE(from_wasm_results(FuncType{{}, {}}, {}).is_nil());
  uint64_t neg = 0xfffffffbu;
  EXPECT_EQ(from_wasm_results(FuncType{{}, {ValType::I32}}, std::span(&neg, 1)), Value(-5));
  std::vector<uint64_t> two{0xfffffffbu, 9000000000ull};
  EXPECT_EQ(from_wasm_results(FuncType{{}, {ValType::I32, ValType::I64}}, two),
            Value(Value::Array{-5, int64_t{9000000000}}));
  double d = 2.25;
  uint64_t db;
  std::memcpy(&db, &d, 8);
  EXPECT_EQ(from_wasm_results(FuncType{{}, {ValType::F64}}, std::span(&db, 1)), Value(2.25));
  uint64_t null_ref = 0;
  EXPECT_TRUE(from_wasm_results(FuncType{{}, {ValType::FuncRef}}, std::span(&null_ref, 1)).is_nil());
}

}  // namespace
}  // namespace wippy::procs
