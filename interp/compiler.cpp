// Validates a function body and translates it to internal code in one pass.
//
// Validation follows the algorithm of the spec's appendix: an operand type stack and a
// control stack. Translation rides along and turns the stack machine into register
// code: every operand-stack position has a fixed frame slot (its "home": the locals
// come first, then depth 0, 1, ...), so each instruction names its operand and result
// slots directly. `local.get` and constants are not copied at all: the operand stack
// remembers "this value is local 3" or "this value is 7" until an instruction consumes
// it (reading the local's slot or using an immediate form) or a control boundary makes
// it real. A result that a `local.set` stores is written straight into the local.
//
// A few peepholes look only at the instruction just emitted: i32 comparisons fuse
// with the br_if / if that consumes them, i32.eqz of a comparison negates it, adjacent
// copies share one instruction, and shifts/adds fuse into the add/xor/load that uses
// them (see fuse_with_shift, fuse_load_add).
//
// Fuel is pre-charged per straight-line segment: a Fuel instruction starts every
// segment and carries the count of wasm instructions up to the next branch (taken or
// not) or branch target. So a segment, once started, runs to its end unless it traps
// or the program exits, and everything pre-charged is executed: the limit can be
// judged on the pre-charge without ever trapping a run that would have fitted. Every
// branch target and every conditional branch's fall-through starts with its own Fuel
// instruction, which the branch charges itself and jumps past (finish_branches and
// FALL_THROUGH in exec_control.inc), so metering costs no extra dispatch. `end` and
// `else` are block syntax (the spec's abstract syntax has no such instructions) and
// cost nothing.
#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "interp/compiler.h"
#include "interp/decode_util.h"
#include "interp/execution.h"
#include "interp/limits.h"
#include "interp/opcode_tables.h"
#include "interp/ops.h"
#include "interp/wasm_opcodes.h"

namespace wippy::interp {
namespace {

constexpr ValType kUnknown = kUnknownType;
constexpr uint32_t kNone = UINT32_MAX;

bool is_num(ValType t) {
  return t == ValType::I32 || t == ValType::I64 || t == ValType::F32 || t == ValType::F64;
}

// Where an operand-stack value currently is.
struct Val {
  enum class Kind : uint8_t { Home, Local, Const };
  ValType type = kUnknown;
  Kind kind = Kind::Home;  // Home: in its stack slot; Local: still in `local`; Const: `imm`
  uint32_t local = 0;
  uint64_t imm = 0;
};

struct Ctrl {
  enum class Kind : uint8_t { Body, Block, Loop, If };
  Kind kind = Kind::Body;  // what opened it: the function body, block, loop or if
  std::vector<ValType> params, results;
  size_t height = 0;  // operand stack height below the params
  bool unreachable = false;
  bool entered_dead = false;     // no code is emitted for a block inside dead code
  uint32_t loop_start = 0;       // loop: code index of the header
  std::vector<uint32_t> fixups;  // forward target slots to patch at `end`
  int64_t else_fixup = -1;       // if: the conditional jump's target slot until `else`
  bool else_seen = false;

  const std::vector<ValType>& label_types() const { return kind == Kind::Loop ? params : results; }
};

// Integer operators that have a form with a constant right operand.
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

// Operators whose operands may be swapped (so that a constant goes on the right).
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

class FunctionCompiler {
 public:
  FunctionCompiler(const Module& m, Function& fn, Reader& r)
      : m_(m), fn_(fn), r_(r), handlers_(Execution::handler_table()) {}

  void compile();

 private:
  [[noreturn]] void invalid(const std::string& msg) const {
    throw ModuleError(ModuleError::Kind::Invalid, msg, instr_offset_);
  }
  [[noreturn]] void malformed(const std::string& msg) const {
    throw ModuleError(ModuleError::Kind::Malformed, msg, instr_offset_);
  }

  // --- operand stack (types for validation, locations for translation) ---
  void push(ValType t) { push(Val{t}); }
  // Values below deferred_from_ are all in their home slots; the ones from there up may
  // be deferred (a local or a constant). The window is kept to kMaxDeferred values, so
  // a scan for deferred values costs O(1) per instruction, never O(stack): a deep
  // stack cannot make translation quadratic. Materialising early is always correct.
  static constexpr uint32_t kMaxDeferred = 64;
  void push(Val v) {
    if (v.kind != Val::Kind::Home) {
      deferred_from_ = std::min(deferred_from_, depth());
      if (depth() - deferred_from_ >= kMaxDeferred) {
        uint32_t keep_from = depth() - kMaxDeferred / 2;
        for (uint32_t i = deferred_from_; i < keep_from; ++i) materialize(i);
        deferred_from_ = keep_from;
      }
    }
    vals_.push_back(v);
    max_vals_ = std::max(max_vals_, vals_.size());
  }
  void push(const std::vector<ValType>& ts) {
    for (ValType t : ts) push(t);
  }
  Val pop() {
    Ctrl& c = ctrls_.back();
    if (vals_.size() == c.height) {
      if (c.unreachable) return Val{kUnknown};
      invalid("type mismatch");
    }
    Val v = vals_.back();
    vals_.pop_back();
    return v;
  }
  Val pop(ValType expect) {
    Val v = pop();
    if (v.type != expect && v.type != kUnknown && expect != kUnknown) invalid("type mismatch");
    if (v.type == kUnknown) v.type = expect;
    return v;
  }
  void pop(const std::vector<ValType>& ts) {
    for (size_t i = ts.size(); i-- > 0;) pop(ts[i]);
  }
  // Pops values of these types and returns them, deepest first, with their locations.
  std::vector<Val> pop_vals(const std::vector<ValType>& ts) {
    std::vector<Val> out(ts.size());
    for (size_t i = ts.size(); i-- > 0;) out[i] = pop(ts[i]);
    return out;
  }
  void push(const std::vector<Val>& vs) {
    for (const Val& v : vs) push(v);
  }
  // Checks that the top of the stack has these types without consuming them (as pop
  // would: below the block's height only unreachable code has values, of any type).
  void check_top(const std::vector<ValType>& ts) const {
    const Ctrl& c = ctrls_.back();
    size_t available = vals_.size() - c.height;
    for (size_t i = 0; i < ts.size(); ++i) {
      if (i >= available) {
        if (c.unreachable) return;
        invalid("type mismatch");
      }
      ValType expect = ts[ts.size() - 1 - i], t = vals_[vals_.size() - 1 - i].type;
      if (t != expect && t != kUnknown && expect != kUnknown) invalid("type mismatch");
    }
  }
  void set_unreachable() {
    vals_.resize(ctrls_.back().height);
    ctrls_.back().unreachable = true;
    dead_ = true;
  }
  uint32_t depth() const { return static_cast<uint32_t>(vals_.size()); }
  uint32_t home(uint32_t d) const { return fn_.locals_end + d; }

  // --- code emission (nothing is emitted while dead_) ---
  uint32_t here() const { return static_cast<uint32_t>(code_.size()); }
  void op(Op o) {
    last_op_pos_ = here();
    last_op_ = o;
    last_dst_ = kNone;
    code_.push_back(Slot{.op = handlers_[static_cast<int>(o)]});
  }
  void word(uint32_t x, uint32_t y) { code_.push_back(Slot{.pair = {x, y}}); }
  void word64(uint64_t v) { code_.push_back(Slot{.u64 = v}); }
  // A branch target: the target word and, after it, the cost of the target's segment,
  // which the taken branch charges (see finish_branches).
  void target(uint32_t index) {
    targets_.push_back(here());
    word64(index);
    word64(0);
  }
  void forward_target(Ctrl& c) {
    c.fixups.push_back(here());
    target(0);
  }
  void label_target(Ctrl& c) {
    if (c.kind == Ctrl::Kind::Loop)
      target(c.loop_start);
    else
      forward_target(c);
  }
  // Emits an instruction whose result goes to `dst` and remembers it, so that a
  // following local.set can redirect the result into the local.
  void result_word(uint32_t dst, uint32_t y) {
    word(dst, y);
    last_dst_ = dst;
    last_dst_word_ = here() - 1;
  }
  void forget_last() { last_op_pos_ = kNone; last_dst_ = kNone; }

  void emit_const(uint32_t dst, uint64_t imm) {
    op(Op::Const);
    word(dst, 0);
    word64(imm);
  }
  // The slot holding `v` (at stack depth d), materialising a constant into its home
  // (zero is always in the zero slot).
  uint32_t use(const Val& v, uint32_t d) {
    if (v.kind == Val::Kind::Local) return v.local;
    if (v.kind == Val::Kind::Const) {
      if (v.imm == 0) return zero_slot_;
      emit_const(home(d), v.imm);
    }
    return home(d);
  }
  // A copy; copies in a row share one instruction (Copy, Copy2, then CopyN).
  void emit_copy(uint32_t dst, uint32_t src) {
    if (last_op_ == Op::Copy && last_op_pos_ == here() - 2) {
      code_[last_op_pos_].op = handlers_[static_cast<int>(Op::Copy2)];
      last_op_ = Op::Copy2;
      word(dst, src);
      return;
    }
    if (last_op_ == Op::Copy2 && last_op_pos_ == here() - 3) {
      // [Copy2][c1][c2] becomes [CopyN][3, -][c1][c2][c3]
      code_.insert(code_.begin() + last_op_pos_ + 1, Slot{.pair = {3, 0}});
      code_[last_op_pos_].op = handlers_[static_cast<int>(Op::CopyN)];
      last_op_ = Op::CopyN;
      word(dst, src);
      return;
    }
    if (last_op_ == Op::CopyN && last_op_pos_ + 2 + code_[last_op_pos_ + 1].pair.x == here()) {
      code_[last_op_pos_ + 1].pair.x++;
      word(dst, src);
      return;
    }
    op(Op::Copy);
    word(dst, src);
  }
  // Moves the value at depth d into its home slot.
  void materialize(uint32_t d) {
    Val& v = vals_[d];
    if (v.kind == Val::Kind::Home) return;
    if (!dead_) move_to(home(d), v, d);
    v.kind = Val::Kind::Home;
  }
  void materialize_from(uint32_t d) {
    for (uint32_t i = std::max(d, deferred_from_); i < depth(); ++i) materialize(i);
    if (d <= deferred_from_) deferred_from_ = depth();
  }
  // Everything below a block's height is materialised when the block is entered, so
  // code inside a block never materialises (path-dependently) a value it did not push.
  void materialize_all() { materialize_from(0); }
  bool has_local_refs(uint32_t local) const {
    for (uint32_t i = deferred_from_; i < depth(); ++i)
      if (vals_[i].kind == Val::Kind::Local && vals_[i].local == local) return true;
    return false;
  }
  void materialize_local_refs(uint32_t local) {
    for (uint32_t i = deferred_from_; i < depth(); ++i)
      if (vals_[i].kind == Val::Kind::Local && vals_[i].local == local) materialize(i);
  }
  // Writes `v` (at depth d) into slot `dst`.
  void move_to(uint32_t dst, const Val& v, uint32_t d) {
    if (v.kind == Val::Kind::Const) {
      emit_const(dst, v.imm);
    } else {
      uint32_t src = v.kind == Val::Kind::Local ? v.local : home(d);
      if (src == dst) return;
      emit_copy(dst, src);
    }
  }
  // True if the top `n` values are exactly where label `c` wants them.
  bool label_values_in_place(const Ctrl& c, uint32_t n) const {
    uint32_t first = depth() - n;
    for (uint32_t i = 0; i < n; ++i) {
      const Val& v = vals_[first + i];
      if (v.kind != Val::Kind::Home || first + i != c.height + i) return false;
    }
    return true;
  }
  // Copies the top values into label `c`'s result slots (ascending order is safe:
  // sources are never below their destinations).
  void move_label_values(const Ctrl& c) {
    uint32_t n = static_cast<uint32_t>(c.label_types().size());
    uint32_t first = depth() - n;
    for (uint32_t i = 0; i < n; ++i) move_to(home(static_cast<uint32_t>(c.height) + i), vals_[first + i], first + i);
  }
  // A jump on the i32 `cond` (at depth d) that fuses with the compare that produced it.
  // Returns nothing; the target word is recorded through `emit_target`.
  template <class EmitTarget>
  void cond_jump(const Val& cond, uint32_t d, bool when_true, EmitTarget emit_target);

  // Starts a straight-line segment: a Fuel instruction whose count begin_instr raises.
  // No peephole looks back across it.
  void start_segment() {
    op(Op::Fuel);
    fuel_slot_ = here();
    word64(0);
    need_segment_ = false;
  }
  bool at_empty_segment() const {
    return last_op_ == Op::Fuel && last_op_pos_ == here() - 2 && code_[here() - 1].u64 == 0;
  }

  // Places a branch target here. In metered code every target starts a segment with
  // its own Fuel instruction, so a taken branch can charge that segment itself and
  // jump past it (finish_branches). Consecutive labels share one Fuel instruction.
  uint32_t place_label() {
    if (m_.fuel_metering && !dead_) {
      if (!at_empty_segment()) start_segment();
      need_segment_ = false;
      return here() - 2;
    }
    forget_last();
    return here();
  }

  // Counts one wasm instruction into the current straight-line segment.
  void begin_instr() {
    if (dead_ || !m_.fuel_metering) return;
    if (need_segment_) start_segment();
    code_[fuel_slot_].u64++;
    fn_.offsets.push_back({here(), static_cast<uint32_t>(instr_offset_)});
  }

  // --- immediates ---
  Ctrl& label(uint32_t depth) {
    if (depth >= ctrls_.size()) invalid("unknown label");
    return ctrls_[ctrls_.size() - 1 - depth];
  }
  void read_block_type(std::vector<ValType>& params, std::vector<ValType>& results);
  uint32_t read_memarg(uint32_t natural_size);
  void need_memory() {
    if (m_.memories.empty()) invalid("unknown memory 0");
  }
  void zero_byte() {
    if (r_.u8() != 0) malformed("zero byte expected");
  }
  uint32_t table_index() {
    uint32_t t = r_.u32();
    if (t >= m_.tables.size()) invalid("unknown table " + std::to_string(t));
    return t;
  }
  uint32_t elem_index() {
    uint32_t e = r_.u32();
    if (e >= m_.elems.size()) invalid("unknown elem segment " + std::to_string(e));
    return e;
  }
  // memory.init and data.drop need the data count section (so that a body can be
  // validated before the data section is read); report a wrong index first.
  uint32_t data_index() {
    uint32_t d = r_.u32();
    check_data_index(d);
    return d;
  }
  void check_data_index(uint32_t d) {
    if (d >= m_.datas.size()) invalid("unknown data segment " + std::to_string(d));
    if (!m_.data_count) malformed("data count section required");
  }
  ValType local_type(uint32_t index) {
    if (index >= locals_.size()) invalid("unknown local " + std::to_string(index));
    return locals_[index];
  }

  // Peephole fusions with the instruction just emitted (whose result is an operand).
  bool fuse_with_shift(Op outer, const Val& a, uint32_t da, const Val& b, uint32_t db);
  bool fuse_load_add(Op load, uint32_t addr_depth, uint32_t offset);  // address is Home
  bool produced_by_last(const Val& v, uint32_t d, Op op) const {
    return v.kind == Val::Kind::Home && last_dst_ == home(d) && last_op_pos_ != kNone && last_op_ == op;
  }

  void instruction(WasmOp opc);
  void control(WasmOp opc);
  void variable(WasmOp opc);
  void numeric(WasmOp opc);
  void memory_access(WasmOp opc);
  void prefixed_fc();
  void finish_branches();
  void call(uint32_t func_index);
  // A call's arguments: constants are put in their homes now (before the call
  // instruction); the other arguments not yet in place become the call's copies.
  std::vector<SlotPair> prepare_args(const std::vector<Val>& args, uint32_t args_depth);
  void arg_list(uint32_t args_depth, const std::vector<SlotPair>& copies);
  void end();
  // Pops `n` i32 operands (deepest first in the result) and returns their slots.
  void pop_i32_slots(uint32_t n, uint32_t* slots);

  const Module& m_;
  Function& fn_;
  Reader& r_;
  const void* const* handlers_;
  std::vector<ValType> locals_;
  uint32_t zero_slot_ = 0;  // a frame cell that always holds 0
  std::vector<Val> vals_;
  uint32_t deferred_from_ = 0;  // see push()
  std::vector<Ctrl> ctrls_;
  size_t max_vals_ = 0;
  std::vector<Slot> code_;
  std::vector<uint32_t> targets_;  // words holding code indices, turned into pointers at the end
  bool dead_ = false;              // the current code is unreachable: emit nothing
  bool need_segment_ = true;  // the next counted instruction starts a segment
  uint32_t fuel_slot_ = 0;     // the cost word of the current segment's Fuel instruction
  size_t instr_offset_ = 0;
  uint32_t last_op_pos_ = kNone;  // code index of the last instruction emitted
  Op last_op_ = Op::Unreachable;
  uint32_t last_dst_ = kNone;      // its result slot, if it has one
  uint32_t last_dst_word_ = 0;     // the word holding that result slot (pair.x)
};

void FunctionCompiler::read_block_type(std::vector<ValType>& params, std::vector<ValType>& results) {
  BlockType bt = interp::read_block_type(r_, m_);
  if (bt.kind == BlockType::Kind::Value) {
    results.push_back(bt.value);
  } else if (bt.kind == BlockType::Kind::Index) {
    params = m_.types[bt.type_index].params;
    results = m_.types[bt.type_index].results;
  }
}

uint32_t FunctionCompiler::read_memarg(uint32_t natural_size) {
  uint32_t align = r_.u32();
  uint32_t offset = r_.u32();
  need_memory();
  if (align >= 32 || (1u << align) > natural_size) invalid("alignment must not be larger than natural");
  return offset;
}

void FunctionCompiler::compile() {
  const FuncType& type = m_.types[fn_.type_index];
  locals_ = type.params;
  locals_.insert(locals_.end(), fn_.local_types.begin(), fn_.local_types.end());

  zero_slot_ = fn_.num_locals;  // zeroed with the locals at entry, never written
  fn_.locals_end = fn_.num_locals + 1;

  Ctrl body;
  body.kind = Ctrl::Kind::Body;
  body.results = type.results;
  ctrls_.push_back(std::move(body));

  // Every call zeroes the declared locals: work proportional to their number, charged
  // like bulk operations (1 unit per 64 cells) in the entry segment.
  if (m_.fuel_metering) {
    start_segment();
    code_[fuel_slot_].u64 = (fn_.locals_end - fn_.num_params) / 64;
  }

  while (!ctrls_.empty()) {
    instr_offset_ = r_.offset();
    instruction(static_cast<WasmOp>(r_.u8()));
  }
  if (!r_.at_end()) {
    instr_offset_ = r_.offset();
    malformed("section size mismatch");
  }

  if (!code_.empty() && code_[0].op == handlers_[static_cast<int>(Op::Fuel)]) {
    fn_.entry_fuel = code_[1].i64;
    fn_.entry_skip = 2;
  }
  finish_branches();
  fn_.code = std::move(code_);
  fn_.max_stack = static_cast<uint32_t>(max_vals_) + 1;
  fn_.frame_size = fn_.locals_end + fn_.max_stack;
}

// Turns target indices into pointers. In metered code each target is a Fuel
// instruction: the branch jumps past it and its cost word gets that segment's cost,
// so a taken branch does the Fuel instruction's work. When the fuel left does not
// cover it, the branch lands on the Fuel instruction instead (see TAKE_BRANCH), which
// yields or traps as usual.
void FunctionCompiler::finish_branches() {
  const void* fuel_op = handlers_[static_cast<int>(Op::Fuel)];
  for (uint32_t w : targets_) {
    uint64_t t = code_[w].u64;
    if (m_.fuel_metering) {
      if (code_[t].op != fuel_op) throw std::logic_error("branch target without a Fuel instruction");
      code_[w + 1].i64 = code_[t + 1].i64;
      t += 2;
    }
    code_[w].target = code_.data() + t;
  }
}

template <class EmitTarget>
void FunctionCompiler::cond_jump(const Val& cond, uint32_t d, bool when_true, EmitTarget emit_target) {
  // Fuse with the i32 comparison that just produced the condition.
  if (cond.kind == Val::Kind::Home && last_dst_ == home(d) && last_op_pos_ != kNone) {
    Op fused;
    bool ok = true;
    bool has_imm = false;
    Op c = last_op_;
    if (c == Op::I32Eqz) {
      fused = when_true ? Op::BrIfI32Eqz : Op::BrUnlessI32Eqz;
    } else if (c >= Op::I32Eq && c <= Op::I32GeU) {
      fused = op_offset(when_true ? Op::BrIfI32Eq : Op::BrUnlessI32Eq, int(c) - int(Op::I32Eq));
    } else if (c >= Op::I32EqImm && c <= Op::I32GeUImm) {
      fused = op_offset(when_true ? Op::BrIfI32EqImm : Op::BrUnlessI32EqImm, int(c) - int(Op::I32EqImm));
      has_imm = true;
    } else {
      ok = false;
    }
    if (ok) {
      // [cmp][dst, a]([b] | [imm]) becomes [br][a, b]([imm]) target.
      uint32_t pos = last_op_pos_;
      uint32_t a = code_[pos + 1].pair.y;
      uint32_t b = (c == Op::I32Eqz || has_imm) ? 0 : code_[pos + 2].pair.x;
      uint64_t imm = has_imm ? code_[pos + 2].u64 : 0;
      code_.resize(pos);
      op(fused);
      word(a, b);
      if (has_imm) word64(imm);
      emit_target();
      start_segment();
      return;
    }
  }
  uint32_t slot = use(cond, d);
  op(when_true ? Op::BrIf : Op::BrUnless);
  word(slot, 0);
  emit_target();
  start_segment();
}

std::vector<SlotPair> FunctionCompiler::prepare_args(const std::vector<Val>& args, uint32_t args_depth) {
  std::vector<SlotPair> copies;
  for (uint32_t i = 0; i < args.size(); ++i) {
    uint32_t dst = home(args_depth + i), src = use(args[i], args_depth + i);  // constants: now
    if (src != dst) copies.push_back({dst, src});
  }
  return copies;
}

void FunctionCompiler::arg_list(uint32_t args_depth, const std::vector<SlotPair>& copies) {
  word(home(args_depth), static_cast<uint32_t>(copies.size()));
  for (SlotPair c : copies) word(c.x, c.y);
}

void FunctionCompiler::call(uint32_t func_index) {
  if (func_index >= m_.func_types.size()) invalid("unknown function " + std::to_string(func_index));
  const FuncType& t = m_.func_type(func_index);
  // Values below the arguments may stay deferred: a callee cannot change our locals.
  std::vector<Val> args = pop_vals(t.params);
  uint32_t args_depth = depth();
  if (!dead_) {
    std::vector<SlotPair> copies = prepare_args(args, args_depth);
    if (func_index < m_.num_imported_funcs) {
      op(Op::CallImport);
      word64(func_index);
    } else {
      op(Op::Call);
      code_.push_back(Slot{.ptr = &m_.function(func_index)});
    }
    arg_list(args_depth, copies);
  }
  push(t.results);
}

void FunctionCompiler::end() {
  Ctrl& c = ctrls_.back();
  // The function's single result, when nothing branches to the end, is returned from
  // wherever it is instead of being copied to its home first.
  bool direct_return = ctrls_.size() == 1 && !dead_ && c.fixups.empty() && c.results.size() == 1 &&
                       vals_.size() == c.height + 1;
  uint32_t result_slot = home(0);
  if (direct_return)
    result_slot = use(vals_.back(), depth() - 1);
  else if (!dead_)
    materialize_from(static_cast<uint32_t>(c.height));
  pop(c.results);
  if (vals_.size() != c.height) invalid("type mismatch");
  if (c.kind == Ctrl::Kind::If && !c.else_seen && c.params != c.results) invalid("type mismatch");

  Ctrl done = std::move(ctrls_.back());
  ctrls_.pop_back();
  forget_last();
  if (!done.entered_dead) dead_ = false;
  if (!done.fixups.empty() || done.else_fixup >= 0) {
    uint32_t label = place_label();
    if (done.else_fixup >= 0) code_[done.else_fixup].u64 = label;
    for (uint32_t f : done.fixups) code_[f].u64 = label;
  }
  if (ctrls_.empty()) {
    if (!done.entered_dead) {
      op(Op::Return);
      word(result_slot, static_cast<uint32_t>(done.results.size()));
    }
    return;
  }
  dead_ = done.entered_dead;
  push(done.results);
}

void FunctionCompiler::control(WasmOp opc) {
  switch (opc) {
    case WasmOp::Unreachable:
      if (!dead_) op(Op::Unreachable);
      set_unreachable();
      need_segment_ = true;
      return;
    case WasmOp::Nop:
      return;
    case WasmOp::Block:
    case WasmOp::Loop:
    case WasmOp::If: {
      // The function body is the first entry, so this counts nested blocks.
      if (ctrls_.size() > limits::kBlockDepth)
        malformed("blocks nested too deeply (limit " + std::to_string(limits::kBlockDepth) + ")");
      Ctrl c;
      c.kind = opc == WasmOp::Block ? Ctrl::Kind::Block
               : opc == WasmOp::Loop ? Ctrl::Kind::Loop
                                     : Ctrl::Kind::If;
      read_block_type(c.params, c.results);
      Val cond;
      uint32_t cond_depth = 0;
      if (opc == WasmOp::If) {
        cond = pop(ValType::I32);
        cond_depth = depth();
      }
      std::vector<Val> params = pop_vals(c.params);
      c.height = vals_.size();
      c.entered_dead = dead_;
      push(params);
      if (!dead_) materialize_all();  // the block may change locals; see materialize_all
      if (opc == WasmOp::Loop) {
        c.loop_start = place_label();
      } else if (opc == WasmOp::If) {
        if (!dead_) {
          cond_jump(cond, cond_depth, false, [&] {
            c.else_fixup = here();
            target(0);
          });
        }
      }
      ctrls_.push_back(std::move(c));
      return;
    }
    case WasmOp::Else: {
      Ctrl& c = ctrls_.back();
      if (c.kind != Ctrl::Kind::If || c.else_seen) malformed("else without if");
      c.else_seen = true;
      if (!dead_) materialize_from(static_cast<uint32_t>(c.height));
      pop(c.results);
      if (vals_.size() != c.height) invalid("type mismatch");
      if (!dead_) {
        op(Op::Jump);
        forward_target(c);
      }
      c.unreachable = false;
      dead_ = c.entered_dead;
      uint32_t else_label = place_label();
      if (c.else_fixup >= 0) code_[c.else_fixup].u64 = else_label;
      c.else_fixup = -1;
      push(c.params);
      return;
    }
    case WasmOp::End:
      end();
      return;
    case WasmOp::Br: {
      Ctrl& l = label(r_.u32());
      check_top(l.label_types());
      if (!dead_) {
        move_label_values(l);
        op(Op::Jump);
        label_target(l);
      }
      set_unreachable();
      need_segment_ = true;
      return;
    }
    case WasmOp::BrIf: {
      uint32_t d = r_.u32();
      Val cond = pop(ValType::I32);
      uint32_t cond_depth = depth();
      Ctrl& l = label(d);
      push(pop_vals(l.label_types()));  // the spec pops and re-pushes the label's types
      if (!dead_) {
        uint32_t n = static_cast<uint32_t>(l.label_types().size());
        if (label_values_in_place(l, n)) {
          cond_jump(cond, cond_depth, true, [&] { label_target(l); });
        } else {
          uint32_t skip = 0;
          cond_jump(cond, cond_depth, false, [&] {
            skip = here();
            target(0);
          });
          move_label_values(l);
          op(Op::Jump);
          label_target(l);
          code_[skip].u64 = place_label();
        }
      }
      return;
    }
    case WasmOp::BrTable: {
      uint32_t n = r_.u32();
      if (n > r_.remaining()) r_.fail("unexpected end");
      if (n > limits::kBrTableTargets)
        malformed("br_table too large: " + std::to_string(n) + " targets (limit " +
                  std::to_string(limits::kBrTableTargets) + ")");
      std::vector<uint32_t> depths(n + 1);
      for (auto& d : depths) d = r_.u32();
      Val index = pop(ValType::I32);
      uint32_t index_depth = depth();
      size_t arity = label(depths.back()).label_types().size();
      for (uint32_t d : depths) {
        Ctrl& l = label(d);
        if (l.label_types().size() != arity) invalid("type mismatch");
        check_top(l.label_types());
      }
      if (!dead_) {
        uint32_t slot = use(index, index_depth);
        op(Op::BrTable);
        word(slot, n);
        // Labels whose values are not in place get a landing pad that moves them first.
        std::vector<bool> needs_pad(n + 1);
        for (uint32_t i = 0; i <= n; ++i) {
          Ctrl& l = label(depths[i]);
          if (label_values_in_place(l, static_cast<uint32_t>(arity))) {
            label_target(l);
          } else {
            needs_pad[i] = true;
            target(0);
          }
        }
        // Emit the landing pads in the order of the table entries that need them.
        uint32_t table_start = here() - 2 * (n + 1);
        for (uint32_t i = 0; i <= n; ++i) {
          if (!needs_pad[i]) continue;
          uint32_t w = table_start + 2 * i;
          Ctrl& l = label(depths[i]);
          code_[w].u64 = place_label();
          move_label_values(l);
          op(Op::Jump);
          label_target(l);
        }
      }
      pop(label(depths.back()).label_types());
      set_unreachable();
      need_segment_ = true;
      return;
    }
    case WasmOp::Return: {
      const std::vector<ValType>& results = ctrls_.front().results;
      check_top(results);
      if (!dead_) {
        uint32_t n = static_cast<uint32_t>(results.size());
        materialize_from(depth() - n);
        op(Op::Return);
        word(home(depth() - n), n);
      }
      set_unreachable();
      need_segment_ = true;
      return;
    }
    case WasmOp::Call:
      call(r_.u32());
      return;
    case WasmOp::CallIndirect: {
      uint32_t type_index = r_.u32();
      uint32_t table = r_.u32();
      if (table >= m_.tables.size()) invalid("unknown table " + std::to_string(table));
      if (type_index >= m_.types.size()) invalid("unknown type");
      if (m_.tables[table].elem != ValType::FuncRef) invalid("type mismatch");
      Val index = pop(ValType::I32);
      uint32_t index_depth = depth();
      const FuncType& t = m_.types[type_index];
      std::vector<Val> args = pop_vals(t.params);
      uint32_t args_depth = depth();
      if (!dead_) {
        uint32_t index_slot = use(index, index_depth);
        std::vector<SlotPair> copies = prepare_args(args, args_depth);
        op(Op::CallIndirect);
        word(table, m_.type_ids[type_index]);
        word(index_slot, 0);
        arg_list(args_depth, copies);
      }
      push(t.results);
      return;
    }
    default:
      malformed("illegal opcode");
  }
}

void FunctionCompiler::variable(WasmOp opc) {
  switch (opc) {
    case WasmOp::LocalGet: {  // no code: the operand remembers the local
      uint32_t i = r_.u32();
      push(Val{local_type(i), Val::Kind::Local, i});
      return;
    }
    case WasmOp::LocalSet:
    case WasmOp::LocalTee: {
      uint32_t i = r_.u32();
      ValType t = local_type(i);
      Val v = pop(t);
      uint32_t d = depth();
      if (!dead_ && !(v.kind == Val::Kind::Local && v.local == i)) {
        if (v.kind == Val::Kind::Home && last_dst_ == home(d) && !has_local_refs(i)) {
          code_[last_dst_word_].pair.x = i;  // the producer writes the local directly
          v = Val{t, Val::Kind::Local, i};
        } else {
          materialize_local_refs(i);
          move_to(i, v, d);
          if (v.kind == Val::Kind::Home) v = Val{t, Val::Kind::Local, i};
        }
        last_dst_ = kNone;  // no longer a fresh result (a following copy may still pair up)
      }
      if (opc == WasmOp::LocalTee) push(v.kind == Val::Kind::Home || dead_ ? Val{t} : v);
      return;
    }
    case WasmOp::GlobalGet: {
      uint32_t g = r_.u32();
      if (g >= m_.globals.size()) invalid("unknown global " + std::to_string(g));
      if (!dead_) {
        op(Op::GlobalGet);
        result_word(home(depth()), g);
      }
      push(m_.globals[g].type);
      return;
    }
    case WasmOp::GlobalSet: {
      uint32_t g = r_.u32();
      if (g >= m_.globals.size()) invalid("unknown global " + std::to_string(g));
      if (!m_.globals[g].mut) invalid("global is immutable");
      Val v = pop(m_.globals[g].type);
      if (!dead_) {
        uint32_t src = use(v, depth());
        op(Op::GlobalSet);
        word(src, g);
      }
      return;
    }
    default:  // instruction() sends only local.* and global.* here
      return;
  }
}

void FunctionCompiler::numeric(WasmOp opc) {
  NumInfo n = numeric_info(opc);
  if (n.b == kUnknown) {  // unary
    Val a = pop(n.a);
    uint32_t d = depth();
    if (n.nop) {  // same bits, new type
      a.type = n.r;
      push(a);
      return;
    }
    Op negated;
    if (!dead_ && n.op == Op::I32Eqz && a.kind == Val::Kind::Home && last_dst_ == home(d) &&
        negated_compare(last_op_, negated)) {
      code_[last_op_pos_].op = handlers_[static_cast<int>(negated)];  // eqz(a < b) is a >= b
      last_op_ = negated;
      push(n.r);
      return;
    }
    if (!dead_) {
      uint32_t sa = use(a, d);
      op(n.op);
      result_word(home(d), sa);
    }
    push(n.r);
    return;
  }
  Val b = pop(n.b);
  Val a = pop(n.a);
  uint32_t d = depth();
  uint32_t da = d, db = d + 1;  // where each operand's home is
  if (a.kind == Val::Kind::Const && b.kind != Val::Kind::Const && commutative(n.op)) {
    std::swap(a, b);
    std::swap(da, db);
  }
  if (!dead_) {
    Op imm_op;
    if (b.kind == Val::Kind::Const && imm_form(n.op, imm_op)) {
      uint32_t sa = use(a, da);
      op(imm_op);
      result_word(home(d), sa);
      word64(b.imm);
    } else if (fuse_with_shift(n.op, a, da, b, db)) {
      // done: a + (x << k) or a ^ rotl(x, k) in one instruction
    } else {
      uint32_t sa = use(a, da);
      uint32_t sb = use(b, db);
      op(n.op);
      result_word(home(d), sa);
      word(sb, 0);
    }
  }
  push(n.r);
}

// A commutative i32 operator one of whose operands was computed by the instruction
// just emitted (i32.add of i32.shl or i32.add, i32.xor of i32.rotl or i32.shr_u, the
// shifts by a constant): rewrite that instruction into the fused one (its temporary
// is not used by anything else).
bool FunctionCompiler::fuse_with_shift(Op outer, const Val& a, uint32_t da, const Val& b, uint32_t db) {
  static const struct {
    Op outer, inner, fused;
  } kFusions[] = {
      {Op::I32Add, Op::I32ShlImm, Op::I32AddShlImm},
      {Op::I32Add, Op::I32Add, Op::I32Add3},  // the inner add's two operands are slots
      {Op::I32Xor, Op::I32RotlImm, Op::I32XorRotlImm},
      {Op::I32Xor, Op::I32ShrUImm, Op::I32XorShrUImm},
  };
  const Val* other = nullptr;
  uint32_t other_depth = 0;
  Op fused = Op::Unreachable;
  for (const auto& f : kFusions) {
    if (f.outer != outer) continue;
    if (produced_by_last(b, db, f.inner)) {
      other = &a;
      other_depth = da;
    } else if (produced_by_last(a, da, f.inner)) {
      other = &b;
      other_depth = db;
    } else {
      continue;
    }
    fused = f.fused;
    break;
  }
  if (!other) return false;
  if (other->kind == Val::Kind::Const) return false;  // would need a Const before the shift
  // The inner instruction is [op][t, x]([y, -] or [k]): x op' (y or k).
  uint32_t pos = last_op_pos_;
  uint32_t x = code_[pos + 1].pair.y;
  uint32_t second = fused == Op::I32Add3 ? code_[pos + 2].pair.x : static_cast<uint32_t>(code_[pos + 2].u64) & 31;
  uint32_t dst = home(std::min(da, db));
  uint32_t so = other->kind == Val::Kind::Local ? other->local : home(other_depth);
  code_.resize(pos);
  op(fused);
  result_word(dst, so);
  word(x, second);
  return true;
}

// A load whose address is the i32.add-of-constant just emitted: the load adds the
// constant itself (wrapping at 2^32 like the add) before its offset.
bool FunctionCompiler::fuse_load_add(Op load, uint32_t addr_depth, uint32_t offset) {
  if (!produced_by_last(Val{ValType::I32}, addr_depth, Op::I32AddImm)) return false;
  uint32_t pos = last_op_pos_;
  uint32_t x = code_[pos + 1].pair.y;
  uint32_t c = static_cast<uint32_t>(code_[pos + 2].u64);
  code_.resize(pos);
  op(op_offset(Op::I32LoadAddImm, int(load) - int(Op::I32Load)));
  result_word(home(addr_depth), x);
  word(c, offset);
  return true;
}

void FunctionCompiler::memory_access(WasmOp opc) {
  MemInfo mi = memory_info(opc);
  uint32_t offset = read_memarg(mi.size);
  Op o = op_offset(Op::I32Load, opcode_offset(WasmOp::I32Load, opc));
  // A constant address becomes part of the offset (both are u32, their sum is the
  // same 33-bit effective address) read against the zero slot.
  auto address = [&](const Val& addr, uint32_t d, uint64_t& effective_offset) {
    effective_offset = offset;
    if (addr.kind != Val::Kind::Const) return use(addr, d);
    effective_offset += static_cast<uint32_t>(addr.imm);
    return zero_slot_;
  };
  if (mi.store) {
    Val v = pop(mi.type);
    Val addr = pop(ValType::I32);
    uint32_t d = depth();
    if (!dead_) {
      uint64_t off;
      uint32_t sa = address(addr, d, off);
      if (v.kind == Val::Kind::Const && v.imm != 0) {
        op(op_offset(Op::I32StoreImm, opcode_offset(WasmOp::I32Store, opc)));
        word(sa, 0);
        word64(off);
        word64(v.imm);
      } else {
        uint32_t sv = use(v, d + 1);
        op(o);
        word(sa, sv);
        word64(off);
      }
    }
  } else {
    Val addr = pop(ValType::I32);
    uint32_t d = depth();
    if (!dead_ && !(addr.kind == Val::Kind::Home && fuse_load_add(o, d, offset))) {
      uint64_t off;
      uint32_t sa = address(addr, d, off);
      op(o);
      result_word(home(d), sa);
      word64(off);
    }
    push(mi.type);
  }
}

void FunctionCompiler::pop_i32_slots(uint32_t n, uint32_t* slots) {
  for (uint32_t i = n; i-- > 0;) {
    Val v = pop(ValType::I32);
    if (!dead_) slots[i] = use(v, depth());
  }
}

void FunctionCompiler::instruction(WasmOp opc) {
  // `end` and `else` close a block: they are syntax, not instructions, and cost no fuel.
  if (opc != WasmOp::End && opc != WasmOp::Else) begin_instr();
  if (opc <= WasmOp::CallIndirect) return control(opc);
  if (opc >= WasmOp::LocalGet && opc <= WasmOp::GlobalSet) return variable(opc);
  if (opc >= WasmOp::I32Eqz && opc <= WasmOp::I64Extend32S) return numeric(opc);
  if (opc >= WasmOp::I32Load && opc <= WasmOp::I64Store32) return memory_access(opc);
  switch (opc) {
    case WasmOp::Drop:
      pop();
      forget_last();
      return;
    case WasmOp::Select:
    case WasmOp::SelectT: {  // select t*
      ValType t = kUnknown;
      if (opc == WasmOp::SelectT) {
        uint32_t n = r_.u32();
        if (n != 1) invalid("invalid result arity");
        t = read_val_type(r_);
      }
      Val c = pop(ValType::I32);
      Val b = pop(t);
      Val a = pop(t);
      if (opc == WasmOp::Select) {
        if ((a.type != kUnknown && !is_num(a.type)) || (b.type != kUnknown && !is_num(b.type)))
          invalid("type mismatch");
        if (a.type != b.type && a.type != kUnknown && b.type != kUnknown) invalid("type mismatch");
        t = a.type == kUnknown ? b.type : a.type;
      }
      uint32_t d = depth();
      if (!dead_) {
        uint32_t sa = use(a, d), sb = use(b, d + 1), sc = use(c, d + 2);
        op(Op::Select);
        result_word(home(d), sc);
        word(sa, sb);
      }
      push(t);
      return;
    }
    case WasmOp::TableGet: {
      uint32_t t = table_index();
      uint32_t s[1] = {};
      pop_i32_slots(1, s);
      if (!dead_) {
        op(Op::TableGet);
        result_word(home(depth()), s[0]);
        word64(t);
      }
      push(m_.tables[t].elem);
      return;
    }
    case WasmOp::TableSet: {
      uint32_t t = table_index();
      Val v = pop(m_.tables[t].elem);
      uint32_t s[1] = {};
      pop_i32_slots(1, s);
      if (!dead_) {
        uint32_t sv = use(v, depth() + 1);
        op(Op::TableSet);
        word(s[0], sv);
        word64(t);
      }
      return;
    }
    case WasmOp::MemorySize:
      zero_byte();
      need_memory();
      if (!dead_) {
        op(Op::MemorySize);
        result_word(home(depth()), 0);
      }
      push(ValType::I32);
      return;
    case WasmOp::MemoryGrow: {
      zero_byte();
      need_memory();
      uint32_t s[1] = {};
      pop_i32_slots(1, s);
      if (!dead_) {
        op(Op::MemoryGrow);
        result_word(home(depth()), s[0]);
      }
      push(ValType::I32);
      return;
    }
    case WasmOp::I32Const:
      push(Val{ValType::I32, Val::Kind::Const, 0, static_cast<uint32_t>(r_.s32())});
      return;
    case WasmOp::I64Const:
      push(Val{ValType::I64, Val::Kind::Const, 0, static_cast<uint64_t>(r_.s64())});
      return;
    case WasmOp::F32Const:
      push(Val{ValType::F32, Val::Kind::Const, 0, r_.f32_bits()});
      return;
    case WasmOp::F64Const:
      push(Val{ValType::F64, Val::Kind::Const, 0, r_.f64_bits()});
      return;
    case WasmOp::RefNull: {  // ref.null t
      uint8_t b = r_.u8();
      if (!is_ref_type_byte(b)) malformed("malformed reference type");
      push(Val{static_cast<ValType>(b), Val::Kind::Const, 0, 0});
      return;
    }
    case WasmOp::RefIsNull: {
      Val v = pop();
      if (v.type != kUnknown && !is_ref(v.type)) invalid("type mismatch");
      uint32_t d = depth();
      if (!dead_) {
        uint32_t sv = use(v, d);
        op(Op::RefIsNull);
        result_word(home(d), sv);
      }
      push(ValType::I32);
      return;
    }
    case WasmOp::RefFunc: {
      uint32_t f = r_.u32();
      if (f >= m_.func_types.size()) invalid("unknown function " + std::to_string(f));
      if (f >= m_.declared_funcs.size() || !m_.declared_funcs[f]) invalid("undeclared function reference");
      if (!dead_) {
        op(Op::RefFunc);
        result_word(home(depth()), f);
      }
      push(ValType::FuncRef);
      return;
    }
    case WasmOp::PrefixFC:
      return prefixed_fc();
    case WasmOp::PrefixSIMD:
      invalid("SIMD is not supported yet");
    default:
      malformed("illegal opcode");
  }
}

void FunctionCompiler::prefixed_fc() {
  uint32_t sub = r_.u32();
  using V = ValType;
  uint32_t s[3] = {};
  using F = WasmOpFC;
  switch (static_cast<F>(sub)) {
    case F::I32TruncSatF32S: case F::I32TruncSatF32U: case F::I32TruncSatF64S:
    case F::I32TruncSatF64U: case F::I64TruncSatF32S: case F::I64TruncSatF32U:
    case F::I64TruncSatF64S: case F::I64TruncSatF64U: {
      // Sub-opcode bit 1 means an f64 operand, bit 2 an i64 result; the handlers
      // follow the sub-opcode order.
      static_assert(static_cast<int>(Op::I64TruncSatF64U) - static_cast<int>(Op::I32TruncSatF32S) ==
                    static_cast<int>(F::I64TruncSatF64U) - static_cast<int>(F::I32TruncSatF32S));
      Val a = pop((sub & 2) ? V::F64 : V::F32);
      uint32_t d = depth();
      if (!dead_) {
        uint32_t sa = use(a, d);
        op(op_offset(Op::I32TruncSatF32S, static_cast<int>(sub)));
        result_word(home(d), sa);
      }
      push(sub < static_cast<uint32_t>(F::I64TruncSatF32S) ? V::I32 : V::I64);
      return;
    }
    case F::MemoryInit: {
      uint32_t seg = r_.u32();
      zero_byte();
      need_memory();
      check_data_index(seg);
      pop_i32_slots(3, s);
      if (!dead_) {
        op(Op::MemoryInit);
        word(s[0], s[1]);
        word(s[2], seg);
      }
      return;
    }
    case F::DataDrop: {
      uint32_t seg = data_index();
      if (!dead_) {
        op(Op::DataDrop);
        word64(seg);
      }
      return;
    }
    case F::MemoryCopy:
      zero_byte();
      zero_byte();
      need_memory();
      pop_i32_slots(3, s);
      if (!dead_) {
        op(Op::MemoryCopy);
        word(s[0], s[1]);
        word(s[2], 0);
      }
      return;
    case F::MemoryFill: {
      zero_byte();
      need_memory();
      pop_i32_slots(3, s);
      if (!dead_) {
        op(Op::MemoryFill);
        word(s[0], s[1]);
        word(s[2], 0);
      }
      return;
    }
    case F::TableInit: {  // table.init elem table
      uint32_t e = r_.u32();
      uint32_t t = table_index();
      if (e >= m_.elems.size()) invalid("unknown elem segment " + std::to_string(e));
      if (m_.elems[e].type != m_.tables[t].elem) invalid("type mismatch");
      pop_i32_slots(3, s);
      if (!dead_) {
        op(Op::TableInit);
        word(s[0], s[1]);
        word(s[2], t);
        word64(e);
      }
      return;
    }
    case F::ElemDrop: {
      uint32_t e = elem_index();
      if (!dead_) {
        op(Op::ElemDrop);
        word64(e);
      }
      return;
    }
    case F::TableCopy: {  // table.copy dst src
      uint32_t dst = table_index();
      uint32_t src = table_index();
      if (m_.tables[dst].elem != m_.tables[src].elem) invalid("type mismatch");
      pop_i32_slots(3, s);
      if (!dead_) {
        op(Op::TableCopy);
        word(s[0], s[1]);
        word(s[2], dst);
        word64(src);
      }
      return;
    }
    case F::TableGrow: {
      uint32_t t = table_index();
      pop_i32_slots(1, s);
      Val init = pop(m_.tables[t].elem);
      uint32_t d = depth();
      if (!dead_) {
        uint32_t si = use(init, d);
        op(Op::TableGrow);
        result_word(home(d), s[0]);
        word(si, t);
      }
      push(V::I32);
      return;
    }
    case F::TableSize: {
      uint32_t t = table_index();
      if (!dead_) {
        op(Op::TableSize);
        result_word(home(depth()), 0);
        word64(t);
      }
      push(V::I32);
      return;
    }
    case F::TableFill: {
      uint32_t t = table_index();
      uint32_t n[1] = {};
      pop_i32_slots(1, n);
      Val v = pop(m_.tables[t].elem);
      uint32_t vd = depth();
      uint32_t i[1] = {};
      pop_i32_slots(1, i);
      if (!dead_) {
        uint32_t sv = use(v, vd);
        op(Op::TableFill);
        word(i[0], sv);
        word(n[0], t);
      }
      return;
    }
    default:
      malformed("illegal opcode");
  }
}

}  // namespace

void compile_function(const Module& module, Function& fn, Reader body) {
  FunctionCompiler(module, fn, body).compile();
}

}  // namespace wippy::interp
