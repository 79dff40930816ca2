// Peephole fusions. Each looks only at the instruction just emitted (last_op_pos_;
// nothing looks back across a segment start or a label): i32 comparisons fuse with
// the br_if / if that consumes them, i32.eqz of a comparison negates it, adjacent
// copies share one instruction, and shifts/adds fuse into the add/xor/load that uses
// them.
#include <utility>

#include "interp/translator.h"

namespace wippy::interp {

bool imm_form(Op op, Op& imm_op) {
  auto in = [op](Op first, Op last) { return op >= first && op <= last; };
  auto at = [op](Op first, Op imm_first) { return op_offset(imm_first, int(op) - int(first)); };
  if (in(Op::I32Eq, Op::I32GeU)) return imm_op = at(Op::I32Eq, Op::I32EqImm), true;
  if (in(Op::I64Eq, Op::I64GeU)) return imm_op = at(Op::I64Eq, Op::I64EqImm), true;
  if (in(Op::I32Add, Op::I32Mul)) return imm_op = at(Op::I32Add, Op::I32AddImm), true;
  if (in(Op::I32And, Op::I32Rotr)) return imm_op = at(Op::I32And, Op::I32AndImm), true;
  if (in(Op::I64Add, Op::I64Mul)) return imm_op = at(Op::I64Add, Op::I64AddImm), true;
  if (in(Op::I64And, Op::I64Rotr)) return imm_op = at(Op::I64And, Op::I64AndImm), true;
  if (in(Op::F32Add, Op::F32Div)) return imm_op = at(Op::F32Add, Op::F32AddImm), true;
  if (in(Op::F64Add, Op::F64Div)) return imm_op = at(Op::F64Add, Op::F64AddImm), true;
  return false;
}

bool imm_left_form(Op op, Op& imm_op) {
  switch (op) {
    case Op::F32Sub: return imm_op = Op::F32ImmSub, true;
    case Op::F32Div: return imm_op = Op::F32ImmDiv, true;
    case Op::F64Sub: return imm_op = Op::F64ImmSub, true;
    case Op::F64Div: return imm_op = Op::F64ImmDiv, true;
    default: return false;
  }
}

bool commutative(Op op) {
  switch (op) {
    case Op::I32Add: case Op::I32Mul: case Op::I32And: case Op::I32Or: case Op::I32Xor:
    case Op::I32Eq: case Op::I32Ne:
    case Op::I64Add: case Op::I64Mul: case Op::I64And: case Op::I64Or: case Op::I64Xor:
    case Op::I64Eq: case Op::I64Ne:
      return true;
    default:
      return false;
  }
}

namespace {

// The i32 comparison that gives the opposite answer (for i32.eqz of a comparison).
bool negated_compare(Op op, Op& out) {
  static const std::pair<Op, Op> pairs[] = {
      {Op::I32Eq, Op::I32Ne},   {Op::I32LtS, Op::I32GeS}, {Op::I32LtU, Op::I32GeU},
      {Op::I32GtS, Op::I32LeS}, {Op::I32GtU, Op::I32LeU},
  };
  for (Op base : {Op::I32Eq, Op::I32EqImm}) {
    int shift = int(base) - int(Op::I32Eq);
    for (auto [a, b] : pairs) {
      Op x = op_offset(a, shift), y = op_offset(b, shift);
      if (op == x) return out = y, true;
      if (op == y) return out = x, true;
    }
  }
  return false;
}

// Every i32 comparison of a family shares the layout of its first member.
static_assert(std::is_same_v<LayoutOf<Op::I32Eq>, LayoutOf<Op::I32GeU>>);
static_assert(std::is_same_v<LayoutOf<Op::I32EqImm>, LayoutOf<Op::I32GeUImm>>);
static_assert(std::is_same_v<LayoutOf<Op::BrIfI32Eq>, LayoutOf<Op::BrUnlessI32GeU>>);
static_assert(std::is_same_v<LayoutOf<Op::BrIfI32EqImm>, LayoutOf<Op::BrUnlessI32GeUImm>>);

}  // namespace

// A copy; copies in a row share one instruction (Copy, Copy2, then CopyN).
void Translator::emit_copy(uint32_t dst, uint32_t src) {
  uint32_t pos = last_op_pos_;
  if (pos != kNone && pos + 1 + kOperandWords<Op::Copy> == here() && last_op_ == Op::Copy) {
    layout::Copy first = operands_of<Op::Copy>(pos);
    unemit_last();
    emit<Op::Copy2>({.dst = first.dst, .src = first.src, .dst2 = dst, .src2 = src});
    return;
  }
  if (pos != kNone && pos + 1 + kOperandWords<Op::Copy2> == here() && last_op_ == Op::Copy2) {
    layout::Copy2 two = operands_of<Op::Copy2>(pos);
    unemit_last();
    emit<Op::CopyN>({.n = 3});
    append(SlotPair{two.dst, two.src});
    append(SlotPair{two.dst2, two.src2});
    append(SlotPair{dst, src});
    return;
  }
  if (pos != kNone && last_op_ == Op::CopyN &&
      pos + 1 + kOperandWords<Op::CopyN> + operands_of<Op::CopyN>(pos).n == here()) {
    operands_of<Op::CopyN>(pos).n++;
    code_.push_back(Slot{.pair = {dst, src}});
    return;
  }
  emit<Op::Copy>({.dst = dst, .src = src});
}

uint32_t Translator::cond_jump(const Val& cond, bool when_true) {
  // Fuse with the i32 comparison that just produced the condition:
  // [cmp][dst, a]([b] | [imm]) becomes [br][a, b | imm][target].
  if (cond.kind == Val::Kind::Home && last_dst_ == cond.home && last_op_pos_ != kNone) {
    Op c = last_op_;
    uint32_t pos = last_op_pos_;
    if (c == Op::I32Eqz) {
      uint32_t a = operands_of<Op::I32Eqz>(pos).a;
      unemit_last();
      uint32_t at = when_true ? emit<Op::BrIfI32Eqz>({.cond = a}) : emit<Op::BrUnlessI32Eqz>({.cond = a});
      return branch_word<Op::BrIfI32Eqz>(at);
    }
    if (c >= Op::I32Eq && c <= Op::I32GeU) {
      layout::Binary cmp = operands_of<Op::I32Eq>(pos);
      unemit_last();
      uint32_t at = emit<Op::BrIfI32Eq>({.a = cmp.a, .b = cmp.b});
      retarget_same_layout(at, op_offset(when_true ? Op::BrIfI32Eq : Op::BrUnlessI32Eq, int(c) - int(Op::I32Eq)));
      return branch_word<Op::BrIfI32Eq>(at);
    }
    if (c >= Op::I32EqImm && c <= Op::I32GeUImm) {
      layout::BinaryImm cmp = operands_of<Op::I32EqImm>(pos);
      unemit_last();
      uint32_t at = emit<Op::BrIfI32EqImm>({.a = cmp.a, .imm = cmp.imm});
      retarget_same_layout(
          at, op_offset(when_true ? Op::BrIfI32EqImm : Op::BrUnlessI32EqImm, int(c) - int(Op::I32EqImm)));
      return branch_word<Op::BrIfI32EqImm>(at);
    }
  }
  uint32_t slot = use(cond);
  uint32_t at = when_true ? emit<Op::BrIf>({.cond = slot}) : emit<Op::BrUnless>({.cond = slot});
  return branch_word<Op::BrIf>(at);
}

// i32.eqz of the comparison just emitted (a < b) becomes the opposite one (a >= b).
bool Translator::negate_last_compare(const Val& v) {
  Op negated;
  if (v.kind != Val::Kind::Home || last_dst_ != v.home || !negated_compare(last_op_, negated)) return false;
  retarget_same_layout(last_op_pos_, negated);
  return true;
}

// A commutative i32 operator one of whose operands was computed by the instruction
// just emitted (i32.add of i32.shl or i32.add, i32.xor of i32.rotl or i32.shr_u, the
// shifts by a constant): rewrite that instruction into the fused one (its temporary
// is not used by anything else).
bool Translator::fuse_with_shift(Op outer, const Val& a, const Val& b, uint32_t dst) {
  static const struct {
    Op outer, inner, fused;
  } kFusions[] = {
      {Op::I32Add, Op::I32ShlImm, Op::I32AddShlImm},
      {Op::I32Add, Op::I32Add, Op::I32Add3},  // the inner add's two operands are slots
      {Op::I32Xor, Op::I32RotlImm, Op::I32XorRotlImm},
      {Op::I32Xor, Op::I32ShrUImm, Op::I32XorShrUImm},
  };
  const Val* other = nullptr;
  Op fused = Op::Unreachable;
  for (const auto& f : kFusions) {
    if (f.outer != outer) continue;
    if (produced_by_last(b, f.inner))
      other = &a;
    else if (produced_by_last(a, f.inner))
      other = &b;
    else
      continue;
    fused = f.fused;
    break;
  }
  if (!other) return false;
  if (other->kind == Val::Kind::Const) return false;  // would need a Const before the shift
  uint32_t pos = last_op_pos_;
  uint32_t x, second;
  if (fused == Op::I32Add3) {
    const layout::Binary& inner = operands_of<Op::I32Add>(pos);
    x = inner.a;
    second = inner.b;
  } else {
    static_assert(std::is_same_v<LayoutOf<Op::I32ShlImm>, LayoutOf<Op::I32RotlImm>>);
    const layout::BinaryImm& inner = operands_of<Op::I32ShlImm>(pos);
    x = inner.a;
    second = static_cast<uint32_t>(inner.imm) & 31;
  }
  if (fused == Op::I32XorRotlImm && fuse_rotations(*other, x, second, dst)) return true;
  uint32_t so = other->kind == Val::Kind::Local ? other->local : other->home;
  unemit_last();
  static_assert(std::is_same_v<LayoutOf<Op::I32Add3>, LayoutOf<Op::I32AddShlImm>>);
  uint32_t at = emit_result<Op::I32Add3>({.dst = dst, .a = so, .b = x, .k = second});
  retarget_same_layout(at, fused);
  return true;
}

// rotl(x, j) ^ rotl(x, k) where both rotations were the last two instructions, and
// rotl(x, i) ^ rotl(x, j) ^ rotl(x, k) where the instruction before the last made the
// first two (SHA-2's sigma functions): one instruction. `first` is the xor's other
// operand, the temporary the instruction before the rotation by k computed from x.
bool Translator::fuse_rotations(const Val& first, uint32_t x, uint32_t k, uint32_t dst) {
  if (first.kind != Val::Kind::Home || prev_op_pos_ == kNone) return false;
  const uint32_t pos = prev_op_pos_;
  if (prev_op_ == Op::I32RotlImm) {
    const layout::BinaryImm rotl = operands_of<Op::I32RotlImm>(pos);
    if (rotl.dst != first.home || rotl.a != x || rotl.dst == x) return false;
    code_.resize(pos);
    forget_last();
    emit_result<Op::I32RotlXorRotl>({.dst = dst, .a = x, .j = static_cast<uint32_t>(rotl.imm) & 31, .k = k});
    return true;
  }
  if (prev_op_ == Op::I32RotlXorRotl) {
    const layout::Rotl2 two = operands_of<Op::I32RotlXorRotl>(pos);
    if (two.dst != first.home || two.a != x || two.dst == x) return false;
    code_.resize(pos);
    forget_last();
    emit_result<Op::I32Rotl3Xor>({.dst = dst, .a = x, .i = two.j, .j = two.k, .k = k});
    return true;
  }
  return false;
}

// The copies at the end of a loop body (its rotated variables) and the branch back:
// one instruction, the branch's BranchTo after the copies.
void Translator::emit_jump(Ctrl& c) {
  uint32_t pos = last_op_pos_;
  if (pos != kNone && pos + 1 + kOperandWords<Op::Copy> == here() && last_op_ == Op::Copy) {
    layout::Copy one = operands_of<Op::Copy>(pos);
    unemit_last();
    pos = emit<Op::CopyN>({.n = 1});
    append(SlotPair{one.dst, one.src});
  } else if (pos != kNone && pos + 1 + kOperandWords<Op::Copy2> == here() && last_op_ == Op::Copy2) {
    layout::Copy2 two = operands_of<Op::Copy2>(pos);
    unemit_last();
    pos = emit<Op::CopyN>({.n = 2});
    append(SlotPair{two.dst, two.src});
    append(SlotPair{two.dst2, two.src2});
  }
  if (pos != kNone && last_op_ == Op::CopyN &&
      pos + 1 + kOperandWords<Op::CopyN> + operands_of<Op::CopyN>(pos).n == here()) {
    code_[pos].op = handlers_[static_cast<int>(Op::CopyNJump)];
    uint32_t word = here();
    append(layout::BranchTo{});
    forget_last();
    return label_branch(c, word);
  }
  label_branch(c, branch_word<Op::Jump>(emit<Op::Jump>({})));
}

// f64.convert_i64_u of the i64.shr_u by 1..63 just emitted: one instruction, the
// signed conversion (exact: the shifted value is below 2^63).
bool Translator::fuse_convert_shift(Op op, const Val& a) {
  if (op != Op::F64ConvertI64U || !produced_by_last(a, Op::I64ShrUImm)) return false;
  layout::BinaryImm shift = operands_of<Op::I64ShrUImm>(last_op_pos_);
  if ((shift.imm & 63) == 0) return false;
  unemit_last();
  emit_result<Op::F64ConvertI64ShrUImm>({.dst = a.home, .a = shift.a, .imm = shift.imm & 63});
  return true;
}

// An f64.add or f64.sub one of whose operands is the f64.mul just emitted: rewrite
// the mul into the fused instruction (its product is not used by anything else).
bool Translator::fuse_f64_mul(Op outer, const Val& a, const Val& b, uint32_t dst) {
  if (outer != Op::F64Add && outer != Op::F64Sub) return false;
  bool product_first = produced_by_last(a, Op::F64Mul);
  if (!product_first && !produced_by_last(b, Op::F64Mul)) return false;
  const Val& other = product_first ? b : a;
  if (other.kind == Val::Kind::Const) return false;  // would need a Const before the mul
  Op fused = outer == Op::F64Add ? (product_first ? Op::F64MulAdd : Op::F64AddMul)
                                 : (product_first ? Op::F64MulSub : Op::F64SubMul);
  layout::Binary mul = operands_of<Op::F64Mul>(last_op_pos_);
  uint32_t k = other.kind == Val::Kind::Local ? other.local : other.home;
  unemit_last();
  static_assert(std::is_same_v<LayoutOf<Op::F64MulAdd>, LayoutOf<Op::F64SubMul>>);
  uint32_t at = emit_result<Op::F64MulAdd>({.dst = dst, .a = mul.a, .b = mul.b, .k = k});
  retarget_same_layout(at, fused);
  return true;
}

// An f64.add, sub or mul whose right operand is the f64.load just emitted (the load
// keeps its code position, so a trap in it still names the load's offset).
bool Translator::fuse_f64_load(Op outer, const Val& a, const Val& b, uint32_t dst) {
  Op fused;
  if (outer == Op::F64Add)
    fused = Op::F64AddLoad;
  else if (outer == Op::F64Sub)
    fused = Op::F64SubLoad;
  else if (outer == Op::F64Mul)
    fused = Op::F64MulLoad;
  else
    return false;
  if (!produced_by_last(b, Op::F64Load) || a.kind == Val::Kind::Const) return false;
  layout::Load load = operands_of<Op::F64Load>(last_op_pos_);
  if (load.offset > UINT32_MAX) return false;  // a constant address folded into it
  uint32_t sa = a.kind == Val::Kind::Local ? a.local : a.home;
  unemit_last();
  static_assert(std::is_same_v<LayoutOf<Op::F64AddLoad>, LayoutOf<Op::F64MulLoad>>);
  uint32_t at = emit_result<Op::F64AddLoad>(
      {.dst = dst, .a = sa, .addr = load.addr, .offset = static_cast<uint32_t>(load.offset)});
  retarget_same_layout(at, fused);
  return true;
}

// f64.add of a constant to the f64.mul just emitted (a Horner step).
bool Translator::fuse_f64_mul_imm(Op imm_op, const Val& a, uint64_t imm, uint32_t dst) {
  if (imm_op != Op::F64AddImm || !produced_by_last(a, Op::F64Mul)) return false;
  layout::Binary mul = operands_of<Op::F64Mul>(last_op_pos_);
  unemit_last();
  emit_result<Op::F64MulAddImm>({.dst = dst, .a = mul.a, .b = mul.b, .imm = imm});
  return true;
}

// A load whose address is the i32.add just emitted: the load does the add itself
// (wrapping at 2^32 like the add) before its offset. An add of a constant keeps it
// inline; an i32.sub of a constant (clang's x - 32 for a field before a pointer) adds
// its negation; an add of two values reads both.
bool Translator::fuse_load_add(Op load, const Val& addr, uint64_t offset) {
  const int member = int(load) - int(Op::I32Load);
  const uint32_t pos = last_op_pos_;
  if (produced_by_last(addr, Op::I32Add)) {
    const layout::Binary add = operands_of<Op::I32Add>(pos);
    unemit_last();
    static_assert(std::is_same_v<LayoutOf<Op::I32LoadAdd>, LayoutOf<Op::I64Load32UAdd>>);
    uint32_t at = emit_result<Op::I32LoadAdd>(
        {.dst = addr.home, .addr = add.a, .index = add.b, .offset = static_cast<uint32_t>(offset)});
    retarget_same_layout(at, op_offset(Op::I32LoadAdd, member));
    return true;
  }
  bool sub = produced_by_last(addr, Op::I32SubImm);
  if (!sub && !produced_by_last(addr, Op::I32AddImm)) return false;
  static_assert(std::is_same_v<LayoutOf<Op::I32AddImm>, LayoutOf<Op::I32SubImm>>);
  const layout::BinaryImm& add = operands_of<Op::I32AddImm>(pos);
  uint32_t x = add.a;
  uint32_t c = static_cast<uint32_t>(add.imm);
  if (sub) c = 0u - c;
  unemit_last();
  static_assert(std::is_same_v<LayoutOf<Op::I32LoadAddImm>, LayoutOf<Op::I64Load32UAddImm>>);
  uint32_t at = emit_result<Op::I32LoadAddImm>(
      {.dst = addr.home, .addr = x, .add = c, .offset = static_cast<uint32_t>(offset)});
  retarget_same_layout(at, op_offset(Op::I32LoadAddImm, member));
  return true;
}

// An i32.and one of whose operands is the i32.xor with -1 just emitted (~x & y, as
// in SHA-2's choice function): one instruction.
bool Translator::fuse_and_not(Op outer, const Val& a, const Val& b, uint32_t dst) {
  if (outer != Op::I32And) return false;
  bool not_first = produced_by_last(a, Op::I32XorImm);
  if (!not_first && !produced_by_last(b, Op::I32XorImm)) return false;
  const layout::BinaryImm& inverted = operands_of<Op::I32XorImm>(last_op_pos_);
  if (static_cast<uint32_t>(inverted.imm) != UINT32_MAX) return false;
  const Val& other = not_first ? b : a;
  if (other.kind == Val::Kind::Const) return false;  // would need a Const before the xor
  uint32_t x = inverted.a;
  uint32_t y = other.kind == Val::Kind::Local ? other.local : other.home;
  unemit_last();
  emit_result<Op::I32AndNot>({.dst = dst, .a = y, .b = x});
  return true;
}

}  // namespace wippy::interp
