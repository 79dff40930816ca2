// random_get: the host's CSPRNG (getrandom(2)) unless the context supplies a source.
// The bytes go straight into guest memory, kRandomPiece at a time: a larger request
// fills one piece per slice and yields between pieces (BlockingOp::next), so a 16 MiB
// call (getrandom takes 30 to 200 ms for it) takes turns with other processes like
// guest code does, and no other thread burns CPU for it.
#include <sys/random.h>

#include <cerrno>
#include <algorithm>
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

namespace {

constexpr uint32_t kRandomPiece = 256 * 1024;

// Fills guest bytes [ptr + done, ptr + len) one piece per round: a yield whose
// finish() fills the next piece and, while bytes are left, chains the next round.
std::unique_ptr<BlockingOp> fill_rest(const WasiContext* c, engine::Memory* m, uint32_t ptr, uint32_t len,
                                      uint32_t done) {
  auto op = std::make_unique<BlockingOp>();
  BlockingOp* self = op.get();
  op->finish = [=]() -> std::vector<uint64_t> {
    uint32_t n = std::min(kRandomPiece, len - done);
    uint8_t* out = GuestMemory(m).span(ptr + done, n);
    if (!out) return {errno_cell(Errno::Fault)};
    if (!fill_random(*c, std::span<uint8_t>(out, n))) return {errno_cell(Errno::Io)};
    if (done + n < len) self->next = fill_rest(c, m, ptr, len, done + n);
    return {errno_cell(Errno::Success)};
  };
  return op;
}

}  // namespace

void add_random(Definer& df, WasiContext& ctx) {
  WasiContext* c = &ctx;
  // random_get(buf, buf_len)
  df.blocking_fn("random_get", [c](engine::HostCall& call, const uint64_t* a, std::unique_ptr<BlockingOp>& op) {
    GuestMemory mem(call);
    uint32_t ptr = arg_u32(a, 0), len = arg_u32(a, 1);
    uint8_t* p = mem.span(ptr, len);
    if (!p) return Errno::Fault;
    if (!charge_bytes(call, len)) return kNoFuel;
    uint32_t now = std::min(kRandomPiece, len);
    if (!fill_random(*c, std::span<uint8_t>(p, now))) return Errno::Io;
    if (now < len) op = fill_rest(c, call.memory(), ptr, len, now);
    return Errno::Success;
  });
}

}  // namespace wippy::wasi::detail
