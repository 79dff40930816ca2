// wasi_snapshot_preview1: registers the host functions into a Linker.
//
// Every preview1 function is implemented (groups.h lists them): args and environ,
// clocks, random, file descriptors and paths (files and directories beneath the
// preopened mounts of the WasiContext, sandbox.h), poll_oneoff, sched_yield,
// proc_exit, proc_raise (ENOSYS) and sock_* (ENOTSUP). Calls that would block
// (a sleep, a read of stdin, a large file read or write) suspend with a
// wasi::BlockingOp (pending.h) that the driver completes.
#pragma once

#include "engine/engine.h"
#include "wasi/context.h"
#include "wasi/errno.h"
#include "wasi/groups.h"

namespace wippy::wasi {

inline constexpr const char* kModuleName = "wasi_snapshot_preview1";

// Registers the preview1 functions that the groups in `enabled` enable (all of them
// by default). `ctx` must outlive the instances linked with `linker`.
void add_to_linker(engine::Linker& linker, WasiContext& ctx, GroupMask enabled = kAllGroups);

}  // namespace wippy::wasi
