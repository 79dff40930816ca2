#include "procs/io_pool.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace wippy::procs {

struct IoPool::State {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::function<void()>> jobs;
};

IoPool::IoPool() : s_(new State) {
  for (int i = 0; i < kThreads; i++) {
    std::thread([s = s_] {
      for (;;) {
        std::function<void()> job;
        {
          std::unique_lock lk(s->mu);
          s->cv.wait(lk, [&] { return !s->jobs.empty(); });
          job = std::move(s->jobs.front());
          s->jobs.pop_front();
        }
        try {
          job();
        } catch (...) {
          // A job reports through its own completion; nothing may escape the thread.
        }
      }
    }).detach();
  }
}

IoPool& IoPool::shared() {
  // Never destroyed: detached threads keep using its state until the program exits.
  static IoPool* pool = new IoPool();
  return *pool;
}

void IoPool::submit(std::function<void()> job) {
  {
    std::lock_guard lk(s_->mu);
    s_->jobs.push_back(std::move(job));
  }
  s_->cv.notify_one();
}

}  // namespace wippy::procs
