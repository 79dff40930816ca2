// Runtime objects: the Store that owns them, memories, tables, globals, function
// instances, module instances, and instantiation.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "interp/module.h"

namespace wippy::interp {

struct Instance;
class Execution;
struct Memory;

// An operation a host function could not finish at once. The embedder subclasses it,
// completes it elsewhere and calls Execution::resume with the results.
struct HostPending {
  virtual ~HostPending() = default;
};

struct HostResult {
  enum class Kind { Ok, Trap, Suspend };
  Kind kind = Kind::Ok;
  std::string trap_message;
  std::unique_ptr<HostPending> pending;

  static HostResult ok() { return {}; }
  static HostResult trap(std::string message) { return {Kind::Trap, std::move(message), nullptr}; }
  static HostResult suspend(std::unique_ptr<HostPending> p) { return {Kind::Suspend, {}, std::move(p)}; }
};

// What a host function sees of its caller.
struct HostCall {
  Instance* caller = nullptr;  // instance whose code made the call (null if invoked directly)
  Execution* execution = nullptr;
  void* user = nullptr;  // Execution::user_data
  // The caller's memory `index` (default 0), or null if it has none by that index.
  Memory* memory(uint32_t index = 0) const;

  // Charges `units` of fuel to the calling run for work the host function does
  // (bytes copied, filled or generated), before it does it. False when the store's
  // fuel limit cannot pay them: nothing is charged, the function should return at
  // once without doing the work, and the call then traps with `fuel exhausted`
  // whatever the function returns. Charges past the run's budget make the run yield
  // (OutOfBudget) right after the call. Unmetered code charges nothing.
  bool charge(uint64_t units) {
    if (refused_fuel) return false;
    if (units > fuel_allowed - fuel_charged) {
      refused_fuel = true;
      return false;
    }
    fuel_charged += units;
    return true;
  }
  // Set by the execution before the call: what the fuel limit still allows.
  uint64_t fuel_allowed = UINT64_MAX;
  // What charge() took, and whether it refused a charge (read by the execution).
  uint64_t fuel_charged = 0;
  bool refused_fuel = false;
};

// args: the parameters' cells (one per value, i32 zero-extended, floats as bits, refs
// as pointers, v128 as two cells low half first: cell_count()); results: the results'
// cells, to be filled by the function.
using HostFn = std::function<HostResult(HostCall& call, const uint64_t* args, uint64_t* results)>;

struct HostFunc {
  FuncType type;
  HostFn fn;
  std::string name;  // for backtraces: "module.name"
};

// What all tables (or all memories) of one store may hold together: table elements
// (StoreLimits::max_table_elements) or memory pages (StoreLimits::max_total_memory_pages).
struct StoreBudget {
  uint64_t limit = UINT64_MAX;
  uint64_t used = 0;
  bool fits(uint64_t n) const { return n <= limit - used; }
  // Takes n elements if they fit under the limit.
  bool take(uint64_t n) {
    if (!fits(n)) return false;
    used += n;
    return true;
  }
};

struct Memory {
  MemoryType type;
  uint8_t* data = nullptr;
  uint64_t size = 0;       // bytes
  uint32_t pages = 0;
  uint32_t max_pages = 0;  // effective maximum: type max, capped by the store limit
  StoreBudget* budget = nullptr;  // pages of the store's memories; null: no total limit

  // Throws LinkError if the initial size exceeds `limit_pages` or the budget.
  Memory(MemoryType t, uint32_t limit_pages, StoreBudget* shared_budget = nullptr);
  ~Memory();
  Memory(const Memory&) = delete;
  Memory& operator=(const Memory&) = delete;
  // Whether the limits allow `delta` more pages (the allocation may still fail).
  bool can_grow(uint32_t delta) const {
    return uint64_t{pages} + delta <= max_pages && (budget == nullptr || budget->fits(delta));
  }
  // Returns the old size in pages, or -1 if the memory cannot grow by delta.
  int64_t grow(uint32_t delta);
};

struct Table {
  TableType type;
  std::vector<uint64_t> elems;  // 0 is null; funcref = FuncInst*, externref = host value
  uint32_t max_size = 0;        // effective maximum
  StoreBudget* budget = nullptr;  // shared by the store's tables; null: no total limit

  // Throws LinkError if the initial size exceeds `limit_size` or the budget.
  Table(TableType t, uint32_t limit_size, uint64_t init = 0, StoreBudget* shared_budget = nullptr);
  // Whether this table's maximum and the store's budget allow `delta` more elements.
  bool can_grow(uint32_t delta) const {
    return uint64_t{elems.size()} + delta <= max_size && (budget == nullptr || budget->fits(delta));
  }
  int64_t grow(uint32_t delta, uint64_t init);  // old size or -1
};

// A global's value in cells: `value` alone, or for a v128 `value` (low half) then
// `value_hi` (high half), adjacent so that the pair can be copied as two cells.
struct Global {
  GlobalType type;
  uint64_t value = 0;
  uint64_t value_hi = 0;  // a v128's second cell
};

struct FuncInst {
  uint32_t type_id = 0;           // canonical type id
  const FuncType* type = nullptr;
  Instance* instance = nullptr;   // owning instance (null for host functions)
  const Function* code = nullptr; // defined function, or null for host
  const HostFunc* host = nullptr;
  uint32_t index = 0;             // function index within its module
};

struct Extern {
  ExternKind kind = ExternKind::Func;
  union {
    FuncInst* func;
    Table* table;
    Memory* memory;
    Global* global;
  };
  Extern() : func(nullptr) {}
  static Extern of(FuncInst* f) { Extern e; e.kind = ExternKind::Func; e.func = f; return e; }
  static Extern of(Table* t) { Extern e; e.kind = ExternKind::Table; e.table = t; return e; }
  static Extern of(Memory* m) { Extern e; e.kind = ExternKind::Memory; e.memory = m; return e; }
  static Extern of(Global* g) { Extern e; e.kind = ExternKind::Global; e.global = g; return e; }
};

struct Instance {
  std::shared_ptr<const Module> module;
  // Every function, the imported ones first. The defined functions' instances and this
  // table share one block per instance, so instantiating a module costs one allocation
  // for its functions, however many it has.
  std::span<FuncInst* const> funcs;
  std::unique_ptr<std::byte[]> func_block;
  std::vector<Table*> tables;
  std::vector<Memory*> memories;
  std::vector<Global*> globals;
  std::unique_ptr<Global[]> defined_globals;  // likewise, after the imported ones
  std::vector<std::vector<uint64_t>> elem_segments;  // resolved refs; emptied by elem.drop
  std::vector<bool> data_dropped;

  std::optional<Extern> get_export(std::string_view name) const;
};

// Limits that apply to everything running in one store (one process).
struct StoreLimits {
  uint64_t fuel = 0;                   // total units; 0 = unlimited
  uint32_t max_memory_pages = 16384;   // 1 GiB per memory
  // Pages of all memories together (2 GiB), so that many memories (multi-memory)
  // cannot multiply the per-memory limit.
  uint64_t max_total_memory_pages = 32768;
  uint32_t max_table_size = 1u << 20;  // elements per table
  // Elements of all tables together (8 bytes each: 32 MiB), so that many tables
  // cannot multiply the per-table limit.
  uint64_t max_table_elements = 1u << 22;
  uint32_t max_call_depth = 10000;
  uint32_t max_stack_cells = 1u << 20;  // 8 MiB of value stack
};

// Owns every runtime object of one process (or one spec script).
class Store {
 public:
  explicit Store(StoreLimits limits = {}) : limits_(limits) {}
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const StoreLimits& limits() const { return limits_; }
  StoreLimits& limits() { return limits_; }

  Memory* new_memory(MemoryType type);
  Table* new_table(TableType type, uint64_t init = 0);
  Global* new_global(GlobalType type, uint64_t value, uint64_t value_hi = 0);  // hi: v128
  FuncInst* new_host_func(std::shared_ptr<const HostFunc> fn);

  // Resolves imports (in the module's import order), allocates and initialises
  // tables, memories, globals and segments. Throws LinkError when an import is
  // missing or has the wrong type, TrapError when a segment is out of bounds.
  // Does not run the start function: the caller runs module->start (if any)
  // through an Execution, because it may suspend.
  Instance* instantiate(std::shared_ptr<const Module> module, std::span<const Extern> imports);

  // Pages of all memories of this store (memories never shrink: also the peak).
  uint64_t memory_pages() const { return memory_budget_.used; }

  // Fuel consumed by every execution in this store.
  uint64_t fuel_consumed = 0;

 private:
  friend class Execution;
  StoreLimits limits_;
  StoreBudget table_budget_;
  StoreBudget memory_budget_;
  std::vector<std::unique_ptr<Memory>> memories_;
  std::vector<std::unique_ptr<Table>> tables_;
  std::vector<std::unique_ptr<Global>> globals_;
  std::vector<std::unique_ptr<FuncInst>> funcs_;             // host functions
  std::vector<std::shared_ptr<const HostFunc>> host_funcs_;
  // A process's store usually holds one instance: it lives inside the store (two
  // allocations fewer per instantiation), any more are allocated.
  std::optional<Instance> first_instance_;
  std::vector<std::unique_ptr<Instance>> instances_;
};

// A trap outside an execution (instantiation: segment out of bounds).
class TrapError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Checks an extern against an import's declared type (spec "import matching").
// Returns an empty string if it matches, else the reason ("incompatible import type").
std::string match_import(const Module& module, const Import& import, const Extern& ext);

}  // namespace wippy::interp
