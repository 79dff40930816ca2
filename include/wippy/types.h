// Values and types that cross between a host and WebAssembly code.
#pragma once

#include <bit>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace wippy {

enum class ValType : uint8_t { I32, I64, F32, F64, V128, FuncRef, ExternRef };
const char* to_string(ValType type);  // "i32", "i64", "f32", "f64", "v128", "funcref", "externref"

struct FuncType {
  std::vector<ValType> params;
  std::vector<ValType> results;
  bool operator==(const FuncType&) const = default;
};
std::string to_string(const FuncType& type);  // "[i32 i64] -> [f64]"

// One WebAssembly value of a given type. A v128 is two 64-bit halves (low first); a
// reference is an opaque word (0 is null).
class Val {
 public:
  Val() = default;  // i32 0
  Val(int32_t v) : type_(ValType::I32), lo_(static_cast<uint32_t>(v)) {}
  Val(int64_t v) : type_(ValType::I64), lo_(static_cast<uint64_t>(v)) {}
  Val(float v) : type_(ValType::F32), lo_(std::bit_cast<uint32_t>(v)) {}
  Val(double v) : type_(ValType::F64), lo_(std::bit_cast<uint64_t>(v)) {}
  static Val v128(uint64_t low, uint64_t high) { return from_bits(ValType::V128, low, high); }
  static Val null(ValType ref_type) { return from_bits(ref_type, 0); }
  // The value of `type` whose bits are `low` (and `high` for a v128).
  static Val from_bits(ValType type, uint64_t low, uint64_t high = 0) {
    Val v;
    v.type_ = type;
    v.lo_ = low;
    v.hi_ = high;
    return v;
  }

  ValType type() const { return type_; }
  // The value read as the type; the caller checks type() first.
  int32_t i32() const { return static_cast<int32_t>(static_cast<uint32_t>(lo_)); }
  int64_t i64() const { return static_cast<int64_t>(lo_); }
  float f32() const { return std::bit_cast<float>(static_cast<uint32_t>(lo_)); }
  double f64() const { return std::bit_cast<double>(lo_); }
  uint64_t bits() const { return lo_; }       // the low half of a v128
  uint64_t high_bits() const { return hi_; }  // a v128's high half

 private:
  ValType type_ = ValType::I32;
  uint64_t lo_ = 0;
  uint64_t hi_ = 0;
};

enum class ExternKind : uint8_t { Func, Table, Memory, Global };
const char* to_string(ExternKind kind);  // "func", "table", "memory", "global"

// The type of an import or export.
struct ExternType {
  ExternKind kind = ExternKind::Func;
  FuncType func;                 // Func
  ValType value = ValType::I32;  // Global: the value type; Table: the element type
  bool mutable_global = false;   // Global
  uint64_t min = 0;              // Memory: pages; Table: elements
  std::optional<uint64_t> max;   // Memory, Table
};
// "func [i32] -> []", "memory 1..16", "table funcref 0..", "global mut i64"
std::string to_string(const ExternType& type);

struct ImportType {
  std::string module;
  std::string name;
  ExternType type;
};

struct ExportType {
  std::string name;
  ExternType type;
};

}  // namespace wippy
