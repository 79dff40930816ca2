// Static facts about wasm opcodes that the translator needs: the signature and
// internal handler of each plain numeric opcode, the type and width of each load and
// store.
#pragma once

#include <cstdint>

#include "interp/ops.h"
#include "interp/types.h"
#include "interp/wasm_opcodes.h"

namespace wippy::interp {

constexpr ValType kUnknownType = static_cast<ValType>(0);

struct NumInfo {
  Op op;
  ValType a, b, r;   // b is kUnknownType for unary operators
  bool nop = false;  // the value's cell is already right (reinterpret, extend_u)
};
// For opcodes I32Eqz..I64Extend32S.
NumInfo numeric_info(WasmOp opcode);

struct MemInfo {
  ValType type;
  uint32_t size;  // bytes accessed
  bool store;
};
// For opcodes I32Load..I64Store32.
MemInfo memory_info(WasmOp opcode);

}  // namespace wippy::interp
