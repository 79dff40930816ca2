// Loads, stores, memory.size/grow, the bulk memory instructions and tables.
#include "interp/opcode_tables.h"
#include "interp/translator.h"

namespace wippy::interp {

void Translator::memory_access(WasmOp opc) {
  MemInfo mi = memory_info(opc);
  const MemArg arg = read_memarg(mi.size);
  const uint32_t offset = arg.offset;
  Op o = op_offset(Op::I32Load, opcode_offset(WasmOp::I32Load, opc));
  if (mi.store) {
    Val v = pop(mi.type);
    Val addr = pop(ValType::I32);
    if (dead_) return;
    on_memory(arg.memory, [&] {
      uint64_t off = offset;
      uint32_t sa = address_slot(addr, off);
      static_assert(std::is_same_v<LayoutOf<Op::I32Store>, LayoutOf<Op::I64Store32>>);
      static_assert(std::is_same_v<LayoutOf<Op::I32StoreImm>, LayoutOf<Op::I64Store32Imm>>);
      if (v.kind == Val::Kind::Const && v.imm != 0) {
        uint32_t at = emit<Op::I32StoreImm>({.addr = sa, .offset = off, .value = v.imm});
        retarget_same_layout(at, op_offset(Op::I32StoreImm, opcode_offset(WasmOp::I32Store, opc)));
      } else {
        uint32_t at = emit<Op::I32Store>({.addr = sa, .value = use(v), .offset = off});
        retarget_same_layout(at, o);
      }
    });
    return;
  }
  Val addr = pop(ValType::I32);
  if (!dead_) {
    // (UseMemory is emitted last for another memory, so the address add never fuses.)
    on_memory(arg.memory, [&] {
      if (addr.kind == Val::Kind::Home && fuse_load_add(o, addr, offset)) return;
      uint64_t off = offset;
      uint32_t sa = address_slot(addr, off);
      static_assert(std::is_same_v<LayoutOf<Op::I32Load>, LayoutOf<Op::I64Load32U>>);
      uint32_t at = emit_result<Op::I32Load>({.dst = addr.home, .addr = sa, .offset = off});
      retarget_same_layout(at, o);
    });
  }
  push(mi.type);
}

void Translator::memory_size_grow(WasmOp opc) {
  const uint32_t memory = memory_index();
  if (opc == WasmOp::MemorySize) {
    if (!dead_) emit_result<Op::MemorySize>({.dst = next_home(), .memory = memory});
  } else {
    Val delta = pop(ValType::I32);
    if (!dead_) emit_result<Op::MemoryGrow>({.dst = delta.home, .delta = use(delta), .memory = memory});
  }
  push(ValType::I32);
}

void Translator::bulk_memory(WasmOpFC sub) {
  uint32_t s[3] = {};
  switch (sub) {
    case WasmOpFC::MemoryInit: {  // memory.init data memory
      uint32_t seg = r_.u32();
      const uint32_t memory = memory_index();
      check_data_index(seg);
      pop_i32_slots(3, s);
      if (!dead_) emit<Op::MemoryInit>({.bulk = {.dst = s[0], .src = s[1], .n = s[2], .index = seg}, .from = memory});
      return;
    }
    case WasmOpFC::DataDrop: {
      uint32_t seg = data_index();
      if (!dead_) emit<Op::DataDrop>({.index = seg});
      return;
    }
    case WasmOpFC::MemoryCopy: {  // memory.copy dst src
      const uint32_t to = memory_index();
      const uint32_t from = memory_index();
      pop_i32_slots(3, s);
      if (!dead_) emit<Op::MemoryCopy>({.bulk = {.dst = s[0], .src = s[1], .n = s[2], .index = to}, .from = from});
      return;
    }
    case WasmOpFC::MemoryFill: {
      const uint32_t memory = memory_index();
      pop_i32_slots(3, s);
      if (!dead_) emit<Op::MemoryFill>({.dst = s[0], .src = s[1], .n = s[2], .index = memory});
      return;
    }
    default:
      malformed("illegal opcode");
  }
}

void Translator::table_access(WasmOp opc) {
  uint32_t t = table_index();
  if (opc == WasmOp::TableGet) {
    Val i = pop(ValType::I32);
    if (!dead_) emit_result<Op::TableGet>({.dst = i.home, .index = use(i), .table = t});
    push(m_.tables[t].elem);
  } else {
    Val v = pop(m_.tables[t].elem);
    Val i = pop(ValType::I32);
    if (!dead_) {
      uint32_t si = use(i);
      emit<Op::TableSet>({.index = si, .value = use(v), .table = t});
    }
  }
}

void Translator::bulk_table(WasmOpFC sub) {
  uint32_t s[3] = {};
  switch (sub) {
    case WasmOpFC::TableInit: {  // table.init elem table
      uint32_t e = r_.u32();
      uint32_t t = table_index();
      if (e >= m_.elems.size()) invalid("unknown elem segment " + std::to_string(e));
      if (m_.elems[e].type != m_.tables[t].elem) invalid("type mismatch");
      pop_i32_slots(3, s);
      if (!dead_) emit<Op::TableInit>({.bulk = {.dst = s[0], .src = s[1], .n = s[2], .index = t}, .from = e});
      return;
    }
    case WasmOpFC::ElemDrop: {
      uint32_t e = elem_index();
      if (!dead_) emit<Op::ElemDrop>({.index = e});
      return;
    }
    case WasmOpFC::TableCopy: {  // table.copy dst src
      uint32_t dst = table_index();
      uint32_t src = table_index();
      if (m_.tables[dst].elem != m_.tables[src].elem) invalid("type mismatch");
      pop_i32_slots(3, s);
      if (!dead_) emit<Op::TableCopy>({.bulk = {.dst = s[0], .src = s[1], .n = s[2], .index = dst}, .from = src});
      return;
    }
    case WasmOpFC::TableGrow: {
      uint32_t t = table_index();
      pop_i32_slots(1, s);
      Val init = pop(m_.tables[t].elem);
      if (!dead_) emit_result<Op::TableGrow>({.dst = init.home, .n = s[0], .init = use(init), .table = t});
      push(ValType::I32);
      return;
    }
    case WasmOpFC::TableSize: {
      uint32_t t = table_index();
      if (!dead_) emit_result<Op::TableSize>({.dst = next_home(), .table = t});
      push(ValType::I32);
      return;
    }
    case WasmOpFC::TableFill: {
      uint32_t t = table_index();
      uint32_t n[1] = {};
      pop_i32_slots(1, n);
      Val v = pop(m_.tables[t].elem);
      uint32_t i[1] = {};
      pop_i32_slots(1, i);
      if (!dead_) {
        uint32_t sv = use(v);
        emit<Op::TableFill>({.dst = i[0], .src = sv, .n = n[0], .index = t});
      }
      return;
    }
    default:
      malformed("illegal opcode");
  }
}

}  // namespace wippy::interp
