// Implementation limits: everything a module can make the host allocate or loop
// over while it is decoded and translated, capped so that a hostile module is refused
// with a ModuleError (message and byte offset) instead of exhausting memory or time.
//
// The values follow the limits that wasmparser (wasmtime) and the JS engines agree
// on, so a module that loads there loads here; where ours is lower it says why.
// Limits that apply per instance (memory pages, table elements, call depth, value
// stack) are in StoreLimits (interp/instance.h), since an embedder may want to set
// them per process. The README's "Limits" section lists both with their messages.
#pragma once

#include <cstdint>

namespace wippy::interp::limits {

// The whole binary. Real toolchain output is far below this (large C++ or Rust
// applications are 10 to 100 MiB); 1 GiB is wasmparser's limit, ours is lower
// because the translated code takes several times the size of the binary.
constexpr uint64_t kModuleBytes = 256u << 20;

// Counts per module; imported and defined entries count together.
constexpr uint32_t kTypes = 1'000'000;
constexpr uint32_t kParams = 1'000;   // per function type
constexpr uint32_t kResults = 1'000;  // per function type
constexpr uint32_t kImports = 100'000;
constexpr uint32_t kFunctions = 1'000'000;
constexpr uint32_t kTables = 100;
constexpr uint32_t kMemories = 100;  // multi-memory; their pages also count per store
constexpr uint32_t kGlobals = 1'000'000;
constexpr uint32_t kExports = 100'000;
constexpr uint32_t kDataSegments = 100'000;
constexpr uint32_t kElemSegments = 100'000;
// Items of all element segments together: each costs a constant expression in the
// module and a reference per instance. A linker puts each address-taken function in
// one table once, so real modules stay well below the function limit.
constexpr uint32_t kElemItems = 1'000'000;
// Instructions of one constant expression (global initialiser, segment offset or
// item). Toolchains emit 1 to 3 (`global.get; i32.const; i32.add` with extended-const);
// the cap keeps one expression's decoded form and evaluation stack small.
constexpr uint32_t kConstExprInstrs = 1'000;
// Custom sections are skipped (except "name"), so only their number is capped.
constexpr uint32_t kCustomSections = 10'000;

// Per function body.
constexpr uint32_t kFunctionBodyBytes = 7'654'321;
// Params plus declared locals. Locals are zeroed on every call, so their number is
// work a call does for one fuel unit: 50,000 (wasmtime's limit) keeps that bounded.
constexpr uint32_t kLocals = 50'000;
// Nested block, loop and if (the translator keeps one control entry for each).
// A switch of N cases compiles to N nested blocks, so this is generous.
constexpr uint32_t kBlockDepth = 100'000;
// Targets of one br_table besides the default (the JS engines' limit): validating
// one costs its size times its label's arity (up to kResults).
constexpr uint32_t kBrTableTargets = 65'520;

}  // namespace wippy::interp::limits
