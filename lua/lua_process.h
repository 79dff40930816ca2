// Lua 5.4 processes (process.lua, function.lua): one lua_State per process; the
// entry's method runs as a coroutine on the dispatcher, preempted by an
// instruction-count hook; blocking calls (process.receive, time.sleep, channel
// receive/select, funcs.call) yield to the dispatcher and hold no thread while they
// wait.
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

struct LuaProcessConfig {
  std::string entry_id;                 // for messages
  std::filesystem::path source;         // the script (absolute)
  std::string method;                   // function in the table the script returns
  std::vector<std::string> modules;     // required (and made globals) before the method runs
  std::vector<procs::Value> args;       // the method's arguments
  // Lua instructions between preemption checks; 0: the host's slice budget.
  int64_t slice = 0;
};

class LuaProcess : public procs::Process {
 public:
  explicit LuaProcess(LuaProcessConfig config);
  ~LuaProcess() override;
  procs::StepResult step(procs::ProcessContext& ctx) override;
  void close() override;

  // ---- Used by the primitives (lua_process.cpp). ----
  struct Call;  // a funcs.call in progress
  procs::ProcessContext& ctx() { return *ctx_; }
  lua_State* coroutine() const { return co_; }
  void note_preempted() { preempted_ = true; }
  int start_call(const std::string& id, std::vector<procs::Value> args, std::string& error);
  std::shared_ptr<Call> find_call(int handle) const;
  void end_call(int handle);

 private:
  procs::StepResult init();
  procs::StepResult finish(int nres);

  LuaProcessConfig cfg_;
  procs::ProcessContext* ctx_ = nullptr;
  lua_State* L_ = nullptr;
  lua_State* co_ = nullptr;  // the coroutine that runs the method
  int pending_args_ = 0;     // arguments to pass on the first resume
  bool preempted_ = false;
  procs::TimerHandle timer_;
  std::map<int, std::shared_ptr<Call>> calls_;
  int next_call_ = 1;
};

}  // namespace wippy::lua
