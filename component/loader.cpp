// load_component's cache, and lookups of exported functions by name without an instance.
#include "component/loader.h"

#include <mutex>
#include <unordered_map>

#include <fmt/format.h>

#include "engine/engine.h"
#include "engine/hash.h"
#include "interp/module.h"

namespace wippy::component {

std::shared_ptr<const Component> load_component(std::span<const uint8_t> bytes, std::string_view expected_hash,
                                                const engine::DecodeOptions& core) {
  static std::mutex mu;
  static std::unordered_map<std::string, std::weak_ptr<const Component>> cache;
  interp::check_module_size(bytes.size());  // the module size limit bounds components too
  engine::verify_hash(bytes, expected_hash);
  // The options change the translated code (metering), so they are part of the key.
  std::string key = fmt::format("{}/{:d}{:d}{:d}", engine::xxh128_hex(bytes), core.fuel_metering, core.multi_memory,
                                static_cast<int>(core.translation));
  {
    std::lock_guard lock(mu);
    auto it = cache.find(key);
    if (it != cache.end()) {
      if (auto cached = it->second.lock()) return cached;
    }
  }
  std::shared_ptr<const Component> c = decode_component(bytes, core);  // outside the lock
  std::lock_guard lock(mu);
  auto& slot = cache[key];
  if (auto other = slot.lock()) return other;
  slot = c;
  for (auto it = cache.begin(); it != cache.end();) it = it->second.expired() ? cache.erase(it) : std::next(it);
  return c;
}

const Type* find_export_func(const Component& c, std::string_view name) {
  if (!c.exports_type) return nullptr;
  size_t hash = name.find('#');
  const ExternDesc* e = c.exports_type->find_export(name.substr(0, hash));
  if (!e || !e->type) return nullptr;
  if (hash == std::string_view::npos) return e->sort == Sort::Func ? e->type.get() : nullptr;
  if (e->sort != Sort::Instance) return nullptr;
  const ExternDesc* f = e->type->find_export(name.substr(hash + 1));
  return f && f->sort == Sort::Func ? f->type.get() : nullptr;
}

std::vector<std::string> exported_funcs(const Component& c) {
  std::vector<std::string> names;
  if (!c.exports_type) return names;
  for (const ExternDesc& e : c.exports_type->exports) {
    if (e.sort == Sort::Func) names.push_back(e.name);
    if (e.sort != Sort::Instance || !e.type) continue;
    for (const ExternDesc& f : e.type->exports) {
      if (f.sort == Sort::Func) names.push_back(e.name + "#" + f.name);
    }
  }
  return names;
}

std::string missing_export_message(const Component& c, std::string_view name) {
  std::string list;
  for (const std::string& n : exported_funcs(c)) list += (list.empty() ? "" : ", ") + n;
  return fmt::format("no exported function `{}` (the component exports: {})", name, list.empty() ? "none" : list);
}

std::string cli_run_export(const Component& c) { return cli_run_export(exported_funcs(c)); }

std::string cli_run_export(const std::vector<std::string>& function_names) {
  for (const std::string& n : function_names) {
    if (n.starts_with("wasi:cli/run@0.2.") && n.ends_with("#run")) return n;
  }
  return "";
}

}  // namespace wippy::component
