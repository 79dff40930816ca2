// wasi_snapshot_preview1 for commands: registers the host functions into a Linker.
//
// Implemented: args_*, environ_*, proc_exit, sched_yield, fd_write (1, 2), fd_read (0),
// fd_fdstat_get / fd_filestat_get / fd_seek / fd_tell / fd_close for 0-2,
// fd_prestat_get (EBADF: there are no preopens yet), clock_time_get, clock_res_get,
// random_get. Every other preview1 function is defined with its exact signature and
// returns ENOSYS (or EBADF for descriptors that are not open), so any module built
// against wasi-libc links. Files, directories, polling and sockets come later
// (one file per group: fs.cpp, poll.cpp, sock.cpp).
#pragma once

#include "engine/engine.h"
#include "wasi/context.h"
#include "wasi/errno.h"

namespace wippy::wasi {

inline constexpr const char* kModuleName = "wasi_snapshot_preview1";

// Registers every wasi_snapshot_preview1 function. `ctx` must outlive the instances
// linked with `linker`.
void add_to_linker(engine::Linker& linker, WasiContext& ctx);

}  // namespace wippy::wasi
