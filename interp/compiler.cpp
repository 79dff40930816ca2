// Validates a function body and translates it to internal code in one pass.
//
// Validation follows the algorithm of the spec's appendix (an operand type stack and
// a control stack). Translation rides along: each control frame knows the value-stack
// height of its label, so every branch is emitted with its resolved target and the
// number of cells it keeps and drops. Fuel is pre-charged per straight-line segment:
// a Fuel instruction starts every segment and carries the count of wasm instructions
// up to the next branch or branch target.
#include <algorithm>
#include <string>
#include <vector>

#include "interp/compiler.h"
#include "interp/decode_util.h"
#include "interp/execution.h"
#include "interp/ops.h"

namespace wippy::interp {
namespace {

constexpr ValType kUnknown = static_cast<ValType>(0);

struct Ctrl {
  uint8_t opcode = 0;  // 0x02 block, 0x03 loop, 0x04 if, 0x00 the function body
  std::vector<ValType> params, results;
  size_t height = 0;         // operand type-stack height below the params
  bool unreachable = false;
  uint32_t label_cells = 0;  // value-stack cells (from the frame base) below the params
  uint32_t loop_start = 0;   // loop: code index of the header
  std::vector<uint32_t> fixups;  // forward target slots to patch at `end`
  int64_t else_fixup = -1;       // if: the JumpIfZero target slot until `else`

  const std::vector<ValType>& label_types() const { return opcode == 0x03 ? params : results; }
};

bool is_num(ValType t) {
  return t == ValType::I32 || t == ValType::I64 || t == ValType::F32 || t == ValType::F64;
}

// Signature and handler of the plain numeric opcodes 0x45..0xc4.
struct NumInfo {
  Op op;
  ValType a, b, r;  // b is kUnknown for unary operators
  bool nop = false;  // the value's cell is already right (reinterpret, extend_u)
};

NumInfo numeric_info(uint8_t opc) {
  using V = ValType;
  constexpr V N = kUnknown;
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

// Loads and stores 0x28..0x3e: value type and access size in bytes.
struct MemInfo {
  ValType type;
  uint32_t size;
  bool store;
};
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

  // --- operand type stack ---
  void push(ValType t) {
    vals_.push_back(t);
    max_vals_ = std::max(max_vals_, vals_.size());
  }
  void push(const std::vector<ValType>& ts) {
    for (ValType t : ts) push(t);
  }
  ValType pop() {
    Ctrl& c = ctrls_.back();
    if (vals_.size() == c.height) {
      if (c.unreachable) return kUnknown;
      invalid("type mismatch");
    }
    ValType t = vals_.back();
    vals_.pop_back();
    return t;
  }
  ValType pop(ValType expect) {
    ValType t = pop();
    if (t != expect && t != kUnknown && expect != kUnknown) invalid("type mismatch");
    return t == kUnknown ? expect : t;
  }
  void pop(const std::vector<ValType>& ts) {
    for (size_t i = ts.size(); i-- > 0;) pop(ts[i]);
  }
  ValType pop_ref() {
    ValType t = pop();
    if (t != kUnknown && !is_ref(t)) invalid("type mismatch");
    return t;
  }
  void set_unreachable() {
    vals_.resize(ctrls_.back().height);
    ctrls_.back().unreachable = true;
  }
  // Value-stack cells from the frame base (locals + operands); meaningful in reachable code.
  uint32_t cells() const { return fn_.num_locals + static_cast<uint32_t>(vals_.size()); }

  // --- code emission ---
  uint32_t here() const { return static_cast<uint32_t>(code_.size()); }
  void emit(Op op) { code_.push_back(Slot{.op = handlers_[static_cast<int>(op)]}); }
  void emit_u64(uint64_t v) { code_.push_back(Slot{.u64 = v}); }
  void emit_target(uint32_t index) {
    targets_.push_back(here());
    emit_u64(index);
  }
  void emit_forward_target(Ctrl& c) {
    c.fixups.push_back(here());
    emit_target(0);
  }
  void emit_label_target(Ctrl& c) {
    if (c.opcode == 0x03)
      emit_target(c.loop_start);
    else
      emit_forward_target(c);
  }
  // Cells a branch to `c` keeps and drops when the stack is `height` cells high.
  uint64_t drop_keep(const Ctrl& c, uint32_t height) const {
    uint32_t keep = static_cast<uint32_t>(c.label_types().size());
    int64_t drop = int64_t(height) - int64_t(c.label_cells) - keep;
    if (drop < 0) drop = 0;  // only in unreachable code, which never runs
    return (uint64_t(drop) << 32) | keep;
  }

  // Counts one wasm instruction into the current straight-line segment.
  void begin_instr() {
    if (need_segment_) {
      emit(Op::Fuel);
      fuel_slot_ = here();
      emit_u64(0);
      need_segment_ = false;
    }
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
    if (d >= m_.datas.size()) invalid("unknown data segment " + std::to_string(d));
    if (!m_.data_count) malformed("data count section required");
    return d;
  }
  ValType local_type(uint32_t index) {
    if (index >= locals_.size()) invalid("unknown local " + std::to_string(index));
    return locals_[index];
  }

  void instruction(uint8_t opc);
  void control(uint8_t opc);
  void prefixed_fc();
  void call(uint32_t func_index);
  void end();

  const Module& m_;
  Function& fn_;
  Reader& r_;
  const void* const* handlers_;
  std::vector<ValType> locals_;
  std::vector<ValType> vals_;
  std::vector<Ctrl> ctrls_;
  size_t max_vals_ = 0;
  std::vector<Slot> code_;
  std::vector<uint32_t> targets_;  // slots holding code indices, turned into pointers at the end
  bool need_segment_ = true;
  uint32_t fuel_slot_ = 0;
  size_t instr_offset_ = 0;
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

  Ctrl body;
  body.opcode = 0x00;
  body.results = type.results;
  body.label_cells = fn_.num_locals;
  ctrls_.push_back(std::move(body));

  while (!ctrls_.empty()) {
    instr_offset_ = r_.offset();
    uint8_t opc = r_.u8();
    instruction(opc);
  }
  if (!r_.at_end()) {
    instr_offset_ = r_.offset();
    malformed("section size mismatch");
  }

  for (uint32_t s : targets_) code_[s].target = code_.data() + code_[s].u64;
  fn_.code = std::move(code_);
  fn_.max_stack = static_cast<uint32_t>(max_vals_) + 1;
}

void FunctionCompiler::call(uint32_t func_index) {
  if (func_index >= m_.func_types.size()) invalid("unknown function " + std::to_string(func_index));
  const FuncType& t = m_.func_type(func_index);
  pop(t.params);
  push(t.results);
  if (func_index < m_.num_imported_funcs) {
    emit(Op::CallImport);
    emit_u64(func_index);
  } else {
    emit(Op::Call);
    code_.push_back(Slot{.ptr = &m_.function(func_index)});
  }
}

void FunctionCompiler::end() {
  Ctrl& c = ctrls_.back();
  pop(c.results);
  if (vals_.size() != c.height) invalid("type mismatch");
  if (c.opcode == 0x04 && c.else_fixup >= 0 && c.params != c.results) invalid("type mismatch");

  bool targeted = !c.fixups.empty() || c.else_fixup >= 0;
  if (c.else_fixup >= 0) code_[c.else_fixup].u64 = here();
  for (uint32_t f : c.fixups) code_[f].u64 = here();
  if (targeted) need_segment_ = true;

  Ctrl done = std::move(ctrls_.back());
  ctrls_.pop_back();
  if (ctrls_.empty()) {
    emit(Op::Return);
    return;
  }
  push(done.results);
}

void FunctionCompiler::control(uint8_t opc) {
  switch (opc) {
    case 0x00:  // unreachable
      emit(Op::Unreachable);
      set_unreachable();
      need_segment_ = true;
      return;
    case 0x01:  // nop
      return;
    case 0x02:    // block
    case 0x03:    // loop
    case 0x04: {  // if
      Ctrl c;
      c.opcode = opc;
      read_block_type(c.params, c.results);
      if (opc == 0x04) pop(ValType::I32);
      pop(c.params);
      c.height = vals_.size();
      c.label_cells = cells();
      if (opc == 0x03) {
        c.loop_start = here();
        need_segment_ = true;
      } else if (opc == 0x04) {
        emit(Op::JumpIfZero);
        c.else_fixup = here();
        emit_target(0);
        need_segment_ = true;
      }
      push(c.params);
      ctrls_.push_back(std::move(c));
      return;
    }
    case 0x05: {  // else
      Ctrl& c = ctrls_.back();
      if (c.opcode != 0x04 || c.else_fixup < 0) malformed("else without if");
      pop(c.results);
      if (vals_.size() != c.height) invalid("type mismatch");
      emit(Op::Jump);
      emit_forward_target(c);
      code_[c.else_fixup].u64 = here();
      c.else_fixup = -1;
      c.unreachable = false;
      push(c.params);
      need_segment_ = true;
      return;
    }
    case 0x0b:
      end();
      return;
    case 0x0c: {  // br
      Ctrl& l = label(r_.u32());
      uint64_t dk = drop_keep(l, cells());
      pop(l.label_types());
      emit(Op::Br);
      emit_label_target(l);
      emit_u64(dk);
      set_unreachable();
      need_segment_ = true;
      return;
    }
    case 0x0d: {  // br_if
      uint32_t depth = r_.u32();
      pop(ValType::I32);
      Ctrl& l = label(depth);
      uint64_t dk = drop_keep(l, cells());
      pop(l.label_types());
      push(l.label_types());
      if ((dk >> 32) == 0) {
        emit(Op::BrIfNoDrop);
        emit_label_target(l);
      } else {
        emit(Op::BrIf);
        emit_label_target(l);
        emit_u64(dk);
      }
      need_segment_ = true;
      return;
    }
    case 0x0e: {  // br_table
      uint32_t n = r_.u32();
      if (n > r_.remaining()) r_.fail("unexpected end");
      std::vector<uint32_t> depths(n + 1);
      for (auto& d : depths) d = r_.u32();
      pop(ValType::I32);
      uint32_t height = cells();
      size_t arity = label(depths.back()).label_types().size();
      emit(Op::BrTable);
      emit_u64(n);
      for (uint32_t d : depths) {
        Ctrl& l = label(d);
        if (l.label_types().size() != arity) invalid("type mismatch");
        // Each label's types must match the operands (checked without consuming them).
        std::vector<ValType> saved = vals_;
        pop(l.label_types());
        vals_ = std::move(saved);
        emit_label_target(l);
        emit_u64(drop_keep(l, height));
      }
      pop(label(depths.back()).label_types());
      set_unreachable();
      need_segment_ = true;
      return;
    }
    case 0x0f:  // return
      pop(ctrls_.front().results);
      emit(Op::Return);
      set_unreachable();
      need_segment_ = true;
      return;
    case 0x10:
      call(r_.u32());
      return;
    case 0x11: {  // call_indirect
      uint32_t type_index = r_.u32();
      uint32_t table = r_.u32();
      if (table >= m_.tables.size()) invalid("unknown table " + std::to_string(table));
      if (type_index >= m_.types.size()) invalid("unknown type");
      if (m_.tables[table].elem != ValType::FuncRef) invalid("type mismatch");
      pop(ValType::I32);
      const FuncType& t = m_.types[type_index];
      pop(t.params);
      push(t.results);
      emit(Op::CallIndirect);
      emit_u64(table);
      emit_u64(m_.type_ids[type_index]);
      return;
    }
    default:
      malformed("illegal opcode");
  }
}

void FunctionCompiler::instruction(uint8_t opc) {
  begin_instr();
  if (opc <= 0x11) return control(opc);
  if (opc >= 0x45 && opc <= 0xc4) {
    NumInfo n = numeric_info(opc);
    if (n.b != kUnknown) pop(n.b);
    pop(n.a);
    push(n.r);
    if (!n.nop) emit(n.op);
    return;
  }
  if (opc >= 0x28 && opc <= 0x3e) {
    MemInfo mi = memory_info(opc);
    uint32_t offset = read_memarg(mi.size);
    if (mi.store) {
      pop(mi.type);
      pop(ValType::I32);
    } else {
      pop(ValType::I32);
      push(mi.type);
    }
    emit(op_offset(Op::I32Load, opc - 0x28));
    emit_u64(offset);
    return;
  }
  switch (opc) {
    case 0x1a:  // drop
      pop();
      emit(Op::Drop);
      return;
    case 0x1b: {  // select
      pop(ValType::I32);
      ValType t1 = pop();
      ValType t2 = pop();
      if ((t1 != kUnknown && !is_num(t1)) || (t2 != kUnknown && !is_num(t2))) invalid("type mismatch");
      if (t1 != t2 && t1 != kUnknown && t2 != kUnknown) invalid("type mismatch");
      push(t1 == kUnknown ? t2 : t1);
      emit(Op::Select);
      return;
    }
    case 0x1c: {  // select t*
      uint32_t n = r_.u32();
      if (n != 1) invalid("invalid result arity");
      ValType t = read_val_type(r_);
      pop(ValType::I32);
      pop(t);
      pop(t);
      push(t);
      emit(Op::Select);
      return;
    }
    case 0x20: {
      uint32_t i = r_.u32();
      push(local_type(i));
      emit(Op::LocalGet);
      emit_u64(i);
      return;
    }
    case 0x21: {
      uint32_t i = r_.u32();
      pop(local_type(i));
      emit(Op::LocalSet);
      emit_u64(i);
      return;
    }
    case 0x22: {
      uint32_t i = r_.u32();
      ValType t = local_type(i);
      pop(t);
      push(t);
      emit(Op::LocalTee);
      emit_u64(i);
      return;
    }
    case 0x23: {
      uint32_t g = r_.u32();
      if (g >= m_.globals.size()) invalid("unknown global " + std::to_string(g));
      push(m_.globals[g].type);
      emit(Op::GlobalGet);
      emit_u64(g);
      return;
    }
    case 0x24: {
      uint32_t g = r_.u32();
      if (g >= m_.globals.size()) invalid("unknown global " + std::to_string(g));
      if (!m_.globals[g].mut) invalid("global is immutable");
      pop(m_.globals[g].type);
      emit(Op::GlobalSet);
      emit_u64(g);
      return;
    }
    case 0x25: {  // table.get
      uint32_t t = table_index();
      pop(ValType::I32);
      push(m_.tables[t].elem);
      emit(Op::TableGet);
      emit_u64(t);
      return;
    }
    case 0x26: {  // table.set
      uint32_t t = table_index();
      pop(m_.tables[t].elem);
      pop(ValType::I32);
      emit(Op::TableSet);
      emit_u64(t);
      return;
    }
    case 0x3f:  // memory.size
      zero_byte();
      need_memory();
      push(ValType::I32);
      emit(Op::MemorySize);
      return;
    case 0x40:  // memory.grow
      zero_byte();
      need_memory();
      pop(ValType::I32);
      push(ValType::I32);
      emit(Op::MemoryGrow);
      return;
    case 0x41:
      push(ValType::I32);
      emit(Op::Const);
      emit_u64(static_cast<uint32_t>(r_.s32()));
      return;
    case 0x42:
      push(ValType::I64);
      emit(Op::Const);
      emit_u64(static_cast<uint64_t>(r_.s64()));
      return;
    case 0x43:
      push(ValType::F32);
      emit(Op::Const);
      emit_u64(r_.f32_bits());
      return;
    case 0x44:
      push(ValType::F64);
      emit(Op::Const);
      emit_u64(r_.f64_bits());
      return;
    case 0xd0: {  // ref.null t
      uint8_t b = r_.u8();
      if (b != 0x70 && b != 0x6f) malformed("malformed reference type");
      push(static_cast<ValType>(b));
      emit(Op::Const);
      emit_u64(0);
      return;
    }
    case 0xd1:  // ref.is_null
      pop_ref();
      push(ValType::I32);
      emit(Op::RefIsNull);
      return;
    case 0xd2: {  // ref.func
      uint32_t f = r_.u32();
      if (f >= m_.func_types.size()) invalid("unknown function " + std::to_string(f));
      if (f >= m_.declared_funcs.size() || !m_.declared_funcs[f]) invalid("undeclared function reference");
      push(ValType::FuncRef);
      emit(Op::RefFunc);
      emit_u64(f);
      return;
    }
    case 0xfc:
      return prefixed_fc();
    case 0xfd:
      invalid("SIMD is not supported yet");
    default:
      malformed("illegal opcode");
  }
}

void FunctionCompiler::prefixed_fc() {
  uint32_t sub = r_.u32();
  using V = ValType;
  switch (sub) {
    case 0: case 1: case 2: case 3: case 4: case 5: case 6: case 7: {  // trunc_sat
      V from = (sub & 2) ? V::F64 : V::F32;
      V to = sub < 4 ? V::I32 : V::I64;
      pop(from);
      push(to);
      emit(op_offset(Op::I32TruncSatF32S, static_cast<int>(sub)));
      return;
    }
    case 8: {  // memory.init
      uint32_t seg = r_.u32();
      zero_byte();
      need_memory();
      if (seg >= m_.datas.size()) invalid("unknown data segment " + std::to_string(seg));
      if (!m_.data_count) malformed("data count section required");
      uint32_t d = seg;
      pop(V::I32);
      pop(V::I32);
      pop(V::I32);
      emit(Op::MemoryInit);
      emit_u64(d);
      return;
    }
    case 9:
      emit(Op::DataDrop);
      emit_u64(data_index());
      return;
    case 10:  // memory.copy
      zero_byte();
      zero_byte();
      need_memory();
      pop(V::I32);
      pop(V::I32);
      pop(V::I32);
      emit(Op::MemoryCopy);
      return;
    case 11:  // memory.fill
      zero_byte();
      need_memory();
      pop(V::I32);
      pop(V::I32);
      pop(V::I32);
      emit(Op::MemoryFill);
      return;
    case 12: {  // table.init elem table
      uint32_t e = r_.u32();
      uint32_t t = table_index();
      if (e >= m_.elems.size()) invalid("unknown elem segment " + std::to_string(e));
      if (m_.elems[e].type != m_.tables[t].elem) invalid("type mismatch");
      pop(V::I32);
      pop(V::I32);
      pop(V::I32);
      emit(Op::TableInit);
      emit_u64(t);
      emit_u64(e);
      return;
    }
    case 13:
      emit(Op::ElemDrop);
      emit_u64(elem_index());
      return;
    case 14: {  // table.copy dst src
      uint32_t dst = table_index();
      uint32_t src = table_index();
      if (m_.tables[dst].elem != m_.tables[src].elem) invalid("type mismatch");
      pop(V::I32);
      pop(V::I32);
      pop(V::I32);
      emit(Op::TableCopy);
      emit_u64(dst);
      emit_u64(src);
      return;
    }
    case 15: {  // table.grow
      uint32_t t = table_index();
      pop(V::I32);
      pop(m_.tables[t].elem);
      push(V::I32);
      emit(Op::TableGrow);
      emit_u64(t);
      return;
    }
    case 16: {  // table.size
      uint32_t t = table_index();
      push(V::I32);
      emit(Op::TableSize);
      emit_u64(t);
      return;
    }
    case 17: {  // table.fill
      uint32_t t = table_index();
      pop(V::I32);
      pop(m_.tables[t].elem);
      pop(V::I32);
      emit(Op::TableFill);
      emit_u64(t);
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
