#include "procs/serial_scheduler.h"

#include "procs/record.h"

namespace wippy::procs {

SerialScheduler::SerialScheduler(EventLoop& loop) : loop_(loop) {
  loop_.use_virtual_time([this] {
    {
      std::lock_guard lk(mu_);
      timers_ = true;
    }
    cv_.notify_one();
  });
  thread_ = std::thread([this] { run(); });
}

SerialScheduler::~SerialScheduler() { stop(); }

void SerialScheduler::enqueue(std::shared_ptr<detail::ProcessRecord> rec) {
  {
    std::lock_guard lk(mu_);
    queue_.push_back(std::move(rec));
  }
  cv_.notify_one();
}

void SerialScheduler::hold() {
  std::lock_guard lk(mu_);
  held_ = true;
}

void SerialScheduler::release() {
  {
    std::lock_guard lk(mu_);
    held_ = false;
  }
  cv_.notify_one();
}

void SerialScheduler::stop() {
  {
    std::lock_guard lk(mu_);
    stop_ = true;
  }
  cv_.notify_one();
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
    }
    if (rec) {
      rec->host.run_one(rec);
      continue;
    }
    // Every process waits: time moves to the earliest timer. One at a time, so that
    // what it wakes runs before the next one.
    if (loop_.run_next_timer()) {
      std::lock_guard lk(mu_);
      timers_ = true;
    }
  }
}

}  // namespace wippy::procs
