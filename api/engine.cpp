// Engine and Module: loading, and a module's imports and exports with their types.
#include "api/impl.h"

namespace wippy {

namespace {

ExternType func_extern(const engine::FuncType& t) {
  ExternType out;
  out.kind = ExternKind::Func;
  out.func = detail::from_engine(t);
  return out;
}

ExternType table_extern(const engine::TableType& t) {
  ExternType out;
  out.kind = ExternKind::Table;
  out.value = detail::from_engine(t.elem);
  out.min = t.limits.min;
  if (t.limits.max) out.max = *t.limits.max;
  return out;
}

ExternType memory_extern(const engine::MemoryType& t) {
  ExternType out;
  out.kind = ExternKind::Memory;
  out.min = t.limits.min;
  if (t.limits.max) out.max = *t.limits.max;
  return out;
}

ExternType global_extern(const engine::GlobalType& t) {
  ExternType out;
  out.kind = ExternKind::Global;
  out.value = detail::from_engine(t.type);
  out.mutable_global = t.mut;
  return out;
}

}  // namespace

std::vector<ImportType> Module::imports() const {
  const engine::Module& m = *impl_->module;
  std::vector<ImportType> out;
  out.reserve(m.imports.size());
  for (const engine::Import& imp : m.imports) {
    ExternType type;
    switch (imp.kind) {
      case engine::ExternKind::Func: type = func_extern(m.types.at(imp.type_index)); break;
      case engine::ExternKind::Table: type = table_extern(imp.table); break;
      case engine::ExternKind::Memory: type = memory_extern(imp.memory); break;
      case engine::ExternKind::Global: type = global_extern(imp.global); break;
    }
    out.push_back(ImportType{imp.module, imp.name, std::move(type)});
  }
  return out;
}

std::vector<ExportType> Module::exports() const {
  const engine::Module& m = *impl_->module;
  std::vector<ExportType> out;
  out.reserve(m.exports.size());
  for (const engine::Export& exp : m.exports) {
    ExternType type;
    switch (exp.kind) {
      case engine::ExternKind::Func: type = func_extern(m.func_type(exp.index)); break;
      case engine::ExternKind::Table: type = table_extern(m.tables.at(exp.index)); break;
      case engine::ExternKind::Memory: type = memory_extern(m.memories.at(exp.index)); break;
      case engine::ExternKind::Global: type = global_extern(m.globals.at(exp.index)); break;
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
