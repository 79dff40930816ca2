// SIGINT and SIGTERM for `wippy run`: instead of killing the process, they call a
// handler on a thread of their own, so the runtime can stop in order (CANCEL to
// the command, the services in reverse order, then the supervised shutdown).
#pragma once

#include <csignal>
#include <functional>
#include <thread>

namespace wippy::cli {

class SignalWatch {
 public:
  // Blocks SIGINT and SIGTERM in this thread (and every thread it starts later:
  // create this before the runtime) and calls `on_signal(signo)` for each one.
  explicit SignalWatch(std::function<void(int)> on_signal);
  ~SignalWatch();  // stops watching and restores the signal mask
  SignalWatch(const SignalWatch&) = delete;
  SignalWatch& operator=(const SignalWatch&) = delete;

 private:
  std::function<void(int)> on_signal_;
  sigset_t old_mask_;
  std::thread thread_;
};

}  // namespace wippy::cli
