// A call of a core module's export typed by a `wit:` signature (design.md section
// 10): arguments lowered and the result lifted through the canonical ABI, with the
// module's own allocator (cabi_realloc, canonical_abi_realloc, or allocate/alloc
// taking a size) and `cabi_post_<name>` as post-return when exported.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "component/types.h"
#include "component/value.h"
#include "engine/engine.h"
#include "procs/wasm_program.h"

namespace wippy::procs {

// Lowers `args` (already checked against `func`'s params) into the instance and
// prepares the call. Throws std::runtime_error "`name`: ..." when the export's
// core type is not the one the signature flattens to, or lowering fails.
std::unique_ptr<WasmCall> wit_call(engine::Instance& instance, const std::string& name, const component::TypePtr& func,
                                   const std::vector<component::Value>& args);

}  // namespace wippy::procs
