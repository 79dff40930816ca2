// What a WasmProcess runs: an instance (of a core module or of a component) and the
// calls it makes on it in order. The process drives each call's engine::Execution
// the same way (fuel slices, budgets, suspension on host operations, limits), so a
// component call and a core call share one driving loop.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "component/instance.h"
#include "engine/engine.h"
#include "procs/value.h"

namespace wippy::procs {

struct WasmImports;

// One call: its core execution, and its result once that is Done.
class WasmCall {
 public:
  virtual ~WasmCall() = default;
  virtual engine::Execution& execution() = 0;
  // After execution() is Done: the result (nil, a value, or an array for several
  // core results). Throws std::exception with a message naming the function when
  // the canonical ABI refuses a result.
  virtual Value result() = 0;
};

class WasmProgram {
 public:
  virtual ~WasmProgram() = default;
  // The next call to drive, or null when the last one (the method) was made. The
  // result of the last call is the process's result. The program owns its calls: one
  // stays valid until the next next_call() (the last one until the program ends), so
  // a process costs no allocation per call.
  virtual WasmCall* next_call() = 0;
  virtual engine::Store& store() = 0;
  // Bytes of linear memory the instance holds, a component's core instances together
  // (memories never shrink: also its peak).
  uint64_t memory_bytes() { return store().memory_pages() * engine::kPageSize; }
};

// A core module: its start function, then `_initialize` if it is a reactor (and the
// method is neither `_initialize` nor `_start`), then `method` with `args` converted
// by to_wasm_args, or, when `wit_func` (the method's WIT function type) is given,
// lowered and lifted through the canonical ABI (procs/wit_call.cpp). Instantiates at
// once; throws (link errors, a missing export, wrong arguments).
std::unique_ptr<WasmProgram> core_program(const WasmImports& imports, engine::ModulePtr module, const std::string& method,
                                          std::span<const Value> args, const engine::Limits& limits,
                                          component::TypePtr wit_func = nullptr);

// A component: instantiated with `imports.components` (its core start functions
// run there), then one call of `method` (`name` or `iface#func`) with `args` lowered
// by its WIT types (procs/component_values.h). Throws: a missing export (listing the
// exports), an import the host does not provide, a wrong argument.
std::unique_ptr<WasmProgram> component_program(const WasmImports& imports, std::shared_ptr<const component::Component> c,
                                               const std::string& method, std::span<const Value> args,
                                               const engine::Limits& limits);

// Throws component::LinkError naming the first `wasi:*` interface the component
// imports that `linker` does not provide, before instantiation would fail on it
// with a less helpful message.
void check_wasi_imports(const component::Component& c, const component::Linker& linker);

// True when the core module is a reactor: it exports `_initialize: [] -> []`.
bool is_reactor(const engine::Module& m);

}  // namespace wippy::procs
