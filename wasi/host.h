// Internal to wasi/: helpers shared by the files that implement one group of host
// functions each (cli.cpp, fd.cpp, clock.cpp, random.cpp, unsupported.cpp).
#pragma once

#include <string_view>

#include "engine/engine.h"
#include "wasi/context.h"
#include "wasi/errno.h"
#include "wasi/memory.h"
#include "wasi/wasi.h"

namespace wippy::wasi::detail {

// A function type from a compact signature: 'i' = i32, 'j' = i64, e.g. sig("iji", "i").
interp::FuncType sig(std::string_view params, std::string_view results);

// A preview1 function that returns an errno: `fn(call, args)` computes it.
template <class F>
void define_errno_fn(engine::Linker& linker, std::string_view name, std::string_view params, F fn) {
  linker.define_func(kModuleName, std::string(name), sig(params, "i"),
                     [fn](interp::HostCall& call, const uint64_t* args, uint64_t* results) {
                       results[0] = errno_cell(fn(call, args));
                       return interp::HostResult::ok();
                     });
}

void add_cli(engine::Linker& linker, WasiContext& ctx);
void add_fd(engine::Linker& linker, WasiContext& ctx);
void add_clock(engine::Linker& linker, WasiContext& ctx);
void add_random(engine::Linker& linker, WasiContext& ctx);
void add_unsupported(engine::Linker& linker);

}  // namespace wippy::wasi::detail
