#include "procs/async_op.h"

namespace wippy::procs {

void Completion::complete(AsyncResult r) {
  {
    std::lock_guard lk(mu_);
    if (ready_.load()) return;
    result_ = std::move(r);
    ready_.store(true, std::memory_order_release);
  }
  waker_.wake();
}

std::optional<AsyncResult> Completion::take() {
  std::lock_guard lk(mu_);
  std::optional<AsyncResult> r = std::move(result_);
  result_.reset();
  return r;
}

void SleepOp::start(std::shared_ptr<Completion> done, EventLoop& loop) {
  timer_ = loop.after(delay_, [done, values = values_] { done->complete(AsyncResult::of(values)); });
}

}  // namespace wippy::procs
