// The scalar numeric instructions: constants stay deferred until used, a constant
// right operand picks the immediate form, and fusions come from peepholes.cpp.
#include <utility>

#include "interp/opcode_tables.h"
#include "interp/translator.h"

namespace wippy::interp {

static_assert(std::is_same_v<LayoutOf<Op::I32Eqz>, LayoutOf<Op::I64Extend32S>>, "unary operators");
static_assert(std::is_same_v<LayoutOf<Op::I32Eq>, LayoutOf<Op::F64Copysign>>, "binary operators");
static_assert(std::is_same_v<LayoutOf<Op::I32EqImm>, LayoutOf<Op::F64DivImm>>, "immediate forms");

void Translator::numeric(WasmOp opc) {
  NumInfo n = numeric_info(opc);
  if (n.b == kUnknown) {  // unary
    Val a = pop(n.a);
    if (n.nop) {  // same bits, new type
      a.type = n.r;
      push(a);
      return;
    }
    if (!dead_ && ((n.op == Op::I32Eqz && negate_last_compare(a)) || fuse_convert_shift(n.op, a))) {
      push(n.r);
      return;
    }
    if (!dead_) {
      uint32_t at = emit_result<Op::I32Eqz>({.dst = a.home, .a = use(a)});
      retarget_same_layout(at, n.op);
    }
    push(n.r);
    return;
  }
  Val b = pop(n.b);
  Val a = pop(n.a);
  uint32_t dst = a.home;
  if (a.kind == Val::Kind::Const && b.kind != Val::Kind::Const && commutative(n.op)) std::swap(a, b);
  if (!dead_) {
    Op imm_op;
    if (a.kind == Val::Kind::Const && b.kind != Val::Kind::Const && imm_left_form(n.op, imm_op)) {
      uint32_t at = emit_result<Op::F64ImmDiv>({.dst = dst, .a = use(b), .imm = a.imm});
      retarget_same_layout(at, imm_op);
    } else if (b.kind == Val::Kind::Const && imm_form(n.op, imm_op)) {
      if (!fuse_f64_mul_imm(imm_op, a, b.imm, dst)) {
        uint32_t at = emit_result<Op::I32EqImm>({.dst = dst, .a = use(a), .imm = b.imm});
        retarget_same_layout(at, imm_op);
      }
    } else if (fuse_with_shift(n.op, a, b, dst) || fuse_and_not(n.op, a, b, dst) ||
               fuse_f64_mul(n.op, a, b, dst) || fuse_f64_load(n.op, a, b, dst)) {
      // done: a + (x << k), a ^ rotl(x, k), ~x & y, x * y + z, x + load in one instruction
    } else {
      uint32_t sa = use(a);
      uint32_t at = emit_result<Op::I32Eq>({.dst = dst, .a = sa, .b = use(b)});
      retarget_same_layout(at, n.op);
    }
  }
  push(n.r);
}

// The saturating truncations (0xFC 0..7): sub-opcode bit 0 means unsigned, bit 1 an
// f64 operand, bit 2 an i64 result; the handlers follow the sub-opcode order.
void Translator::trunc_sat(uint32_t sub) {
  static_assert(static_cast<int>(Op::I64TruncSatF64U) - static_cast<int>(Op::I32TruncSatF32S) ==
                static_cast<int>(WasmOpFC::I64TruncSatF64U) - static_cast<int>(WasmOpFC::I32TruncSatF32S));
  Val a = pop((sub & 2) ? ValType::F64 : ValType::F32);
  if (!dead_) {
    uint32_t at = emit_result<Op::I32TruncSatF32S>({.dst = a.home, .a = use(a)});
    retarget_same_layout(at, op_offset(Op::I32TruncSatF32S, static_cast<int>(sub)));
  }
  push(sub < static_cast<uint32_t>(WasmOpFC::I64TruncSatF32S) ? ValType::I32 : ValType::I64);
}

}  // namespace wippy::interp
