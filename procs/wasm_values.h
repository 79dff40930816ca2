// Converting Values to a WASM function's parameters and its results back to a
// Value (shared by process.wasm processes and synchronous function.wasm calls).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "engine/types.h"
#include "procs/value.h"

namespace wippy::procs {

// The cells of a call's arguments. Up to kInline of them are kept in place: most
// methods take a few, and a process then spends no allocation on them.
class WasmArgs {
 public:
  static constexpr size_t kInline = 8;
  explicit WasmArgs(size_t n = 0) : size_(n) {
    if (n > kInline) heap_ = std::make_unique<uint64_t[]>(n);
  }
  size_t size() const { return size_; }
  uint64_t* data() { return heap_ ? heap_.get() : inline_.data(); }
  const uint64_t* data() const { return heap_ ? heap_.get() : inline_.data(); }
  uint64_t& operator[](size_t i) { return data()[i]; }
  uint64_t operator[](size_t i) const { return data()[i]; }
  operator std::span<const uint64_t>() const { return {data(), size_}; }

 private:
  size_t size_ = 0;
  std::array<uint64_t, kInline> inline_{};
  std::unique_ptr<uint64_t[]> heap_;
};

// One cell per parameter. Integers are range-checked (i32: [-2^31, 2^32-1], i64: any
// int64; doubles with an integral value in range are accepted), floats accept any
// number. Throws std::invalid_argument:
//   "parameter count mismatch: expected 2, got 1"
//   "argument 1: expected an integer for i32, got string"
//   "argument 2: integer 4294967296 out of range for i32"
//   "argument 1: unsupported parameter type v128"
WasmArgs to_wasm_args(const engine::FuncType& type, std::span<const Value> args);

// One result -> that value (i32/i64 as signed integers, f32/f64 as doubles, a null
// reference as nil, a v128 as a 32-digit hex string); several -> an array; none -> nil.
Value from_wasm_results(const engine::FuncType& type, std::span<const uint64_t> cells);

}  // namespace wippy::procs
