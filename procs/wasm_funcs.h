// The `funcs` import group: a WASM guest calls another function entry by ID and waits
// for its result. The callee runs as its own process (its own entry's limits) on the
// caller's host; the caller is suspended meanwhile and holds no worker thread.
//
// Components import `wippy:runtime/funcs@0.1.x`:
//   call-string: func(target: string, input: string) -> result<string, string>;
//   call-bytes:  func(target: string, input: list<u8>) -> result<list<u8>, string>;
//
// Core modules import module `wippy:runtime/funcs` (pointer/length pairs, i32):
//   call_string(target, target_len, input, input_len) -> 0 ok | 1 err   waits
//   call_bytes(target, target_len, input, input_len) -> 0 ok | 1 err    waits
//   result(buf, cap) -> len   the last call's result (ok) or error message (err);
//                             copied only when len <= cap, so a guest may ask for
//                             the length with cap 0 first. A range outside memory traps.
//
// The callee gets the input as its one (string) argument and must return a string;
// call_string's must be valid UTF-8. Anything else (unknown target, not a function
// entry, the callee failed or trapped, another result type) is an err whose message
// starts with `funcs call to <target> failed: `.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "component/component.h"
#include "procs/wasm_process.h"

namespace wippy::procs {

inline constexpr const char* kFuncsImportModule = "wippy:runtime/funcs";

// Why `target` cannot be called (unknown, not a function entry), or nullopt if it can.
// Empty: every entry the process factory knows may be called.
using FuncsTargetCheck = std::function<std::optional<std::string>(const std::string& target)>;

// Defines the funcs functions: for a component, under each `wippy:runtime/funcs@0.1.x`
// it imports (another version: component::LinkError); for a core module, in
// `imports.linker`.
void add_funcs_imports(WasmImports& imports, const component::Component* component, FuncsTargetCheck check);

// True when a component's import `name` is interface `iface` at a version this host
// implements (0.1.x).
bool is_runtime_import_01(std::string_view name, std::string_view iface);

}  // namespace wippy::procs
