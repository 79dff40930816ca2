// Batched release of module references on workers (procs/module_release.h).
#include "procs/module_release.h"

#include <array>
#include <utility>

namespace wippy::procs::detail {

namespace {

constexpr size_t kBatch = 32;

// References to one module, the one whose process ended last: the end of another
// module's process releases them first.
struct Kept {
  bool active = false;
  size_t count = 0;
  std::array<engine::ModulePtr, kBatch> refs;
};

thread_local Kept t_kept;

}  // namespace

void release_module(engine::ModulePtr module) {
  Kept& k = t_kept;
  if (!k.active || !module) return;
  if (k.count == kBatch || (k.count && k.refs[0] != module)) release_kept_modules();
  k.refs[k.count++] = std::move(module);
}

void release_kept_modules() {
  Kept& k = t_kept;
  for (size_t i = 0; i < k.count; i++) k.refs[i].reset();
  k.count = 0;
}

ModuleReleaseScope::ModuleReleaseScope() { t_kept.active = true; }

ModuleReleaseScope::~ModuleReleaseScope() {
  release_kept_modules();
  t_kept.active = false;
}

}  // namespace wippy::procs::detail
