// random_get: the host's CSPRNG (getrandom(2)) unless the context supplies a source.
// A large request (ctx.io_suspend_threshold bytes or more: 16 MiB takes getrandom
// 50 to 200 ms) is generated off the guest's thread, as a large file read is, so one
// call cannot hold a worker for that long.
#include <sys/random.h>

#include <cerrno>
#include <memory>
#include <vector>

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
  df.blocking_fn("random_get", [c](interp::HostCall& call, const uint64_t* a, std::unique_ptr<BlockingOp>& op) {
    GuestMemory mem(call);
    uint32_t ptr = arg_u32(a, 0), len = arg_u32(a, 1);
    uint8_t* p = mem.span(ptr, len);
    if (!p) return Errno::Fault;
    if (!charge_bytes(call, len)) return kNoFuel;
    if (c->random || len < c->io_suspend_threshold) {
      return fill_random(*c, std::span<uint8_t>(p, len)) ? Errno::Success : Errno::Io;
    }
    struct Fill {
      std::vector<uint8_t> bytes;
      bool ok = false;
    };
    auto fill = std::make_shared<Fill>();
    fill->bytes.resize(len);
    op = std::make_unique<BlockingOp>();
    op->work = [fill] { fill->ok = host_random(fill->bytes); };
    interp::Memory* m = call.memory();
    op->finish = [m, fill, ptr]() -> std::vector<uint64_t> {
      if (!fill->ok) return {errno_cell(Errno::Io)};
      uint8_t* out = GuestMemory(m).span(ptr, static_cast<uint32_t>(fill->bytes.size()));
      if (!out) return {errno_cell(Errno::Fault)};
      std::memcpy(out, fill->bytes.data(), fill->bytes.size());
      return {errno_cell(Errno::Success)};
    };
    return Errno::Success;
  });
}

}  // namespace wippy::wasi::detail
