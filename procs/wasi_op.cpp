#include "procs/wasi_op.h"

#include "procs/io_pool.h"

namespace wippy::procs {

namespace {

void run_work(std::shared_ptr<wasi::BlockingOp> op, std::shared_ptr<Completion> done) {
  IoPool::shared().submit([op = std::move(op), done = std::move(done)] {
    op->work();
    done->complete(AsyncResult{});
  });
}

}  // namespace

void WasiBlockingOp::start(std::shared_ptr<Completion> done, EventLoop& loop) {
  if (op_->deadline && *op_->deadline > Clock::now()) {
    std::shared_ptr<wasi::BlockingOp> op = op_;
    timer_ = loop.at(*op_->deadline, [op, done] {
      if (op->work)
        run_work(op, done);
      else
        done->complete(AsyncResult{});
    });
    return;
  }
  if (op_->work) {
    run_work(op_, std::move(done));
    return;
  }
  done->complete(AsyncResult{});  // nothing to wait for: a yield
}

void WasiBlockingOp::finish(AsyncResult& result) {
  if (op_->finish) result.values = op_->finish();
}

}  // namespace wippy::procs
