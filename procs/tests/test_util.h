// Helpers for the procs tests: guest loading, a native process driven by a
// function, and a collector for EXIT events seen from the test thread.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "procs/async_op.h"
#include "procs/system.h"
#include "procs/wasm_process.h"
#include "wasi/context.h"

namespace wippy::procs::test {

using namespace std::chrono_literals;

inline engine::ModulePtr load_guest(const std::string& name) {
  static engine::Engine engine;
  return engine.load_file(std::string(WIPPY_GUEST_DIR) + "/procs_" + name + ".wasm");
}

// A native process whose Step is a function (with its own state in the closure).
class FnProcess : public Process {
 public:
  using Fn = std::function<StepResult(ProcessContext&)>;
  explicit FnProcess(Fn fn, std::function<void()> on_close = {})
      : fn_(std::move(fn)), on_close_(std::move(on_close)) {}
  StepResult step(ProcessContext& ctx) override { return fn_(ctx); }
  void close() override {
    if (on_close_) on_close_();
  }

 private:
  Fn fn_;
  std::function<void()> on_close_;
};

inline std::unique_ptr<Process> fn_process(FnProcess::Fn fn) { return std::make_unique<FnProcess>(std::move(fn)); }

// Collects EXIT events through SpawnOptions::on_exit. The events live in shared state
// that the callbacks hold, so a collector declared after its System (whose shutdown
// still reports the exits of processes left running) is never written after it is gone.
class ExitCollector {
 public:
  SpawnOptions options(SpawnOptions o = {}) {
    o.on_exit = [s = state_](const Event& ev) {
      std::lock_guard lk(s->mu);
      s->events.push_back(ev);
      s->cv.notify_all();
    };
    return o;
  }
  bool wait_for(size_t n, std::chrono::milliseconds timeout = 20000ms) {
    std::unique_lock lk(state_->mu);
    return state_->cv.wait_for(lk, timeout, [&] { return state_->events.size() >= n; });
  }
  std::vector<Event> events() {
    std::lock_guard lk(state_->mu);
    return state_->events;
  }
  size_t size() {
    std::lock_guard lk(state_->mu);
    return state_->events.size();
  }
  Event only() {
    auto ev = events();
    EXPECT_EQ(ev.size(), 1u);
    return ev.empty() ? Event{} : ev[0];
  }

 private:
  struct State {
    std::mutex mu;
    std::condition_variable cv;
    std::vector<Event> events;
  };
  std::shared_ptr<State> state_ = std::make_shared<State>();
};

// A count that threads raise and the test waits on (event-based ordering: no sleeps).
class Counter {
 public:
  void add(int n = 1) {
    std::lock_guard lk(mu_);
    count_ += n;
    cv_.notify_all();
  }
  // True once the count reached `n` (false only if `timeout` passed: a hang).
  bool wait_for(int n, std::chrono::milliseconds timeout = 20000ms) {
    std::unique_lock lk(mu_);
    return cv_.wait_for(lk, timeout, [&] { return count_ >= n; });
  }
  int value() {
    std::lock_guard lk(mu_);
    return count_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int count_ = 0;
};

// A process that behaves as `inner` and reports to the test: each step to `steps`,
// and the first step that returned Waiting (it suspended and released its worker)
// to `suspended`. Either may be null.
class ObservedProcess : public Process {
 public:
  ObservedProcess(std::unique_ptr<Process> inner, Counter* steps, Counter* suspended = nullptr)
      : inner_(std::move(inner)), steps_(steps), suspended_(suspended) {}
  StepResult step(ProcessContext& ctx) override {
    StepResult r = inner_->step(ctx);
    if (steps_) steps_->add();
    if (suspended_ && r.kind == StepResult::Kind::Waiting && !was_suspended_) {
      was_suspended_ = true;
      suspended_->add();
    }
    return r;
  }
  void close() override { inner_->close(); }

 private:
  std::unique_ptr<Process> inner_;
  Counter* steps_;
  Counter* suspended_;
  bool was_suspended_ = false;
};

inline std::unique_ptr<Process> observed(std::unique_ptr<Process> p, Counter* steps, Counter* suspended = nullptr) {
  return std::make_unique<ObservedProcess>(std::move(p), steps, suspended);
}

// Host operations that complete when the test opens the gate: a guest suspended on
// one provably holds no thread while the test waits for the others to suspend too.
class Gate {
 public:
  class Op : public AsyncOp {
   public:
    explicit Op(std::shared_ptr<Gate> g) : gate_(std::move(g)) {}
    void start(std::shared_ptr<Completion> done, EventLoop&) override { gate_->wait(std::move(done)); }

   private:
    std::shared_ptr<Gate> gate_;
  };

  Counter& suspended() { return suspended_; }  // operations started so far
  void open() {
    std::vector<std::shared_ptr<Completion>> waiting;
    {
      std::lock_guard lk(mu_);
      open_ = true;
      waiting.swap(waiting_);
    }
    for (auto& done : waiting) done->complete(AsyncResult::of({1}));
  }

 private:
  void wait(std::shared_ptr<Completion> done) {
    bool open;
    {
      std::lock_guard lk(mu_);
      open = open_;
      if (!open) waiting_.push_back(done);
    }
    suspended_.add();
    if (open) done->complete(AsyncResult::of({1}));
  }
  std::mutex mu_;
  bool open_ = false;
  std::vector<std::shared_ptr<Completion>> waiting_;
  Counter suspended_;
};

// Imports of host.wat: test.sleep_ms suspends on a SleepOp (result 1), or on `gate`
// when one is given (result 1 once it opens); test.exit suspends with
// wasi::ExitRequest.
inline WasmImportsProvider host_imports(std::shared_ptr<Gate> gate = nullptr) {
  return [gate](WasmImports& imp, ProcessContext&) {
    using engine::FuncType;
    using engine::ValType;
    imp.linker.define_func("test", "sleep_ms", FuncType{{ValType::I64}, {ValType::I32}},
                           [gate](engine::HostCall&, const uint64_t* args, uint64_t*) {
                             if (gate) return engine::HostResult::suspend(std::make_unique<Gate::Op>(gate));
                             return engine::HostResult::suspend(std::make_unique<SleepOp>(
                                 std::chrono::milliseconds(static_cast<int64_t>(args[0])), std::vector<uint64_t>{1}));
                           });
    imp.linker.define_func("test", "exit", FuncType{{ValType::I32}, {}},
                           [](engine::HostCall&, const uint64_t* args, uint64_t*) {
                             return engine::HostResult::suspend(
                                 std::make_unique<wasi::ExitRequest>(static_cast<uint32_t>(args[0])));
                           });
  };
}

inline std::unique_ptr<Process> wasm(const std::string& guest, const std::string& method, std::vector<Value> args,
                                     WasmLimits limits = {}, WasmImportsProvider imports = {}) {
  WasmProcessConfig cfg;
  cfg.module = load_guest(guest);
  cfg.method = method;
  cfg.args = std::move(args);
  cfg.limits = limits;
  cfg.imports = std::move(imports);
  return std::make_unique<WasmProcess>(std::move(cfg));
}

// Runs `p` alone on a fresh host named "wasm" and returns its EXIT event.
inline Event run_one(std::unique_ptr<Process> p, unsigned workers = 2) {
  System sys;
  HostOptions o;
  o.name = "wasm";
  o.workers = workers;
  sys.add_host(o);
  ExitCollector c;
  SpawnResult r = sys.spawn_process("wasm", std::move(p), c.options());
  EXPECT_TRUE(r) << r.error;
  EXPECT_TRUE(c.wait_for(1));
  return c.only();
}

}  // namespace wippy::procs::test
