// Internal to procs/: module references that a worker releases a batch at a time.
//
// A thread that spawns processes of one module increments the module's reference
// count for each, and the worker that ends them decrements it: released one at a
// time, the count's cache line went back and forth between the two cores for every
// process. A worker keeps up to 32 references to one module and releases them
// together, so the line leaves the spawning core once per batch. It releases them
// before it keeps one of another module and before it sleeps: an idle worker keeps no
// module alive, and a busy one only the module whose processes it ended last.
#pragma once

#include "engine/types.h"

namespace wippy::procs::detail {

// Releases `module` now, or later on this thread if it is a worker (see
// ModuleReleaseScope).
void release_module(engine::ModulePtr module);
// Releases what this thread kept.
void release_kept_modules();

// While one lives on a thread, release_module keeps references; its destructor
// releases them.
class ModuleReleaseScope {
 public:
  ModuleReleaseScope();
  ~ModuleReleaseScope();
  ModuleReleaseScope(const ModuleReleaseScope&) = delete;
  ModuleReleaseScope& operator=(const ModuleReleaseScope&) = delete;
};

}  // namespace wippy::procs::detail
