// The process host's side of wasi::BlockingOp: a WASI call that would block becomes
// an AsyncOp. Its deadline is an event-loop timer, its descriptor waits are
// event-loop watches (no thread waits on a terminal or pipe, so a process that ends
// while waiting leaves nothing behind), its work runs on the IoPool once a wait is
// over, and its finish() runs on the process's thread before the guest resumes. A
// yield (nothing to wait for, no work) completes at once: the process goes to the
// back of the run queue.
#pragma once

#include <memory>

#include "procs/async_op.h"
#include "wasi/pending.h"

namespace wippy::procs {

class WasiBlockingOp : public AsyncOp {
 public:
  explicit WasiBlockingOp(std::unique_ptr<wasi::BlockingOp> op) : op_(std::move(op)) {}
  void start(std::shared_ptr<Completion> done, EventLoop& loop) override;
  void cancel() override;
  void finish(AsyncResult& result) override;

 private:
  struct Waits;
  // Shared with the pool job, which may outlive this op if the process ends first.
  std::shared_ptr<wasi::BlockingOp> op_;
  // The timer and watches of the wait in progress, shared with their callbacks.
  std::shared_ptr<Waits> waits_;
};

}  // namespace wippy::procs
