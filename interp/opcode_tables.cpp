#include "interp/opcode_tables.h"

#include <iterator>

namespace wippy::interp {

namespace {

// A run of wasm opcodes, first..last, has as many members as the run of handlers
// that the translator indexes by the opcode's offset in it.
constexpr bool same_length(WasmOp first, WasmOp last, Op op_first, Op op_last) {
  return opcode_offset(first, last) == static_cast<int>(op_last) - static_cast<int>(op_first);
}
static_assert(same_length(WasmOp::I32Eq, WasmOp::I32GeU, Op::I32Eq, Op::I32GeU));
static_assert(same_length(WasmOp::I64Eq, WasmOp::I64GeU, Op::I64Eq, Op::I64GeU));
static_assert(same_length(WasmOp::F32Eq, WasmOp::F32Ge, Op::F32Eq, Op::F32Ge));
static_assert(same_length(WasmOp::F64Eq, WasmOp::F64Ge, Op::F64Eq, Op::F64Ge));
static_assert(same_length(WasmOp::I32Clz, WasmOp::I32Popcnt, Op::I32Clz, Op::I32Popcnt));
static_assert(same_length(WasmOp::I32Add, WasmOp::I32Rotr, Op::I32Add, Op::I32Rotr));
static_assert(same_length(WasmOp::I64Clz, WasmOp::I64Popcnt, Op::I64Clz, Op::I64Popcnt));
static_assert(same_length(WasmOp::I64Add, WasmOp::I64Rotr, Op::I64Add, Op::I64Rotr));
static_assert(same_length(WasmOp::F32Abs, WasmOp::F32Sqrt, Op::F32Abs, Op::F32Sqrt));
static_assert(same_length(WasmOp::F32Add, WasmOp::F32Copysign, Op::F32Add, Op::F32Copysign));
static_assert(same_length(WasmOp::F64Abs, WasmOp::F64Sqrt, Op::F64Abs, Op::F64Sqrt));
static_assert(same_length(WasmOp::F64Add, WasmOp::F64Copysign, Op::F64Add, Op::F64Copysign));
static_assert(same_length(WasmOp::I32Load, WasmOp::I64Load32U, Op::I32Load, Op::I64Load32U));
static_assert(same_length(WasmOp::I32Store, WasmOp::I64Store32, Op::I32Store, Op::I64Store32));
static_assert(same_length(WasmOp::I32Store, WasmOp::I64Store32, Op::I32StoreImm, Op::I64Store32Imm));

}  // namespace

NumInfo numeric_info(WasmOp opc) {
  using V = ValType;
  using W = WasmOp;
  constexpr V N = kUnknownType;
  // Each run of wasm opcodes below maps onto the run of handlers with the same names.
  auto rel = [](Op base, W first, W op) { return op_offset(base, opcode_offset(first, op)); };
  if (opc == W::I32Eqz) return {Op::I32Eqz, V::I32, N, V::I32};
  if (opc <= W::I32GeU) return {rel(Op::I32Eq, W::I32Eq, opc), V::I32, V::I32, V::I32};
  if (opc == W::I64Eqz) return {Op::I64Eqz, V::I64, N, V::I32};
  if (opc <= W::I64GeU) return {rel(Op::I64Eq, W::I64Eq, opc), V::I64, V::I64, V::I32};
  if (opc <= W::F32Ge) return {rel(Op::F32Eq, W::F32Eq, opc), V::F32, V::F32, V::I32};
  if (opc <= W::F64Ge) return {rel(Op::F64Eq, W::F64Eq, opc), V::F64, V::F64, V::I32};
  if (opc <= W::I32Popcnt) return {rel(Op::I32Clz, W::I32Clz, opc), V::I32, N, V::I32};
  if (opc <= W::I32Rotr) return {rel(Op::I32Add, W::I32Add, opc), V::I32, V::I32, V::I32};
  if (opc <= W::I64Popcnt) return {rel(Op::I64Clz, W::I64Clz, opc), V::I64, N, V::I64};
  if (opc <= W::I64Rotr) return {rel(Op::I64Add, W::I64Add, opc), V::I64, V::I64, V::I64};
  if (opc <= W::F32Sqrt) return {rel(Op::F32Abs, W::F32Abs, opc), V::F32, N, V::F32};
  if (opc <= W::F32Copysign) return {rel(Op::F32Add, W::F32Add, opc), V::F32, V::F32, V::F32};
  if (opc <= W::F64Sqrt) return {rel(Op::F64Abs, W::F64Abs, opc), V::F64, N, V::F64};
  if (opc <= W::F64Copysign) return {rel(Op::F64Add, W::F64Add, opc), V::F64, V::F64, V::F64};
  switch (opc) {
    case W::I32WrapI64: return {Op::I32WrapI64, V::I64, N, V::I32};
    case W::I32TruncF32S: return {Op::I32TruncF32S, V::F32, N, V::I32};
    case W::I32TruncF32U: return {Op::I32TruncF32U, V::F32, N, V::I32};
    case W::I32TruncF64S: return {Op::I32TruncF64S, V::F64, N, V::I32};
    case W::I32TruncF64U: return {Op::I32TruncF64U, V::F64, N, V::I32};
    case W::I64ExtendI32S: return {Op::I64ExtendI32S, V::I32, N, V::I64};
    case W::I64ExtendI32U: return {Op::Unreachable, V::I32, N, V::I64, true};
    case W::I64TruncF32S: return {Op::I64TruncF32S, V::F32, N, V::I64};
    case W::I64TruncF32U: return {Op::I64TruncF32U, V::F32, N, V::I64};
    case W::I64TruncF64S: return {Op::I64TruncF64S, V::F64, N, V::I64};
    case W::I64TruncF64U: return {Op::I64TruncF64U, V::F64, N, V::I64};
    case W::F32ConvertI32S: return {Op::F32ConvertI32S, V::I32, N, V::F32};
    case W::F32ConvertI32U: return {Op::F32ConvertI32U, V::I32, N, V::F32};
    case W::F32ConvertI64S: return {Op::F32ConvertI64S, V::I64, N, V::F32};
    case W::F32ConvertI64U: return {Op::F32ConvertI64U, V::I64, N, V::F32};
    case W::F32DemoteF64: return {Op::F32DemoteF64, V::F64, N, V::F32};
    case W::F64ConvertI32S: return {Op::F64ConvertI32S, V::I32, N, V::F64};
    case W::F64ConvertI32U: return {Op::F64ConvertI32U, V::I32, N, V::F64};
    case W::F64ConvertI64S: return {Op::F64ConvertI64S, V::I64, N, V::F64};
    case W::F64ConvertI64U: return {Op::F64ConvertI64U, V::I64, N, V::F64};
    case W::F64PromoteF32: return {Op::F64PromoteF32, V::F32, N, V::F64};
    case W::I32ReinterpretF32: return {Op::Unreachable, V::F32, N, V::I32, true};
    case W::I64ReinterpretF64: return {Op::Unreachable, V::F64, N, V::I64, true};
    case W::F32ReinterpretI32: return {Op::Unreachable, V::I32, N, V::F32, true};
    case W::F64ReinterpretI64: return {Op::Unreachable, V::I64, N, V::F64, true};
    case W::I32Extend8S: return {Op::I32Extend8S, V::I32, N, V::I32};
    case W::I32Extend16S: return {Op::I32Extend16S, V::I32, N, V::I32};
    case W::I64Extend8S: return {Op::I64Extend8S, V::I64, N, V::I64};
    case W::I64Extend16S: return {Op::I64Extend16S, V::I64, N, V::I64};
    default: return {Op::I64Extend32S, V::I64, N, V::I64};  // i64.extend32_s
  }
}

MemInfo memory_info(WasmOp opc) {
  using V = ValType;
  static const MemInfo table[] = {
      {V::I32, 4, false}, {V::I64, 8, false}, {V::F32, 4, false}, {V::F64, 8, false},
      {V::I32, 1, false}, {V::I32, 1, false}, {V::I32, 2, false}, {V::I32, 2, false},
      {V::I64, 1, false}, {V::I64, 1, false}, {V::I64, 2, false}, {V::I64, 2, false},
      {V::I64, 4, false}, {V::I64, 4, false},
      {V::I32, 4, true},  {V::I64, 8, true},  {V::F32, 4, true},  {V::F64, 8, true},
      {V::I32, 1, true},  {V::I32, 2, true},  {V::I64, 1, true},  {V::I64, 2, true},
      {V::I64, 4, true},
  };
  static_assert(std::size(table) == opcode_offset(WasmOp::I32Load, WasmOp::I64Store32) + 1);
  return table[opcode_offset(WasmOp::I32Load, opc)];
}

}  // namespace wippy::interp
