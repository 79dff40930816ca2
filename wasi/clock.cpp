// Clocks: clock_time_get and clock_res_get for the four preview1 clock ids.
#include <time.h>

#include "wasi/host.h"

namespace wippy::wasi::detail {
namespace {

// witx `$clockid`: realtime, monotonic, process_cputime_id, thread_cputime_id.
bool host_clock(uint32_t id, clockid_t& out) {
  switch (id) {
    case 0: out = CLOCK_REALTIME; return true;
    case 1: out = CLOCK_MONOTONIC; return true;
    case 2: out = CLOCK_PROCESS_CPUTIME_ID; return true;
    case 3: out = CLOCK_THREAD_CPUTIME_ID; return true;
    default: return false;
  }
}

uint64_t to_ns(const timespec& ts) {
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

}  // namespace

bool clock_now(const WasiContext& ctx, uint32_t id, uint64_t& ns) {
  if (ctx.clock) {
    auto t = ctx.clock(id);
    if (!t) return false;
    ns = *t;
    return true;
  }
  clockid_t cid;
  timespec ts{};
  if (!host_clock(id, cid) || clock_gettime(cid, &ts) != 0) return false;
  ns = to_ns(ts);
  return true;
}

bool clock_resolution(const WasiContext& ctx, uint32_t id, uint64_t& ns) {
  ns = 1;
  if (ctx.clock) return ctx.clock(id).has_value();
  clockid_t cid;
  timespec ts{};
  if (!host_clock(id, cid) || clock_getres(cid, &ts) != 0) return false;
  ns = to_ns(ts);
  return true;
}

void add_clock(Definer& df, WasiContext& ctx) {
  WasiContext* c = &ctx;
  // clock_res_get(id, resolution_ptr)
  df.errno_fn("clock_res_get", [c](engine::HostCall& call, const uint64_t* a) {
    GuestMemory mem(call);
    uint64_t res;
    if (!clock_resolution(*c, arg_u32(a, 0), res)) return Errno::Inval;
    return mem.store_u64(arg_u32(a, 1), res) ? Errno::Success : Errno::Fault;
  });
  // clock_time_get(id, precision: i64, time_ptr)
  df.errno_fn("clock_time_get", [c](engine::HostCall& call, const uint64_t* a) {
    GuestMemory mem(call);
    uint32_t out = arg_u32(a, 2);
    if (!mem.in_bounds(out, 8)) return Errno::Fault;
    uint64_t now;
    if (!clock_now(*c, arg_u32(a, 0), now)) return Errno::Inval;
    mem.store_u64(out, now);
    return Errno::Success;
  });
}

}  // namespace wippy::wasi::detail
