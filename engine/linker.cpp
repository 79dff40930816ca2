// Linker: resolves a module's imports against host functions and other instances'
// exports.
#include "engine/engine.h"

namespace wippy::engine {

namespace {

using Key = std::pair<std::string, std::string>;

std::string qualified(std::string_view module, std::string_view name) {
  std::string out;
  out.reserve(module.size() + 1 + name.size());
  out.append(module).append(".").append(name);
  return out;
}

}  // namespace

void Linker::define_func(std::string module, std::string name, FuncType type, HostFn fn) {
  auto host = std::make_shared<interp::HostFunc>();
  host->type = std::move(type);
  host->fn = std::move(fn);
  host->name = qualified(module, name);
  defs_[Key(std::move(module), std::move(name))] = Def{std::move(host), Extern{}};
}

void Linker::define(std::string module, std::string name, Extern ext) {
  defs_[Key(std::move(module), std::move(name))] = Def{nullptr, ext};
}

void Linker::define_instance(std::string module, const Instance& instance) {
  for (const interp::Export& exp : instance.module().exports) {
    if (std::optional<Extern> ext = instance.get_export(exp.name)) {
      define(module, exp.name, *ext);
    }
  }
}

void Linker::wrap_host_funcs(const std::function<HostFn(HostFn)>& wrap) {
  for (auto& [key, def] : defs_) {
    if (!def.host) continue;
    auto wrapped = std::make_shared<interp::HostFunc>(*def.host);
    wrapped->fn = wrap(std::move(wrapped->fn));
    def.host = std::move(wrapped);
  }
}

bool Linker::has(std::string_view module, std::string_view name) const {
  return defs_.find(Key(module, name)) != defs_.end();
}

std::vector<Extern> Linker::resolve(interp::Store& store, const interp::Module& module) const {
  std::vector<Extern> out;
  out.reserve(module.imports.size());
  for (const interp::Import& imp : module.imports) {
    auto it = defs_.find(Key(imp.module, imp.name));
    if (it == defs_.end()) {
      throw interp::LinkError("unknown import: " + qualified(imp.module, imp.name));
    }
    const Def& def = it->second;
    Extern ext = def.ext;
    if (def.host) {
      if (imp.kind != interp::ExternKind::Func) {
        throw interp::LinkError("incompatible import type for " + qualified(imp.module, imp.name) +
                                ": the module imports a " + interp::extern_kind_name(imp.kind) +
                                ", the host defines a function");
      }
      const FuncType& wanted = module.types.at(imp.type_index);
      if (wanted != def.host->type) {
        throw interp::LinkError("incompatible import type for " + qualified(imp.module, imp.name) +
                                ": the module imports " + interp::to_string(wanted) +
                                ", the host function is " + interp::to_string(def.host->type));
      }
      ext = Extern::of(store.new_host_func(def.host));
    }
    if (!interp::match_import(module, imp, ext).empty()) {
      throw interp::LinkError("incompatible import type for " + qualified(imp.module, imp.name));
    }
    out.push_back(ext);
  }
  return out;
}

}  // namespace wippy::engine
