// Blocks, branches, calls, tail calls and return.
#include "interp/limits.h"
#include "interp/translator.h"

namespace wippy::interp {

void Translator::control(WasmOp opc) {
  switch (opc) {
    case WasmOp::Unreachable:
      if (!dead_) emit<Op::Unreachable>({});
      set_unreachable();
      need_segment_ = true;
      return;
    case WasmOp::Nop:
      return;
    case WasmOp::Block:
    case WasmOp::Loop:
    case WasmOp::If:
      return block(opc);
    case WasmOp::Else: {
      Ctrl& c = stack_.ctrls().back();
      if (c.kind != Ctrl::Kind::If || c.else_seen) malformed("else without if");
      c.else_seen = true;
      if (!dead_) materialize_from(c.height);
      pop(c.results);
      if (depth() != c.height) invalid("type mismatch");
      if (!dead_) forward_branch(c, branch_word<Op::Jump>(emit<Op::Jump>({})));
      c.unreachable = false;
      dead_ = c.entered_dead;
      uint32_t else_label = place_label();
      if (c.else_fixup >= 0) code_[c.else_fixup].u64 = else_label;
      c.else_fixup = -1;
      push(c.params);
      return;
    }
    case WasmOp::End:
      return end();
    case WasmOp::Br: {
      Ctrl& l = label(r_.u32());
      stack_.check_top(l.label_types());
      if (!dead_) {
        move_label_values(l);
        emit_jump(l);
      }
      set_unreachable();
      need_segment_ = true;
      return;
    }
    case WasmOp::BrIf:
      return br_if();
    case WasmOp::BrTable:
      return br_table();
    case WasmOp::Return: {
      TypeList results = stack_.ctrls().front().results;
      stack_.check_top(results);
      if (!dead_) {
        uint32_t n = static_cast<uint32_t>(results.size());
        materialize_from(depth() - n);
        uint32_t first = n == 0 ? next_home() : at(depth() - n).home;
        emit_return(first, next_home() - first);
      }
      set_unreachable();
      need_segment_ = true;
      return;
    }
    case WasmOp::Call:
      return call(r_.u32(), false);
    case WasmOp::CallIndirect:
      return call_indirect(false);
    case WasmOp::ReturnCall:
      return call(r_.u32(), true);
    case WasmOp::ReturnCallIndirect:
      return call_indirect(true);
    default:
      illegal_opcode(opc);
  }
}

void Translator::block(WasmOp opc) {
  // The function body is the first entry, so this counts nested blocks.
  if (stack_.ctrls().size() > limits::kBlockDepth)
    malformed("blocks nested too deeply (limit " + std::to_string(limits::kBlockDepth) + ")");
  Ctrl c;
  c.kind = opc == WasmOp::Block  ? Ctrl::Kind::Block
           : opc == WasmOp::Loop ? Ctrl::Kind::Loop
                                 : Ctrl::Kind::If;
  read_block_type(c.params, c.results);
  Val cond;
  if (opc == WasmOp::If) cond = pop(ValType::I32);
  std::span<const Val> params = pop_vals(c.params);
  c.height = depth();
  c.base = next_home();
  c.entered_dead = dead_;
  push(params);
  if (!dead_) materialize_all();  // the block may change locals; see materialize_all
  if (opc == WasmOp::Loop) {
    c.loop_start = place_label();
  } else if (opc == WasmOp::If && !dead_) {
    c.else_fixup = cond_jump(cond, false);
    branch_to(static_cast<uint32_t>(c.else_fixup), 0);
    start_segment();
  }
  stack_.ctrls().push_back(c);
}

void Translator::br_if() {
  uint32_t d = r_.u32();
  Val cond = pop(ValType::I32);
  Ctrl& l = label(d);
  push(pop_vals(l.label_types()));  // the spec pops and re-pushes the label's types
  if (dead_) return;
  if (label_values_in_place(l)) {
    label_branch(l, cond_jump(cond, true));
    start_segment();
  } else {
    uint32_t skip = cond_jump(cond, false);
    branch_to(skip, 0);
    start_segment();
    move_label_values(l);
    emit_jump(l);
    code_[skip].u64 = place_label();
  }
}

void Translator::br_table() {
  uint32_t n = r_.u32();
  if (n > r_.remaining()) r_.fail("unexpected end");
  if (n > limits::kBrTableTargets)
    malformed("br_table too large: " + std::to_string(n) + " targets (limit " +
              std::to_string(limits::kBrTableTargets) + ")");
  std::vector<uint32_t>& depths = depths_;
  depths.resize(n + 1);
  for (auto& d : depths) d = r_.u32();
  Val index = pop(ValType::I32);
  size_t arity = label(depths.back()).label_types().size();
  for (uint32_t d : depths) {
    Ctrl& l = label(d);
    if (l.label_types().size() != arity) invalid("type mismatch");
    stack_.check_top(l.label_types());
  }
  if (!dead_) {
    emit<Op::BrTable>({.index = use(index), .n = n});
    // Labels whose values are not in place get a landing pad that moves them first.
    uint32_t table_start = here();
    std::vector<uint8_t>& needs_pad = needs_pad_;
    needs_pad.assign(n + 1, 0);
    for (uint32_t i = 0; i <= n; ++i) {
      uint32_t word = here();
      append(layout::BranchTo{});
      Ctrl& l = label(depths[i]);
      if (label_values_in_place(l)) {
        label_branch(l, word);
      } else {
        needs_pad[i] = 1;
        branch_to(word, 0);
      }
    }
    // Emit the landing pads in the order of the table entries that need them.
    constexpr uint32_t kEntryWords = layout_words<layout::BranchTo>();
    for (uint32_t i = 0; i <= n; ++i) {
      if (!needs_pad[i]) continue;
      Ctrl& l = label(depths[i]);
      code_[table_start + kEntryWords * i].u64 = place_label();
      move_label_values(l);
      emit_jump(l);
    }
  }
  pop(label(depths.back()).label_types());
  set_unreachable();
  need_segment_ = true;
}

void Translator::end() {
  auto& ctrls = stack_.ctrls();
  Ctrl& c = ctrls.back();
  // The function's single result, when nothing branches to the end, is returned from
  // wherever it is instead of being copied to its home first.
  bool direct_return = ctrls.size() == 1 && !dead_ && c.fixups == Ctrl::kNoFixup && c.results.size() == 1 &&
                       depth() == c.height + 1;
  uint32_t result_slot = c.base;
  if (direct_return)
    result_slot = use(at(depth() - 1));
  else if (!dead_)
    materialize_from(c.height);
  pop(c.results);
  if (depth() != c.height) invalid("type mismatch");
  if (c.kind == Ctrl::Kind::If && !c.else_seen && !same_types(c.params, c.results)) invalid("type mismatch");

  Ctrl done = ctrls.back();
  ctrls.pop_back();
  forget_last();
  if (!done.entered_dead) dead_ = false;
  if (done.fixups != Ctrl::kNoFixup || done.else_fixup >= 0) {
    uint32_t label = place_label();
    if (done.else_fixup >= 0) code_[done.else_fixup].u64 = label;
    for (uint32_t f = done.fixups; f != Ctrl::kNoFixup;) {
      auto next = static_cast<uint32_t>(code_[f].u64);
      code_[f].u64 = label;
      f = next;
    }
  }
  if (ctrls.empty()) {
    if (!done.entered_dead) {
      uint32_t cells = 0;
      for (ValType t : done.results) cells += cell_count(t);
      emit_return(result_slot, cells);
    }
    return;
  }
  dead_ = done.entered_dead;
  push(done.results);
}

void Translator::emit_return(uint32_t first, uint32_t cells) {
  if (cells == 1)
    emit<Op::Return1>({.first = first, .cells = 1});
  else
    emit<Op::Return>({.first = first, .cells = cells});
}

const std::vector<SlotPair>& Translator::prepare_args(std::span<const Val> args) {
  std::vector<SlotPair>& copies = copies_;
  copies.clear();
  for (const Val& a : args) {
    uint32_t src = use(a);  // constants: now
    if (src == a.home) continue;
    for (uint32_t i = 0; i < cell_count(a.type); ++i) copies.push_back({a.home + i, src + i});
  }
  return copies;
}

void Translator::call(uint32_t func_index, bool tail) {
  if (func_index >= m_.func_types.size()) invalid("unknown function " + std::to_string(func_index));
  const FuncType& t = m_.func_type(func_index);
  if (tail) check_tail_call(t);
  // Values below the arguments may stay deferred: a callee cannot change our locals.
  std::span<const Val> args = pop_vals(t.params);
  bool import = func_index < m_.num_imported_funcs;
  if (!dead_) {
    const std::vector<SlotPair>& copies = prepare_args(args);
    layout::ArgList list{.args = next_home(), .n = static_cast<uint32_t>(copies.size())};
    if (import && tail)
      emit<Op::ReturnCallImport>({.func = func_index, .args = list});
    else if (import)
      emit<Op::CallImport>({.func = func_index, .args = list});
    else if (tail)
      emit<Op::ReturnCall>({.fn = &m_.function(func_index), .args = list});
    else
      emit<Op::Call>({.fn = &m_.function(func_index), .args = list});
    for (SlotPair c : copies) append(c);
    if (tail && import) emit_host_tail_return(t);
  }
  if (tail) return end_tail_call(t);
  push(t.results);
}

void Translator::call_indirect(bool tail) {
  uint32_t type_index = r_.u32();
  uint32_t table = r_.u32();
  if (table >= m_.tables.size()) invalid("unknown table " + std::to_string(table));
  if (type_index >= m_.types.size()) invalid("unknown type");
  if (m_.tables[table].elem != ValType::FuncRef) invalid("type mismatch");
  const FuncType& t = m_.types[type_index];
  if (tail) check_tail_call(t);
  Val index = pop(ValType::I32);
  std::span<const Val> args = pop_vals(t.params);
  if (!dead_) {
    uint32_t index_slot = use(index);
    const std::vector<SlotPair>& copies = prepare_args(args);
    layout::ArgList list{.args = next_home(), .n = static_cast<uint32_t>(copies.size())};
    layout::CallIndirect operands{.table = table, .type_id = m_.type_ids[type_index], .index = index_slot, .args = list};
    if (tail)
      emit<Op::ReturnCallIndirect>(operands);
    else
      emit<Op::CallIndirect>(operands);
    for (SlotPair c : copies) append(c);
    if (tail) emit_host_tail_return(t);
  }
  if (tail) return end_tail_call(t);
  push(t.results);
}

void Translator::check_tail_call(const FuncType& callee) {
  if (!same_types(callee.results, stack_.ctrls().front().results)) invalid("type mismatch");
}

void Translator::emit_host_tail_return(const FuncType& callee) {
  uint32_t cells = 0;
  for (ValType r : callee.results) cells += cell_count(r);
  emit_return(next_home(), cells);
}

void Translator::end_tail_call(const FuncType& callee) {
  push(callee.results);  // a host callee's results go where the arguments began: count them
  set_unreachable();
  need_segment_ = true;
}

}  // namespace wippy::interp
