// Sockets (sock_*): not available yet. A descriptor that is not open is EBADF; any
// other call answers ENOTSUP, so a guest can tell "no sockets here" from a bad fd.
#include "wasi/host.h"

namespace wippy::wasi::detail {

void add_sock(Definer& df, WasiContext& ctx) {
  WasiContext* c = &ctx;
  for (const char* name : {"sock_accept", "sock_recv", "sock_send", "sock_shutdown"}) {
    df.errno_fn(name, [c](engine::HostCall&, const uint64_t* a) {
      return c->fds.get(arg_u32(a, 0)) ? Errno::NotSup : Errno::Badf;
    });
  }
}

}  // namespace wippy::wasi::detail
