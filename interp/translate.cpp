// The translator's driver: the function's frame layout, the instruction dispatch,
// locals and globals, constants, select and references.
#include <algorithm>

#include "interp/compiler.h"
#include "interp/decode_util.h"
#include "interp/execution.h"
#include "interp/limits.h"
#include "interp/translator.h"

namespace wippy::interp {

Translator::Translator(const Module& m)
    : m_(m), handlers_(Execution::handler_table()), stack_(instr_offset_) {}

void Translator::shrink_deferred() {
  uint32_t keep_from = depth() - kMaxDeferred / 2;
  for (uint32_t i = deferred_from_; i < keep_from; ++i) materialize(i);
  deferred_from_ = keep_from;
}

void Translator::run(const Function& fn, Reader body, bool emit) {
  r_ = body;
  stack_.clear();
  code_.clear();
  targets_.clear();
  offsets_.clear();
  deferred_from_ = 0;
  // Validation alone is translation of code that is dead from the start: the checks
  // are the same, nothing is emitted.
  dead_ = !emit;
  need_segment_ = true;
  fuel_slot_ = 0;
  forget_last();
  last_op_ = Op::Unreachable;

  const FuncType& type = m_.types[fn.type_index];
  local_types_.assign(type.params.begin(), type.params.end());
  local_types_.insert(local_types_.end(), fn.local_types.begin(), fn.local_types.end());
  uint32_t slot = 0;
  local_slots_.clear();
  for (ValType t : local_types_) {
    local_slots_.push_back(slot);
    slot += cell_count(t);
  }

  zero_slot_ = fn.num_locals;  // zeroed with the locals at entry, never written
  const uint32_t locals_end = fn.num_locals + 1;
  stack_.set_base(locals_end);

  Ctrl outer;
  outer.kind = Ctrl::Kind::Body;
  outer.results = type.results;
  outer.base = locals_end;
  outer.entered_dead = dead_;
  stack_.ctrls().push_back(outer);

  // The code starts with the first segment's Fuel instruction (see Function::entry).
  // Every call zeroes the declared locals: work proportional to their number, charged
  // like bulk operations (1 unit per 64 cells) in the entry segment. Unmetered code
  // starts with a Fuel instruction of cost 0 too, so the entry layout is the same.
  if (emit) {
    start_segment();
    if (m_.fuel_metering) operands_of<Op::Fuel>(fuel_slot_).cost = (locals_end - fn.num_params) / 64;
  }

  while (!stack_.ctrls().empty()) {
    instr_offset_ = r_.offset();
    instruction(static_cast<WasmOp>(r_.u8()));
  }
  if (!r_.at_end()) {
    instr_offset_ = r_.offset();
    malformed("section size mismatch");
  }

  layout_.locals_end = locals_end;
  layout_.max_stack = stack_.max_cells() + 1;
  layout_.zero_cells = locals_end - fn.num_params;
  layout_.frame_size = std::max(locals_end + layout_.max_stack, fn.num_params + Function::kZeroedAtEntry);
}

void Translator::set_layout(Function& fn) const {
  fn.locals_end = layout_.locals_end;
  fn.max_stack = layout_.max_stack;
  fn.frame_size = layout_.frame_size;
  fn.zero_cells = layout_.zero_cells;
}

const Slot* Translator::store_code(const Function& fn) {
  if (code_.empty() || code_[0].op != handlers_[static_cast<int>(Op::Fuel)])
    throw std::logic_error("translated code must start with a Fuel instruction");
  fn.code.assign(code_.begin(), code_.end());
  fn.offsets.assign(offsets_.begin(), offsets_.end());
  finish_branches(fn.code);
  return fn.code.data() + 1 + kOperandWords<Op::Fuel>;  // the code never moves again
}

void Translator::translate(Function& fn, Reader body) {
  run(fn, body, true);
  set_layout(fn);
  fn.entry.store(store_code(fn), std::memory_order_relaxed);  // published with the module
}

void Translator::validate(Function& fn, Reader body) {
  run(fn, body, false);
  set_layout(fn);
  fn.entry.store(&m_.lazy_entry[1], std::memory_order_relaxed);
}

const Slot* Translator::translate_validated(const Function& fn, Reader body) {
  run(fn, body, true);
  if (!(layout_ == FrameLayout{fn.locals_end, fn.max_stack, fn.frame_size, fn.zero_cells}))
    throw std::logic_error("lazy translation: frame layout differs from validation's");
  return store_code(fn);
}

void Translator::instruction(WasmOp opc) {
  // `end` and `else` close a block: they are syntax, not instructions, and cost no fuel.
  if (opc != WasmOp::End && opc != WasmOp::Else) begin_instr();
  if (opc <= WasmOp::ReturnCallIndirect) return control(opc);
  if (opc >= WasmOp::LocalGet && opc <= WasmOp::GlobalSet) return variable(opc);
  if (opc >= WasmOp::I32Eqz && opc <= WasmOp::I64Extend32S) return numeric(opc);
  if (opc >= WasmOp::I32Load && opc <= WasmOp::I64Store32) return memory_access(opc);
  return other_instruction(opc);
}

// Kept out of instruction() so that the families above are reached by a tail call,
// without the register saves this switch's inlined cases need (about 15 instructions
// per wasm instruction translated).
[[gnu::noinline]] void Translator::other_instruction(WasmOp opc) {
  switch (opc) {
    case WasmOp::Drop:
      pop();
      forget_last();
      return;
    case WasmOp::Select:
    case WasmOp::SelectT:
      return select(opc);
    case WasmOp::TableGet:
    case WasmOp::TableSet:
      return table_access(opc);
    case WasmOp::MemorySize:
    case WasmOp::MemoryGrow:
      return memory_size_grow(opc);
    case WasmOp::I32Const:
      return push(Val::constant(ValType::I32, static_cast<uint32_t>(r_.s32())));
    case WasmOp::I64Const:
      return push(Val::constant(ValType::I64, static_cast<uint64_t>(r_.s64())));
    case WasmOp::F32Const:
      return push(Val::constant(ValType::F32, r_.f32_bits()));
    case WasmOp::F64Const:
      return push(Val::constant(ValType::F64, r_.f64_bits()));
    case WasmOp::RefNull: {  // ref.null t
      uint8_t b = r_.u8();
      if (!is_ref_type_byte(b)) malformed("malformed reference type");
      return push(Val::constant(static_cast<ValType>(b), 0));
    }
    case WasmOp::RefIsNull: {
      Val v = pop();
      if (v.type != kUnknown && !is_ref(v.type)) invalid("type mismatch");
      if (!dead_) emit_result<Op::RefIsNull>({.dst = v.home, .a = use(v)});
      return push(ValType::I32);
    }
    case WasmOp::RefFunc: {
      uint32_t f = r_.u32();
      if (f >= m_.func_types.size()) invalid("unknown function " + std::to_string(f));
      if (f >= m_.declared_funcs.size() || !m_.declared_funcs[f]) invalid("undeclared function reference");
      if (!dead_) emit_result<Op::RefFunc>({.dst = next_home(), .func = f});
      return push(ValType::FuncRef);
    }
    case WasmOp::PrefixFC:
      return prefixed_fc();
    case WasmOp::PrefixSIMD:
      return prefixed_simd();
    default:
      illegal_opcode(opc);
  }
}

// Opcodes of proposals this interpreter does not implement get their name in the
// message (the spec's "illegal opcode" stays its prefix).
void Translator::illegal_opcode(WasmOp opc) {
  static constexpr struct {
    uint8_t opcode;
    const char* what;
  } kUnsupported[] = {
      {0x06, "try (exception handling)"},     {0x07, "catch (exception handling)"},
      {0x08, "throw (exception handling)"},   {0x09, "rethrow (exception handling)"},
      {0x0a, "throw_ref (exception handling)"}, {0x18, "delegate (exception handling)"},
      {0x19, "catch_all (exception handling)"}, {0x1f, "try_table (exception handling)"},
      {0xfe, "atomics (threads)"},
  };
  auto b = static_cast<uint8_t>(opc);
  std::string hex = "0x" + std::string(1, "0123456789abcdef"[b >> 4]) + "0123456789abcdef"[b & 15];
  for (const auto& u : kUnsupported)
    if (u.opcode == b) malformed("illegal opcode " + hex + ": " + u.what + " is not supported");
  malformed("illegal opcode " + hex);
}

void Translator::variable(WasmOp opc) {
  switch (opc) {
    case WasmOp::LocalGet: {  // no code: the operand remembers the local
      uint32_t i = r_.u32();
      uint32_t slot = local_slot(i);
      push(Val::in_local(local_types_[i], slot));
      return;
    }
    case WasmOp::LocalSet:
    case WasmOp::LocalTee: {
      uint32_t i = r_.u32();
      uint32_t slot = local_slot(i);
      ValType t = local_types_[i];
      Val v = pop(t);
      if (!dead_ && !(v.kind == Val::Kind::Local && v.local == slot)) {
        if (v.kind == Val::Kind::Home && last_dst_ == v.home && !has_local_refs(slot)) {
          code_[last_dst_word_].pair.x = slot;  // the producer writes the local directly
          v = Val::in_local(t, slot);
        } else {
          materialize_local_refs(slot);
          move_to(slot, v);
          if (v.kind == Val::Kind::Home) v = Val::in_local(t, slot);
        }
        last_dst_ = kNone;  // no longer a fresh result (a following copy may still pair up)
      }
      if (opc == WasmOp::LocalTee) push(v.kind == Val::Kind::Home || dead_ ? Val{t} : v);
      return;
    }
    case WasmOp::GlobalGet: {
      uint32_t g = r_.u32();
      if (g >= m_.globals.size()) invalid("unknown global " + std::to_string(g));
      ValType t = m_.globals[g].type;
      if (!dead_) {
        if (t == ValType::V128)
          emit_result<Op::GlobalGetV128>({.dst = next_home(), .global = g});
        else
          emit_result<Op::GlobalGet>({.dst = next_home(), .global = g});
      }
      push(t);
      return;
    }
    case WasmOp::GlobalSet: {
      uint32_t g = r_.u32();
      if (g >= m_.globals.size()) invalid("unknown global " + std::to_string(g));
      if (!m_.globals[g].mut) invalid("global is immutable");
      ValType t = m_.globals[g].type;
      Val v = pop(t);
      if (!dead_) {
        if (t == ValType::V128)
          emit<Op::GlobalSetV128>({.src = use(v), .global = g});
        else
          emit<Op::GlobalSet>({.src = use(v), .global = g});
      }
      return;
    }
    default:  // instruction() sends only local.* and global.* here
      return;
  }
}

// select and select t*: a v128 selects each of its two cells.
void Translator::select(WasmOp opc) {
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
  if (!dead_) {
    uint32_t sa = use(a), sb = use(b), sc = use(c);
    if (t == ValType::V128) {
      emit<Op::Select>({.dst = a.home, .cond = sc, .a = sa, .b = sb});
      emit<Op::Select>({.dst = a.home + 1, .cond = sc, .a = sa + 1, .b = sb + 1});
    } else {
      emit_result<Op::Select>({.dst = a.home, .cond = sc, .a = sa, .b = sb});
    }
  }
  push(t);
}

void Translator::prefixed_fc() {
  uint32_t sub = r_.u32();
  if (sub <= static_cast<uint32_t>(WasmOpFC::I64TruncSatF64U)) return trunc_sat(sub);
  auto op = static_cast<WasmOpFC>(sub);
  switch (op) {
    case WasmOpFC::MemoryInit: case WasmOpFC::DataDrop: case WasmOpFC::MemoryCopy:
    case WasmOpFC::MemoryFill:
      return bulk_memory(op);
    case WasmOpFC::TableInit: case WasmOpFC::ElemDrop: case WasmOpFC::TableCopy:
    case WasmOpFC::TableGrow: case WasmOpFC::TableSize: case WasmOpFC::TableFill:
      return bulk_table(op);
    default:
      malformed("illegal opcode");
  }
}

void Translator::read_block_type(TypeList& params, TypeList& results) {
  BlockType bt = interp::read_block_type(r_, m_);
  if (bt.kind == BlockType::Kind::Value) {
    results = one_type(bt.value);
  } else if (bt.kind == BlockType::Kind::Index) {
    params = m_.types[bt.type_index].params;
    results = m_.types[bt.type_index].results;
  }
}

Translator::MemArg Translator::read_memarg(uint32_t natural_size) {
  constexpr uint32_t kHasMemoryIndex = 0x40;
  MemArg arg;
  uint32_t align = r_.u32();
  if (m_.multi_memory) {
    if (align >= 2 * kHasMemoryIndex) malformed("malformed memop flags");
    if (align & kHasMemoryIndex) {
      align -= kHasMemoryIndex;
      arg.memory = r_.u32();
    }
  }
  arg.offset = r_.u32();
  need_memory(arg.memory);
  if (align >= 32 || (1u << align) > natural_size) invalid("alignment must not be larger than natural");
  return arg;
}

uint32_t Translator::memory_index() {
  uint32_t index = 0;
  if (m_.multi_memory)
    index = r_.u32();
  else
    zero_byte();
  need_memory(index);
  return index;
}

uint32_t Translator::table_index() {
  uint32_t t = r_.u32();
  if (t >= m_.tables.size()) invalid("unknown table " + std::to_string(t));
  return t;
}

uint32_t Translator::elem_index() {
  uint32_t e = r_.u32();
  if (e >= m_.elems.size()) invalid("unknown elem segment " + std::to_string(e));
  return e;
}

// memory.init and data.drop need the data count section (so that a body can be
// validated before the data section is read); report a wrong index first.
uint32_t Translator::data_index() {
  uint32_t d = r_.u32();
  check_data_index(d);
  return d;
}

void Translator::check_data_index(uint32_t d) {
  if (d >= m_.datas.size()) invalid("unknown data segment " + std::to_string(d));
  if (!m_.data_count) malformed("data count section required");
}

void Translator::pop_i32_slots(uint32_t n, uint32_t* slots) {
  for (uint32_t i = n; i-- > 0;) {
    Val v = pop(ValType::I32);
    if (!dead_) slots[i] = use(v);
  }
}

FunctionCompiler::FunctionCompiler(const Module& module) : translator_(std::make_unique<Translator>(module)) {}
FunctionCompiler::~FunctionCompiler() = default;

void FunctionCompiler::compile(Function& fn, Reader body) { translator_->translate(fn, body); }
void FunctionCompiler::validate(Function& fn, Reader body) { translator_->validate(fn, body); }
const Slot* FunctionCompiler::translate_validated(const Function& fn, Reader body) {
  return translator_->translate_validated(fn, body);
}

void compile_function(const Module& module, Function& fn, Reader body) { FunctionCompiler(module).compile(fn, body); }

}  // namespace wippy::interp
