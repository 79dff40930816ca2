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

void add_clock(Definer& df, WasiContext& ctx) {
  WasiContext* c = &ctx;
  // clock_res_get(id, resolution_ptr)
  df.errno_fn("clock_res_get", [c](interp::HostCall& call, const uint64_t* a) {
    uint32_t id = arg_u32(a, 0);
    GuestMemory mem(call);
    uint64_t res = 1;
    if (c->clock) {
      if (!c->clock(id)) return Errno::Inval;
    } else {
      clockid_t cid;
      timespec ts{};
      if (!host_clock(id, cid)) return Errno::Inval;
      if (clock_getres(cid, &ts) != 0) return Errno::Inval;
      res = to_ns(ts);
    }
    return mem.store_u64(arg_u32(a, 1), res) ? Errno::Success : Errno::Fault;
  });
  // clock_time_get(id, precision: i64, time_ptr)
  df.errno_fn("clock_time_get", [c](interp::HostCall& call, const uint64_t* a) {
    uint32_t id = arg_u32(a, 0);
    GuestMemory mem(call);
    uint32_t out = arg_u32(a, 2);
    if (!mem.in_bounds(out, 8)) return Errno::Fault;
    uint64_t now;
    if (c->clock) {
      auto t = c->clock(id);
      if (!t) return Errno::Inval;
      now = *t;
    } else {
      clockid_t cid;
      timespec ts{};
      if (!host_clock(id, cid)) return Errno::Inval;
      if (clock_gettime(cid, &ts) != 0) return Errno::Inval;
      now = to_ns(ts);
    }
    mem.store_u64(out, now);
    return Errno::Success;
  });
}

}  // namespace wippy::wasi::detail
