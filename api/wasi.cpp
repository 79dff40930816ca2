// WASI for API instances: a WasiContext owned by the store, and running `_start`.
#include <stdexcept>

#include "api/impl.h"
#include "wasi/wasi.h"

namespace wippy {

void add_wasi(Linker& linker, Store& store, const WasiConfig& config) {
  auto ctx = std::make_shared<wasi::WasiContext>();
  ctx->args = config.args;
  ctx->env = config.env;
  try {
    for (const WasiMount& m : config.mounts) ctx->mount(m.host, m.guest, m.read_only);
    if (!config.cwd.empty()) ctx->set_cwd(config.cwd);
  } catch (const std::runtime_error& e) {
    throw Error(e.what());
  }
  wasi::add_to_linker(detail::Access::impl(linker).linker, *ctx);
  detail::Access::impl(store)->attachments.push_back(std::move(ctx));
}

uint32_t run_command(Instance& instance) {
  if (!instance.func_type("_start")) throw std::invalid_argument("the module exports no _start function");
  Execution e = instance.call_async("_start", {});
  switch (e.run()) {
    case RunState::Done: return 0;
    case RunState::Exited: return e.exit_code();
    case RunState::Trapped: throw TrapError(e.trap());
    case RunState::Suspended:
      e.resume_trap("_start: a host function suspended, which only a call run with call_async can do");
      throw TrapError(e.trap());
    case RunState::Yielded: break;
  }
  throw std::logic_error("a run without a budget yielded");
}

}  // namespace wippy
