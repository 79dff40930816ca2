// Lookups on a decoded module.
#include <algorithm>

#include "interp/limits.h"
#include "interp/module.h"

namespace wippy::interp {

const Export* Module::find_export(std::string_view name) const {
  for (const Export& e : exports)
    if (e.name == name) return &e;
  return nullptr;
}

std::string Module::func_name(uint32_t func_index) const {
  auto it = func_names.find(func_index);
  return it == func_names.end() ? std::string() : it->second;
}

void check_module_size(uint64_t size) {
  if (size <= limits::kModuleBytes) return;
  throw ModuleError(ModuleError::Kind::Malformed,
                    "module too large: " + std::to_string(size) + " bytes (limit " +
                        std::to_string(limits::kModuleBytes) + ")",
                    0);
}

uint32_t Function::wasm_offset_of(size_t slot) const {
  auto it = std::upper_bound(offsets.begin(), offsets.end(), slot,
                             [](size_t s, const OffsetEntry& e) { return s < e.slot; });
  if (it == offsets.begin()) return body_offset;
  return std::prev(it)->wasm_offset;
}

}  // namespace wippy::interp
