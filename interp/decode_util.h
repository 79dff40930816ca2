// Small binary-format readers shared by the module decoder and the function
// translator: value, reference and block types, limits.
#pragma once

#include <cstdint>
#include <string>

#include "interp/module.h"
#include "interp/reader.h"

namespace wippy::interp {

// Throws ModuleError(Invalid) with `message` at `offset`.
[[noreturn]] void fail_invalid(const std::string& message, size_t offset);

// A value type (v128 included).
ValType read_val_type(Reader& r);

// Whether `b` is the byte of funcref or externref.
bool is_ref_type_byte(uint8_t b);

// funcref or externref, else "malformed reference type".
ValType read_ref_type(Reader& r);

// Limits with a one-bit flag (0: min only, 1: min and max).
Limits read_limits(Reader& r);

// The type of a block, loop or if.
struct BlockType {
  enum class Kind : uint8_t { Empty, Value, Index };
  Kind kind = Kind::Empty;
  ValType value = ValType::I32;  // Kind::Value
  uint32_t type_index = 0;       // Kind::Index, checked against module.types
};
// Refuses an index that names no type with ModuleError(Invalid) "unknown type N".
BlockType read_block_type(Reader& r, const Module& module);

}  // namespace wippy::interp
