// Engine and Module: loading, and a module's imports and exports with their types.
#include "api/impl.h"

namespace wippy {

namespace {

ExternType func_extern(const interp::FuncType& t) {
  ExternType out;
  out.kind = ExternKind::Func;
  out.func = detail::from_interp(t);
  return out;
}

ExternType table_extern(const interp::TableType& t) {
  ExternType out;
  out.kind = ExternKind::Table;
  out.value = detail::from_interp(t.elem);
  out.min = t.limits.min;
  if (t.limits.max) out.max = *t.limits.max;
  return out;
}

ExternType memory_extern(const interp::MemoryType& t) {
  ExternType out;
  out.kind = ExternKind::Memory;
  out.min = t.limits.min;
  if (t.limits.max) out.max = *t.limits.max;
  return out;
}

ExternType global_extern(const interp::GlobalType& t) {
  ExternType out;
  out.kind = ExternKind::Global;
  out.value = detail::from_interp(t.type);
  out.mutable_global = t.mut;
  return out;
}

}  // namespace

std::vector<ImportType> Module::imports() const {
  const interp::Module& m = *impl_->module;
  std::vector<ImportType> out;
  out.reserve(m.imports.size());
  for (const interp::Import& imp : m.imports) {
    ExternType type;
    switch (imp.kind) {
      case interp::ExternKind::Func: type = func_extern(m.types.at(imp.type_index)); break;
      case interp::ExternKind::Table: type = table_extern(imp.table); break;
      case interp::ExternKind::Memory: type = memory_extern(imp.memory); break;
      case interp::ExternKind::Global: type = global_extern(imp.global); break;
    }
    out.push_back(ImportType{imp.module, imp.name, std::move(type)});
  }
  return out;
}

std::vector<ExportType> Module::exports() const {
  const interp::Module& m = *impl_->module;
  std::vector<ExportType> out;
  out.reserve(m.exports.size());
  for (const interp::Export& exp : m.exports) {
    ExternType type;
    switch (exp.kind) {
      case interp::ExternKind::Func: type = func_extern(m.func_type(exp.index)); break;
      case interp::ExternKind::Table: type = table_extern(m.tables.at(exp.index)); break;
      case interp::ExternKind::Memory: type = memory_extern(m.memories.at(exp.index)); break;
      case interp::ExternKind::Global: type = global_extern(m.globals.at(exp.index)); break;
    }
    out.push_back(ExportType{exp.name, std::move(type)});
  }
  return out;
}

Engine::Engine(EngineConfig config) : impl_(std::make_unique<detail::EngineImpl>(config)) {}
Engine::~Engine() = default;
Engine::Engine(Engine&&) noexcept = default;
Engine& Engine::operator=(Engine&&) noexcept = default;

Module Engine::load(std::span<const uint8_t> bytes, std::string_view expected_hash) {
  return detail::translate_errors(
      [&] { return detail::Access::module(impl_->engine.load(bytes, expected_hash)); });
}

Module Engine::load_file(const std::filesystem::path& path, std::string_view expected_hash) {
  return detail::translate_errors(
      [&] { return detail::Access::module(impl_->engine.load_file(path, expected_hash)); });
}

namespace detail {

Module Access::module(engine::ModulePtr p) {
  Module m;
  m.impl_ = std::make_shared<const ModuleImpl>(ModuleImpl{std::move(p)});
  return m;
}

}  // namespace detail
}  // namespace wippy
