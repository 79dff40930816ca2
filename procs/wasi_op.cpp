#include "procs/wasi_op.h"

#include <mutex>
#include <vector>

#include "procs/io_pool.h"

namespace wippy::procs {

// The first of the timer and watches to fire ends the wait and cancels the others
// (each watch holds a duplicated descriptor until it is closed).
struct WasiBlockingOp::Waits {
  std::mutex mu;
  bool over = false;
  TimerHandle timer;
  std::vector<WatchHandle> watches;

  // True for the first caller; cancels everything.
  bool end() {
    std::lock_guard lk(mu);
    if (over) return false;
    over = true;
    timer.cancel();
    for (WatchHandle& w : watches) w.cancel();
    return true;
  }
};

namespace {

// The work (if any) on the pool, then the completion.
void run_work(std::shared_ptr<wasi::BlockingOp> op, std::shared_ptr<Completion> done) {
  if (!op->work) {
    done->complete(AsyncResult{});
    return;
  }
  IoPool::shared().submit([op = std::move(op), done = std::move(done)] {
    op->work();
    done->complete(AsyncResult{});
  });
}

}  // namespace

void WasiBlockingOp::start(std::shared_ptr<Completion> done, EventLoop& loop) {
  bool sleep = op_->deadline && op_->fd_waits.empty() && *op_->deadline > loop.now();
  if (!sleep && op_->fd_waits.empty()) {
    run_work(op_, std::move(done));  // work only, or a yield
    return;
  }
  waits_ = std::make_shared<Waits>();
  std::shared_ptr<wasi::BlockingOp> op = op_;
  auto over = [op, done, w = std::weak_ptr<Waits>(waits_)] {
    std::shared_ptr<Waits> waits = w.lock();
    if (waits && waits->end()) run_work(op, done);
  };
  // Held while the handles are stored, so that a callback that fires at once (on the
  // loop thread) finds them.
  std::lock_guard lk(waits_->mu);
  if (op_->deadline) waits_->timer = loop.at(*op_->deadline, over);
  for (const wasi::BlockingOp::FdWait& f : op_->fd_waits) waits_->watches.push_back(loop.when_ready(f.fd, f.write, over));
}

void WasiBlockingOp::cancel() {
  if (waits_) waits_->end();
}

void WasiBlockingOp::finish(AsyncResult& result) {
  if (op_->finish) result.values = op_->finish();
  if (op_->next) result.next = std::move(op_->next);
}

}  // namespace wippy::procs
