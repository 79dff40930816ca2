// Basic WebAssembly types shared by every stage of the interpreter.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace wippy::interp {

enum class ValType : uint8_t {
  I32 = 0x7f,
  I64 = 0x7e,
  F32 = 0x7d,
  F64 = 0x7c,
  V128 = 0x7b,
  FuncRef = 0x70,
  ExternRef = 0x6f,
};

const char* val_type_name(ValType t);
inline bool is_ref(ValType t) { return t == ValType::FuncRef || t == ValType::ExternRef; }
// Number of 64-bit value-stack cells a value of this type occupies.
inline uint32_t cell_count(ValType t) { return t == ValType::V128 ? 2 : 1; }
// Cells of a list of values (a function's params or results): what every copy of
// arguments and results between host, engine API and run loop counts in.
inline uint32_t cell_count(const std::vector<ValType>& types) {
  uint32_t n = 0;
  for (ValType t : types) n += cell_count(t);
  return n;
}

struct FuncType {
  std::vector<ValType> params;
  std::vector<ValType> results;
  bool operator==(const FuncType&) const = default;
};
std::string to_string(const FuncType& t);

// Structurally equal function types share one id for the whole process, so that
// call_indirect across modules compares two integers.
uint32_t canonical_type_id(const FuncType& t);

struct Limits {
  uint32_t min = 0;
  std::optional<uint32_t> max;
};

struct TableType {
  ValType elem = ValType::FuncRef;
  Limits limits;
};

struct MemoryType {
  Limits limits;  // in 64 KiB pages
};

struct GlobalType {
  ValType type = ValType::I32;
  bool mut = false;
};

enum class ExternKind : uint8_t { Func = 0, Table = 1, Memory = 2, Global = 3 };
const char* extern_kind_name(ExternKind k);

constexpr uint32_t kPageSize = 65536;
constexpr uint32_t kMaxPages = 65536;

// A module the spec calls malformed (bad binary) or invalid (fails validation).
class ModuleError : public std::runtime_error {
 public:
  enum class Kind { Malformed, Invalid };
  ModuleError(Kind kind, const std::string& message, size_t offset)
      : std::runtime_error(message), kind_(kind), offset_(offset) {}
  Kind kind() const { return kind_; }
  size_t offset() const { return offset_; }
  // "message (at byte 0x1f)"
  std::string describe() const;

 private:
  Kind kind_;
  size_t offset_;
};

// A failure while linking or instantiating (unknown import, incompatible import type,
// out of bounds segment, ...).
class LinkError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace wippy::interp
