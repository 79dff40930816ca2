// The decoded, validated and translated module: immutable after decode_module()
// returns (but for the code of lazily translated functions, see Function), shared by
// every instance and thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "interp/types.h"

namespace wippy::interp {

// Two 32-bit operands packed in one code word (frame slot indices, mostly).
struct SlotPair {
  uint32_t x, y;
};

// One 64-bit word of internal code: a handler address (threaded dispatch) or an
// immediate operand.
union Slot {
  SlotPair pair;
  const void* op;
  uint64_t u64;
  int64_t i64;
  uint32_t u32;
  int32_t i32;
  const Slot* target;  // resolved branch target
  const void* ptr;
};
static_assert(sizeof(Slot) == 8);

// A constant expression (global initialisers, segment offsets and items), stored as
// a tiny instruction list: extended-const allows i32/i64 add, sub and mul in it.
struct ConstInstr {
  enum class Op : uint8_t {
    I32Const, I64Const, F32Const, F64Const, V128Const, RefNull, RefFunc, GlobalGet,
    I32Add, I32Sub, I32Mul, I64Add, I64Sub, I64Mul,
  };
  Op op;
  uint64_t imm;         // constant bits (v128: low cell), function index or global index
  uint64_t imm_hi = 0;  // v128.const: the high cell
};
struct ConstExpr {
  std::vector<ConstInstr> instrs;
};

struct Import {
  std::string module;
  std::string name;
  ExternKind kind;
  uint32_t type_index = 0;  // Func: index into Module::types
  TableType table;
  MemoryType memory;
  GlobalType global;
};

struct Export {
  std::string name;
  ExternKind kind;
  uint32_t index;
};

struct GlobalDef {
  GlobalType type;
  ConstExpr init;
};

enum class SegmentMode : uint8_t { Active, Passive, Declarative };

struct ElemSegment {
  SegmentMode mode = SegmentMode::Passive;
  uint32_t table = 0;
  ConstExpr offset;
  ValType type = ValType::FuncRef;
  std::vector<ConstExpr> items;
};

struct DataSegment {
  SegmentMode mode = SegmentMode::Passive;
  uint32_t memory = 0;
  ConstExpr offset;
  std::vector<uint8_t> bytes;
};

// Maps an internal code position back to the wasm byte offset of the instruction it
// came from (for trap backtraces).
struct OffsetEntry {
  uint32_t slot;         // index into Function::code
  uint32_t wasm_offset;  // byte offset in the module binary
};

// A function defined in the module, translated to internal code. Decoding fills
// everything but the code; the code is translated at load, or on the function's first
// call when the module is translated lazily (see Module::lazy). Only `entry`, `code`
// and `offsets` change after load, once, under Module::translate_mutex.
struct Function {
  Function() = default;
  Function(const Function&) = delete;  // `entry` points into `code`
  Function& operator=(const Function&) = delete;

  uint32_t type_index = 0;
  uint32_t type_id = 0;        // canonical_type_id of its type
  uint32_t num_params = 0;     // in cells
  uint32_t num_results = 0;    // in cells
  uint32_t num_locals = 0;     // params + declared locals, in cells
  // Where the operand stack starts: after the locals and one hidden cell that is
  // zeroed at entry and never written (the translator's constant 0).
  uint32_t locals_end = 0;
  uint32_t max_stack = 0;      // operand stack cells needed above the locals
  // Cells a call needs: locals_end + max_stack, and at least num_params +
  // kZeroedAtEntry (a call clears that many cells after the parameters at once).
  uint32_t frame_size = 0;
  static constexpr uint32_t kZeroedAtEntry = 4;
  uint32_t zero_cells = 0;      // declared locals + the zero cell: cleared at entry
  // Where a call starts. The word before it is the fuel the call charges itself: the
  // cost of the function's first segment, whose Fuel instruction it skips (so an
  // out-of-budget call yields before the call). Untranslated, it is Module::lazy_entry
  // (no fuel; its instruction translates the function and runs it from the start).
  // Read with acquire: code, offsets and the words around entry are published by it.
  mutable std::atomic<const Slot*> entry{nullptr};
  std::vector<ValType> local_types;  // declared locals only (after params)
  mutable std::vector<Slot> code;            // starts with the first segment's Fuel instruction
  mutable std::vector<OffsetEntry> offsets;  // sorted by slot
  uint32_t body_offset = 0;          // wasm byte offset of the body
  uint32_t instrs_offset = 0;        // ...of its first instruction (after the locals)
  uint32_t body_end = 0;             // ...just past its final `end`

  const Slot* entry_acquire() const { return entry.load(std::memory_order_acquire); }
  // wasm byte offset of the instruction that produced code[slot].
  uint32_t wasm_offset_of(size_t slot) const;
};

// Aligned to a cache line so that a shared_ptr's count made with it (make_shared)
// sits on a line of its own: threads that instantiate the module read its first
// fields while the spawning thread updates the count.
struct alignas(64) Module {
  // Whether the code carries Fuel instructions. Unmetered code ignores budgets and
  // fuel limits and runs to completion; it exists to measure what metering costs.
  bool fuel_metering = true;
  // Whether a module may have several memories (the multi-memory proposal, part of
  // WebAssembly 3.0). Off: WebAssembly 2.0 rules, at most one memory and the memory
  // immediates of memory.size/grow/fill/copy/init are zero bytes.
  bool multi_memory = true;
  std::vector<FuncType> types;
  std::vector<uint32_t> type_ids;  // canonical id per entry of types
  std::vector<Import> imports;
  // Function index space: imported functions first, then defined ones.
  std::vector<uint32_t> func_types;  // type index per function (imports included)
  uint32_t num_imported_funcs = 0;
  std::vector<std::unique_ptr<Function>> functions;  // defined functions only
  std::vector<TableType> tables;                     // imports included
  uint32_t num_imported_tables = 0;
  std::vector<MemoryType> memories;  // imports included
  uint32_t num_imported_memories = 0;
  std::vector<GlobalType> globals;  // imports included
  uint32_t num_imported_globals = 0;
  std::vector<GlobalDef> global_defs;  // defined globals only
  std::vector<Export> exports;
  std::optional<uint32_t> start;
  std::vector<ElemSegment> elems;
  std::vector<DataSegment> datas;
  std::optional<uint32_t> data_count;
  // Functions that may be referenced by ref.func in code (the spec's C.refs): those
  // named in element segments, exports and global initialisers.
  std::vector<bool> declared_funcs;
  std::unordered_map<uint32_t, std::string> func_names;  // from the name section
  std::string module_name;                                // from the name section
  size_t code_bytes = 0;  // size of the code section, for load statistics

  // Lazy translation: bodies are validated at load and translated on first call.
  // code_section holds the code section's bytes (from module offset
  // code_section_offset) for that; translate_mutex serialises those translations.
  bool lazy = false;
  std::vector<uint8_t> code_section;
  size_t code_section_offset = 0;
  mutable std::mutex translate_mutex;
  // The entry of every untranslated function: {no fuel, TranslateOnCall}.
  Slot lazy_entry[2] = {};

  const FuncType& func_type(uint32_t func_index) const { return types[func_types[func_index]]; }
  const Function& function(uint32_t func_index) const {
    return *functions[func_index - num_imported_funcs];
  }
  const Export* find_export(std::string_view name) const;
  std::string func_name(uint32_t func_index) const;  // name section name or ""
};

struct DecodeOptions {
  bool fuel_metering = true;
  bool multi_memory = true;  // see Module::multi_memory
  // Threads that translate the function bodies (see compile_threads in compiler.h):
  // 0 picks by code size, 1 is sequential. The result does not depend on it.
  unsigned compile_threads = 0;
  // When function bodies are translated: Auto translates code sections of at least
  // kLazyTranslationBytes lazily (each body on its first call), smaller ones at load.
  // Validation is always complete at load. The result of a run does not depend on it.
  enum class Translation : uint8_t { Auto, Eager, Lazy };
  Translation translation = Translation::Auto;
};
constexpr size_t kLazyTranslationBytes = 1 << 20;

// Translates `fn`, a function of `m`, if it is not yet (lazy translation): thread-safe,
// at most once. Returns the start of its code (its first Fuel instruction), or
// nullptr if translation failed (out of memory: the caller traps).
const Slot* ensure_translated(const Module& m, const Function& fn);

// Throws ModuleError "module too large: N bytes (limit L)" if a binary of `size`
// bytes exceeds limits::kModuleBytes (also used before reading a file).
void check_module_size(uint64_t size);

// Decodes, validates and translates a binary module. Throws ModuleError naming what
// is wrong and the byte offset.
std::shared_ptr<const Module> decode_module(std::span<const uint8_t> bytes, const DecodeOptions& options = {});

}  // namespace wippy::interp
