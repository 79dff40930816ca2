// random_get: the host's CSPRNG (getrandom(2)) unless the context supplies a source.
#include <sys/random.h>

#include <cerrno>

#include "wasi/host.h"

namespace wippy::wasi::detail {
namespace {

bool host_random(std::span<uint8_t> buf) {
  size_t done = 0;
  while (done < buf.size()) {
    ssize_t n = getrandom(buf.data() + done, buf.size() - done, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

bool fill_random(const WasiContext& ctx, std::span<uint8_t> buf) { return ctx.random ? ctx.random(buf) : host_random(buf); }

void add_random(Definer& df, WasiContext& ctx) {
  WasiContext* c = &ctx;
  // random_get(buf, buf_len)
  df.errno_fn("random_get", [c](interp::HostCall& call, const uint64_t* a) {
    GuestMemory mem(call);
    uint32_t len = arg_u32(a, 1);
    uint8_t* p = mem.span(arg_u32(a, 0), len);
    if (!p) return Errno::Fault;
    if (!charge_bytes(call, len)) return kNoFuel;
    return fill_random(*c, std::span<uint8_t>(p, len)) ? Errno::Success : Errno::Io;
  });
}

}  // namespace wippy::wasi::detail
