#include "procs/serial_scheduler.h"

#include "procs/record.h"

namespace wippy::procs {

SerialScheduler::SerialScheduler(EventLoop& loop) : loop_(loop) {
  loop_.use_virtual_time([this] {
    {
      std::lock_guard lk(mu_);
      timers_ = true;
    }
    cv_.notify_all();
  });
  thread_ = std::thread([this] { run(); });
}

SerialScheduler::~SerialScheduler() { stop(); }

void SerialScheduler::enqueue(std::shared_ptr<detail::ProcessRecord> rec) {
  {
    std::lock_guard lk(mu_);
    queue_.push_back(std::move(rec));
  }
  cv_.notify_all();
}

void SerialScheduler::hold() {
  std::lock_guard lk(mu_);
  held_ = true;
}

void SerialScheduler::wait_held() {
  if (std::this_thread::get_id() == thread_.get_id()) return;  // its own step: nothing to wait for
  std::unique_lock lk(mu_);
  cv_.wait(lk, [&] { return stop_ || !busy_; });
}

void SerialScheduler::release() {
  {
    std::lock_guard lk(mu_);
    held_ = false;
  }
  cv_.notify_all();
}

void SerialScheduler::stop() {
  {
    std::lock_guard lk(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lk(mu_);
  queue_.clear();
}

void SerialScheduler::run() {
  for (;;) {
    std::shared_ptr<detail::ProcessRecord> rec;
    {
      std::unique_lock lk(mu_);
      cv_.wait(lk, [&] { return stop_ || (!held_ && (!queue_.empty() || timers_)); });
      if (stop_) return;
      if (!queue_.empty()) {
        rec = std::move(queue_.front());
        queue_.pop_front();
      } else {
        timers_ = false;
      }
      busy_ = true;
    }
    // A process's step, or, when every process waits, the earliest timer, which moves
    // time to its deadline (one at a time, so that what it wakes runs before the next).
    bool fired = false;
    if (rec) rec->host.run_one(rec);
    else fired = loop_.run_next_timer();
    {
      std::lock_guard lk(mu_);
      busy_ = false;
      timers_ = timers_ || fired;
    }
    cv_.notify_all();
  }
}

}  // namespace wippy::procs
