// The programs a WasmProcess runs: a core module (start, _initialize, method) or a
// component (one call of an export), each call an Execution the process drives.
#include "procs/wasm_program.h"

#include <optional>
#include <stdexcept>

#include <fmt/format.h>

#include "component/loader.h"
#include "procs/block_pool.h"
#include "procs/component_values.h"
#include "procs/execution_pool.h"
#include "procs/module_release.h"
#include "procs/wasm_process.h"
#include "procs/wasm_values.h"
#include "procs/wit_call.h"

namespace wippy::procs {

namespace {

// A call of a core function. The program keeps one and starts each of its calls in
// the same execution, which comes from (and goes back to) the worker's pool.
class CoreCall : public WasmCall {
 public:
  CoreCall() = default;
  CoreCall(const CoreCall&) = delete;
  CoreCall& operator=(const CoreCall&) = delete;
  ~CoreCall() override { detail::give_execution(std::move(exec_)); }
  void start(engine::Store& store, engine::FuncInst* func, std::span<const uint64_t> args) {
    if (exec_)
      exec_->reset(store, func, args);
    else
      exec_ = detail::take_execution(store, func, args);
  }
  engine::Execution& execution() override { return *exec_; }
  Value result() override { return from_wasm_results(exec_->func_type(), exec_->results()); }

 private:
  std::unique_ptr<engine::Execution> exec_;
};

// A shared_ptr that does not own `store` (engine::Instance wants one): the program
// holds its store by value, which saves an allocation per process.
std::shared_ptr<engine::Store> unowned(engine::Store& store) { return {std::shared_ptr<engine::Store>(), &store}; }

class CoreProgram : public WasmProgram {
 public:
  CoreProgram(const WasmImports& imports, engine::ModulePtr module, const std::string& method, std::span<const Value> args,
              const engine::Limits& limits, component::TypePtr wit_func)
      : store_(limits),
        instance_(imports.linker, std::move(module), unowned(store_)),
        method_(method),
        wit_func_(std::move(wit_func)) {
    auto ext = instance_.get_export(method);
    if (!ext || ext->kind != engine::ExternKind::Func) throw std::runtime_error("export not found: " + method);
    method_func_ = ext->func;
    if (wit_func_) {
      try {
        wit_args_ = to_component_args(*wit_func_, args);
      } catch (const ValueError& e) {
        throw std::runtime_error(fmt::format("`{}`: {}", method, e.what()));
      }
    } else {
      args_ = to_wasm_args(*ext->func->type, args);
    }
    if (is_reactor(instance_.module()) && method != "_initialize" && method != "_start")
      initialize_ = instance_.get_export("_initialize")->func;
  }

  ~CoreProgram() override { module_.ref = instance_.take_module_reference(); }

  // Made on one worker and often dropped on another: recycled memory (block_pool.h).
  static void* operator new(size_t size) { return detail::pooled_new<CoreProgram>(size); }
  static void operator delete(void* p, size_t size) noexcept { detail::pooled_delete<CoreProgram>(p, size); }

  WasmCall* next_call() override {
    switch (stage_) {
      case Stage::Start:
        stage_ = Stage::Initialize;
        if (engine::FuncInst* start = instance_.start_function()) {
          call_.start(store_, start, {});
          return &call_;
        }
        [[fallthrough]];
      case Stage::Initialize:
        stage_ = Stage::Method;
        if (initialize_) {
          call_.start(store_, initialize_, {});
          return &call_;
        }
        [[fallthrough]];
      case Stage::Method:
        stage_ = Stage::Done;
        if (wit_func_) {
          wit_call_ = wit_call(instance_, method_, wit_func_, wit_args_);
          return wit_call_.get();
        }
        call_.start(store_, method_func_, args_);
        return &call_;
      case Stage::Done: break;
    }
    return nullptr;
  }
  engine::Store& store() override { return store_; }

 private:
  enum class Stage { Start, Initialize, Method, Done };
  // The instance's module reference once the program is being destroyed, released
  // after the store (procs/module_release.h).
  struct ModuleReference {
    engine::ModulePtr ref;
    ~ModuleReference() { detail::release_module(std::move(ref)); }
  };
  ModuleReference module_;
  engine::Store store_;  // the instance lives in it
  engine::Instance instance_;
  std::string method_;
  engine::FuncInst* method_func_ = nullptr;
  engine::FuncInst* initialize_ = nullptr;  // a reactor's `_initialize`, run before the method
  component::TypePtr wit_func_;
  WasmArgs args_;
  std::vector<component::Value> wit_args_;
  Stage stage_ = Stage::Start;
  CoreCall call_;
  std::unique_ptr<WasmCall> wit_call_;
};

class ComponentCall : public WasmCall {
 public:
  ComponentCall(std::unique_ptr<component::Call> call, const component::Type& func, std::string name)
      : call_(std::move(call)), func_(func), name_(std::move(name)) {}
  engine::Execution& execution() override { return call_->execution(); }
  Value result() override {
    std::vector<component::Value> results = call_->results();  // CallError names the function
    // A command (wasi:cli/run#run -> result): ok is a normal end, err a failure.
    if (name_.starts_with("wasi:cli/run@") && !results.empty() && results[0].kind == component::Kind::Result) {
      if (results[0].case_index() != 0) throw std::runtime_error("the command failed (wasi:cli/run returned err)");
      return {};
    }
    try {
      return from_component_results(func_, results);
    } catch (const ValueError& e) {
      throw std::runtime_error(fmt::format("`{}`: {}", name_, e.what()));
    }
  }

 private:
  std::unique_ptr<component::Call> call_;
  const component::Type& func_;
  std::string name_;
};

class ComponentProgram : public WasmProgram {
 public:
  ComponentProgram(const WasmImports& imports, std::shared_ptr<const component::Component> c, const std::string& method,
                   std::span<const Value> args, const engine::Limits& limits)
      : method_(method) {
    func_ = component::find_export_func(*c, method);
    if (!func_) throw std::runtime_error(component::missing_export_message(*c, method));
    try {
      args_ = to_component_args(*func_, args);
    } catch (const ValueError& e) {
      throw std::runtime_error(fmt::format("`{}`: {}", method, e.what()));
    }
    check_wasi_imports(*c, imports.components);
    instance_ = std::make_unique<component::ComponentInstance>(std::move(c), imports.components, limits);
  }

  WasmCall* next_call() override {
    if (call_) return nullptr;
    call_ = std::make_unique<ComponentCall>(instance_->prepare(method_, args_), *func_, method_);
    return call_.get();
  }
  engine::Store& store() override { return instance_->store(); }

 private:
  std::string method_;
  const component::Type* func_ = nullptr;
  std::vector<component::Value> args_;
  std::unique_ptr<component::ComponentInstance> instance_;
  std::unique_ptr<ComponentCall> call_;
};

}  // namespace

bool is_reactor(const engine::Module& m) {
  const engine::Export* e = m.find_export("_initialize");
  return e && e->kind == engine::ExternKind::Func && m.func_type(e->index) == engine::FuncType{};
}

void check_wasi_imports(const component::Component& c, const component::Linker& linker) {
  for (const component::ImportDef& imp : c.imports) {
    if (!imp.name.starts_with("wasi:") || imp.desc.sort != component::Sort::Instance || !imp.desc.type) continue;
    for (const component::ExternDesc& e : imp.desc.type->exports) {
      if (e.sort == component::Sort::Func && !linker.find(imp.name, e.name)) {
        throw component::LinkError(
            fmt::format("component imports {} (function `{}`), which this host does not provide", imp.name, e.name));
      }
    }
  }
}

std::unique_ptr<WasmProgram> core_program(const WasmImports& imports, engine::ModulePtr module, const std::string& method,
                                          std::span<const Value> args, const engine::Limits& limits,
                                          component::TypePtr wit_func) {
  return std::make_unique<CoreProgram>(imports, std::move(module), method, args, limits, std::move(wit_func));
}

std::unique_ptr<WasmProgram> component_program(const WasmImports& imports, std::shared_ptr<const component::Component> c,
                                               const std::string& method, std::span<const Value> args,
                                               const engine::Limits& limits) {
  return std::make_unique<ComponentProgram>(imports, std::move(c), method, args, limits);
}

}  // namespace wippy::procs
