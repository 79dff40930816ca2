// The SIMD sub-opcodes (the u32 after the 0xFD prefix) as named values, and what the
// translator needs to know of each, generated from interp/simd.def.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "interp/simd_v128.h"

namespace wippy::interp {

enum class WasmOpSIMD : uint32_t {
#define SIMD_OP(name, code, kind, function, extra) name = code,
#include "interp/simd.def"
#undef SIMD_OP
};

// How an instruction is validated and translated; simd.def describes each kind.
enum class SimdKind : uint8_t {
  Unary, Binary, Ternary, Shift, Test,
  SplatI32, SplatI64, SplatF32, SplatF64,
  ExtractLaneI32, ExtractLaneI64, ExtractLaneF32, ExtractLaneF64,
  ReplaceLaneI32, ReplaceLaneI64, ReplaceLaneF32, ReplaceLaneF64,
  Load, Store, LoadLane, StoreLane, Const, Shuffle,
};

// The C++ type of the semantics function (interp/simd.h) of each kind; simd.h checks
// every simd.def line against it.
template <SimdKind K>
struct SimdShapeOf;
#define WIPPY_SIMD_SHAPE(kind, ...) \
  template <>                       \
  struct SimdShapeOf<SimdKind::kind> { using type = __VA_ARGS__; };
WIPPY_SIMD_SHAPE(Unary, V128 (*)(V128))
WIPPY_SIMD_SHAPE(Binary, V128 (*)(V128, V128))
WIPPY_SIMD_SHAPE(Ternary, V128 (*)(V128, V128, V128))
WIPPY_SIMD_SHAPE(Shift, V128 (*)(V128, uint32_t))
WIPPY_SIMD_SHAPE(Test, uint32_t (*)(V128))
WIPPY_SIMD_SHAPE(SplatI32, V128 (*)(uint64_t))
WIPPY_SIMD_SHAPE(SplatI64, V128 (*)(uint64_t))
WIPPY_SIMD_SHAPE(SplatF32, V128 (*)(uint64_t))
WIPPY_SIMD_SHAPE(SplatF64, V128 (*)(uint64_t))
WIPPY_SIMD_SHAPE(ExtractLaneI32, uint64_t (*)(V128, uint32_t))
WIPPY_SIMD_SHAPE(ExtractLaneI64, uint64_t (*)(V128, uint32_t))
WIPPY_SIMD_SHAPE(ExtractLaneF32, uint64_t (*)(V128, uint32_t))
WIPPY_SIMD_SHAPE(ExtractLaneF64, uint64_t (*)(V128, uint32_t))
WIPPY_SIMD_SHAPE(ReplaceLaneI32, V128 (*)(V128, uint64_t, uint32_t))
WIPPY_SIMD_SHAPE(ReplaceLaneI64, V128 (*)(V128, uint64_t, uint32_t))
WIPPY_SIMD_SHAPE(ReplaceLaneF32, V128 (*)(V128, uint64_t, uint32_t))
WIPPY_SIMD_SHAPE(ReplaceLaneF64, V128 (*)(V128, uint64_t, uint32_t))
WIPPY_SIMD_SHAPE(Load, V128 (*)(const uint8_t*))
WIPPY_SIMD_SHAPE(Store, void (*)(uint8_t*, V128))
WIPPY_SIMD_SHAPE(LoadLane, V128 (*)(V128, const uint8_t*, uint32_t))
WIPPY_SIMD_SHAPE(StoreLane, void (*)(uint8_t*, V128, uint32_t))
WIPPY_SIMD_SHAPE(Const, V128 (*)(const uint8_t*))
WIPPY_SIMD_SHAPE(Shuffle, V128 (*)(V128, V128, const uint8_t*))
#undef WIPPY_SIMD_SHAPE
template <SimdKind K>
using SimdShape = typename SimdShapeOf<K>::type;

struct SimdOpInfo {
  WasmOpSIMD op;
  SimdKind kind;
  uint32_t extra;             // see simd.def
  std::string_view function;  // the semantics' name in interp/simd.h, e.g. "i32x4_add"
};

inline constexpr SimdOpInfo simd_ops[] = {
#define SIMD_OP(name, code, kind, function, extra) {WasmOpSIMD::name, SimdKind::kind, extra, #function},
#include "interp/simd.def"
#undef SIMD_OP
};

// WebAssembly 2.0 has 236 SIMD instructions; the table lists each once, in ascending
// sub-opcode order (so a lookup can stop early and duplicates are impossible).
inline constexpr std::size_t simd_op_count = std::size(simd_ops);
static_assert(simd_op_count == 236, "simd.def must list every WebAssembly 2.0 SIMD instruction");
static_assert([] {
  for (std::size_t i = 1; i < simd_op_count; ++i)
    if (uint32_t(simd_ops[i - 1].op) >= uint32_t(simd_ops[i].op)) return false;
  return true;
}(), "simd.def must be in strictly ascending sub-opcode order");

// Every sub-opcode is below 256: a dense table from sub-opcode to entry.
inline constexpr std::size_t simd_subopcode_limit = 256;
static_assert(uint32_t(simd_ops[simd_op_count - 1].op) < simd_subopcode_limit);

inline constexpr auto simd_op_index = [] {
  std::array<int16_t, simd_subopcode_limit> index{};
  index.fill(-1);
  for (std::size_t i = 0; i < simd_op_count; ++i) index[uint32_t(simd_ops[i].op)] = int16_t(i);
  return index;
}();

// The entry of a sub-opcode, or nullptr for one that is not a SIMD instruction.
constexpr const SimdOpInfo* simd_op_info(uint32_t subopcode) {
  if (subopcode >= simd_subopcode_limit || simd_op_index[subopcode] < 0) return nullptr;
  return &simd_ops[simd_op_index[subopcode]];
}

}  // namespace wippy::interp
