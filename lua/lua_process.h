// Lua 5.4 processes (process.lua, function.lua): one lua_State per process; the
// entry's method runs as a coroutine on the dispatcher, preempted by an
// instruction-count hook; blocking calls (process.receive, time.sleep, channel
// receive/select, funcs.call) yield to the dispatcher and hold no thread while they
// wait. Coroutines of the script are preempted too (the hook yields them, the prelude
// passes that up); where a yield is impossible (inside table.sort, a gsub callback,
// a metamethod called from C) the hook still enforces the hard limits: terminate and
// max_execution_ms end the process with an error that pcall cannot swallow.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "procs/process.h"
#include "procs/system.h"

struct lua_State;

namespace wippy::lua {

// 0: no limit.
struct LuaLimits {
  uint64_t max_execution_ms = 0;  // wall clock incl. waiting -> "execution time limit exceeded (N ms)"
  // VM instructions, counted by the count hook in every coroutine (to within
  // kFuelGrain per coroutine run) -> "fuel exhausted (N instructions)".
  uint64_t fuel = 0;
  // Bytes the Lua allocator may hold; an allocation beyond it is refused and the
  // process ends with "memory limit exceeded (max_memory N bytes)".
  uint64_t max_memory = 0;
};

// With a fuel limit the hook fires at least every this many instructions.
inline constexpr int kFuelGrain = 1000;

struct LuaProcessConfig {
  std::string entry_id;                 // for messages
  std::filesystem::path source;         // the script (absolute)
  std::string method;                   // function in the table the script returns
  std::vector<std::string> modules;     // required (and made globals) before the method runs
  std::vector<procs::Value> args;       // the method's arguments
  // Lua instructions between preemption checks; 0: the host's slice budget.
  int64_t slice = 0;
  LuaLimits limits;
};

class LuaProcess : public procs::Process {
 public:
  explicit LuaProcess(LuaProcessConfig config);
  ~LuaProcess() override;
  procs::StepResult step(procs::ProcessContext& ctx) override;
  void close() override;
  procs::ProcessUsage usage() const override;

  // ---- Used by the primitives (lua_process.cpp). ----
  struct Call;  // a funcs.call in progress
  procs::ProcessContext& ctx() { return *ctx_; }
  // The hook (or the prelude passing a preemption up) yields `thread`.
  void note_preempted(lua_State* thread);
  // True, once, if the last yield of `thread` was a preemption rather than the
  // script's own coroutine.yield() (the prelude's resume asks).
  bool take_preempted(lua_State* thread);
  // Raises a Lua error (never returns) once a hard limit is reached; from then on
  // every instruction raises it again, so pcall cannot keep the process alive.
  void enforce_limits(lua_State* L);
  // Called by the count hook: charges the instructions since its last call; true
  // when the slice is used up.
  bool charge(lua_State* L);

  // The allocator's account (its lua_Alloc user data). The cap is armed once the
  // runtime's own setup is done, so that setup never fails half-way.
  struct Memory {
    size_t used = 0;
    size_t peak = 0;  // the most `used` has been
    size_t cap = 0;   // 0: none
    bool exceeded = false;
  };
  // Spawns `id` on `host` (empty: this process's host) and returns a handle for its result.
  int start_call(const std::string& id, const std::string& host, std::vector<procs::Value> args, std::string& error);
  std::shared_ptr<Call> find_call(int handle) const;
  void end_call(int handle);

 private:
  procs::StepResult init();
  procs::StepResult finish(int nres);
  std::optional<std::string> limit_reached();
  // A readable message for the error value at `idx` of thread `from`.
  std::string describe_error(lua_State* from, int idx);

  LuaProcessConfig cfg_;
  procs::ProcessContext* ctx_ = nullptr;
  lua_State* L_ = nullptr;
  lua_State* co_ = nullptr;  // the coroutine that runs the method
  int pending_args_ = 0;     // arguments to pass on the first resume
  // Nested coroutines yielded by a preemption and not yet resumed: at most one per
  // level of nesting (each resumer takes its coroutine's entry as soon as it runs).
  std::vector<lua_State*> preempted_;
  Memory mem_;
  uint64_t fuel_used_ = 0;
  int64_t slice_ = 0, slice_used_ = 0;  // instructions per step, and used in this step
  std::optional<procs::Clock::time_point> deadline_;  // max_execution_ms
  std::string doom_;                                  // the hard limit reached, once reached
  procs::TimerHandle timer_;
  procs::TimerHandle deadline_timer_;
  std::map<int, std::shared_ptr<Call>> calls_;
  int next_call_ = 1;
};

}  // namespace wippy::lua
