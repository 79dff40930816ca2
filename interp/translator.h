// The translator of one function body: validation and translation in one pass.
// Its jobs live in separate files, all members of this one class:
//   translate.cpp           the driver, variables, constants, parametric instructions
//   translate_control.cpp   blocks, branches, calls, tail calls, return
//   translate_memory.cpp    loads, stores, memory.* and table.* instructions
//   translate_numeric.cpp   the scalar numeric instructions
//   translate_simd.cpp      the 0xFD prefix (v128)
//   peepholes.cpp           fusions with the instruction just emitted
//   fuel_segments.cpp       fuel pre-charging per straight-line segment
//   operand_stack.h         the validation stacks (types, control frames, homes)
//
// Translation turns the stack machine into register code: every operand-stack
// position has a fixed frame slot (its "home": the locals come first, then the stack
// in order; a v128 takes two cells), so each instruction names its operand and result
// slots directly. `local.get` and constants are not copied at all: the operand stack
// remembers "this value is local 3" or "this value is 7" until an instruction consumes
// it (reading the local's slot or using an immediate form) or a control boundary makes
// it real. A result that a `local.set` stores is written straight into the local.
#pragma once

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "interp/code_layout.h"
#include "interp/module.h"
#include "interp/operand_stack.h"
#include "interp/ops.h"
#include "interp/reader.h"
#include "interp/wasm_opcodes.h"

namespace wippy::interp {

constexpr uint32_t kNone = UINT32_MAX;

// Integer and float operators that have a form with a constant right operand.
bool imm_form(Op op, Op& imm_op);
// Float sub and div, which have a form with a constant left operand (imm - x, imm / x).
bool imm_left_form(Op op, Op& imm_op);
// Operators whose operands may be swapped (so that a constant goes on the right).
bool commutative(Op op);

// One translator serves all the bodies of a module in turn, so its buffers (code,
// stacks, scratch lists) are allocated once per module, not per function.
class Translator {
 public:
  explicit Translator(const Module& m);
  // See compile_function (compiler.h): validates and translates, filling the frame
  // layout (locals_end, max_stack, frame_size, zero_cells), code, offsets and entry.
  void translate(Function& fn, Reader body);
  // Lazy translation, first at load: validates and fills the frame layout only (entry
  // becomes the module's lazy_entry). Then on the first call: translates the validated
  // body into fn's code and offsets (its layout is checked, not written) and returns
  // the entry that the caller publishes.
  void validate(Function& fn, Reader body);
  const Slot* translate_validated(const Function& fn, Reader body);

 private:
  // One pass over the body: validates it, computes its frame layout (layout_) and,
  // with `emit`, translates it into code_.
  void run(const Function& fn, Reader body, bool emit);
  // Moves the translation in code_ into fn (exact-size copies: the buffers stay here
  // for the next body) and returns its entry.
  const Slot* store_code(const Function& fn);
  struct FrameLayout {
    uint32_t locals_end, max_stack, frame_size, zero_cells;
    bool operator==(const FrameLayout&) const = default;
  };
  void set_layout(Function& fn) const;

  [[noreturn]] void invalid(const std::string& msg) const {
    throw ModuleError(ModuleError::Kind::Invalid, msg, instr_offset_);
  }
  [[noreturn]] void malformed(const std::string& msg) const {
    throw ModuleError(ModuleError::Kind::Malformed, msg, instr_offset_);
  }

  // --- the operand stack (validation, with each value's location) ---
  // Values below deferred_from_ are all in their home slots; the ones from there up may
  // be deferred (a local or a constant). The window is kept to kMaxDeferred values, so
  // a scan for deferred values costs O(1) per instruction, never O(stack): a deep
  // stack cannot make translation quadratic. Materialising early is always correct.
  static constexpr uint32_t kMaxDeferred = 64;
  void push(ValType t) { stack_.push(Val{t}); }
  void push(Val v) {
    if (v.kind != Val::Kind::Home) make_room_to_defer();
    stack_.push(v);
  }
  // Keeps the deferred window (see above) within bounds.
  void make_room_to_defer() {
    deferred_from_ = std::min(deferred_from_, depth());
    if (depth() - deferred_from_ >= kMaxDeferred) shrink_deferred();
  }
  void shrink_deferred();
  void push(TypeList ts) {
    for (ValType t : ts) push(t);
  }
  void push(std::span<const Val> vs) {
    for (const Val& v : vs) push(v);
  }
  Val pop() { return stack_.pop(); }
  Val pop(ValType expect) { return stack_.pop(expect); }
  void pop(TypeList ts) {
    for (size_t i = ts.size(); i-- > 0;) pop(ts[i]);
  }
  // Pops values of these types and returns them, deepest first, with their locations
  // (in a buffer that the next pop_vals reuses).
  std::span<const Val> pop_vals(TypeList ts) {
    popped_.resize(ts.size());
    for (size_t i = ts.size(); i-- > 0;) popped_[i] = pop(ts[i]);
    return popped_;
  }
  void set_unreachable() {
    stack_.set_unreachable();
    dead_ = true;
  }
  uint32_t depth() const { return stack_.depth(); }
  Val& at(uint32_t d) { return stack_.at(d); }
  // The home of the next value pushed (also where the last values popped began).
  uint32_t next_home() const { return stack_.next_home(); }

  // --- code emission (nothing is emitted while dead_) ---
  uint32_t here() const { return static_cast<uint32_t>(code_.size()); }
  // Appends instruction O with its operands; returns the instruction's code index.
  template <Op O>
  uint32_t emit(const LayoutOf<O>& operands) {
    uint32_t pos = here();
    prev_op_pos_ = last_op_pos_;
    prev_op_ = last_op_;
    last_op_pos_ = pos;
    last_op_ = O;
    last_dst_ = kNone;
    code_.push_back(Slot{.op = handlers_[static_cast<int>(O)]});
    append(operands);
    return pos;
  }
  // The same for an opcode chosen at run time, whose layout the caller names: used
  // for families generated from a table (simd.def), where the table gives each
  // opcode's layout and the caller checks the opcode's kind.
  template <class L>
  uint32_t emit_dynamic(Op o, const L& operands, bool has_result) {
    if (operand_words(o) != layout_words<L>()) throw std::logic_error("operand layout mismatch");
    uint32_t pos = here();
    prev_op_pos_ = last_op_pos_;
    prev_op_ = last_op_;
    last_op_pos_ = pos;
    last_op_ = o;
    last_dst_ = kNone;
    code_.push_back(Slot{.op = handlers_[static_cast<int>(o)]});
    append(operands);
    if constexpr (requires { operands.dst; }) {
      if (has_result) {
        last_dst_ = operands.dst;
        last_dst_word_ = pos + 1;
      }
    }
    return pos;
  }
  // The same for an instruction whose result slot is its first operand (`dst`): it is
  // remembered, so that a following local.set can redirect the result into the local.
  template <Op O>
  uint32_t emit_result(const LayoutOf<O>& operands) {
    static_assert(offsetof(LayoutOf<O>, dst) == 0, "the result slot comes first");
    uint32_t pos = emit<O>(operands);
    last_dst_ = operands.dst;
    last_dst_word_ = pos + 1;
    return pos;
  }
  // Appends words after the current instruction (the variable-length tails).
  template <class L>
  void append(const L& words) {
    constexpr uint32_t n = layout_words<L>();
    if constexpr (n > 0) {
      Slot w[n];
      std::memcpy(static_cast<void*>(w), &words, sizeof(L));
      for (uint32_t i = 0; i < n; ++i) code_.push_back(w[i]);
    }
  }
  // The operands of the instruction O emitted at code index `pos`.
  template <Op O>
  LayoutOf<O>& operands_of(uint32_t pos) {
    return *reinterpret_cast<LayoutOf<O>*>(&code_[pos + 1]);
  }
  // Replaces the handler of the instruction just emitted (at `pos`) with `to`, a
  // member of the same family: static_asserts at the call sites check the family's
  // layout; the word count is checked here.
  void retarget_same_layout(uint32_t pos, Op to) {
    if (pos != last_op_pos_ || operand_words(to) != operand_words(last_op_))
      throw std::logic_error("retarget to a different operand layout");
    code_[pos].op = handlers_[static_cast<int>(to)];
    last_op_ = to;
  }
  void forget_last() {
    prev_op_pos_ = kNone;
    last_op_pos_ = kNone;
    last_dst_ = kNone;
  }
  // Drops the instruction just emitted (a peephole rewrites it).
  void unemit_last() {
    code_.resize(last_op_pos_);
    forget_last();
  }

  // A branch target: records the BranchTo at code index `word` to be resolved to
  // code index `index` (see finish_branches).
  void branch_to(uint32_t word, uint32_t index) {
    targets_.push_back(word);
    code_[word].u64 = index;
  }
  // The code index of the BranchTo of instruction O emitted at `pos`.
  template <Op O>
  static uint32_t branch_word(uint32_t pos) {
    return pos + 1 + static_cast<uint32_t>(offsetof(LayoutOf<O>, to) / sizeof(Slot));
  }
  void forward_branch(Ctrl& c, uint32_t word) {
    branch_to(word, c.fixups);
    c.fixups = word;
  }
  void label_branch(Ctrl& c, uint32_t word) {
    if (c.kind == Ctrl::Kind::Loop)
      branch_to(word, c.loop_start);
    else
      forward_branch(c, word);
  }
  void emit_jump(Ctrl& c);  // see peepholes.cpp

  void emit_const(uint32_t dst, uint64_t imm) { emit<Op::Const>({.dst = dst, .value = imm}); }
  // The slot holding `v`, materialising a constant into its home (zero is always in
  // the zero slot).
  uint32_t use(const Val& v) {
    if (v.kind == Val::Kind::Local) return v.local;
    if (v.kind == Val::Kind::Const) {
      if (v.imm == 0) return zero_slot_;
      emit_const(v.home, v.imm);
    }
    return v.home;
  }
  void emit_copy(uint32_t dst, uint32_t src);  // see peepholes.cpp
  // Writes `v` into slot `dst` (both cells of a v128).
  void move_to(uint32_t dst, const Val& v) {
    if (v.kind == Val::Kind::Const) return emit_const(dst, v.imm);
    uint32_t src = v.kind == Val::Kind::Local ? v.local : v.home;
    if (src == dst) return;
    for (uint32_t i = 0; i < cell_count(v.type); ++i) emit_copy(dst + i, src + i);
  }
  // Moves the value at depth d into its home slot.
  void materialize(uint32_t d) {
    Val& v = at(d);
    if (v.kind == Val::Kind::Home) return;
    if (!dead_) move_to(v.home, v);
    v.kind = Val::Kind::Home;
  }
  void materialize_from(uint32_t d) {
    for (uint32_t i = std::max(d, deferred_from_); i < depth(); ++i) materialize(i);
    if (d <= deferred_from_) deferred_from_ = depth();
  }
  // Everything below a block's height is materialised when the block is entered, so
  // code inside a block never materialises (path-dependently) a value it did not push.
  void materialize_all() { materialize_from(0); }
  bool has_local_refs(uint32_t slot) {
    for (uint32_t i = deferred_from_; i < depth(); ++i)
      if (at(i).kind == Val::Kind::Local && at(i).local == slot) return true;
    return false;
  }
  void materialize_local_refs(uint32_t slot) {
    for (uint32_t i = deferred_from_; i < depth(); ++i)
      if (at(i).kind == Val::Kind::Local && at(i).local == slot) materialize(i);
  }
  // Label values: the top values are where label `c` wants them, or get copied there
  // (ascending order is safe: sources are never below their destinations).
  bool label_values_in_place(const Ctrl& c) {
    auto n = static_cast<uint32_t>(c.label_types().size());
    if (depth() - n != c.height) return false;
    for (uint32_t i = c.height; i < depth(); ++i)
      if (at(i).kind != Val::Kind::Home) return false;
    return true;
  }
  void move_label_values(const Ctrl& c) {
    uint32_t n = static_cast<uint32_t>(c.label_types().size());
    uint32_t dst = c.base;
    for (uint32_t i = depth() - n; i < depth(); ++i) {
      move_to(dst, at(i));
      dst += cell_count(at(i).type);
    }
  }

  // --- fuel segments (fuel_segments.cpp) ---
  void start_segment();
  bool at_empty_segment() const;
  uint32_t place_label();
  // Counts one wasm instruction into the current straight-line segment.
  void begin_instr() {
    if (!dead_ && m_.fuel_metering) count_instr();
  }
  // Out of line, so that the dispatch in instruction() needs no register saves.
  [[gnu::noinline]] void count_instr() {
    if (need_segment_) start_segment();
    operands_of<Op::Fuel>(fuel_slot_).cost++;
    offsets_.push_back({here(), static_cast<uint32_t>(instr_offset_)});
  }
  // Resolves the branches in `code`, the finished copy of code_.
  void finish_branches(std::vector<Slot>& code);

  // --- immediates ---
  Ctrl& label(uint32_t depth) { return stack_.label(depth); }
  void read_block_type(TypeList& params, TypeList& results);
  // A load's or store's memory argument. With multi-memory, bit 6 of the alignment
  // flags means that a memory index follows them.
  struct MemArg {
    uint32_t offset = 0;
    uint32_t memory = 0;
  };
  MemArg read_memarg(uint32_t natural_size);
  // The slot a memory access reads its address from: a constant address becomes part
  // of the offset (both are u32, their sum is the same 33-bit effective address) and
  // is read against the zero slot.
  uint32_t address_slot(const Val& addr, uint64_t& offset) {
    if (addr.kind != Val::Kind::Const) return use(addr);
    offset += static_cast<uint32_t>(addr.imm);
    return zero_slot_;
  }
  // The memory immediate of memory.size/grow/fill/copy/init: a zero byte in
  // WebAssembly 2.0 (Module::multi_memory off), else a memory index. Checked.
  uint32_t memory_index();
  void need_memory(uint32_t index) {
    if (index >= m_.memories.size()) invalid("unknown memory " + std::to_string(index));
  }
  // Emits (through `emit_access`) a load or store of memory `memory`. Memory 0 is in
  // the run loop's registers; another memory is switched into them for just this one
  // instruction (UseMemory before, UseMemory 0 after). Nothing can leave the run loop
  // in between but a trap, and every entry reloads memory 0.
  template <class F>
  void on_memory(uint32_t memory, F&& emit_access) {
    if (memory == 0 || dead_) return emit_access();
    emit<Op::UseMemory>({.index = memory});
    emit_access();
    emit<Op::UseMemory>({.index = 0});
  }
  void zero_byte() {
    if (r_.u8() != 0) malformed("zero byte expected");
  }
  uint32_t table_index();
  uint32_t elem_index();
  uint32_t data_index();
  void check_data_index(uint32_t d);
  uint32_t local_slot(uint32_t index) {
    if (index >= local_types_.size()) invalid("unknown local " + std::to_string(index));
    return local_slots_[index];
  }

  // --- peepholes (peepholes.cpp) ---
  bool produced_by_last(const Val& v, Op op) const {
    return v.kind == Val::Kind::Home && last_dst_ == v.home && last_op_pos_ != kNone && last_op_ == op;
  }
  bool fuse_with_shift(Op outer, const Val& a, const Val& b, uint32_t dst);
  bool fuse_load_add(Op load, const Val& addr, uint64_t offset);
  bool fuse_and_not(Op outer, const Val& a, const Val& b, uint32_t dst);
  bool fuse_rotations(const Val& first, uint32_t x, uint32_t k, uint32_t dst);
  bool fuse_convert_shift(Op op, const Val& a);
  bool fuse_f64_mul(Op outer, const Val& a, const Val& b, uint32_t dst);
  bool fuse_f64_load(Op outer, const Val& a, const Val& b, uint32_t dst);
  bool fuse_f64_mul_imm(Op imm_op, const Val& a, uint64_t imm, uint32_t dst);
  bool negate_last_compare(const Val& v);
  // A conditional jump on `cond` (jump when it is `when_true`), fused with the i32
  // comparison that just produced it. Returns the code index of its BranchTo.
  uint32_t cond_jump(const Val& cond, bool when_true);

  // --- instruction families ---
  void instruction(WasmOp opc);
  void other_instruction(WasmOp opc);  // the opcodes outside the families below
  [[noreturn]] void illegal_opcode(WasmOp opc);
  void control(WasmOp opc);
  void block(WasmOp opc);
  void br_if();
  void br_table();
  void end();
  // call and call_indirect, or (`tail`) return_call and return_call_indirect.
  void call(uint32_t func_index, bool tail);
  void call_indirect(bool tail);
  // A tail call returns the callee's results: they must be the caller's exactly.
  void check_tail_call(const FuncType& callee);
  // The Return after a tail call whose callee may be a host function: a host callee is
  // called like a call (its results replace the arguments), then this returns them.
  void emit_host_tail_return(const FuncType& callee);
  // After a tail call, as after return, the code is unreachable.
  void end_tail_call(const FuncType& callee);
  void emit_return(uint32_t first, uint32_t cells);
  // A call's arguments (already popped): constants are put in their homes now (before
  // the call instruction); the other arguments not yet in place become its copies.
  // Returns them in a buffer that the next prepare_args reuses.
  const std::vector<SlotPair>& prepare_args(std::span<const Val> args);
  void variable(WasmOp opc);
  void select(WasmOp opc);
  void numeric(WasmOp opc);
  void trunc_sat(uint32_t sub);
  void memory_access(WasmOp opc);
  void memory_size_grow(WasmOp opc);
  void prefixed_fc();
  void bulk_memory(WasmOpFC sub);
  void table_access(WasmOp opc);
  void bulk_table(WasmOpFC sub);
  void prefixed_simd();
  uint8_t lane_index(uint32_t lanes);
  // Pops `n` i32 operands (deepest first in the result) and returns their slots.
  void pop_i32_slots(uint32_t n, uint32_t* slots);

  const Module& m_;
  FrameLayout layout_{};  // of the body run() last passed over
  Reader r_{std::span<const uint8_t>{}};
  const void* const* handlers_;
  std::vector<ValType> local_types_;
  std::vector<uint32_t> local_slots_;  // the first slot of each local
  uint32_t zero_slot_ = 0;             // a frame cell that always holds 0
  OperandStack stack_;
  uint32_t deferred_from_ = 0;  // see push()
  std::vector<Slot> code_;
  std::vector<uint32_t> targets_;  // BranchTo words holding code indices, resolved at the end
  std::vector<OffsetEntry> offsets_;  // becomes the function's offsets
  // Scratch lists of single instructions.
  std::vector<Val> popped_;          // pop_vals
  std::vector<SlotPair> copies_;     // prepare_args
  std::vector<uint32_t> depths_;     // br_table
  std::vector<uint8_t> needs_pad_;   // br_table
  bool dead_ = false;              // the current code is unreachable: emit nothing
  bool need_segment_ = true;       // the next counted instruction starts a segment
  uint32_t fuel_slot_ = 0;         // the code index of the current segment's Fuel instruction
  size_t instr_offset_ = 0;
  uint32_t last_op_pos_ = kNone;  // code index of the last instruction emitted
  Op last_op_ = Op::Unreachable;
  uint32_t prev_op_pos_ = kNone;  // and of the one before it, with no label between
  Op prev_op_ = Op::Unreachable;
  uint32_t last_dst_ = kNone;   // its result slot, if it has one
  uint32_t last_dst_word_ = 0;  // the word holding that result slot (`dst` comes first)
};

}  // namespace wippy::interp
