// Converting Values to a WASM function's parameters and its results back to a
// Value (shared by process.wasm processes and synchronous function.wasm calls).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "engine/types.h"
#include "procs/value.h"

namespace wippy::procs {

// One cell per parameter. Integers are range-checked (i32: [-2^31, 2^32-1], i64: any
// int64; doubles with an integral value in range are accepted), floats accept any
// number. Throws std::invalid_argument:
//   "parameter count mismatch: expected 2, got 1"
//   "argument 1: expected an integer for i32, got string"
//   "argument 2: integer 4294967296 out of range for i32"
//   "argument 1: unsupported parameter type v128"
std::vector<uint64_t> to_wasm_args(const engine::FuncType& type, std::span<const Value> args);

// One result -> that value (i32/i64 as signed integers, f32/f64 as doubles, a null
// reference as nil, a v128 as a 32-digit hex string); several -> an array; none -> nil.
Value from_wasm_results(const engine::FuncType& type, std::span<const uint64_t> cells);

}  // namespace wippy::procs
