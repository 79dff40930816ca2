// Instance (instantiation, calls, memory) and Execution (a call run in budgets; WASI's
// blocking operations are done inline, proc_exit ends it).
#include <stdexcept>
#include <string>

#include "api/impl.h"
#include "wasi/context.h"
#include "wasi/pending.h"

namespace wippy {

namespace detail {

Execution Access::execution(std::unique_ptr<ExecutionImpl> impl) {
  Execution e;
  e.impl_ = std::move(impl);
  return e;
}

namespace {

std::unique_ptr<ExecutionImpl> new_execution(std::shared_ptr<InstanceImpl> instance,
                                             std::unique_ptr<engine::Execution> exec) {
  auto impl = std::make_unique<ExecutionImpl>();
  impl->instance = std::move(instance);
  impl->exec = std::move(exec);
  impl->exec->user_data = impl->instance->store.get();  // host functions find their Store here
  return impl;
}

// Runs `e` to its end: the results, or TrapError.
std::vector<Val> run_to_end(Execution& e, std::string_view what) {
  switch (e.run()) {
    case RunState::Done: return e.results();
    case RunState::Trapped: throw TrapError(e.trap());
    case RunState::Exited:
      throw TrapError(Trap{TrapCode::HostError, "proc_exit(" + std::to_string(e.exit_code()) + ")", {}});
    case RunState::Suspended:
      e.resume_trap(std::string(what) +
                    ": a host function suspended, which only a call run with call_async can do");
      throw TrapError(e.trap());
    case RunState::Yielded: break;
  }
  throw std::logic_error("a run without a budget yielded");
}

}  // namespace
}  // namespace detail

Execution::Execution(Execution&&) noexcept = default;
Execution& Execution::operator=(Execution&&) noexcept = default;
Execution::~Execution() = default;

RunState Execution::run(uint64_t budget) {
  detail::ExecutionImpl& e = *impl_;
  switch (e.state) {
    case RunState::Done:
    case RunState::Trapped:
    case RunState::Exited:
      return e.state;
    case RunState::Suspended:
      throw std::logic_error("run() on a suspended execution: call resume() or resume_trap() first");
    case RunState::Yielded:
      break;
  }
  int64_t left = static_cast<int64_t>(std::min<uint64_t>(budget, INT64_MAX));
  for (;;) {
    const uint64_t before = e.exec->fuel_consumed();
    switch (e.exec->run(left)) {
      case engine::RunStatus::Done: return e.state = RunState::Done;
      case engine::RunStatus::Trapped: return e.state = RunState::Trapped;
      case engine::RunStatus::Ready:
      case engine::RunStatus::OutOfBudget: return e.state = RunState::Yielded;
      case engine::RunStatus::Suspended: break;
    }
    engine::HostPending* pending = e.exec->pending();
    if (dynamic_cast<detail::SuspensionBox*>(pending)) return e.state = RunState::Suspended;
    if (auto* exit = dynamic_cast<wasi::ExitRequest*>(pending)) {
      e.exit_code = exit->code;
      return e.state = RunState::Exited;
    }
    auto* op = dynamic_cast<wasi::BlockingOp*>(pending);
    if (!op) {
      e.exec->resume_trap("a host function suspended with an operation the API does not know");
      return e.state = RunState::Trapped;
    }
    // A WASI sleep, stdin read or large file operation: no one else runs here.
    std::unique_ptr<engine::HostPending> owned = e.exec->take_pending();
    const bool yield_only = op->yield_only();
    e.exec->resume(op->run_here());
    left -= static_cast<int64_t>(e.exec->fuel_consumed() - before);
    if (yield_only || left <= 0) return e.state = RunState::Yielded;
  }
}

RunState Execution::state() const { return impl_->state; }

std::vector<Val> Execution::results() const {
  if (impl_->state != RunState::Done) throw std::logic_error("results() of a call that has not returned");
  return detail::from_cells(impl_->exec->results(), impl_->exec->func_type().results);
}

Trap Execution::trap() const {
  if (impl_->state != RunState::Trapped) throw std::logic_error("trap() of a call that has not trapped");
  return detail::from_engine(impl_->exec->trap());
}

uint32_t Execution::exit_code() const { return impl_->exit_code; }

Suspension* Execution::suspension() const {
  auto* box = dynamic_cast<detail::SuspensionBox*>(impl_->exec->pending());
  return box ? box->suspension.get() : nullptr;
}

void Execution::resume(std::span<const Val> results) {
  auto* box = dynamic_cast<detail::SuspensionBox*>(impl_->exec->pending());
  if (impl_->state != RunState::Suspended || !box) {
    throw std::logic_error("resume() of a call that is not suspended");
  }
  impl_->exec->resume(detail::to_cells(results, box->result_types, "resume", "result"));
  impl_->state = RunState::Yielded;
}

void Execution::resume_trap(std::string message) {
  if (impl_->state != RunState::Suspended) throw std::logic_error("resume_trap() of a call that is not suspended");
  impl_->exec->resume_trap(std::move(message));
  impl_->state = RunState::Trapped;
}

uint64_t Execution::fuel_consumed() const { return impl_->exec->fuel_consumed(); }

Instance::Instance(Store& store, const Linker& linker, const Module& module)
    : impl_(std::make_shared<detail::InstanceImpl>()) {
  impl_->store = detail::Access::impl(store);
  impl_->module = module;
  detail::translate_errors([&] {
    impl_->instance = std::make_unique<engine::Instance>(detail::Access::impl(linker).linker,
                                                         detail::Access::impl(module)->module,
                                                         impl_->store->store);
  });
  if (std::unique_ptr<engine::Execution> start = impl_->instance->start()) {
    Execution e = detail::Access::execution(detail::new_execution(impl_, std::move(start)));
    detail::run_to_end(e, "start function");
  }
}

std::optional<FuncType> Instance::func_type(std::string_view name) const {
  const engine::Module& m = impl_->instance->module();
  const engine::Export* exp = m.find_export(name);
  if (!exp || exp->kind != engine::ExternKind::Func) return std::nullopt;
  return detail::from_engine(m.func_type(exp->index));
}

Execution Instance::call_async(std::string_view name, std::span<const Val> args) {
  const engine::Module& m = impl_->instance->module();
  const engine::Export* exp = m.find_export(name);
  if (!exp) throw std::invalid_argument("unknown export: " + std::string(name));
  if (exp->kind != engine::ExternKind::Func) {
    throw std::invalid_argument("export " + std::string(name) + " is a " + engine::extern_kind_name(exp->kind) +
                                ", not a function");
  }
  std::vector<uint64_t> cells = detail::to_cells(args, m.func_type(exp->index).params, name, "argument");
  return detail::Access::execution(detail::new_execution(impl_, impl_->instance->call(name, cells)));
}

std::vector<Val> Instance::call(std::string_view name, std::span<const Val> args) {
  Execution e = call_async(name, args);
  return detail::run_to_end(e, name);
}

std::optional<Memory> Instance::memory(std::string_view name) const {
  engine::Memory* m = impl_->instance->exported_memory(name);
  if (!m) return std::nullopt;
  return detail::Access::memory(m, impl_->store);
}

uint64_t Instance::fuel_consumed() const { return impl_->store->store->fuel_consumed; }

Store Instance::store() const { return detail::Access::store(impl_->store); }

Module Instance::module() const { return impl_->module; }

}  // namespace wippy
