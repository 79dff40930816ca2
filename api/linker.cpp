// Linker: host functions (typed ones arrive as cell functions) wrapped for the
// interpreter, so that exceptions become traps and suspensions travel boxed.
#include <string>

#include "api/impl.h"

namespace wippy {

namespace {

interp::HostResult to_interp(HostResult r, const std::vector<interp::ValType>& result_types) {
  switch (r.kind()) {
    case HostResult::Kind::Ok: return interp::HostResult::ok();
    case HostResult::Kind::Trap: return interp::HostResult::trap(r.message());
    case HostResult::Kind::Suspend:
      return interp::HostResult::suspend(std::make_unique<detail::SuspensionBox>(std::move(r.suspension()), result_types));
  }
  return interp::HostResult::trap("host function returned an unknown result");
}

// Calls `f` for the interpreter: the Caller sees the store the running call belongs to.
interp::HostFn host_fn(detail::CellFunc f, std::vector<interp::ValType> result_types) {
  return [f = std::move(f), result_types = std::move(result_types)](interp::HostCall& call, const uint64_t* args, uint64_t* results) {
    auto* store = static_cast<detail::StoreImpl*>(call.user);
    if (!store) return interp::HostResult::trap("host function called outside a wippy::Store");
    Caller caller = detail::Access::caller(call, store->shared_from_this());
    try {
      return to_interp(f(caller, args, results), result_types);
    } catch (const std::exception& e) {
      return interp::HostResult::trap(e.what());
    } catch (...) {
      return interp::HostResult::trap("host function threw an exception that is not a std::exception");
    }
  };
}

}  // namespace

Linker::Linker() : impl_(std::make_shared<detail::LinkerImpl>()) {}

void Linker::define_cells(std::string module, std::string name, FuncType type, detail::CellFunc f) {
  interp::FuncType itype = detail::to_interp(type);
  interp::HostFn fn = host_fn(std::move(f), itype.results);
  impl_->linker.define_func(std::move(module), std::move(name), std::move(itype), std::move(fn));
}

Linker& Linker::func(std::string module, std::string name, FuncType type, HostFunc f) {
  interp::FuncType itype = detail::to_interp(type);
  std::string qualified = module + "." + name;
  auto cells = [f = std::move(f), itype, qualified](Caller& caller, const uint64_t* args, uint64_t* results) {
    std::vector<Val> in =
        detail::from_cells({args, interp::cell_count(itype.params)}, itype.params);
    std::vector<Val> out;
    out.reserve(itype.results.size());
    for (interp::ValType t : itype.results) out.push_back(Val::from_bits(detail::from_interp(t), 0));
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
