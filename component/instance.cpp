// Instantiation: walks a component's definitions in binary order, building the
// runtime entry of each index space (core instances on the interpreter, lifted and
// host functions, nested component instances), then calls of exported functions.
#include "component/instance.h"

#include <array>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

namespace wippy::component {

using interp::Extern;

struct RtInstance;

// A component-level function: a lifted core function or a host function.
struct Func {
  TypePtr type;
  std::string name;
  interp::FuncInst* core = nullptr;  // lifted
  LiveOptions options;
  const RtInstance* owner = nullptr;  // the component instance that lifted it
  SuspendableHostFunction host;       // or host
};

// A runtime entry of a component-level index space.
struct RtItem {
  Space space = Space::Func;
  std::shared_ptr<Func> func;
  std::shared_ptr<RtInstance> instance;
  TypePtr type;
  std::shared_ptr<const Component> component;
  std::shared_ptr<const interp::Module> module;
};
struct RtInstance {
  std::map<std::string, RtItem, std::less<>> exports;
};

struct Runtime {
  std::shared_ptr<const Component> component;
  std::shared_ptr<interp::Store> store;
  Resources resources;
  std::shared_ptr<RtInstance> root;
  // Component instances with a call in progress: a component is not reentrant (a
  // host function may not call back into the instance that called it).
  std::set<const RtInstance*> entered;
};

// --- Linker -------------------------------------------------------------------------

void Linker::define(std::string iface, std::string func, HostFunction fn) {
  define_suspendable(std::move(iface), std::move(func),
                     [fn = std::move(fn)](HostContext&, const std::vector<Value>& args) { return HostReply(fn(args)); });
}

void Linker::define_suspendable(std::string iface, std::string func, SuspendableHostFunction fn) {
  funcs_[{std::move(iface), std::move(func)}] = std::move(fn);
}

void Linker::define_resource_drop(std::string iface, std::string resource, std::function<void(uint32_t)> fn) {
  drops_[{std::move(iface), std::move(resource)}] = std::move(fn);
}

const SuspendableHostFunction* Linker::find(std::string_view iface, std::string_view func) const {
  auto it = funcs_.find(std::pair{std::string(iface), std::string(func)});
  return it == funcs_.end() ? nullptr : &it->second;
}

const std::function<void(uint32_t)>* Linker::find_drop(std::string_view iface, std::string_view resource) const {
  auto it = drops_.find(std::pair{std::string(iface), std::string(resource)});
  return it == drops_.end() ? nullptr : &it->second;
}

namespace {

std::vector<const Type*> param_types(const Type& f) {
  std::vector<const Type*> ts;
  for (const Field& p : f.params()) ts.push_back(p.type.get());
  return ts;
}

void check_result_count(const Func& f, const std::vector<Value>& out) {
  size_t want = f.type->result() ? 1 : 0;
  if (out.size() != want) throw CallError(fmt::format("host function returned {} values, expected {}", out.size(), want));
}

// Calls a function with lifted values, to completion (a host function may not
// suspend here: nothing could resume it).
std::vector<Value> invoke(Runtime& rt, const std::shared_ptr<Func>& f, const std::vector<Value>& args,
                          HostContext ctx = {}) {
  if (f->host) {
    HostReply reply = f->host(ctx, args);
    if (reply.suspend) throw CallError("host function suspended where no suspension is possible (a call between components)");
    check_result_count(*f, reply.values);
    return std::move(reply.values);
  }
  Call call(rt, f, args);
  interp::RunStatus s = call.run();
  while (s == interp::RunStatus::OutOfBudget) s = call.run();
  return call.results();
}

// The resource operations a guest imports (canon resource.new/drop/rep).
interp::HostFunc resource_builtin(Runtime& rt, const Canon& canon) {
  const Type* res = canon.type.get();
  interp::HostFunc hf;
  auto checked = [&rt, res](uint32_t index) -> Resources::Handle& {
    Resources::Handle& h = rt.resources.get(index);
    if (h.resource != res) throw CallError(fmt::format("handle {} is a {}, expected {}", index, h.resource->resource_name, res->resource_name));
    return h;
  };
  switch (canon.op) {
    case Canon::Op::ResourceNew:
      hf.type = {{interp::ValType::I32}, {interp::ValType::I32}};
      hf.name = "resource.new " + res->resource_name;
      hf.fn = [&rt, res](interp::HostCall&, const uint64_t* args, uint64_t* results) {
        try {
          results[0] = rt.resources.add({res, static_cast<uint32_t>(args[0]), true});
          return interp::HostResult::ok();
        } catch (const std::exception& e) {
          return interp::HostResult::trap(e.what());
        }
      };
      break;
    case Canon::Op::ResourceRep:
      hf.type = {{interp::ValType::I32}, {interp::ValType::I32}};
      hf.name = "resource.rep " + res->resource_name;
      hf.fn = [checked](interp::HostCall&, const uint64_t* args, uint64_t* results) {
        try {
          results[0] = checked(static_cast<uint32_t>(args[0])).rep;
          return interp::HostResult::ok();
        } catch (const std::exception& e) {
          return interp::HostResult::trap(e.what());
        }
      };
      break;
    default:
      hf.type = {{interp::ValType::I32}, {}};
      hf.name = "resource.drop " + res->resource_name;
      hf.fn = [&rt, checked](interp::HostCall&, const uint64_t* args, uint64_t*) {
        try {
          uint32_t index = static_cast<uint32_t>(args[0]);
          checked(index);
          Resources::Handle h = rt.resources.remove(index);
          if (!h.own) return interp::HostResult::ok();
          auto def = rt.resources.defined.find(h.resource);
          if (def != rt.resources.defined.end()) {
            uint64_t rep = h.rep;
            if (def->second) run_core(*rt.store, def->second, {&rep, 1}, "destructor of " + h.resource->resource_name);
          } else if (auto drop = rt.resources.host_drops.find(h.resource); drop != rt.resources.host_drops.end()) {
            drop->second(h.rep);
          }
          return interp::HostResult::ok();
        } catch (const std::exception& e) {
          return interp::HostResult::trap(e.what());
        }
      };
      break;
  }
  return hf;
}

class Instantiator {
 public:
  Instantiator(Runtime& rt, const Linker& linker) : rt_(rt), linker_(linker) {}
  // `args`: the nested component's imports by name; null at the top level (the
  // host provides the imports).
  std::shared_ptr<RtInstance> run(const Component& c, const std::map<std::string, RtItem, std::less<>>* args);

 private:
  struct Spaces {
    std::array<std::vector<Extern>, 4> core;  // func, table, memory, global
    std::vector<std::shared_ptr<const interp::Module>> modules;
    std::vector<std::map<std::string, Extern, std::less<>>> core_instances;
    std::vector<std::shared_ptr<Func>> funcs;
    std::vector<std::shared_ptr<RtInstance>> instances;
    std::vector<std::shared_ptr<const Component>> components;
    std::vector<TypePtr> types;
  };

  RtItem host_import(const ImportDef& imp);
  void push(Spaces& s, const RtItem& item);
  RtItem item(const Spaces& s, Space space, uint32_t index);
  void core_instance(Spaces& s, const Component& c, const Definition& d);
  LiveOptions live(const Spaces& s, const CanonOptions& o);
  void canon(Spaces& s, const Component& c, const Definition& d);

  Runtime& rt_;
  const Linker& linker_;
  const RtInstance* current_ = nullptr;  // the component instance being built
};

RtItem Instantiator::host_import(const ImportDef& imp) {
  RtItem item;
  item.space = imp.desc.sort == Sort::Func ? Space::Func : imp.desc.sort == Sort::Type ? Space::Type : Space::Instance;
  item.type = imp.desc.type;
  auto host_func = [&](std::string_view iface, const ExternDesc& e) {
    const SuspendableHostFunction* fn = linker_.find(iface, e.name);
    if (!fn) {
      throw LinkError(iface.empty() ? fmt::format("missing import: function `{}`", e.name)
                                    : fmt::format("missing import: `{}` of interface `{}`", e.name, iface));
    }
    auto f = std::make_shared<Func>();
    f->type = e.type;
    f->name = iface.empty() ? e.name : fmt::format("{}#{}", iface, e.name);
    f->host = *fn;
    return f;
  };
  switch (imp.desc.sort) {
    case Sort::Func: item.func = host_func("", imp.desc); break;
    case Sort::Type: break;
    case Sort::Instance: {
      item.instance = std::make_shared<RtInstance>();
      for (const ExternDesc& e : imp.desc.type->exports) {
        RtItem sub;
        sub.type = e.type;
        if (e.sort == Sort::Func) {
          sub.space = Space::Func;
          sub.func = host_func(imp.name, e);
        } else if (e.sort == Sort::Type) {
          sub.space = Space::Type;
          if (e.type->kind == Kind::Resource) {
            if (const auto* drop = linker_.find_drop(imp.name, e.name)) rt_.resources.host_drops[e.type.get()] = *drop;
          }
        } else {
          throw LinkError(fmt::format("import `{}`: {} exports of imported instances are not supported", imp.name, sort_name(e.sort)));
        }
        item.instance->exports[e.name] = std::move(sub);
      }
      break;
    }
    default: throw LinkError(fmt::format("import `{}`: {} imports are not supported", imp.name, sort_name(imp.desc.sort)));
  }
  return item;
}

void Instantiator::push(Spaces& s, const RtItem& item) {
  switch (item.space) {
    case Space::Func: s.funcs.push_back(item.func); break;
    case Space::Instance: s.instances.push_back(item.instance); break;
    case Space::Type: s.types.push_back(item.type); break;
    case Space::Component: s.components.push_back(item.component); break;
    case Space::CoreModule: s.modules.push_back(item.module); break;
    default: break;
  }
}

RtItem Instantiator::item(const Spaces& s, Space space, uint32_t index) {
  RtItem it;
  it.space = space;
  switch (space) {
    case Space::Func: it.func = s.funcs.at(index); it.type = it.func->type; break;
    case Space::Instance: it.instance = s.instances.at(index); break;
    case Space::Type: it.type = s.types.at(index); break;
    case Space::Component: it.component = s.components.at(index); break;
    case Space::CoreModule: it.module = s.modules.at(index); break;
    default: break;
  }
  return it;
}

void Instantiator::core_instance(Spaces& s, const Component& c, const Definition& d) {
  const CoreInstanceDef& def = c.core_instances[d.detail];
  std::map<std::string, Extern, std::less<>> exports;
  if (!def.instantiate) {
    for (const auto& e : def.exports) exports[e.name] = s.core[static_cast<size_t>(e.space)].at(e.index);
    s.core_instances.push_back(std::move(exports));
    return;
  }
  const std::shared_ptr<const interp::Module>& m = s.modules.at(def.module);
  std::vector<Extern> externs;
  for (const interp::Import& imp : m->imports) {
    for (const auto& a : def.args) {
      if (a.name == imp.module) externs.push_back(s.core_instances.at(a.instance).at(imp.name));
    }
  }
  std::string what = fmt::format("core instance {} (module {})", d.space_index, def.module);
  interp::Instance* inst = nullptr;
  try {
    inst = rt_.store->instantiate(m, externs);
    if (m->start) run_core(*rt_.store, inst->funcs[*m->start], {}, "start function");
  } catch (const interp::LinkError& e) {
    throw LinkError(what + ": " + e.what());
  } catch (const interp::TrapError& e) {
    throw LinkError(what + ": " + e.what());
  } catch (const CallError& e) {
    throw LinkError(what + ": " + e.what());
  }
  for (const interp::Export& e : m->exports) exports[e.name] = *inst->get_export(e.name);
  s.core_instances.push_back(std::move(exports));
}

LiveOptions Instantiator::live(const Spaces& s, const CanonOptions& o) {
  LiveOptions l;
  l.encoding = o.encoding;
  if (o.memory) l.memory = s.core[static_cast<size_t>(Space::CoreMemory)].at(*o.memory).memory;
  if (o.realloc) {
    l.realloc = s.core[0].at(*o.realloc).func;
    interp::FuncType want{{interp::ValType::I32, interp::ValType::I32, interp::ValType::I32, interp::ValType::I32},
                          {interp::ValType::I32}};
    if (*l.realloc->type != want) throw LinkError("realloc has type " + interp::to_string(*l.realloc->type) + ", needs " + interp::to_string(want));
  }
  if (o.post_return) l.post_return = s.core[0].at(*o.post_return).func;
  return l;
}

void Instantiator::canon(Spaces& s, const Component& c, const Definition& d) {
  const Canon& canon = c.canons[d.detail];
  if (canon.op == Canon::Op::Lift) {
    auto f = std::make_shared<Func>();
    f->type = canon.type;
    f->core = s.core[0].at(canon.func).func;
    f->options = live(s, canon.options);
    f->owner = current_;
    FlatSignature sig = flatten_func(*canon.type, FlatContext::Lift);
    interp::FuncType want{sig.params, sig.results};
    if (*f->core->type != want) {
      throw LinkError(fmt::format("canon lift: core function {} has type {}, the canonical ABI needs {}", canon.func,
                                  interp::to_string(*f->core->type), interp::to_string(want)));
    }
    if (f->options.post_return && *f->options.post_return->type != interp::FuncType{sig.results, {}}) {
      throw LinkError(fmt::format("canon lift: post-return has type {}, needs {}", interp::to_string(*f->options.post_return->type),
                                  interp::to_string(interp::FuncType{sig.results, {}})));
    }
    s.funcs.push_back(std::move(f));
    return;
  }
  interp::HostFunc hf;
  if (canon.op == Canon::Op::Lower) {
    std::shared_ptr<Func> target = s.funcs.at(canon.func);
    LiveOptions opts = live(s, canon.options);
    FlatSignature sig = flatten_func(*target->type, FlatContext::Lower);
    hf.type = {sig.params, sig.results};
    hf.name = target->name.empty() ? fmt::format("func {}", canon.func) : target->name;
    Runtime* rt = &rt_;
    hf.fn = [rt, target, opts, sig, name = hf.name](interp::HostCall& call, const uint64_t* args, uint64_t* results) {
      try {
        Abi abi(*rt->store, opts, rt->resources);
        const Type& ft = *target->type;
        size_t nparams = sig.params.size() - (sig.results_in_memory ? 1 : 0);
        std::vector<Value> values = abi.lift_values(param_types(ft), ValueNames{&ft.params()}, {args, nparams}, kMaxFlatParams);
        std::optional<uint32_t> out_ptr;
        if (sig.results_in_memory) out_ptr = static_cast<uint32_t>(args[nparams]);
        // Lowers the results into the core result cells (none when they go to out_ptr).
        auto lower = [rt, target, opts, out_ptr](const std::vector<Value>& out) {
          check_result_count(*target, out);
          if (!target->type->result()) return std::vector<uint64_t>{};
          Abi results_abi(*rt->store, opts, rt->resources);
          std::vector<uint64_t> cells =
              results_abi.lower_values({target->type->result().get()}, ValueNames{}, out, kMaxFlatResults, out_ptr);
          if (out_ptr) cells.clear();
          return cells;
        };
        if (!target->host) {
          std::vector<uint64_t> cells = lower(invoke(*rt, target, values));
          std::copy(cells.begin(), cells.end(), results);
          return interp::HostResult::ok();
        }
        HostContext ctx{&call};
        HostReply reply = target->host(ctx, values);
        if (!reply.suspend) {
          std::vector<uint64_t> cells = lower(reply.values);
          std::copy(cells.begin(), cells.end(), results);
          return interp::HostResult::ok();
        }
        // After the suspension: lower on completion; a failure traps on resume.
        size_t ncells = sig.results.size();
        interp::Execution* exec = call.execution;
        LowerResults later = [lower, ncells, exec, name](const std::vector<Value>& out) {
          try {
            return lower(out);
          } catch (const std::exception& e) {
            if (exec) exec->trap_on_resume(name + ": " + e.what());
            return std::vector<uint64_t>(ncells, 0);
          }
        };
        std::unique_ptr<interp::HostPending> pending = reply.suspend(std::move(later));
        if (!pending) throw CallError("host function suspended without a pending operation");
        return interp::HostResult::suspend(std::move(pending));
      } catch (const std::exception& e) {
        return interp::HostResult::trap(name + ": " + e.what());
      }
    };
  } else {
    hf = resource_builtin(rt_, canon);
  }
  s.core[0].push_back(Extern::of(rt_.store->new_host_func(std::make_shared<interp::HostFunc>(std::move(hf)))));
}

std::shared_ptr<RtInstance> Instantiator::run(const Component& c, const std::map<std::string, RtItem, std::less<>>* args) {
  Spaces s;
  auto self = std::make_shared<RtInstance>();
  const RtInstance* outer = current_;
  current_ = self.get();
  for (const Definition& d : c.definitions) {
    using How = Definition::How;
    switch (d.how) {
      case How::Import: {
        const ImportDef& imp = c.imports[d.detail];
        push(s, args ? args->at(imp.name) : host_import(imp));
        break;
      }
      case How::CoreModule: s.modules.push_back(c.core_modules[d.detail]); break;
      case How::CoreInstance: core_instance(s, c, d); break;
      case How::AliasCoreExport: s.core[static_cast<size_t>(d.space)].push_back(s.core_instances.at(d.instance).at(d.name)); break;
      case How::AliasExport: {
        RtItem it = s.instances.at(d.instance)->exports.at(d.name);
        it.space = d.space;
        push(s, it);
        break;
      }
      case How::AliasOuter:
        if (d.space == Space::CoreModule) s.modules.push_back(d.outer_module);
        else if (d.space == Space::Component) s.components.push_back(d.outer_component);
        else if (d.space == Space::Type) s.types.push_back(c.types.at(d.space_index));
        break;
      case How::Canon: canon(s, c, d); break;
      case How::Instance: {
        const InstanceDef& def = c.instances[d.detail];
        std::map<std::string, RtItem, std::less<>> items;
        for (const auto& a : def.items) items[a.name] = item(s, a.space, a.index);
        if (def.instantiate) {
          s.instances.push_back(run(*s.components.at(def.component), &items));
        } else {
          auto inst = std::make_shared<RtInstance>();
          inst->exports = std::move(items);
          s.instances.push_back(std::move(inst));
        }
        break;
      }
      case How::Export: {
        RtItem it = item(s, d.space, d.instance);
        if (it.func && it.func->name.empty()) it.func->name = d.name;
        self->exports[d.name] = it;
        push(s, it);
        break;
      }
      case How::Type:
        if (d.space == Space::Type) {
          const TypePtr& t = c.types.at(d.space_index);
          if (t->kind == Kind::Resource) {
            interp::FuncInst* dtor = t->dtor ? s.core[0].at(*t->dtor).func : nullptr;
            if (dtor && *dtor->type != interp::FuncType{{interp::ValType::I32}, {}}) {
              throw LinkError("destructor of " + t->resource_name + " has type " + interp::to_string(*dtor->type) + ", needs [i32] -> []");
            }
            rt_.resources.defined[t.get()] = dtor;
          }
          s.types.push_back(t);
        }
        break;
      case How::Component: s.components.push_back(c.components[d.detail]); break;
    }
  }
  current_ = outer;
  return self;
}

}  // namespace

// --- Call ---------------------------------------------------------------------------

Call::Call(Runtime& rt, std::shared_ptr<Func> func, const std::vector<Value>& args) : rt_(rt), func_(std::move(func)) {
  if (!func_->core) throw CallError(fmt::format("`{}` is a host function re-exported by the component", func_->name));
  const Type& ft = *func_->type;
  if (args.size() != ft.params().size()) {
    throw CallError(fmt::format("`{}` takes {} arguments, got {}", func_->name, ft.params().size(), args.size()));
  }
  if (!rt_.entered.insert(func_->owner).second) {
    throw CallError(fmt::format("`{}`: the component instance is already running a call (no reentrance)", func_->name));
  }
  entered_ = true;
  abi_ = std::make_unique<Abi>(*rt_.store, func_->options, rt_.resources);
  std::vector<uint64_t> cells;
  try {
    cells = abi_->lower_values(param_types(ft), ValueNames{&ft.params()}, args, kMaxFlatParams);
  } catch (const CallError& e) {
    leave();
    throw CallError(fmt::format("`{}`: {}", func_->name, e.what()));
  }
  exec_ = std::make_unique<interp::Execution>(*rt_.store, func_->core, cells);
}

Call::~Call() {
  end_borrows();
  leave();
}

void Call::leave() {
  if (entered_) rt_.entered.erase(func_->owner);
  entered_ = false;
}

interp::RunStatus Call::run(int64_t budget) { return exec_->run(budget); }

std::vector<Value> Call::results() {
  if (finished_) throw CallError("results already taken");
  interp::RunStatus s = exec_->status();
  if (s == interp::RunStatus::Trapped) throw CallError(fmt::format("`{}` trapped: {}", func_->name, exec_->trap().describe()));
  if (s != interp::RunStatus::Done) throw CallError(fmt::format("`{}` has not finished ({})", func_->name, interp::run_status_name(s)));
  finished_ = true;
  const Type& ft = *func_->type;
  std::vector<uint64_t> core(exec_->results().begin(), exec_->results().end());
  std::vector<Value> out;
  try {
    if (ft.result()) out = abi_->lift_values({ft.result().get()}, ValueNames{}, core, kMaxFlatResults);
    if (func_->options.post_return) run_core(*rt_.store, func_->options.post_return, core, "post-return");
  } catch (const CallError& e) {
    throw CallError(fmt::format("`{}`: {}", func_->name, e.what()));
  }
  end_borrows();
  leave();
  return out;
}

// Borrows lent for the call end with it (also when it is abandoned).
void Call::end_borrows() {
  if (!abi_) return;
  for (uint32_t index : abi_->lent_borrows()) {
    try {
      if (!rt_.resources.get(index).own) rt_.resources.remove(index);
    } catch (const CallError&) {
      // The guest dropped it already.
    }
  }
  abi_.reset();
}

// --- ComponentInstance ----------------------------------------------------------------

ComponentInstance::ComponentInstance(std::shared_ptr<const Component> component, const Linker& linker,
                                     interp::StoreLimits limits)
    : rt_(std::make_unique<Runtime>()) {
  rt_->component = std::move(component);
  rt_->store = std::make_shared<interp::Store>(limits);
  Instantiator inst(*rt_, linker);
  try {
    rt_->root = inst.run(*rt_->component, nullptr);
  } catch (const std::out_of_range& e) {
    // Validation makes every index and name resolve; this guards the rest.
    throw LinkError(std::string("component refers to something it does not define: ") + e.what());
  }
}

ComponentInstance::~ComponentInstance() = default;

interp::Store& ComponentInstance::store() { return *rt_->store; }
const Resources& ComponentInstance::resources() const { return rt_->resources; }

std::vector<std::string> ComponentInstance::exported_functions() const {
  std::vector<std::string> names;
  for (const auto& [name, it] : rt_->root->exports) {
    if (it.space == Space::Func) names.push_back(name);
    if (it.space == Space::Instance && it.instance) {
      for (const auto& [fname, fit] : it.instance->exports) {
        if (fit.space == Space::Func) names.push_back(name + "#" + fname);
      }
    }
  }
  return names;
}

std::shared_ptr<Func> ComponentInstance::find(std::string_view name) const {
  const RtItem* found = nullptr;
  size_t hash = name.find('#');
  if (hash == std::string_view::npos) {
    auto it = rt_->root->exports.find(name);
    if (it != rt_->root->exports.end() && it->second.space == Space::Func) found = &it->second;
  } else {
    auto it = rt_->root->exports.find(name.substr(0, hash));
    if (it != rt_->root->exports.end() && it->second.space == Space::Instance && it->second.instance) {
      auto f = it->second.instance->exports.find(name.substr(hash + 1));
      if (f != it->second.instance->exports.end() && f->second.space == Space::Func) found = &f->second;
    }
  }
  if (!found) {
    std::string list;
    for (const std::string& n : exported_functions()) list += (list.empty() ? "" : ", ") + n;
    throw CallError(fmt::format("no exported function `{}` (the component exports: {})", name, list.empty() ? "none" : list));
  }
  std::shared_ptr<Func> f = found->func;
  if (f->name.empty() || f->name.find('#') == std::string::npos) f->name = std::string(name);
  return f;
}

const Type& ComponentInstance::func_type(std::string_view name) const { return *find(name)->type; }

std::unique_ptr<Call> ComponentInstance::prepare(std::string_view name, const std::vector<Value>& args) {
  return std::make_unique<Call>(*rt_, find(name), args);
}

std::vector<Value> ComponentInstance::call(std::string_view name, const std::vector<Value>& args) {
  return invoke(*rt_, find(name), args);
}

void ComponentInstance::drop(const Value& handle) {
  if (handle.kind != Kind::Own || !handle.resource) throw CallError("drop needs an owned resource handle");
  auto def = rt_->resources.defined.find(handle.resource);
  if (def == rt_->resources.defined.end()) throw CallError(fmt::format("{} is not a resource this component defines", handle.resource->resource_name));
  uint64_t rep = handle.bits;
  if (def->second) run_core(*rt_->store, def->second, {&rep, 1}, "destructor of " + handle.resource->resource_name);
}

}  // namespace wippy::component
