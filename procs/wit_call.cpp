// Core exports typed by WIT: the canonical ABI over one core instance.
#include "procs/wit_call.h"

#include <stdexcept>

#include <fmt/format.h>

#include "component/abi.h"
#include "procs/component_values.h"

namespace wippy::procs {

namespace {

using engine::ValType;

const engine::FuncType kRealloc{{ValType::I32, ValType::I32, ValType::I32, ValType::I32}, {ValType::I32}};
const engine::FuncType kAlloc{{ValType::I32}, {ValType::I32}};

engine::FuncInst* exported_func(engine::Instance& inst, std::string_view name, const engine::FuncType& type) {
  auto e = inst.get_export(name);
  if (!e || e->kind != engine::ExternKind::Func || *e->func->type != type) return nullptr;
  return e->func;
}

// The module's allocator as a cabi_realloc: its own, or an `allocate`/`alloc(size)`
// adapted to the realloc signature (a new block each time; the canonical ABI never
// reallocates when lowering). Null when it has none.
engine::FuncInst* find_realloc(engine::Instance& inst) {
  for (const char* name : {"cabi_realloc", "canonical_abi_realloc"}) {
    if (auto* f = exported_func(inst, name, kRealloc)) return f;
  }
  for (const char* name : {"allocate", "alloc"}) {
    engine::FuncInst* alloc = exported_func(inst, name, kAlloc);
    if (!alloc) continue;
    auto hf = std::make_shared<engine::HostFunc>();
    hf->type = kRealloc;
    hf->name = name;
    engine::Store* store = &inst.store();
    hf->fn = [store, alloc, name = std::string(name)](engine::HostCall&, const uint64_t* args, uint64_t* results) {
      try {
        uint64_t size = args[3];
        results[0] = component::run_core(*store, alloc, {&size, 1}, name).at(0);
        return engine::HostResult::ok();
      } catch (const std::exception& e) {
        return engine::HostResult::trap(e.what());
      }
    };
    return inst.store().new_host_func(std::move(hf));
  }
  return nullptr;
}

std::vector<const component::Type*> param_types(const component::Type& f) {
  std::vector<const component::Type*> ts;
  for (const component::Field& p : f.params()) ts.push_back(p.type.get());
  return ts;
}

class WitCall : public WasmCall {
 public:
  WitCall(engine::Instance& inst, const std::string& name, component::TypePtr func, const std::vector<component::Value>& args)
      : inst_(inst), name_(name), func_(std::move(func)) {
    component::FlatSignature sig = component::flatten_func(*func_, component::FlatContext::Lift);
    engine::FuncType want{sig.params, sig.results};
    auto e = inst.get_export(name);
    if (!e || e->kind != engine::ExternKind::Func) throw std::runtime_error("export not found: " + name);
    if (*e->func->type != want) {
      fail(fmt::format("the wit signature needs the core type {}, the module exports {}", engine::to_string(want),
                       engine::to_string(*e->func->type)));
    }
    opts_.memory = inst.exported_memory("memory");
    if (!opts_.memory) opts_.memory = inst.memory(0);
    opts_.realloc = find_realloc(inst);
    opts_.post_return = exported_func(inst, "cabi_post_" + name, engine::FuncType{sig.results, {}});
    abi_ = std::make_unique<component::Abi>(inst.store(), opts_, resources_);
    std::vector<uint64_t> cells;
    try {
      cells = abi_->lower_values(param_types(*func_), component::ValueNames{&func_->params()}, args, component::kMaxFlatParams);
    } catch (const std::exception& x) {
      fail(x.what());
    }
    exec_ = inst.call(name, cells);
  }

  engine::Execution& execution() override { return *exec_; }

  Value result() override {
    std::vector<uint64_t> core(exec_->results().begin(), exec_->results().end());
    try {
      std::vector<component::Value> out;
      if (func_->result()) out = abi_->lift_values({func_->result().get()}, component::ValueNames{}, core, component::kMaxFlatResults);
      if (opts_.post_return) component::run_core(inst_.store(), opts_.post_return, core, "post-return");
      return from_component_results(*func_, out);
    } catch (const std::exception& x) {
      fail(x.what());
    }
  }

 private:
  [[noreturn]] void fail(const std::string& what) { throw std::runtime_error(fmt::format("`{}`: {}", name_, what)); }

  engine::Instance& inst_;
  std::string name_;
  component::TypePtr func_;
  component::LiveOptions opts_;
  component::Resources resources_;
  std::unique_ptr<component::Abi> abi_;
  std::unique_ptr<engine::Execution> exec_;
};

}  // namespace

std::unique_ptr<WasmCall> wit_call(engine::Instance& instance, const std::string& name, const component::TypePtr& func,
                                   const std::vector<component::Value>& args) {
  return std::make_unique<WitCall>(instance, name, func, args);
}

}  // namespace wippy::procs
