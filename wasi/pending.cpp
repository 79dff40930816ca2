// A BlockingOp run on the calling thread (the synchronous driver, `wippy wasm`).
#include "wasi/pending.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <thread>

namespace wippy::wasi {

void wait_for_fds(const std::vector<BlockingOp::FdWait>& waits, std::optional<BlockingOp::Clock::time_point> deadline) {
  std::vector<pollfd> fds;
  for (const BlockingOp::FdWait& w : waits) fds.push_back(pollfd{w.fd, static_cast<short>(w.write ? POLLOUT : POLLIN), 0});
  for (;;) {
    int ms = -1;
    if (deadline) {
      auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline - BlockingOp::Clock::now()).count();
      ms = static_cast<int>(std::clamp<int64_t>(left, 0, INT32_MAX));
    }
    // Ready, timed out, or failed (e.g. ENOMEM: the read that follows reports).
    if (::poll(fds.data(), fds.size(), ms) >= 0 || errno != EINTR) return;
  }
}

std::vector<uint64_t> BlockingOp::run_here() {
  std::unique_ptr<BlockingOp> later;  // keeps the op of each later round alive
  for (BlockingOp* op = this;;) {
    if (!op->fd_waits.empty())
      wait_for_fds(op->fd_waits, op->deadline);
    else if (op->deadline)
      std::this_thread::sleep_until(*op->deadline);
    if (op->work) op->work();
    std::vector<uint64_t> results = op->finish ? op->finish() : std::vector<uint64_t>{};
    if (!op->next) return results;
    later = std::move(op->next);
    op = later.get();
  }
}

}  // namespace wippy::wasi
