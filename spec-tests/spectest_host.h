// The `spectest` host module that the spec scripts import from.
#pragma once

#include "engine/engine.h"

namespace wippy::spectest {

// Allocates the spectest functions, globals, table and memory in `store` and defines
// them in `linker` under the module name "spectest":
//   print, print_i32, print_i64, print_f32, print_f64, print_i32_f32, print_f64_f64
//   (they do nothing), global_i32 = 666, global_i64 = 666, global_f32 = 666.6,
//   global_f64 = 666.6 (immutable), table (10..20 funcref), memory (1..2 pages).
void define_spectest(engine::Linker& linker, interp::Store& store);

}  // namespace wippy::spectest
