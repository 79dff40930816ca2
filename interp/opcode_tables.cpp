#include "interp/opcode_tables.h"

namespace wippy::interp {

NumInfo numeric_info(uint8_t opc) {
  using V = ValType;
  constexpr V N = kUnknownType;
  auto rel = [](Op base, int d) { return op_offset(base, d); };
  if (opc == 0x45) return {Op::I32Eqz, V::I32, N, V::I32};
  if (opc <= 0x4f) return {rel(Op::I32Eq, opc - 0x46), V::I32, V::I32, V::I32};
  if (opc == 0x50) return {Op::I64Eqz, V::I64, N, V::I32};
  if (opc <= 0x5a) return {rel(Op::I64Eq, opc - 0x51), V::I64, V::I64, V::I32};
  if (opc <= 0x60) return {rel(Op::F32Eq, opc - 0x5b), V::F32, V::F32, V::I32};
  if (opc <= 0x66) return {rel(Op::F64Eq, opc - 0x61), V::F64, V::F64, V::I32};
  if (opc <= 0x69) return {rel(Op::I32Clz, opc - 0x67), V::I32, N, V::I32};
  if (opc <= 0x78) return {rel(Op::I32Add, opc - 0x6a), V::I32, V::I32, V::I32};
  if (opc <= 0x7b) return {rel(Op::I64Clz, opc - 0x79), V::I64, N, V::I64};
  if (opc <= 0x8a) return {rel(Op::I64Add, opc - 0x7c), V::I64, V::I64, V::I64};
  if (opc <= 0x91) return {rel(Op::F32Abs, opc - 0x8b), V::F32, N, V::F32};
  if (opc <= 0x98) return {rel(Op::F32Add, opc - 0x92), V::F32, V::F32, V::F32};
  if (opc <= 0x9f) return {rel(Op::F64Abs, opc - 0x99), V::F64, N, V::F64};
  if (opc <= 0xa6) return {rel(Op::F64Add, opc - 0xa0), V::F64, V::F64, V::F64};
  switch (opc) {
    case 0xa7: return {Op::I32WrapI64, V::I64, N, V::I32};
    case 0xa8: return {Op::I32TruncF32S, V::F32, N, V::I32};
    case 0xa9: return {Op::I32TruncF32U, V::F32, N, V::I32};
    case 0xaa: return {Op::I32TruncF64S, V::F64, N, V::I32};
    case 0xab: return {Op::I32TruncF64U, V::F64, N, V::I32};
    case 0xac: return {Op::I64ExtendI32S, V::I32, N, V::I64};
    case 0xad: return {Op::Unreachable, V::I32, N, V::I64, true};  // i64.extend_i32_u
    case 0xae: return {Op::I64TruncF32S, V::F32, N, V::I64};
    case 0xaf: return {Op::I64TruncF32U, V::F32, N, V::I64};
    case 0xb0: return {Op::I64TruncF64S, V::F64, N, V::I64};
    case 0xb1: return {Op::I64TruncF64U, V::F64, N, V::I64};
    case 0xb2: return {Op::F32ConvertI32S, V::I32, N, V::F32};
    case 0xb3: return {Op::F32ConvertI32U, V::I32, N, V::F32};
    case 0xb4: return {Op::F32ConvertI64S, V::I64, N, V::F32};
    case 0xb5: return {Op::F32ConvertI64U, V::I64, N, V::F32};
    case 0xb6: return {Op::F32DemoteF64, V::F64, N, V::F32};
    case 0xb7: return {Op::F64ConvertI32S, V::I32, N, V::F64};
    case 0xb8: return {Op::F64ConvertI32U, V::I32, N, V::F64};
    case 0xb9: return {Op::F64ConvertI64S, V::I64, N, V::F64};
    case 0xba: return {Op::F64ConvertI64U, V::I64, N, V::F64};
    case 0xbb: return {Op::F64PromoteF32, V::F32, N, V::F64};
    case 0xbc: return {Op::Unreachable, V::F32, N, V::I32, true};
    case 0xbd: return {Op::Unreachable, V::F64, N, V::I64, true};
    case 0xbe: return {Op::Unreachable, V::I32, N, V::F32, true};
    case 0xbf: return {Op::Unreachable, V::I64, N, V::F64, true};
    case 0xc0: return {Op::I32Extend8S, V::I32, N, V::I32};
    case 0xc1: return {Op::I32Extend16S, V::I32, N, V::I32};
    case 0xc2: return {Op::I64Extend8S, V::I64, N, V::I64};
    case 0xc3: return {Op::I64Extend16S, V::I64, N, V::I64};
    default: return {Op::I64Extend32S, V::I64, N, V::I64};  // 0xc4
  }
}

MemInfo memory_info(uint8_t opc) {
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
  return table[opc - 0x28];
}

}  // namespace wippy::interp
