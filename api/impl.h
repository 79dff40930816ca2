// The objects behind the public API's handles (include/wippy), and the conversions
// between its values and the engine's cells. Internal to api/.
#pragma once

#include <memory>
#include <span>
#include <string_view>
#include <typeinfo>
#include <vector>

#include "engine/engine.h"
#include "wippy/wippy.h"

namespace wippy::detail {

static_assert(static_cast<int>(EngineConfig::Translation::Lazy) == static_cast<int>(engine::Translation::Lazy) &&
              static_cast<int>(EngineConfig::Translation::Eager) == static_cast<int>(engine::Translation::Eager));

struct EngineImpl {
  explicit EngineImpl(const EngineConfig& c)
      : engine({.fuel_metering = c.fuel_metering,
                .multi_memory = c.multi_memory,
                .translation = static_cast<engine::Translation>(c.translation)}) {}
  engine::Engine engine;
};

struct ModuleImpl {
  engine::ModulePtr module;
};

struct StoreImpl : std::enable_shared_from_this<StoreImpl> {
  explicit StoreImpl(const Limits& l);
  ~StoreImpl();
  Limits limits;
  // Whatever host functions of this store need beyond it (a WASI context); destroyed
  // after the interpreter's store, whose instances may still point at it.
  std::vector<std::shared_ptr<void>> attachments;
  std::shared_ptr<engine::Store> store;
  // The embedder's host state (Store::emplace_data).
  void* data = nullptr;
  void (*destroy)(void*) = nullptr;
  const std::type_info* data_type = nullptr;
};

// A host function's Suspension, as the interpreter carries it.
struct SuspensionBox : engine::HostPending {
  SuspensionBox(std::unique_ptr<Suspension> s, std::vector<engine::ValType> types)
      : suspension(std::move(s)), result_types(std::move(types)) {}
  std::unique_ptr<Suspension> suspension;
  std::vector<engine::ValType> result_types;  // what resume() must bring
};

struct LinkerImpl {
  engine::Linker linker;
};

struct InstanceImpl {
  std::shared_ptr<StoreImpl> store;
  Module module;
  std::unique_ptr<engine::Instance> instance;
};

struct ExecutionImpl {
  std::shared_ptr<InstanceImpl> instance;  // keeps the store and the code alive
  std::unique_ptr<engine::Execution> exec;
  RunState state = RunState::Yielded;
  uint32_t exit_code = 0;
};

// Reaches the handles' private parts.
struct Access {
  static const std::shared_ptr<const ModuleImpl>& impl(const Module& m) { return m.impl_; }
  static Module module(engine::ModulePtr p);
  static const std::shared_ptr<StoreImpl>& impl(const Store& s) { return s.impl_; }
  static Store store(std::shared_ptr<StoreImpl> impl);
  static LinkerImpl& impl(const Linker& l) { return *l.impl_; }
  static const std::shared_ptr<InstanceImpl>& impl(const Instance& i) { return i.impl_; }
  static Memory memory(engine::Memory* m, std::shared_ptr<StoreImpl> store);
  static Caller caller(engine::HostCall& call, std::shared_ptr<StoreImpl> store);
  static Execution execution(std::unique_ptr<ExecutionImpl> impl);
  static ExecutionImpl& impl(Execution& e) { return *e.impl_; }
};

// Conversions between the API's types and the engine's.
ValType from_engine(engine::ValType t);
engine::ValType to_engine(ValType t);
FuncType from_engine(const engine::FuncType& t);
engine::FuncType to_engine(const FuncType& t);
Trap from_engine(const engine::Trap& trap);
// `vals` as cells of `types`; std::invalid_argument naming `what` ("add") and the
// position (1-based) for a wrong count or type.
std::vector<uint64_t> to_cells(std::span<const Val> vals, const std::vector<engine::ValType>& types,
                               std::string_view what, std::string_view noun);
std::vector<Val> from_cells(std::span<const uint64_t> cells, const std::vector<engine::ValType>& types);

// Runs `fn`, turning the engine's exceptions into the API's.
template <class F>
auto translate_errors(F&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const engine::ModuleError& e) {
    throw LoadError(e.describe());
  } catch (const engine::LoadError& e) {
    throw LoadError(e.what());
  } catch (const engine::LinkError& e) {
    throw LinkError(e.what());
  } catch (const engine::TrapError& e) {
    throw TrapError(Trap{engine::trap_code_of(e.what()), e.what(), {}});
  }
}

}  // namespace wippy::detail
