// The SIMD instruction table (interp/simd.def, simd_opcodes.h): 236 instructions with
// unique sub-opcodes (also static_asserted), the gaps of the 2.0 encoding unassigned,
// and extras that fit each kind.
#include <gtest/gtest.h>

#include <bit>
#include <map>

#include "interp/simd.h"

namespace wippy::interp {
namespace {

TEST(SimdOpcodes, TableHasEverySpecInstructionOnce) {
  EXPECT_EQ(simd_op_count, 236u);
  unsigned assigned = 0;
  for (uint32_t code = 0; code < simd_subopcode_limit; ++code) {
    if (const SimdOpInfo* info = simd_op_info(code)) {
      ++assigned;
      EXPECT_EQ(uint32_t(info->op), code);
    }
  }
  EXPECT_EQ(assigned, 236u);
}

TEST(SimdOpcodes, GapsAndLargeSubopcodesAreUnknown) {
  for (uint32_t code :
       {0x9au, 0xa2u, 0xa5u, 0xa6u, 0xafu, 0xb0u, 0xb2u, 0xb3u, 0xb4u,  0xbbu,  0xc2u,      0xc5u,
        0xc6u, 0xcfu, 0xd0u, 0xd2u, 0xd3u, 0xd4u, 0xe2u, 0xeeu, 0x100u, 0x113u, 0xffffffffu}) {
    EXPECT_EQ(simd_op_info(code), nullptr) << code;
  }
}

TEST(SimdOpcodes, NamedOpcodesMatchTheBinaryFormat) {
  EXPECT_EQ(uint32_t(WasmOpSIMD::V128Load), 0x00u);
  EXPECT_EQ(uint32_t(WasmOpSIMD::V128Const), 0x0cu);
  EXPECT_EQ(uint32_t(WasmOpSIMD::I8x16Shuffle), 0x0du);
  EXPECT_EQ(uint32_t(WasmOpSIMD::V128Load64Zero), 0x5du);
  EXPECT_EQ(uint32_t(WasmOpSIMD::I32x4DotI16x8S), 0xbau);
  EXPECT_EQ(uint32_t(WasmOpSIMD::F64x2ConvertLowI32x4U), 0xffu);
  const SimdOpInfo* add = simd_op_info(0xae);
  ASSERT_NE(add, nullptr);
  EXPECT_EQ(add->op, WasmOpSIMD::I32x4Add);
  EXPECT_EQ(add->kind, SimdKind::Binary);
  EXPECT_EQ(add->function, "i32x4_add");
}

TEST(SimdOpcodes, KindCountsAndExtras) {
  std::map<SimdKind, unsigned> count;
  for (const SimdOpInfo& info : simd_ops) {
    ++count[info.kind];
    switch (info.kind) {
      case SimdKind::Load:
      case SimdKind::Store:
      case SimdKind::LoadLane:
      case SimdKind::StoreLane:
        EXPECT_TRUE(std::has_single_bit(info.extra) && info.extra <= 16) << info.function;
        break;
      case SimdKind::Shuffle: EXPECT_EQ(info.extra, 32u); break;
      case SimdKind::ExtractLaneI32:
      case SimdKind::ReplaceLaneI32:
        EXPECT_TRUE(info.extra == 16 || info.extra == 8 || info.extra == 4) << info.function;
        break;
      case SimdKind::ExtractLaneI64:
      case SimdKind::ReplaceLaneI64:
      case SimdKind::ExtractLaneF64:
      case SimdKind::ReplaceLaneF64: EXPECT_EQ(info.extra, 2u) << info.function; break;
      case SimdKind::ExtractLaneF32:
      case SimdKind::ReplaceLaneF32: EXPECT_EQ(info.extra, 4u) << info.function; break;
      default: EXPECT_EQ(info.extra, 0u) << info.function;
    }
  }
  EXPECT_EQ(count[SimdKind::Binary], 120u);
  EXPECT_EQ(count[SimdKind::Unary], 50u);
  EXPECT_EQ(count[SimdKind::Load], 13u);
  EXPECT_EQ(count[SimdKind::Shift], 12u);
  EXPECT_EQ(count[SimdKind::Test], 9u);
  EXPECT_EQ(count[SimdKind::LoadLane], 4u);
  EXPECT_EQ(count[SimdKind::StoreLane], 4u);
  EXPECT_EQ(count[SimdKind::Ternary], 1u);
}

}  // namespace
}  // namespace wippy::interp
