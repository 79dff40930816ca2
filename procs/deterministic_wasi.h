// Deterministic mode for a WASI guest: its clocks read the virtual time and its
// random bytes come from its process's seed (System::set_deterministic).
#pragma once

#include "procs/process.h"
#include "wasi/context.h"

namespace wippy::procs {

// Sets ctx's clocks and random source when pc's system is deterministic; otherwise
// leaves the host's.
void use_deterministic_sources(wasi::WasiContext& ctx, ProcessContext& pc);

}  // namespace wippy::procs
