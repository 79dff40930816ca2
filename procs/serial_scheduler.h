// Deterministic mode's dispatcher: one thread runs the processes of every host from
// one FIFO run queue, and time is virtual (EventLoop::use_virtual_time): when no
// process is runnable, the clock jumps to the earliest timer and runs it. Given the
// same inputs, a run then takes the same steps in the same order, with the same pids.
//
// Code outside the processes (the CLI waiting for a command, a supervisor's stop)
// acts at a point of the run that must not depend on thread timing: a callback on
// the scheduler thread calls hold() (the scheduler stops after the current step and
// time stands still), the outside code waits for that (wait_held), does its part,
// then release().
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "procs/event_loop.h"

namespace wippy::procs {

namespace detail {
struct ProcessRecord;
}

class SerialScheduler {
 public:
  explicit SerialScheduler(EventLoop& loop);  // switches the loop to virtual time, starts the thread
  ~SerialScheduler();                         // stop()
  SerialScheduler(const SerialScheduler&) = delete;
  SerialScheduler& operator=(const SerialScheduler&) = delete;

  void enqueue(std::shared_ptr<detail::ProcessRecord> rec);
  void hold();
  // Waits until the step or timer being run (if any) is over: after hold(), nothing
  // runs from then on until release().
  void wait_held();
  void release();
  void stop();  // joins the thread (idempotent)

 private:
  void run();

  EventLoop& loop_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::shared_ptr<detail::ProcessRecord>> queue_;
  bool timers_ = false;  // a timer may be pending
  bool held_ = false;
  bool busy_ = false;    // running a step or a timer
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace wippy::procs
