// A process that runs one export of a WASM module or component on the dispatcher,
// in fuel slices.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "component/instance.h"
#include "engine/engine.h"
#include "procs/async_op.h"
#include "procs/process.h"
#include "procs/wasm_program.h"

namespace wippy::procs {

// Zero means "engine default" (fuel and time: unlimited).
struct WasmLimits {
  uint64_t fuel = 0;              // total fuel units -> "fuel exhausted"
  uint32_t max_memory_pages = 0;  // per memory
  uint32_t max_call_depth = 0;    // -> "call stack exhausted"
  uint64_t max_execution_ms = 0;  // wall clock incl. waiting -> "execution time limit exceeded (N ms)"
};

// The imports of one instance. Objects the host functions point to (a WasiContext,
// say) go into keep_alive: they live as long as the instance.
struct WasmImports {
  engine::Linker linker;           // core modules
  component::Linker components;    // components: host functions by interface and name
  std::vector<std::shared_ptr<void>> keep_alive;
};
// Fills the imports on the first Step, on a worker thread. May throw; the message
// becomes the process's error. Host functions see `HostCall::user` as the running
// process's ProcessContext*.
using WasmImportsProvider = std::function<void(WasmImports&, ProcessContext&)>;

struct WasmProcessConfig {
  engine::ModulePtr module;  // a core module, or
  std::shared_ptr<const component::Component> component;  // a component
  // A core module's method typed by its entry's `wit:` (procs/wit_call.h), or null.
  component::TypePtr wit_func;
  std::string method;        // the export to call (a component's: `name` or `iface#func`)
  std::vector<Value> args;   // converted with to_wasm_args, or by WIT type (component_values.h)
  WasmLimits limits;
  WasmImportsProvider imports;  // empty: no imports
  int64_t slice = 0;            // fuel per Step; 0: the host's slice budget
};

// Lifecycle: the first Step instantiates (a link or instantiation error ends the
// process with that error), checks the arguments, runs the start function and a
// reactor's `_initialize`, then the export (procs/wasm_program.h). OutOfBudget -> Continue; a suspension on an AsyncOp -> Waiting until it
// completes; wasi::ExitRequest (proc_exit) -> code 0 gives nil, else error "exit code N"
// with StepResult::exit_code; a trap -> error with the trap message, and its backtrace. CANCEL is ignored (the host terminates the
// process after its stop timeout).
class WasmProcess : public Process {
 public:
  explicit WasmProcess(WasmProcessConfig config);
  ~WasmProcess() override;
  StepResult step(ProcessContext& ctx) override;
  void close() override;
  ProcessUsage usage() const override;

  uint64_t fuel_consumed() const;

  // A spawning thread creates the process and a worker destroys it: its memory is
  // recycled (procs/block_pool.h) rather than freed into the spawning thread's arena.
  static void* operator new(size_t size);
  static void operator delete(void* p, size_t size) noexcept;

 private:
  StepResult instantiate(ProcessContext& ctx);
  StepResult drive(ProcessContext& ctx);
  StepResult suspend(std::unique_ptr<engine::HostPending> pending, ProcessContext& ctx);
  StepResult next_call();

  std::span<const Value> args() const;

  WasmProcessConfig cfg_;
  // Up to kInlineArgs call arguments are moved out of cfg_.args into the process, so
  // that the vector's heap block is freed on the spawning thread that made it: freed
  // on a worker, it went into another thread's malloc arena (under its lock), and the
  // spawning thread's next malloc fetched it back from the other core.
  static constexpr size_t kInlineArgs = 4;
  uint8_t inline_count_ = 0;
  union {
    Value inline_args_[kInlineArgs];
  };
  std::unique_ptr<WasmImports> imports_;  // null when cfg_.imports is empty
  std::unique_ptr<WasmProgram> program_;
  WasmCall* call_ = nullptr;  // the call being driven (program_ owns it)
  std::unique_ptr<AsyncOp> op_;
  std::shared_ptr<Completion> completion_;
  std::optional<Clock::time_point> deadline_;
  TimerHandle deadline_timer_;
};

}  // namespace wippy::procs
