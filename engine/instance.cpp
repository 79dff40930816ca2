// engine::Instance: instantiation in a (possibly shared) store, start function and
// calls of exports.
#include <stdexcept>

#include "engine/engine.h"

namespace wippy::engine {

Instance::Instance(const Linker& linker, ModulePtr module, Limits limits)
    : Instance(linker, std::move(module), std::make_shared<interp::Store>(limits)) {}

Instance::Instance(const Linker& linker, ModulePtr module, std::shared_ptr<interp::Store> store)
    : store_(std::move(store)) {
  std::vector<Extern> imports = linker.resolve(*store_, *module);
  inst_ = store_->instantiate(std::move(module), imports);
}

std::unique_ptr<Execution> Instance::start() {
  FuncInst* func = start_function();
  if (!func) return nullptr;
  return std::make_unique<Execution>(*store_, func, std::span<const uint64_t>{});
}

void Instance::run_start() {
  std::unique_ptr<Execution> exec = start();
  if (!exec) return;
  RunStatus status = exec->run();
  while (status == RunStatus::OutOfBudget) status = exec->run();
  if (status == RunStatus::Trapped) throw interp::TrapError(exec->trap().message);
  if (status == RunStatus::Suspended) {
    throw interp::TrapError("start function suspended on a host call");
  }
}

interp::Memory* Instance::memory(uint32_t index) const {
  return index < inst_->memories.size() ? inst_->memories[index] : nullptr;
}

interp::Memory* Instance::exported_memory(std::string_view name) const {
  std::optional<Extern> ext = inst_->get_export(name);
  return ext && ext->kind == interp::ExternKind::Memory ? ext->memory : nullptr;
}

std::unique_ptr<Execution> Instance::call(std::string_view export_name,
                                          std::span<const uint64_t> args) {
  const interp::Export* exp = module().find_export(export_name);
  if (!exp) throw std::invalid_argument("unknown export: " + std::string(export_name));
  if (exp->kind != interp::ExternKind::Func) {
    throw std::invalid_argument("export is not a function: " + std::string(export_name));
  }
  interp::FuncInst* func = inst_->funcs[exp->index];
  // One cell per parameter (a v128 takes two).
  const size_t expected = interp::cell_count(func->type->params);
  if (args.size() != expected) {
    throw std::invalid_argument("parameter count mismatch: expected " + std::to_string(expected) +
                                ", got " + std::to_string(args.size()));
  }
  return std::make_unique<Execution>(*store_, func, args);
}

}  // namespace wippy::engine
