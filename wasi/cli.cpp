// The command-line group: args_*, environ_*, proc_exit, proc_raise; and sched_yield
// (wasi:poll), which ends the current slice.
#include <limits>

#include "wasi/host.h"

namespace wippy::wasi::detail {
namespace {

// args_sizes_get / environ_sizes_get: the entry count and the bytes of all
// NUL-terminated strings.
Errno list_sizes(engine::HostCall& call, const std::vector<std::string>& list, uint32_t count_ptr,
                 uint32_t size_ptr) {
  GuestMemory mem(call);
  // Counting is charged per entry (as if each were one pointer of 4 bytes).
  if (!charge_bytes(call, uint64_t{4} * list.size())) return kNoFuel;
  uint64_t bytes = 0;
  for (const auto& s : list) bytes += s.size() + 1;
  if (bytes > std::numeric_limits<uint32_t>::max()) return Errno::Overflow;
  if (!mem.in_bounds(count_ptr, 4) || !mem.in_bounds(size_ptr, 4)) return Errno::Fault;
  mem.store_u32(count_ptr, static_cast<uint32_t>(list.size()));
  mem.store_u32(size_ptr, static_cast<uint32_t>(bytes));
  return Errno::Success;
}

// args_get / environ_get: one pointer per entry at `ptrs`, the strings at `buf`.
Errno list_get(engine::HostCall& call, const std::vector<std::string>& list, uint32_t ptrs,
               uint32_t buf) {
  GuestMemory mem(call);
  uint64_t bytes = 0;
  for (const auto& s : list) bytes += s.size() + 1;
  if (!mem.in_bounds(ptrs, uint64_t{4} * list.size()) || !mem.in_bounds(buf, bytes))
    return Errno::Fault;
  if (!charge_bytes(call, bytes + uint64_t{4} * list.size())) return kNoFuel;
  uint64_t at = buf;
  for (size_t i = 0; i < list.size(); i++) {
    mem.store_u32(ptrs + 4 * i, static_cast<uint32_t>(at));
    mem.store_bytes(at, list[i]);
    mem.store_u8(at + list[i].size(), 0);
    at += list[i].size() + 1;
  }
  return Errno::Success;
}

}  // namespace

void add_cli(Definer& df, WasiContext& ctx) {
  WasiContext* c = &ctx;
  df.errno_fn("args_sizes_get", [c](engine::HostCall& call, const uint64_t* a) {
    return list_sizes(call, c->args, arg_u32(a, 0), arg_u32(a, 1));
  });
  df.errno_fn("args_get", [c](engine::HostCall& call, const uint64_t* a) {
    return list_get(call, c->args, arg_u32(a, 0), arg_u32(a, 1));
  });
  df.errno_fn("environ_sizes_get", [c](engine::HostCall& call, const uint64_t* a) {
    return list_sizes(call, c->env, arg_u32(a, 0), arg_u32(a, 1));
  });
  df.errno_fn("environ_get", [c](engine::HostCall& call, const uint64_t* a) {
    return list_get(call, c->env, arg_u32(a, 0), arg_u32(a, 1));
  });
  // sched_yield: suspends on an op with nothing to wait for; the driver resumes the
  // guest after letting others run (the process goes to the back of the run queue).
  df.blocking_fn("sched_yield", [](engine::HostCall&, const uint64_t*, std::unique_ptr<BlockingOp>& op) {
    op = std::make_unique<BlockingOp>();
    op->finish = [] { return std::vector<uint64_t>{errno_cell(Errno::Success)}; };
    return Errno::Success;
  });
  // Signals do not exist for a guest.
  df.errno_fn("proc_raise", [](engine::HostCall&, const uint64_t*) { return Errno::NoSys; });

  // proc_exit never returns to the guest: it records the code and suspends; the
  // embedder ends the run (see ExitRequest).
  df.raw_fn("proc_exit", "i", "", [c](engine::HostCall&, const uint64_t* args, uint64_t*) {
    uint32_t code = arg_u32(args, 0);
    c->exit_code = code;
    return engine::HostResult::suspend(std::make_unique<ExitRequest>(code));
  });
}

}  // namespace wippy::wasi::detail
