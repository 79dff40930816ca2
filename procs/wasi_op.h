// The process host's side of wasi::BlockingOp: a WASI call that would block becomes
// an AsyncOp. Its deadline is an event-loop timer, its work runs on the IoPool, and
// its finish() runs on the process's thread before the guest resumes. A yield (no
// deadline, no work) completes at once: the process goes to the back of the run
// queue.
#pragma once

#include <memory>

#include "procs/async_op.h"
#include "wasi/pending.h"

namespace wippy::procs {

class WasiBlockingOp : public AsyncOp {
 public:
  explicit WasiBlockingOp(std::unique_ptr<wasi::BlockingOp> op) : op_(std::move(op)) {}
  void start(std::shared_ptr<Completion> done, EventLoop& loop) override;
  void cancel() override { timer_.cancel(); }
  void finish(AsyncResult& result) override;

 private:
  // Shared with the pool job, which may outlive this op if the process ends first.
  std::shared_ptr<wasi::BlockingOp> op_;
  TimerHandle timer_;
};

}  // namespace wippy::procs
