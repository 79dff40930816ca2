// Runtime objects (memories, tables, globals, function instances), import matching
// and instantiation.
#include "interp/instance.h"

#include <string>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <new>
#include <type_traits>

#include <sys/mman.h>

namespace wippy::interp {

Memory* HostCall::memory(uint32_t index) const {
  if (caller == nullptr || index >= caller->memories.size()) return nullptr;
  return caller->memories[index];
}

// --- Memory ---------------------------------------------------------------------

namespace {

// Linear memory comes straight from the kernel: pages are zero and cost no RSS
// until the guest touches them, so an idle process with a big memory stays small.
uint8_t* map_zero_pages(uint64_t bytes) {
  void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return p == MAP_FAILED ? nullptr : static_cast<uint8_t*>(p);
}

// Grows a mapping (moving it if need be); the added pages are zero.
uint8_t* remap_zero_pages(uint8_t* data, uint64_t old_bytes, uint64_t new_bytes) {
  void* p = ::mremap(data, old_bytes, new_bytes, MREMAP_MAYMOVE);
  return p == MAP_FAILED ? nullptr : static_cast<uint8_t*>(p);
}

// An empty memory still has a valid pointer, so that zero-length accesses at address
// 0 never touch a null pointer; nothing is ever written through it.
uint8_t* empty_memory() {
  alignas(16) static uint8_t none[16];
  return none;
}

}  // namespace

Memory::Memory(MemoryType t, uint32_t limit_pages, StoreBudget* shared_budget)
    : type(t), budget(shared_budget) {
  const uint32_t type_max = t.limits.max.value_or(kMaxPages);
  max_pages = std::min(type_max, limit_pages);
  if (t.limits.min > max_pages)
    throw LinkError("memory of " + std::to_string(t.limits.min) + " pages exceeds the limit of " +
                    std::to_string(max_pages) + " pages");
  if (budget && !budget->fits(t.limits.min))
    throw LinkError("memory of " + std::to_string(t.limits.min) + " pages exceeds the limit of " +
                    std::to_string(budget->limit) + " memory pages per store (" +
                    std::to_string(budget->used) + " in use)");
  pages = t.limits.min;
  size = uint64_t{pages} * kPageSize;
  if (size) {
    data = map_zero_pages(size);
    if (data == nullptr) throw LinkError("memory allocation failed");
  } else {
    data = empty_memory();
  }
  if (budget) budget->take(pages);
}

// The pages go back to the store's budget only with the store: a memory lives as
// long as its store.
Memory::~Memory() {
  if (size) ::munmap(data, size);
}

int64_t Memory::grow(uint32_t delta) {
  const uint32_t old = pages;
  if (!can_grow(delta)) return -1;
  if (delta == 0) return old;
  const uint64_t new_size = (uint64_t{old} + delta) * kPageSize;
  // The kernel zero-fills the new pages when they are first touched.
  uint8_t* p = size ? remap_zero_pages(data, size, new_size) : map_zero_pages(new_size);
  if (p == nullptr) return -1;
  data = p;
  size = new_size;
  pages = old + delta;
  if (budget) budget->take(delta);
  return old;
}

// --- Table ----------------------------------------------------------------------

Table::Table(TableType t, uint32_t limit_size, uint64_t init, StoreBudget* shared_budget)
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
  memory_budget_.limit = limits_.max_total_memory_pages;
  memories_.push_back(std::make_unique<Memory>(type, limits_.max_memory_pages, &memory_budget_));
  return memories_.back().get();
}

Table* Store::new_table(TableType type, uint64_t init) {
  table_budget_.limit = limits_.max_table_elements;
  tables_.push_back(std::make_unique<Table>(type, limits_.max_table_size, init, &table_budget_));
  return tables_.back().get();
}

Global* Store::new_global(GlobalType type, uint64_t value, uint64_t value_hi) {
  globals_.push_back(std::make_unique<Global>(Global{type, value, value_hi}));
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

// The value of a constant expression in cells: `lo` alone, or a v128 as lo and hi.
struct ConstValue {
  uint64_t lo = 0, hi = 0;
};

// Evaluates a constant expression of a validated module. Values are cells: i32
// zero-extended, floats as bits, references as FuncInst* or 0 for null, v128 as two
// cells. Validation guarantees the operands of every operator and one value at the
// end; the usual expression is a single instruction.
ConstValue eval_const(const ConstExpr& e, const Instance& inst) {
  if (e.instrs.size() == 1) {
    const ConstInstr& in = e.instrs[0];
    switch (in.op) {
      case ConstInstr::Op::RefFunc: return {reinterpret_cast<uintptr_t>(inst.funcs[in.imm])};
      case ConstInstr::Op::RefNull: return {};
      case ConstInstr::Op::GlobalGet: return {inst.globals[in.imm]->value, inst.globals[in.imm]->value_hi};
      default: return {in.imm, in.imm_hi};
    }
  }
  // Extended constant expressions: operands nest to any depth.
  std::vector<ConstValue> stack;
  stack.reserve(e.instrs.size());
  auto binary = [&stack](auto f) {
    const uint64_t b = stack.back().lo;
    stack.pop_back();
    stack.back().lo = f(stack.back().lo, b);
  };
  for (const ConstInstr& in : e.instrs) {
    switch (in.op) {
      case ConstInstr::Op::I32Const:
      case ConstInstr::Op::I64Const:
      case ConstInstr::Op::F32Const:
      case ConstInstr::Op::F64Const:
      case ConstInstr::Op::V128Const: stack.push_back({in.imm, in.imm_hi}); break;
      case ConstInstr::Op::RefNull: stack.push_back({}); break;
      case ConstInstr::Op::RefFunc: stack.push_back({reinterpret_cast<uintptr_t>(inst.funcs[in.imm])}); break;
      case ConstInstr::Op::GlobalGet:
        stack.push_back({inst.globals[in.imm]->value, inst.globals[in.imm]->value_hi});
        break;
      case ConstInstr::Op::I32Add: binary([](uint64_t a, uint64_t b) { return uint32_t(a + b); }); break;
      case ConstInstr::Op::I32Sub: binary([](uint64_t a, uint64_t b) { return uint32_t(a - b); }); break;
      case ConstInstr::Op::I32Mul: binary([](uint64_t a, uint64_t b) { return uint32_t(a * b); }); break;
      case ConstInstr::Op::I64Add: binary([](uint64_t a, uint64_t b) { return a + b; }); break;
      case ConstInstr::Op::I64Sub: binary([](uint64_t a, uint64_t b) { return a - b; }); break;
      case ConstInstr::Op::I64Mul: binary([](uint64_t a, uint64_t b) { return a * b; }); break;
    }
  }
  return stack.empty() ? ConstValue{} : stack.back();
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
  Instance* inst;
  if (!first_instance_) {
    inst = &first_instance_.emplace();
  } else {
    instances_.push_back(std::make_unique<Instance>());
    inst = instances_.back().get();
  }
  inst->module = std::move(module);  // `m` stays valid: the instance holds it

  // The block: the defined functions' instances, then the table of all functions.
  // (match_import above checked that num_imported_funcs of the imports are functions.)
  const size_t num_funcs = m.num_imported_funcs + m.functions.size();
  inst->func_block =
      std::make_unique_for_overwrite<std::byte[]>(m.functions.size() * sizeof(FuncInst) + num_funcs * sizeof(FuncInst*));
  FuncInst* defined = reinterpret_cast<FuncInst*>(inst->func_block.get());
  FuncInst** table = reinterpret_cast<FuncInst**>(defined + m.functions.size());
  size_t next_func = 0;
  for (const Extern& ext : imports) {
    switch (ext.kind) {
      case ExternKind::Func: table[next_func++] = ext.func; break;
      case ExternKind::Table: inst->tables.push_back(ext.table); break;
      case ExternKind::Memory: inst->memories.push_back(ext.memory); break;
      case ExternKind::Global: inst->globals.push_back(ext.global); break;
    }
  }
  for (size_t i = 0; i < m.functions.size(); ++i) {
    const Function& fn = *m.functions[i];
    static_assert(std::is_trivially_destructible_v<FuncInst>, "the block frees them without destroying them");
    FuncInst* f = new (&defined[i]) FuncInst{};
    f->type_id = fn.type_id;
    f->type = &m.types[fn.type_index];
    f->instance = inst;
    f->code = &fn;
    f->index = m.num_imported_funcs + static_cast<uint32_t>(i);
    table[next_func++] = f;
  }
  inst->funcs = {table, num_funcs};

  for (size_t i = m.num_imported_tables; i < m.tables.size(); ++i) inst->tables.push_back(new_table(m.tables[i]));
  for (size_t i = m.num_imported_memories; i < m.memories.size(); ++i)
    inst->memories.push_back(new_memory(m.memories[i]));
  // Initialisers may only read imported globals, which are all in place already.
  if (!m.global_defs.empty()) {
    inst->defined_globals = std::make_unique<Global[]>(m.global_defs.size());
    inst->globals.reserve(inst->globals.size() + m.global_defs.size());
    for (size_t i = 0; i < m.global_defs.size(); ++i) {
      const GlobalDef& g = m.global_defs[i];
      const ConstValue v = eval_const(g.init, *inst);
      inst->defined_globals[i] = Global{g.type, v.lo, v.hi};
      inst->globals.push_back(&inst->defined_globals[i]);
    }
  }

  inst->elem_segments.resize(m.elems.size());
  for (size_t i = 0; i < m.elems.size(); ++i) {
    auto& refs = inst->elem_segments[i];
    refs.reserve(m.elems[i].items.size());
    for (const ConstExpr& item : m.elems[i].items) refs.push_back(eval_const(item, *inst).lo);
  }
  inst->data_dropped.assign(m.datas.size(), false);

  // Segments are applied in order; a failing one leaves the earlier writes in place.
  for (size_t i = 0; i < m.elems.size(); ++i) {
    const ElemSegment& seg = m.elems[i];
    auto& refs = inst->elem_segments[i];
    if (seg.mode == SegmentMode::Active) {
      Table& table = *inst->tables[seg.table];
      const uint64_t offset = static_cast<uint32_t>(eval_const(seg.offset, *inst).lo);
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
    const uint64_t offset = static_cast<uint32_t>(eval_const(seg.offset, *inst).lo);
    if (offset + seg.bytes.size() > mem.size) throw TrapError("out of bounds memory access");
    if (!seg.bytes.empty()) std::memcpy(mem.data + offset, seg.bytes.data(), seg.bytes.size());
    inst->data_dropped[i] = true;
  }
  return inst;
}

}  // namespace wippy::interp
