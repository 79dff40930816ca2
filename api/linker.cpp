// Linker: host functions (typed ones arrive as cell functions) wrapped for the
// interpreter, so that exceptions become traps and suspensions travel boxed.
#include <string>

#include "api/impl.h"

namespace wippy {

namespace {

engine::HostResult to_engine(HostResult r, const std::vector<engine::ValType>& result_types) {
  switch (r.kind()) {
    case HostResult::Kind::Ok: return engine::HostResult::ok();
    case HostResult::Kind::Trap: return engine::HostResult::trap(r.message());
    case HostResult::Kind::Suspend:
      return engine::HostResult::suspend(std::make_unique<detail::SuspensionBox>(std::move(r.suspension()), result_types));
  }
  return engine::HostResult::trap("host function returned an unknown result");
}

// Calls `f` for the interpreter: the Caller sees the store the running call belongs to.
engine::HostFn host_fn(detail::CellFunc f, std::vector<engine::ValType> result_types) {
  return [f = std::move(f), result_types = std::move(result_types)](engine::HostCall& call, const uint64_t* args, uint64_t* results) {
    auto* store = static_cast<detail::StoreImpl*>(call.user);
    if (!store) return engine::HostResult::trap("host function called outside a wippy::Store");
    Caller caller = detail::Access::caller(call, store->shared_from_this());
    try {
      return to_engine(f(caller, args, results), result_types);
    } catch (const std::exception& e) {
      return engine::HostResult::trap(e.what());
    } catch (...) {
      return engine::HostResult::trap("host function threw an exception that is not a std::exception");
    }
  };
}

}  // namespace

Linker::Linker() : impl_(std::make_shared<detail::LinkerImpl>()) {}

void Linker::define_cells(std::string module, std::string name, FuncType type, detail::CellFunc f) {
  engine::FuncType itype = detail::to_engine(type);
  engine::HostFn fn = host_fn(std::move(f), itype.results);
  impl_->linker.define_func(std::move(module), std::move(name), std::move(itype), std::move(fn));
}

Linker& Linker::func(std::string module, std::string name, FuncType type, HostFunc f) {
  engine::FuncType itype = detail::to_engine(type);
  std::string qualified = module + "." + name;
  auto cells = [f = std::move(f), itype, qualified](Caller& caller, const uint64_t* args, uint64_t* results) {
    std::vector<Val> in =
        detail::from_cells({args, engine::cell_count(itype.params)}, itype.params);
    std::vector<Val> out;
    out.reserve(itype.results.size());
    for (engine::ValType t : itype.results) out.push_back(Val::from_bits(detail::from_engine(t), 0));
    HostResult r = f(caller, in, out);
    if (r.kind() == HostResult::Kind::Ok) {
      std::vector<uint64_t> cells = detail::to_cells(out, itype.results, qualified, "result");
      std::copy(cells.begin(), cells.end(), results);
    }
    return r;
  };
  define_cells(std::move(module), std::move(name), std::move(type), std::move(cells));
  return *this;
}

Linker& Linker::instance(std::string module, const Instance& instance) {
  impl_->linker.define_instance(std::move(module), *detail::Access::impl(instance)->instance);
  return *this;
}

bool Linker::has(std::string_view module, std::string_view name) const { return impl_->linker.has(module, name); }

}  // namespace wippy
