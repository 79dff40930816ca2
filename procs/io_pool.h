// A small pool of threads for blocking I/O (file reads and writes, a read of the
// terminal): the work a process waits for without holding a worker thread. The pool
// is shared by every host in the program; its threads start on first use and live
// until the program exits (a read of stdin may never return).
#pragma once

#include <functional>

namespace wippy::procs {

class IoPool {
 public:
  // The program's pool (kThreads threads).
  static IoPool& shared();
  static constexpr int kThreads = 4;

  // Runs `job` on a pool thread, in submission order across the pool. Thread-safe.
  void submit(std::function<void()> job);

 private:
  IoPool();
  struct State;
  State* s_;
};

}  // namespace wippy::procs
