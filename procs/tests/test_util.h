// Helpers for the procs tests: guest loading, a native process driven by a
// function, and a collector for EXIT events seen from the test thread.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <functional>
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

// Collects EXIT events through SpawnOptions::on_exit.
class ExitCollector {
 public:
  SpawnOptions options(SpawnOptions o = {}) {
    o.on_exit = [this](const Event& ev) {
      std::lock_guard lk(mu_);
      events_.push_back(ev);
      cv_.notify_all();
    };
    return o;
  }
  bool wait_for(size_t n, std::chrono::milliseconds timeout = 20000ms) {
    std::unique_lock lk(mu_);
    return cv_.wait_for(lk, timeout, [&] { return events_.size() >= n; });
  }
  std::vector<Event> events() {
    std::lock_guard lk(mu_);
    return events_;
  }
  size_t size() {
    std::lock_guard lk(mu_);
    return events_.size();
  }
  Event only() {
    auto ev = events();
    EXPECT_EQ(ev.size(), 1u);
    return ev.empty() ? Event{} : ev[0];
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Event> events_;
};

// Imports of host.wat: test.sleep_ms suspends on a SleepOp (result 1), test.exit
// suspends with wasi::ExitRequest.
inline WasmImportsProvider host_imports() {
  return [](WasmImports& imp, ProcessContext&) {
    using interp::FuncType;
    using interp::ValType;
    imp.linker.define_func("test", "sleep_ms", FuncType{{ValType::I64}, {ValType::I32}},
                           [](interp::HostCall&, const uint64_t* args, uint64_t*) {
                             return interp::HostResult::suspend(std::make_unique<SleepOp>(
                                 std::chrono::milliseconds(static_cast<int64_t>(args[0])), std::vector<uint64_t>{1}));
                           });
    imp.linker.define_func("test", "exit", FuncType{{ValType::I32}, {}},
                           [](interp::HostCall&, const uint64_t* args, uint64_t*) {
                             return interp::HostResult::suspend(
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

}  // namespace wippy::procs::test
