// Supervision of long-lived processes (`process.service`, design.md section 11):
// services start in dependency order, an abnormal exit is restarted after a
// backoff delay, and they stop in reverse order (CANCEL, then terminate after the
// service's stop timeout). It knows nothing of YAML: the registry layer builds
// the ServiceConfigs, and a factory makes the processes (Lua and WASM alike).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "procs/system.h"

namespace wippy::procs {

struct RestartPolicy {
  Clock::duration initial_delay = std::chrono::seconds(1);
  Clock::duration max_delay = std::chrono::seconds(90);
  double backoff_factor = 2.0;  // the delay grows by this after each failure in a row
  double jitter = 0.1;          // the delay varies by up to this fraction either way
  uint32_t max_attempts = 0;    // restarts in a row before giving up; 0 = forever
};

struct ServiceConfig {
  std::string id;              // the service's own ID (messages, requires)
  std::string process;         // the entry the factory makes
  std::string host;            // the host it runs on
  std::vector<Value> input;    // the process's arguments
  bool auto_start = false;
  Clock::duration start_timeout = std::chrono::seconds(10);
  Clock::duration stop_timeout = std::chrono::seconds(10);
  Clock::duration stable_threshold = std::chrono::seconds(5);  // a run this long resets the backoff
  std::vector<std::string> depends_on;  // lifecycle.requires: service IDs started before this one, stopped after it
  bool required = true;               // startup: a failure to start fails the boot (else: optional)
  RestartPolicy restart;
};

// A `requires` problem: `service` is the ID, `detail` what is wrong ("requires
// forms a cycle: a -> b -> a"); what() is "service <id>: <detail>".
class ServiceGraphError : public std::invalid_argument {
 public:
  ServiceGraphError(std::string service, std::string detail)
      : std::invalid_argument("service " + service + ": " + detail), service(std::move(service)), detail(std::move(detail)) {}
  std::string service, detail;
};

// Indexes of `services` with what each requires before it. Throws ServiceGraphError
// for a duplicate ID, a `requires` naming no service, or a cycle.
std::vector<size_t> service_start_order(const std::vector<ServiceConfig>& services);

// Time for the supervisor: real (the event loop) or, in tests, virtual.
class SupervisorClock {
 public:
  virtual ~SupervisorClock() = default;
  virtual Clock::time_point now() = 0;
  // Runs `fn` once `when` has passed (on any thread); the id cancels it.
  virtual uint64_t at(Clock::time_point when, std::function<void()> fn) = 0;
  virtual void cancel(uint64_t id) = 0;
};

// The event loop's clock and timers.
std::shared_ptr<SupervisorClock> loop_clock(EventLoop& loop);

struct SupervisorOptions {
  ProcessFactory factory;                  // makes the process of ServiceConfig::process
  std::shared_ptr<SupervisorClock> clock;  // default: loop_clock(system.loop())
  std::function<double()> random;          // uniform in [0, 1) for the jitter; default: a seeded PRNG
  std::function<void(const std::string&)> log;  // one line per start, exit, restart, stop
};

class Supervisor {
 public:
  enum class State : uint8_t {
    Idle,      // not started
    Starting,  // spawned, its first step not yet done
    Running,
    Backoff,   // waiting to be restarted
    Stopping,  // cancelled, waiting for it to end
    Stopped,   // ended normally, cancelled or terminated, or stopped: not restarted
    Failed,    // gave up (max_attempts), or it could not start during the boot
  };
  static const char* state_name(State s);

  struct Status {
    std::string id;
    State state = State::Idle;
    Pid pid;                       // the current process (valid while Starting/Running/Stopping)
    uint32_t starts = 0;           // processes spawned so far
    uint32_t failures = 0;         // abnormal exits in a row (reset by a stable run)
    Clock::duration last_delay{};  // the last restart delay chosen
    Clock::time_point restart_at{};  // when Backoff ends
    std::string last_error;
  };

  // Throws std::invalid_argument naming the service: duplicate IDs, a `requires`
  // that names no service, a cycle ("a -> b -> a").
  Supervisor(System& system, std::vector<ServiceConfig> services, SupervisorOptions options);
  ~Supervisor();  // terminates what still runs (call stop() first for an orderly stop)
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;

  // Starts the auto_start services and what they require, in dependency order, one
  // after the other: each once the previous took its first step. `done` gets "" or
  // why a required service did not start ("service X did not start: ..."), once.
  void start(std::function<void(std::string error)> done);
  // In deterministic mode the system is held (System::hold) when start_and_wait
  // returns, for the caller to act at a fixed point of the run, then release().
  std::string start_and_wait();
  // Stops every started service in the reverse of the start order; `done` once all ended.
  void stop(std::function<void()> done);
  // Releases a held system (deterministic mode) once the stop is asked for; it is
  // held again when this returns.
  void stop_and_wait();

  std::vector<Status> status() const;
  // Waits until `pred` holds for the status (checked at every change). `safety` only
  // ends a wait that would hang; returns whether `pred` held.
  bool wait_until(const std::function<bool(const std::vector<Status>&)>& pred,
                  Clock::duration safety = std::chrono::seconds(30)) const;

  // The order services start in (dependencies first), for messages and tests.
  std::vector<std::string> start_order() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace wippy::procs
