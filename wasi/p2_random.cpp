// wasi:random: random and insecure (the context's source or getrandom(2), charged
// per byte as preview1's random_get), insecure-seed.
#include "wasi/host.h"
#include "wasi/p2_host.h"

namespace wippy::wasi::p2 {
namespace {

// One get-random-bytes call returns at most 1 MiB (a trap beyond): each byte is a
// component::Value on its way into the guest, so this bounds what one call holds.
constexpr uint64_t kMaxRandomBytes = 1 << 20;

HostReply random_bytes(State& st, HostContext& ctx, const Args& a) {
  uint64_t len = a.at(0).bits;
  if (len > kMaxRandomBytes) {
    throw CallError("get-random-bytes of " + std::to_string(len) + " bytes (at most " + std::to_string(kMaxRandomBytes) + ")");
  }
  if (!charge_bytes(ctx, len)) return no_fuel();
  std::vector<uint8_t> buf(len);
  if (!detail::fill_random(st.ctx, buf)) throw CallError("the host's random source failed");
  return {{bytes_value(buf.data(), buf.size())}};
}

uint64_t random_u64(State& st) {
  uint64_t v = 0;
  if (!detail::fill_random(st.ctx, {reinterpret_cast<uint8_t*>(&v), sizeof v})) throw CallError("the host's random source failed");
  return v;
}

}  // namespace

void define_random(Iface& i, std::string_view iface) {
  if (iface == "random" || iface == "insecure") {
    std::string prefix = iface == "random" ? "get-random-" : "get-insecure-random-";
    i.fn(prefix + "bytes", random_bytes);
    i.fn(prefix + "u64", [](State& st, HostContext&, const Args&) -> HostReply { return {{u64(random_u64(st))}}; });
  } else if (iface == "insecure-seed") {
    i.fn("insecure-seed", [](State& st, HostContext&, const Args&) -> HostReply {
      return {{Value::tuple({u64(random_u64(st)), u64(random_u64(st))})}};
    });
  }
}

}  // namespace wippy::wasi::p2
