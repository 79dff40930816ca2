// wasi:clocks: wall-clock (now, resolution) and monotonic-clock (now, resolution,
// subscribe-instant, subscribe-duration: pollables that pollable.block and poll wait
// for by suspending the call, p2_io.cpp). The clocks are the context's, as preview1's.
#include "wasi/host.h"
#include "wasi/p2_host.h"

namespace wippy::wasi::p2 {
namespace {

constexpr uint32_t kRealtime = 0, kMonotonic = 1;

// datetime { seconds: u64, nanoseconds: u32 }
Value datetime(uint64_t ns) { return Value::record({u64(ns / 1000000000u), Value::u32(static_cast<uint32_t>(ns % 1000000000u))}); }

uint64_t read_clock(const WasiContext& ctx, uint32_t id, bool resolution) {
  uint64_t ns = 0;
  bool ok = resolution ? detail::clock_resolution(ctx, id, ns) : detail::clock_now(ctx, id, ns);
  if (!ok) throw CallError("the host has no clock " + std::to_string(id));
  return ns;
}

}  // namespace

void define_clocks(Iface& i, std::string_view iface) {
  if (iface == "wall-clock") {
    i.fn("now", [](State& st, HostContext&, const Args&) -> HostReply { return {{datetime(read_clock(st.ctx, kRealtime, false))}}; });
    i.fn("resolution", [](State& st, HostContext&, const Args&) -> HostReply {
      return {{datetime(read_clock(st.ctx, kRealtime, true))}};
    });
  } else if (iface == "monotonic-clock") {
    i.fn("now", [](State& st, HostContext&, const Args&) -> HostReply { return {{u64(read_clock(st.ctx, kMonotonic, false))}}; });
    i.fn("resolution", [](State& st, HostContext&, const Args&) -> HostReply { return {{u64(read_clock(st.ctx, kMonotonic, true))}}; });
    i.fn("subscribe-instant", [](State& st, HostContext&, const Args& a) -> HostReply {
      return {{own(subscribe_instant(st, a.at(0).bits))}};
    });
    i.fn("subscribe-duration", [](State& st, HostContext&, const Args& a) -> HostReply {
      uint64_t now = read_clock(st.ctx, kMonotonic, false);
      uint64_t at = a.at(0).bits > UINT64_MAX - now ? UINT64_MAX : now + a.at(0).bits;
      return {{own(subscribe_instant(st, at))}};
    });
  }
}

}  // namespace wippy::wasi::p2
