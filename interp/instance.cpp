// Runtime objects (memories, tables, globals, function instances), import matching
// and instantiation.
#include "interp/instance.h"

#include <string>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <iterator>

namespace wippy::interp {

Memory* HostCall::memory() const {
  if (caller == nullptr || caller->memories.empty()) return nullptr;
  return caller->memories[0];
}

// --- Memory ---------------------------------------------------------------------

Memory::Memory(MemoryType t, uint32_t limit_pages) : type(t) {
  const uint32_t type_max = t.limits.max.value_or(kMaxPages);
  max_pages = std::min(type_max, limit_pages);
  if (t.limits.min > max_pages)
    throw LinkError("memory of " + std::to_string(t.limits.min) + " pages exceeds the limit of " +
                    std::to_string(max_pages) + " pages");
  pages = t.limits.min;
  size = uint64_t{pages} * kPageSize;
  // Keep a valid pointer even for an empty memory, so that zero-length accesses at
  // address 0 never touch a null pointer.
  data = static_cast<uint8_t*>(std::calloc(size ? size : 1, 1));
  if (data == nullptr) throw LinkError("memory allocation failed");
}

Memory::~Memory() { std::free(data); }

int64_t Memory::grow(uint32_t delta) {
  const uint32_t old = pages;
  if (uint64_t{old} + delta > max_pages) return -1;
  if (delta == 0) return old;
  const uint64_t new_size = (uint64_t{old} + delta) * kPageSize;
  auto* p = static_cast<uint8_t*>(std::realloc(data, new_size));
  if (p == nullptr) return -1;
  std::memset(p + size, 0, new_size - size);
  data = p;
  size = new_size;
  pages = old + delta;
  return old;
}

// --- Table ----------------------------------------------------------------------

Table::Table(TableType t, uint32_t limit_size, uint64_t init, TableBudget* shared_budget)
    : type(t), budget(shared_budget) {
  max_size = std::min(t.limits.max.value_or(UINT32_MAX), limit_size);
  if (t.limits.min > max_size)
    throw LinkError("table of " + std::to_string(t.limits.min) + " elements exceeds the limit of " +
                    std::to_string(max_size));
  if (budget && !budget->take(t.limits.min))
    throw LinkError("table of " + std::to_string(t.limits.min) + " elements exceeds the limit of " +
                    std::to_string(budget->limit) + " table elements per store (" +
                    std::to_string(budget->used) + " in use)");
  elems.assign(t.limits.min, init);
}

int64_t Table::grow(uint32_t delta, uint64_t init) {
  const size_t old = elems.size();
  if (!can_grow(delta)) return -1;
  if (budget) budget->take(delta);
  elems.resize(old + delta, init);
  return static_cast<int64_t>(old);
}

// --- Store ----------------------------------------------------------------------

Memory* Store::new_memory(MemoryType type) {
  memories_.push_back(std::make_unique<Memory>(type, limits_.max_memory_pages));
  return memories_.back().get();
}

Table* Store::new_table(TableType type, uint64_t init) {
  table_budget_.limit = limits_.max_table_elements;
  tables_.push_back(std::make_unique<Table>(type, limits_.max_table_size, init, &table_budget_));
  return tables_.back().get();
}

Global* Store::new_global(GlobalType type, uint64_t value) {
  globals_.push_back(std::make_unique<Global>(Global{type, value}));
  return globals_.back().get();
}

FuncInst* Store::new_host_func(std::shared_ptr<const HostFunc> fn) {
  auto f = std::make_unique<FuncInst>();
  f->type_id = canonical_type_id(fn->type);
  f->type = &fn->type;
  f->host = fn.get();
  host_funcs_.push_back(std::move(fn));
  funcs_.push_back(std::move(f));
  return funcs_.back().get();
}

// --- Instance -------------------------------------------------------------------

std::optional<Extern> Instance::get_export(std::string_view name) const {
  const Export* ex = module->find_export(name);
  if (ex == nullptr) return std::nullopt;
  switch (ex->kind) {
    case ExternKind::Func: return Extern::of(funcs[ex->index]);
    case ExternKind::Table: return Extern::of(tables[ex->index]);
    case ExternKind::Memory: return Extern::of(memories[ex->index]);
    case ExternKind::Global: return Extern::of(globals[ex->index]);
  }
  return std::nullopt;
}

// --- Import matching ------------------------------------------------------------

namespace {

// Limits subtyping: the extern's current size and declared maximum must fit the
// import's range.
bool limits_match(uint64_t actual_min, std::optional<uint32_t> actual_max, const Limits& wanted) {
  if (actual_min < wanted.min) return false;
  if (!wanted.max) return true;
  return actual_max && *actual_max <= *wanted.max;
}

}  // namespace

std::string match_import(const Module& module, const Import& import, const Extern& ext) {
  static const std::string kIncompatible = "incompatible import type";
  if (ext.kind != import.kind) return kIncompatible;
  switch (import.kind) {
    case ExternKind::Func:
      if (ext.func == nullptr || ext.func->type_id != module.type_ids[import.type_index]) return kIncompatible;
      return {};
    case ExternKind::Table: {
      const Table* t = ext.table;
      if (t == nullptr || t->type.elem != import.table.elem) return kIncompatible;
      if (!limits_match(t->elems.size(), t->type.limits.max, import.table.limits)) return kIncompatible;
      return {};
    }
    case ExternKind::Memory: {
      const Memory* m = ext.memory;
      if (m == nullptr || !limits_match(m->pages, m->type.limits.max, import.memory.limits)) return kIncompatible;
      return {};
    }
    case ExternKind::Global: {
      const Global* g = ext.global;
      if (g == nullptr || g->type.type != import.global.type || g->type.mut != import.global.mut)
        return kIncompatible;
      return {};
    }
  }
  return kIncompatible;
}

// --- Instantiation --------------------------------------------------------------

namespace {

// Evaluates a constant expression of a validated module. Values are cells: i32
// zero-extended, floats as bits, references as FuncInst* or 0 for null.
uint64_t eval_const(const ConstExpr& e, const Instance& inst) {
  uint64_t stack[8];
  size_t sp = 0;
  for (const ConstInstr& in : e.instrs) {
    switch (in.op) {
      case ConstInstr::Op::I32Const:
      case ConstInstr::Op::I64Const:
      case ConstInstr::Op::F32Const:
      case ConstInstr::Op::F64Const: stack[sp++] = in.imm; break;
      case ConstInstr::Op::RefNull: stack[sp++] = 0; break;
      case ConstInstr::Op::RefFunc: stack[sp++] = reinterpret_cast<uintptr_t>(inst.funcs[in.imm]); break;
      case ConstInstr::Op::GlobalGet: stack[sp++] = inst.globals[in.imm]->value; break;
      // Extended constant expressions (not produced by the 2.0 decoder yet).
      case ConstInstr::Op::I32Add: --sp; stack[sp - 1] = uint32_t(stack[sp - 1] + stack[sp]); break;
      case ConstInstr::Op::I32Sub: --sp; stack[sp - 1] = uint32_t(stack[sp - 1] - stack[sp]); break;
      case ConstInstr::Op::I32Mul: --sp; stack[sp - 1] = uint32_t(stack[sp - 1] * stack[sp]); break;
      case ConstInstr::Op::I64Add: --sp; stack[sp - 1] = stack[sp - 1] + stack[sp]; break;
      case ConstInstr::Op::I64Sub: --sp; stack[sp - 1] = stack[sp - 1] - stack[sp]; break;
      case ConstInstr::Op::I64Mul: --sp; stack[sp - 1] = stack[sp - 1] * stack[sp]; break;
    }
    if (sp == std::size(stack)) break;  // cannot happen for a validated expression
  }
  return sp ? stack[sp - 1] : 0;
}

}  // namespace

Instance* Store::instantiate(std::shared_ptr<const Module> module, std::span<const Extern> imports) {
  const Module& m = *module;
  if (imports.size() != m.imports.size()) throw LinkError("unknown import");
  for (size_t i = 0; i < imports.size(); ++i) {
    std::string why = match_import(m, m.imports[i], imports[i]);
    if (!why.empty()) throw LinkError(why);
  }

  // The store owns the instance from the start: if a segment traps below, what the
  // earlier segments wrote into shared tables may refer to its functions.
  instances_.push_back(std::make_unique<Instance>());
  Instance* inst = instances_.back().get();
  inst->module = module;

  for (const Extern& ext : imports) {
    switch (ext.kind) {
      case ExternKind::Func: inst->funcs.push_back(ext.func); break;
      case ExternKind::Table: inst->tables.push_back(ext.table); break;
      case ExternKind::Memory: inst->memories.push_back(ext.memory); break;
      case ExternKind::Global: inst->globals.push_back(ext.global); break;
    }
  }

  for (size_t i = 0; i < m.functions.size(); ++i) {
    const uint32_t index = m.num_imported_funcs + static_cast<uint32_t>(i);
    const Function& fn = *m.functions[i];
    auto f = std::make_unique<FuncInst>();
    f->type_id = fn.type_id;
    f->type = &m.types[fn.type_index];
    f->instance = inst;
    f->code = &fn;
    f->index = index;
    funcs_.push_back(std::move(f));
    inst->funcs.push_back(funcs_.back().get());
  }

  for (size_t i = m.num_imported_tables; i < m.tables.size(); ++i) inst->tables.push_back(new_table(m.tables[i]));
  for (size_t i = m.num_imported_memories; i < m.memories.size(); ++i)
    inst->memories.push_back(new_memory(m.memories[i]));
  // Initialisers may only read imported globals, which are all in place already.
  for (const GlobalDef& g : m.global_defs) inst->globals.push_back(new_global(g.type, eval_const(g.init, *inst)));

  inst->elem_segments.resize(m.elems.size());
  for (size_t i = 0; i < m.elems.size(); ++i) {
    auto& refs = inst->elem_segments[i];
    refs.reserve(m.elems[i].items.size());
    for (const ConstExpr& item : m.elems[i].items) refs.push_back(eval_const(item, *inst));
  }
  inst->data_dropped.assign(m.datas.size(), false);

  // Segments are applied in order; a failing one leaves the earlier writes in place.
  for (size_t i = 0; i < m.elems.size(); ++i) {
    const ElemSegment& seg = m.elems[i];
    auto& refs = inst->elem_segments[i];
    if (seg.mode == SegmentMode::Active) {
      Table& table = *inst->tables[seg.table];
      const uint64_t offset = static_cast<uint32_t>(eval_const(seg.offset, *inst));
      if (offset + refs.size() > table.elems.size()) throw TrapError("out of bounds table access");
      std::copy(refs.begin(), refs.end(), table.elems.begin() + static_cast<ptrdiff_t>(offset));
    }
    if (seg.mode != SegmentMode::Passive) {
      refs.clear();
      refs.shrink_to_fit();
    }
  }
  for (size_t i = 0; i < m.datas.size(); ++i) {
    const DataSegment& seg = m.datas[i];
    if (seg.mode != SegmentMode::Active) continue;
    Memory& mem = *inst->memories[seg.memory];
    const uint64_t offset = static_cast<uint32_t>(eval_const(seg.offset, *inst));
    if (offset + seg.bytes.size() > mem.size) throw TrapError("out of bounds memory access");
    if (!seg.bytes.empty()) std::memcpy(mem.data + offset, seg.bytes.data(), seg.bytes.size());
    inst->data_dropped[i] = true;
  }
  return inst;
}

}  // namespace wippy::interp
