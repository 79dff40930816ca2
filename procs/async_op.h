// Host operations that a WASM guest waits for without holding a worker thread
// (sleep, file or network I/O). A host function returns
// HostResult::suspend(std::make_unique<MyOp>(...)); the WasmProcess then starts the
// op, returns Waiting, and resumes the guest with the op's result once it completed.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "engine/host.h"
#include "procs/event_loop.h"
#include "procs/process.h"

namespace wippy::procs {

// The outcome of an operation: result cells for the suspended host function (one per
// result), or a trap message that ends the guest.
struct AsyncResult {
  std::vector<uint64_t> values;
  std::optional<std::string> trap;
  // The host call is not over: suspend on this next instead of resuming the guest.
  std::unique_ptr<engine::HostPending> next;

  static AsyncResult of(std::vector<uint64_t> values) {
    AsyncResult r;
    r.values = std::move(values);
    return r;
  }
};

// A one-shot, thread-safe completion slot shared by the waiting process and whoever
// finishes its operation. The first complete() wins and wakes the process.
class Completion {
 public:
  explicit Completion(Waker w) : waker_(std::move(w)) {}
  void complete(AsyncResult r);
  bool ready() const { return ready_.load(std::memory_order_acquire); }
  std::optional<AsyncResult> take();  // the result once ready (only once)

 private:
  Waker waker_;
  std::mutex mu_;
  std::optional<AsyncResult> result_;
  std::atomic<bool> ready_{false};
};

class AsyncOp : public engine::HostPending {
 public:
  // Called on the worker thread right after the guest suspended. Begin the operation
  // and call done->complete(...) when it finishes, from any thread (the loop, an I/O
  // thread) or even before returning. Capture `done` (a shared_ptr), never `this`:
  // the op is destroyed when the process ends, possibly before the operation does.
  virtual void start(std::shared_ptr<Completion> done, EventLoop& loop) = 0;
  // The process ended while waiting (terminate, time limit): stop if possible.
  virtual void cancel() {}
  // Called on the process's thread at each wake-up while the operation is not done
  // (a message, an event): an operation that waits for one completes here.
  virtual void poll(ProcessContext& ctx) { (void)ctx; }
  // Called on the process's thread once the operation completed, right before the
  // guest resumes: the place to finish on the guest's side (copy into its memory)
  // and to rewrite the result.
  virtual void finish(AsyncResult& result) { (void)result; }
};

// Ready-made: waits `delay`, then completes with `values` (e.g. {0} = errno success).
class SleepOp : public AsyncOp {
 public:
  SleepOp(Clock::duration delay, std::vector<uint64_t> values = {})
      : delay_(delay), values_(std::move(values)) {}
  void start(std::shared_ptr<Completion> done, EventLoop& loop) override;
  void cancel() override { timer_.cancel(); }

 private:
  Clock::duration delay_;
  std::vector<uint64_t> values_;
  TimerHandle timer_;
};

}  // namespace wippy::procs
