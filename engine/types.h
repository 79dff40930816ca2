// The value and module types of engine/, for the layers above it (wasi/ and up),
// which include engine/ headers only, never interp/ (tests/layering_test.sh checks).
// They are aliases: the interpreter's types are already the right abstraction and
// the hot path must not pay for a conversion. If interp/ changes them, engine/
// defines its own here and the layers above do not change.
#pragma once

#include <memory>
#include <string_view>

#include "interp/module.h"
#include "interp/reader.h"
#include "interp/types.h"

namespace wippy::engine {

// A WebAssembly value type; a value is one 64-bit cell (two for a v128, cell_count).
using interp::ValType;
using interp::cell_count;
using interp::val_type_name;  // "i32", "f64", ...
using interp::FuncType;
using interp::to_string;      // a FuncType as "[i32 i64] -> [f64]"
using interp::GlobalType;
using interp::MemoryType;
using interp::TableType;
using interp::kMaxPages;
using interp::kPageSize;

// A decoded, validated, translated module and its imports and exports.
using interp::Module;
using interp::Import;
using interp::Export;
using interp::ExternKind;
using interp::extern_kind_name;  // "func", "memory", ...
using ModulePtr = std::shared_ptr<const interp::Module>;
// How a binary is decoded (fuel metering, multi-memory, translation); Engine's config
// gives it (Engine::decode_options), and components pass it to their core modules.
using interp::DecodeOptions;

// Thrown by loading (malformed or invalid module) and by instantiation (an import
// that is missing or of the wrong type, a limit).
using interp::ModuleError;
using interp::LinkError;

// The UTF-8 rule of the binary format (names), which hosts also apply to strings a
// guest hands them.
using interp::is_valid_utf8;
inline bool is_valid_utf8(std::string_view s) {
  return interp::is_valid_utf8({reinterpret_cast<const uint8_t*>(s.data()), s.size()});
}

}  // namespace wippy::engine
