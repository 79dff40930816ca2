// WASI (wasi_snapshot_preview1) for an instance: arguments, environment, directories,
// and running a command (`_start`) to its exit code.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "wippy/instance.h"
#include "wippy/linker.h"
#include "wippy/store.h"

namespace wippy {

struct WasiMount {
  std::string host;   // a host directory
  std::string guest;  // where the guest sees it (an absolute path, e.g. "/")
  bool read_only = false;
};

struct WasiConfig {
  std::vector<std::string> args;  // argv; args[0] is the program name
  std::vector<std::string> env;   // "NAME=value"
  std::vector<WasiMount> mounts;
  std::string cwd;  // the guest's working directory for relative paths (empty: none)
  // Standard streams are the host's stdin (at end), stdout and stderr.
};

// Defines the wasi_snapshot_preview1 functions in `linker` for instances of `store`:
// the WASI state (descriptors, exit code) lives in the store, so use this linker for
// that store only. Throws Error if a mount cannot be opened.
void add_wasi(Linker& linker, Store& store, const WasiConfig& config);

// Runs the command's `_start` to its end (blocking operations such as a sleep run on
// the calling thread). Returns the exit code: proc_exit's, or 0 when `_start` returns.
// Throws TrapError on a trap, std::invalid_argument if there is no `_start`.
uint32_t run_command(Instance& instance);

}  // namespace wippy
