// Static facts about wasm opcodes that the translator needs: the signature and
// internal handler of each plain numeric opcode, the type and width of each load and
// store.
#pragma once

#include <cstdint>

#include "interp/ops.h"
#include "interp/types.h"

namespace wippy::interp {

constexpr ValType kUnknownType = static_cast<ValType>(0);

struct NumInfo {
  Op op;
  ValType a, b, r;   // b is kUnknownType for unary operators
  bool nop = false;  // the value's cell is already right (reinterpret, extend_u)
};
// For opcodes 0x45..0xc4.
NumInfo numeric_info(uint8_t opcode);

struct MemInfo {
  ValType type;
  uint32_t size;  // bytes accessed
  bool store;
};
// For opcodes 0x28..0x3e.
MemInfo memory_info(uint8_t opcode);

}  // namespace wippy::interp
