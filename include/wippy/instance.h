// Instance (a module instantiated in a Store) and Execution (a resumable call).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "wippy/engine.h"
#include "wippy/error.h"
#include "wippy/linker.h"
#include "wippy/store.h"

namespace wippy {

namespace detail {
struct InstanceImpl;
struct ExecutionImpl;
}  // namespace detail

enum class RunState {
  Yielded,    // the budget is spent: run() again to continue
  Done,       // returned: results()
  Trapped,    // trap()
  Suspended,  // a host function suspended: suspension(), then resume() or resume_trap()
  Exited,     // a WASI proc_exit: exit_code()
};

// A call in progress. All its state is on the heap, so it can stop after any budget
// or suspended host call and continue later, on any thread (one at a time). A run
// sliced into budgets gives the same results and consumes the same fuel as one run.
class Execution {
 public:
  Execution(Execution&&) noexcept;
  Execution& operator=(Execution&&) noexcept;
  ~Execution();

  // Runs for about `budget` more fuel units (at least one straight-line block).
  RunState run(uint64_t budget = UINT64_MAX);
  RunState state() const;
  std::vector<Val> results() const;  // after Done
  Trap trap() const;                 // after Trapped
  uint32_t exit_code() const;        // after Exited
  Suspension* suspension() const;    // after Suspended: what the host function returned
  // After Suspended: the operation finished with these results of the host function
  // (std::invalid_argument if their count or types are wrong); run() continues.
  void resume(std::span<const Val> results);
  // After Suspended: the operation failed; the call traps with `message`.
  void resume_trap(std::string message);
  uint64_t fuel_consumed() const;  // by this call

 private:
  friend struct detail::Access;
  Execution() = default;
  std::unique_ptr<detail::ExecutionImpl> impl_;
};

class Instance {
 public:
  // Instantiates `module` in `store` with the imports `linker` defines, and runs its
  // start function. Throws LinkError (missing or mistyped import, limits) or
  // TrapError (the start function or a data segment trapped).
  Instance(Store& store, const Linker& linker, const Module& module);

  // Calls an export and runs it to the end. Throws std::invalid_argument for an
  // unknown export or arguments of the wrong number or types, TrapError on a trap.
  std::vector<Val> call(std::string_view name, std::span<const Val> args);
  std::vector<Val> call(std::string_view name, std::initializer_list<Val> args = {}) {
    return call(name, std::span<const Val>(args.begin(), args.size()));
  }
  // The same call, prepared but not started: run() it in budgets.
  Execution call_async(std::string_view name, std::span<const Val> args);

  // The type of an exported function, if there is one by that name.
  std::optional<FuncType> func_type(std::string_view name) const;
  // The exported memory `name` ("memory" by default), if there is one.
  std::optional<Memory> memory(std::string_view name = "memory") const;
  uint64_t fuel_consumed() const;  // by everything run in the instance's store
  Store store() const;
  Module module() const;

 private:
  friend struct detail::Access;
  std::shared_ptr<detail::InstanceImpl> impl_;
};

}  // namespace wippy
