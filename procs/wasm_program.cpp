// The programs a WasmProcess runs: a core module (start, _initialize, method) or a
// component (one call of an export), each call an Execution the process drives.
#include "procs/wasm_program.h"

#include <stdexcept>

#include <fmt/format.h>

#include "component/loader.h"
#include "procs/component_values.h"
#include "procs/wasm_process.h"
#include "procs/wasm_values.h"
#include "procs/wit_call.h"

namespace wippy::procs {

namespace {

class CoreCall : public WasmCall {
 public:
  explicit CoreCall(std::unique_ptr<engine::Execution> exec) : exec_(std::move(exec)) {}
  engine::Execution& execution() override { return *exec_; }
  Value result() override { return from_wasm_results(exec_->func_type(), exec_->results()); }

 private:
  std::unique_ptr<engine::Execution> exec_;
};

class CoreProgram : public WasmProgram {
 public:
  CoreProgram(const WasmImports& imports, engine::ModulePtr module, const std::string& method, std::span<const Value> args,
              const engine::Limits& limits, component::TypePtr wit_func)
      : instance_(imports.linker, std::move(module), limits), method_(method), wit_func_(std::move(wit_func)) {
    auto ext = instance_.get_export(method);
    if (!ext || ext->kind != engine::ExternKind::Func) throw std::runtime_error("export not found: " + method);
    if (wit_func_) {
      try {
        wit_args_ = to_component_args(*wit_func_, args);
      } catch (const ValueError& e) {
        throw std::runtime_error(fmt::format("`{}`: {}", method, e.what()));
      }
    } else {
      args_ = to_wasm_args(*ext->func->type, args);
    }
    reactor_ = is_reactor(instance_.module()) && method != "_initialize" && method != "_start";
  }

  std::unique_ptr<WasmCall> next_call() override {
    switch (stage_) {
      case Stage::Start:
        stage_ = Stage::Initialize;
        if (auto ex = instance_.start()) return std::make_unique<CoreCall>(std::move(ex));
        [[fallthrough]];
      case Stage::Initialize:
        stage_ = Stage::Method;
        if (reactor_) return std::make_unique<CoreCall>(instance_.call("_initialize", {}));
        [[fallthrough]];
      case Stage::Method:
        stage_ = Stage::Done;
        if (wit_func_) return wit_call(instance_, method_, wit_func_, wit_args_);
        return std::make_unique<CoreCall>(instance_.call(method_, args_));
      case Stage::Done: break;
    }
    return nullptr;
  }
  engine::Store& store() override { return instance_.store(); }
  uint64_t memory_bytes() override {
    const std::vector<engine::Memory*>& memories = instance_.memories();
    // The store's page budget counts every memory of the store, imported or not.
    if (!memories.empty() && memories[0]->budget) return memories[0]->budget->used * engine::kPageSize;
    uint64_t bytes = 0;
    for (const engine::Memory* m : memories) bytes += m->size;
    return bytes;
  }

 private:
  enum class Stage { Start, Initialize, Method, Done };
  engine::Instance instance_;
  std::string method_;
  component::TypePtr wit_func_;
  std::vector<uint64_t> args_;
  std::vector<component::Value> wit_args_;
  bool reactor_ = false;
  Stage stage_ = Stage::Start;
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

  std::unique_ptr<WasmCall> next_call() override {
    if (called_) return nullptr;
    called_ = true;
    return std::make_unique<ComponentCall>(instance_->prepare(method_, args_), *func_, method_);
  }
  engine::Store& store() override { return instance_->store(); }

 private:
  std::string method_;
  const component::Type* func_ = nullptr;
  std::vector<component::Value> args_;
  std::unique_ptr<component::ComponentInstance> instance_;
  bool called_ = false;
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
