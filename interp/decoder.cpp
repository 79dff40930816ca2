// Decoding of the WebAssembly 2.0 binary format into a Module, with the checks the
// spec makes at module level. Function bodies are handed to compile_function once
// every section has been read, so that (as in the reference interpreter) a
// malformed later section is reported before an invalid body.
#include <algorithm>
#include <cstring>
#include <string_view>
#include <unordered_set>

#include "interp/compiler.h"
#include "interp/decode_util.h"
#include "interp/execution.h"
#include "interp/limits.h"
#include "interp/module.h"
#include "interp/ops.h"
#include "interp/reader.h"
#include "interp/wasm_opcodes.h"

namespace wippy::interp {
namespace {

constexpr const char* kUnexpectedEnd = "unexpected end of section or function";

constexpr uint8_t kLastSectionId = static_cast<uint8_t>(SectionId::DataCount);

// Where each section id must appear relative to the others (the data count section,
// the last id, comes before code and data).
int section_rank(SectionId id) {
  static constexpr int kRank[kLastSectionId + 1] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10};
  return kRank[static_cast<uint8_t>(id)];
}

[[noreturn]] void malformed(const std::string& message, size_t offset) {
  Reader::fail_at(message, offset);
}

// Refuses a count above one of the implementation limits in interp/limits.h:
// "too many <what>: <count> (limit <limit>)" at `offset`.
void check_limit(const char* what, uint64_t count, uint64_t limit, size_t offset) {
  if (count <= limit) return;
  malformed(std::string("too many ") + what + ": " + std::to_string(count) + " (limit " +
                std::to_string(limit) + ")",
            offset);
}

// Reads a count and refuses it if, added to the `existing` entries, it exceeds `limit`.
uint32_t read_count(Reader& s, const char* what, uint64_t limit, uint64_t existing = 0) {
  const size_t at = s.offset();
  const uint32_t count = s.u32();
  check_limit(what, existing + count, limit, at);
  return count;
}

// The SIMD sub-opcode (after 0xFD) of v128.const, the one constant SIMD instruction.
constexpr uint32_t kSimdV128Const = 12;

// Opcodes that exist in WebAssembly 2.0 (SIMD is handled apart): in a constant
// expression these are "constant expression required", any other byte is an illegal
// opcode.
bool is_known_opcode(WasmOp op) {
  using W = WasmOp;
  return op <= W::Else || (op >= W::End && op <= W::ReturnCallIndirect) ||
         (op >= W::Drop && op <= W::SelectT) || (op >= W::LocalGet && op <= W::TableSet) ||
         (op >= W::I32Load && op <= W::I64Extend32S) || (op >= W::RefNull && op <= W::RefFunc) ||
         op == W::PrefixFC;
}

std::string hex_byte(uint8_t b) {
  static constexpr char kDigits[] = "0123456789abcdef";
  return {kDigits[b >> 4], kDigits[b & 15]};
}

struct PendingBody {
  size_t begin;        // absolute offset of the body (its local declarations)
  size_t size;
  size_t section_end;  // absolute end of the code section
};

class Decoder {
 public:
  Decoder(std::span<const uint8_t> bytes, Module& m, const DecodeOptions& options)
      : bytes_(bytes), m_(m), options_(options) {}

  void run() {
    Reader r(bytes_);
    header(r);
    int last_rank = 0;
    while (!r.at_end()) {
      const size_t id_at = r.offset();
      const uint8_t id_byte = r.u8();
      if (id_byte > kLastSectionId) malformed("malformed section id", id_at);
      const auto id = static_cast<SectionId>(id_byte);
      const size_t size_at = r.offset();
      const uint32_t size = r.u32();
      if (size > r.remaining()) malformed("length out of bounds", size_at);
      // Like the reference decoder, read the contents without stopping at the
      // declared end, then compare: a count that is too large then fails the way
      // the spec tests expect ("section size mismatch", "length out of bounds").
      Reader s(bytes_.subspan(r.pos()), r.offset());
      if (id == SectionId::Custom) {
        check_limit("custom sections", ++custom_sections_, limits::kCustomSections, id_at);
      } else {
        // Each known section at most once, in the prescribed order.
        if (section_rank(id) <= last_rank) malformed("unexpected content after last section", id_at);
        last_rank = section_rank(id);
      }
      try {
        section(id, s, size);
      } catch (const ModuleError& e) {
        // Running off the end of a section is reported the way the spec tests expect.
        if (e.kind() == ModuleError::Kind::Malformed && std::string_view(e.what()) == "unexpected end")
          malformed(kUnexpectedEnd, e.offset());
        throw;
      }
      if (s.pos() != size) malformed("section size mismatch", s.offset());
      r.bytes(size);
    }

    const uint32_t num_defined = static_cast<uint32_t>(m_.func_types.size()) - m_.num_imported_funcs;
    if (bodies_.size() != num_defined)
      malformed("function and code section have inconsistent lengths", bytes_.size());
    if (m_.data_count && *m_.data_count != m_.datas.size())
      malformed("data count and data section have inconsistent lengths", bytes_.size());
    m_.declared_funcs.resize(m_.func_types.size());

    // Every Function exists before the first body is translated: a call refers to
    // its callee's Function by address.
    m_.functions.reserve(bodies_.size());
    for (size_t i = 0; i < bodies_.size(); ++i) {
      auto fn = std::make_unique<Function>();
      fn->type_index = m_.func_types[m_.num_imported_funcs + i];
      fn->type_id = m_.type_ids[fn->type_index];
      fn->body_offset = static_cast<uint32_t>(bodies_[i].begin);
      const FuncType& type = m_.types[fn->type_index];
      fn->num_params = cell_count(type.params);
      fn->num_results = cell_count(type.results);
      m_.functions.push_back(std::move(fn));
    }
    if (translate_lazily(options_.translation, m_.code_bytes)) keep_code_section();
    // From here on the module is read-only but for each body's own Function, so the
    // bodies may be translated on several threads.
    std::vector<uint32_t> sizes(bodies_.size());
    for (size_t i = 0; i < bodies_.size(); ++i) sizes[i] = static_cast<uint32_t>(bodies_[i].size);
    compile_bodies(m_, sizes, compile_threads(m_.code_bytes, options_.compile_threads),
                   [this](FunctionCompiler& compiler, size_t i) { compile(compiler, *m_.functions[i], bodies_[i]); });
  }

 private:
  void header(Reader& r) {
    static constexpr uint8_t kMagic[4] = {0x00, 0x61, 0x73, 0x6d};
    auto magic = r.bytes(4);
    if (!std::equal(magic.begin(), magic.end(), kMagic)) malformed("magic header not detected", 0);
    auto version = r.bytes(4);
    static constexpr uint8_t kVersion[4] = {0x01, 0x00, 0x00, 0x00};
    if (!std::equal(version.begin(), version.end(), kVersion)) malformed("unknown binary version", 4);
  }

  void section(SectionId id, Reader& s, uint32_t size) {
    switch (id) {
      case SectionId::Custom: return custom_section(s, size);
      case SectionId::Type: return type_section(s);
      case SectionId::Import: return import_section(s);
      case SectionId::Function: return function_section(s);
      case SectionId::Table: return table_section(s);
      case SectionId::Memory: return memory_section(s);
      case SectionId::Global: return global_section(s);
      case SectionId::Export: return export_section(s);
      case SectionId::Start: return start_section(s);
      case SectionId::Element: return elem_section(s);
      case SectionId::Code: m_.code_bytes = size; return code_section(s);
      case SectionId::Data: return data_section(s);
      case SectionId::DataCount: m_.data_count = s.u32(); return;
    }
  }

  // --- custom sections --------------------------------------------------------

  void custom_section(Reader& s, uint32_t size) {
    const std::string name = s.name();
    if (s.pos() > size) malformed(kUnexpectedEnd, s.offset());
    Reader payload = s.sub(size - s.pos());
    if (name != "name") return;
    // The name section is debug information: a broken one must not fail the load.
    try {
      name_section(payload);
    } catch (const std::exception&) {
    }
  }

  void name_section(Reader& s) {
    while (!s.at_end()) {
      const uint8_t id = s.u8();
      const uint32_t size = s.u32();
      Reader sub = s.sub(size);
      if (id == 0) {
        m_.module_name = sub.name();
      } else if (id == 1) {
        std::unordered_map<uint32_t, std::string> names;
        const uint32_t count = sub.u32();
        // More names than functions a module may have: debug info not worth the memory.
        if (count > limits::kFunctions) continue;
        for (uint32_t i = 0; i < count; ++i) {
          const uint32_t index = sub.u32();
          names[index] = sub.name();
        }
        m_.func_names = std::move(names);
      }
    }
  }

  // --- types, imports, declarations ----------------------------------------------

  void type_section(Reader& s) {
    const uint32_t count = read_count(s, "types", limits::kTypes);
    for (uint32_t i = 0; i < count; ++i) {
      const size_t at = s.offset();
      const uint8_t form = s.u8();
      // The form is a one-byte signed LEB128 number.
      if (form & 0x80) malformed("integer representation too long", at + 1);
      if (form != kFuncTypeForm) malformed("malformed function type", at);
      FuncType t;
      const uint32_t np = read_count(s, "params", limits::kParams);
      for (uint32_t k = 0; k < np; ++k) t.params.push_back(read_val_type(s));
      const uint32_t nr = read_count(s, "results", limits::kResults);
      for (uint32_t k = 0; k < nr; ++k) t.results.push_back(read_val_type(s));
      m_.type_ids.push_back(canonical_type_id(t));
      m_.types.push_back(std::move(t));
    }
  }

  uint32_t type_index(Reader& s) {
    const size_t at = s.offset();
    const uint32_t index = s.u32();
    if (index >= m_.types.size()) fail_invalid("unknown type " + std::to_string(index), at);
    return index;
  }

  static void check_table_type(const TableType& t, size_t at) {
    if (t.limits.max && t.limits.min > *t.limits.max)
      fail_invalid("size minimum must not be greater than maximum", at);
  }

  static void check_memory_type(const MemoryType& t, size_t at) {
    const Limits& l = t.limits;
    if (l.min > kMaxPages || (l.max && *l.max > kMaxPages))
      fail_invalid("memory size must be at most 65536 pages (4GiB)", at);
    if (l.max && l.min > *l.max) fail_invalid("size minimum must not be greater than maximum", at);
  }

  TableType table_type(Reader& s) {
    const size_t at = s.offset();
    TableType t;
    t.elem = read_ref_type(s);
    t.limits = read_limits(s);
    check_table_type(t, at);
    return t;
  }

  MemoryType memory_type(Reader& s) {
    const size_t at = s.offset();
    MemoryType t;
    t.limits = read_limits(s);
    check_memory_type(t, at);
    if (!m_.multi_memory && !m_.memories.empty()) fail_invalid("multiple memories", at);
    return t;
  }

  GlobalType global_type(Reader& s) {
    GlobalType t;
    t.type = read_val_type(s);
    const size_t at = s.offset();
    const uint8_t mut = s.u8();
    if (mut > 1) malformed("malformed mutability", at);
    t.mut = mut == 1;
    return t;
  }

  void import_section(Reader& s) {
    const uint32_t count = read_count(s, "imports", limits::kImports);
    for (uint32_t i = 0; i < count; ++i) {
      Import imp;
      imp.module = s.name();
      imp.name = s.name();
      const size_t at = s.offset();
      switch (static_cast<ExternKind>(s.u8())) {
        case ExternKind::Func:
          imp.kind = ExternKind::Func;
          imp.type_index = type_index(s);
          m_.func_types.push_back(imp.type_index);
          ++m_.num_imported_funcs;
          break;
        case ExternKind::Table:
          check_limit("tables", m_.tables.size() + 1, limits::kTables, at);
          imp.kind = ExternKind::Table;
          imp.table = table_type(s);
          m_.tables.push_back(imp.table);
          ++m_.num_imported_tables;
          break;
        case ExternKind::Memory:
          check_limit("memories", m_.memories.size() + 1, limits::kMemories, at);
          imp.kind = ExternKind::Memory;
          imp.memory = memory_type(s);
          m_.memories.push_back(imp.memory);
          ++m_.num_imported_memories;
          break;
        case ExternKind::Global:
          imp.kind = ExternKind::Global;
          imp.global = global_type(s);
          m_.globals.push_back(imp.global);
          ++m_.num_imported_globals;
          break;
        default:
          malformed("malformed import kind", at);
      }
      m_.imports.push_back(std::move(imp));
    }
  }

  void function_section(Reader& s) {
    const uint32_t count = read_count(s, "functions", limits::kFunctions, m_.num_imported_funcs);
    for (uint32_t i = 0; i < count; ++i) m_.func_types.push_back(type_index(s));
  }

  void table_section(Reader& s) {
    const uint32_t count = read_count(s, "tables", limits::kTables, m_.tables.size());
    for (uint32_t i = 0; i < count; ++i) m_.tables.push_back(table_type(s));
  }

  void memory_section(Reader& s) {
    const uint32_t count = read_count(s, "memories", limits::kMemories, m_.memories.size());
    for (uint32_t i = 0; i < count; ++i) m_.memories.push_back(memory_type(s));
  }

  // --- constant expressions -------------------------------------------------------

  void declare_func(uint32_t index) {
    if (m_.declared_funcs.size() < m_.func_types.size()) m_.declared_funcs.resize(m_.func_types.size());
    m_.declared_funcs[index] = true;
  }

  uint32_t func_index(Reader& s) {
    const size_t at = s.offset();
    const uint32_t index = s.u32();
    if (index >= m_.func_types.size()) fail_invalid("unknown function " + std::to_string(index), at);
    return index;
  }

  // Reads a constant expression up to its `end` and checks it yields one `expected`.
  // Besides the constants, ref.null, ref.func and global.get of WebAssembly 2.0 these
  // are v128.const and the extended-const arithmetic (i32/i64 add, sub, mul).
  ConstExpr const_expr(Reader& s, ValType expected) {
    ConstExpr e;
    std::vector<ValType> stack;
    auto push = [&](ConstInstr in, ValType t) {
      e.instrs.push_back(in);
      stack.push_back(t);
    };
    // An extended-const operator: pops two `t`, pushes one.
    auto binary = [&](ConstInstr::Op o, ValType t, size_t at) {
      if (stack.size() < 2 || stack[stack.size() - 1] != t || stack[stack.size() - 2] != t)
        fail_invalid("type mismatch", at);
      stack.pop_back();
      e.instrs.push_back({o, 0});
    };
    for (;;) {
      const size_t at = s.offset();
      const auto op = static_cast<WasmOp>(s.u8());
      if (op != WasmOp::End)
        check_limit("instructions in a constant expression", e.instrs.size() + 1, limits::kConstExprInstrs, at);
      switch (op) {
        case WasmOp::End:
          if (stack.size() != 1 || stack[0] != expected) fail_invalid("type mismatch", at);
          return e;
        case WasmOp::I32Const:
          push({ConstInstr::Op::I32Const, static_cast<uint32_t>(s.s32())}, ValType::I32);
          break;
        case WasmOp::I64Const:
          push({ConstInstr::Op::I64Const, static_cast<uint64_t>(s.s64())}, ValType::I64);
          break;
        case WasmOp::F32Const:
          push({ConstInstr::Op::F32Const, s.f32_bits()}, ValType::F32);
          break;
        case WasmOp::F64Const:
          push({ConstInstr::Op::F64Const, s.f64_bits()}, ValType::F64);
          break;
        case WasmOp::RefNull: {
          const ValType t = read_ref_type(s);
          push({ConstInstr::Op::RefNull, static_cast<uint64_t>(t)}, t);
          break;
        }
        case WasmOp::RefFunc: {
          const uint32_t index = func_index(s);
          declare_func(index);
          push({ConstInstr::Op::RefFunc, index}, ValType::FuncRef);
          break;
        }
        case WasmOp::GlobalGet: {
          // Only imported, immutable globals are constant (2.0 and extended-const).
          const size_t index_at = s.offset();
          const uint32_t index = s.u32();
          if (index >= m_.num_imported_globals)
            fail_invalid("unknown global " + std::to_string(index), index_at);
          if (m_.globals[index].mut) fail_invalid("constant expression required", at);
          push({ConstInstr::Op::GlobalGet, index}, m_.globals[index].type);
          break;
        }
        case WasmOp::I32Add: binary(ConstInstr::Op::I32Add, ValType::I32, at); break;
        case WasmOp::I32Sub: binary(ConstInstr::Op::I32Sub, ValType::I32, at); break;
        case WasmOp::I32Mul: binary(ConstInstr::Op::I32Mul, ValType::I32, at); break;
        case WasmOp::I64Add: binary(ConstInstr::Op::I64Add, ValType::I64, at); break;
        case WasmOp::I64Sub: binary(ConstInstr::Op::I64Sub, ValType::I64, at); break;
        case WasmOp::I64Mul: binary(ConstInstr::Op::I64Mul, ValType::I64, at); break;
        case WasmOp::PrefixSIMD: {
          // Of the SIMD instructions only v128.const is constant.
          if (s.u32() != kSimdV128Const) fail_invalid("constant expression required", at);
          auto bytes = s.bytes(16);
          ConstInstr in{ConstInstr::Op::V128Const, 0};
          std::memcpy(&in.imm, bytes.data(), 8);
          std::memcpy(&in.imm_hi, bytes.data() + 8, 8);
          push(in, ValType::V128);
          break;
        }
        default:
          if (!is_known_opcode(op)) malformed("illegal opcode " + hex_byte(static_cast<uint8_t>(op)), at);
          fail_invalid("constant expression required", at);
      }
    }
  }

  // --- globals, exports, start ----------------------------------------------------

  void global_section(Reader& s) {
    const uint32_t count = read_count(s, "globals", limits::kGlobals, m_.globals.size());
    for (uint32_t i = 0; i < count; ++i) {
      GlobalDef g;
      g.type = global_type(s);
      g.init = const_expr(s, g.type.type);
      m_.globals.push_back(g.type);
      m_.global_defs.push_back(std::move(g));
    }
  }

  void export_section(Reader& s) {
    std::unordered_set<std::string> names;
    const uint32_t count = read_count(s, "exports", limits::kExports);
    for (uint32_t i = 0; i < count; ++i) {
      const size_t at = s.offset();
      Export ex;
      ex.name = s.name();
      const size_t kind_at = s.offset();
      const uint8_t kind = s.u8();
      if (kind > static_cast<uint8_t>(ExternKind::Global)) malformed("malformed export kind", kind_at);
      ex.kind = static_cast<ExternKind>(kind);
      const size_t index_at = s.offset();
      ex.index = s.u32();
      size_t limit = 0;
      const char* what = "";
      switch (ex.kind) {
        case ExternKind::Func: limit = m_.func_types.size(); what = "unknown function "; break;
        case ExternKind::Table: limit = m_.tables.size(); what = "unknown table "; break;
        case ExternKind::Memory: limit = m_.memories.size(); what = "unknown memory "; break;
        case ExternKind::Global: limit = m_.globals.size(); what = "unknown global "; break;
      }
      if (ex.index >= limit) fail_invalid(what + std::to_string(ex.index), index_at);
      if (ex.kind == ExternKind::Func) declare_func(ex.index);
      if (!names.insert(ex.name).second) fail_invalid("duplicate export name", at);
      m_.exports.push_back(std::move(ex));
    }
  }

  void start_section(Reader& s) {
    const size_t at = s.offset();
    const uint32_t index = func_index(s);
    const FuncType& t = m_.func_type(index);
    if (!t.params.empty() || !t.results.empty()) fail_invalid("start function", at);
    m_.start = index;
  }

  // --- segments -----------------------------------------------------------------

  void elem_section(Reader& s) {
    const uint32_t count = read_count(s, "element segments", limits::kElemSegments);
    uint64_t items = 0;
    for (uint32_t i = 0; i < count; ++i) {
      const size_t at = s.offset();
      const uint32_t flags = s.u32();
      if (flags > 7) malformed("malformed elements segment kind", at);
      // bit 0: passive or declarative; bit 1: explicit table index (active) or
      // declarative; bit 2: items are expressions rather than function indices.
      ElemSegment seg;
      size_t table_at = s.offset();
      if (flags & 1) {
        seg.mode = (flags & 2) ? SegmentMode::Declarative : SegmentMode::Passive;
      } else {
        seg.mode = SegmentMode::Active;
        if (flags & 2) {
          table_at = s.offset();
          seg.table = s.u32();
        }
        seg.offset = const_expr(s, ValType::I32);
      }
      const bool exprs = flags & 4;
      if (flags & 3) {
        if (exprs) {
          seg.type = read_ref_type(s);
        } else {
          const size_t kind_at = s.offset();
          if (s.u8() != kElemKindFuncRef) malformed("malformed element kind", kind_at);
          seg.type = ValType::FuncRef;
        }
      }
      const uint32_t n = read_count(s, "element segment items", limits::kElemItems, items);
      items += n;
      for (uint32_t k = 0; k < n; ++k) {
        if (exprs) {
          seg.items.push_back(const_expr(s, seg.type));
        } else {
          const uint32_t index = func_index(s);
          declare_func(index);
          seg.items.push_back(ConstExpr{{{ConstInstr::Op::RefFunc, index}}});
        }
      }
      if (seg.mode == SegmentMode::Active) {
        if (seg.table >= m_.tables.size()) fail_invalid("unknown table " + std::to_string(seg.table), table_at);
        if (m_.tables[seg.table].elem != seg.type) fail_invalid("type mismatch", at);
      }
      m_.elems.push_back(std::move(seg));
    }
  }

  void data_section(Reader& s) {
    const uint32_t count = read_count(s, "data segments", limits::kDataSegments);
    for (uint32_t i = 0; i < count; ++i) {
      const size_t at = s.offset();
      const uint32_t flags = s.u32();
      if (flags > 2) malformed("malformed data segment kind", at);
      DataSegment seg;
      if (flags == 1) {
        seg.mode = SegmentMode::Passive;
      } else {
        seg.mode = SegmentMode::Active;
        const size_t memory_at = s.offset();
        if (flags == 2) seg.memory = s.u32();
        if (seg.memory >= m_.memories.size())
          fail_invalid("unknown memory " + std::to_string(seg.memory), memory_at);
        seg.offset = const_expr(s, ValType::I32);
      }
      const uint32_t n = s.u32();
      auto b = s.bytes(n);
      seg.bytes.assign(b.begin(), b.end());
      m_.datas.push_back(std::move(seg));
    }
  }

  // --- code -----------------------------------------------------------------------

  void code_section(Reader& s) {
    const size_t section_end = s.offset() - s.pos() + m_.code_bytes;
    const uint32_t count = read_count(s, "function bodies", limits::kFunctions);
    for (uint32_t i = 0; i < count; ++i) {
      const size_t size_at = s.offset();
      const uint32_t size = s.u32();
      if (size > limits::kFunctionBodyBytes)
        malformed("function body too large: " + std::to_string(size) + " bytes (limit " +
                      std::to_string(limits::kFunctionBodyBytes) + ")",
                  size_at);
      const size_t begin = s.offset();
      s.sub(size);
      bodies_.push_back({begin, size, section_end});
    }
  }

  // Lazy translation translates each body on its first call, from a copy of the code
  // section (the caller's bytes are theirs once the load returns).
  void keep_code_section() {
    m_.lazy = true;
    if (bodies_.empty()) return;
    const size_t end = bodies_.front().section_end;
    m_.code_section_offset = end - m_.code_bytes;
    m_.code_section.assign(bytes_.begin() + m_.code_section_offset, bytes_.begin() + end);
    m_.lazy_entry[1].op = Execution::handler_table()[static_cast<int>(Op::TranslateOnCall)];
  }

  void compile(FunctionCompiler& compiler, Function& fn, const PendingBody& b) const {
    Reader body(bytes_.subspan(b.begin, b.size), b.begin);
    try {
      read_locals(body, fn);
      fn.instrs_offset = static_cast<uint32_t>(body.offset());
      fn.body_end = static_cast<uint32_t>(b.begin + b.size);
      if (m_.lazy)
        compiler.validate(fn, body);
      else
        compiler.compile(fn, body);
    } catch (const ModuleError& e) {
      if (e.kind() == ModuleError::Kind::Malformed && std::string_view(e.what()).starts_with("unexpected end")) {
        const size_t end = b.begin + b.size;
        // The reference decoder does not stop at a body's declared end: a body
        // without its final `end` runs into whatever follows it.
        if (e.offset() >= end && end != bytes_.size()) {
          if (end == b.section_end) malformed("section size mismatch", end);
          malformed("END opcode expected", end);
        }
        malformed(kUnexpectedEnd, e.offset());
      }
      throw;
    }
  }

  static void read_locals(Reader& body, Function& fn) {
    const size_t at = body.offset();
    const uint32_t groups = body.u32();
    std::vector<std::pair<uint32_t, ValType>> decls;
    uint64_t total = 0;
    for (uint32_t i = 0; i < groups; ++i) {
      const uint32_t n = body.u32();
      decls.emplace_back(n, read_val_type(body));
      total += n;
    }
    // Also refuses what the spec calls malformed (more than 2^32 locals).
    check_limit("locals", total + fn.num_params, limits::kLocals, at);
    fn.local_types.reserve(total);
    uint32_t cells = 0;
    for (auto [n, t] : decls) {
      fn.local_types.insert(fn.local_types.end(), n, t);
      cells += n * cell_count(t);
    }
    fn.num_locals = fn.num_params + cells;
  }

  std::span<const uint8_t> bytes_;
  Module& m_;
  const DecodeOptions& options_;
  std::vector<PendingBody> bodies_;
  uint32_t custom_sections_ = 0;
};

}  // namespace

std::shared_ptr<const Module> decode_module(std::span<const uint8_t> bytes, const DecodeOptions& options) {
  check_module_size(bytes.size());
  auto m = std::make_shared<Module>();
  m->fuel_metering = options.fuel_metering;
  m->multi_memory = options.multi_memory;
  Decoder(bytes, *m, options).run();
  return m;
}

}  // namespace wippy::interp
