// A resumable call into a module. All state (value stack, frames, pc) lives in the
// heap, so run() can return at any budget boundary or host call and continue later.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "interp/instance.h"
#include "wippy/trap_code.h"

namespace wippy::interp {

enum class RunStatus {
  Ready,        // created, not yet run
  Done,         // the call returned: results() holds its results
  Trapped,      // trap() holds the message and backtrace
  OutOfBudget,  // the budget ran out: call run() again to continue
  Suspended,    // a host function asked to suspend: complete it, then resume()
};
const char* run_status_name(RunStatus s);

struct BacktraceFrame {
  uint32_t func_index = 0;
  std::string name;          // from the name section, or the host function's name
  uint32_t code_offset = 0;  // byte offset in the module binary
};

// The public API's enum (include/wippy/trap_code.h): one set of codes from the run
// loop to the embedder.
using wippy::TrapCode;
// The code of a run-loop trap message (also with " N" after it); HostError for other text.
TrapCode trap_code_of(std::string_view message);

struct Trap {
  TrapCode code = TrapCode::HostError;
  std::string message;
  std::vector<BacktraceFrame> backtrace;  // innermost first
  size_t omitted_frames = 0;              // deep stacks keep only both ends
  std::string describe() const;           // message plus one line per frame
};

// One call frame on the heap frame stack.
struct Frame {
  const Function* func;
  Instance* instance;
  const Slot* return_pc;  // where the caller continues
  // The frame's first local in the value stack (grow_stack moves it with the stack):
  // a return restores the caller's fp with one load.
  uint64_t* fp;
};

// The heap frame stack: a growable array whose capacity never exceeds the call depth
// limit, so "full" is the only check a call makes.
class FrameStack {
 public:
  size_t size() const { return depth_; }
  bool empty() const { return depth_ == 0; }
  bool full() const { return depth_ == frames_.size(); }
  // Makes room for one more frame; false if `limit` frames are already in use.
  bool grow(size_t limit) {
    if (frames_.size() >= limit) return false;
    frames_.resize(std::min(limit, std::max<size_t>(16, frames_.size() * 2)));
    return true;
  }
  void push(const Frame& f) { frames_[depth_++] = f; }  // only when !full()
  void pop() { --depth_; }
  // The run loop walks the array with its own pointer and writes the depth back.
  Frame* data() { return frames_.data(); }
  size_t capacity() const { return frames_.size(); }
  void set_size(size_t depth) { depth_ = depth; }
  Frame& back() { return frames_[depth_ - 1]; }
  const Frame& back() const { return frames_[depth_ - 1]; }
  const Frame& operator[](size_t i) const { return frames_[i]; }

 private:
  std::vector<Frame> frames_;
  size_t depth_ = 0;
};

class Execution {
 public:
  // Prepares a call of `func` with `args`: the parameters' cells (cell_count: a
  // v128 takes two). Throws std::invalid_argument for a wrong number of cells.
  Execution(Store& store, FuncInst* func, std::span<const uint64_t> args);
  ~Execution();
  // Makes this a new execution of `func` in `store` with `args` (as the constructor),
  // whatever state it was in, keeping its stacks' memory: an embedder that makes many
  // calls reuses executions instead of allocating them. Throws as the constructor.
  void reset(Store& store, FuncInst* func, std::span<const uint64_t> args);
  Execution(const Execution&) = delete;
  Execution& operator=(const Execution&) = delete;

  // Runs for at most about `budget` fuel units (at least one straight-line block).
  RunStatus run(int64_t budget = INT64_MAX);
  // After Suspended: the pending operation finished with these results (the cells
  // of the host function's results). The next run() continues after the call.
  void resume(std::span<const uint64_t> results);
  // After Suspended: the pending operation failed; the execution traps.
  void resume_trap(std::string message);
  // After Suspended, from the pending operation's own completion (which cannot trap
  // the execution itself: the driver resumes it afterwards): the next resume() traps
  // with `message` instead, whatever results it is given.
  void trap_on_resume(std::string message) { resume_trap_message_ = std::move(message); }

  RunStatus status() const { return status_; }
  std::span<const uint64_t> results() const { return results_; }  // cells of the results
  const Trap& trap() const { return trap_; }
  HostPending* pending() const { return pending_.get(); }
  std::unique_ptr<HostPending> take_pending() { return std::move(pending_); }
  const FuncType& func_type() const { return *entry_->type; }

  uint64_t fuel_consumed() const { return fuel_consumed_; }  // by this execution
  // Cells of value stack this execution has allocated: it grows only when a frame
  // does not fit, so it bounds the deepest stack the execution reached.
  size_t stack_cells() const { return stack_.size(); }
  void* user_data = nullptr;  // handed to host functions as HostCall::user

  // The internal handler table (threaded dispatch); used by the translator.
  static const void* const* handler_table();

 private:
  // The run loop (exec_loop.cpp). Called with ex == nullptr it only fills table_.
  static RunStatus execute(Execution* ex, int64_t budget);
  // Calls a host function whose arguments start at `args` (a stack slot); its results
  // replace them there. Returns Ready when the call completed, Suspended or Trapped
  // when the run has to stop. `fuel_allowed` is what the fuel limit still allows the
  // function to charge (HostCall::charge); what it charged is left in host_fuel_ for
  // the caller to count. A refused charge traps with `fuel exhausted`.
  RunStatus call_host(FuncInst* f, uint64_t* args, uint64_t fuel_allowed);
  static const void* const* table_;
  void set_trap(std::string message, const Slot* pc, TrapCode code);
  // The run loop's trap: `message`, with " <index>" when index >= 0. Out of line, so
  // the loop keeps only a call on its cold path.
  [[gnu::noinline, gnu::cold]] void set_loop_trap(const char* message, int64_t index, const Slot* pc);
  // Grows the value stack to at least `needed_cells` and moves the fp of every frame
  // in frames_ (its size must be current) with it; false past the limit.
  bool grow_stack(size_t needed_cells);

  // Checks `args` against entry_'s parameters and puts them on the stack.
  void set_args(std::span<const uint64_t> args);

  Store* store_;
  FuncInst* entry_;
  RunStatus status_ = RunStatus::Ready;
  bool started_ = false;         // the entry frame has been set up
  std::vector<uint64_t> stack_;  // value stack cells
  FrameStack frames_;
  size_t resume_at_ = 0;         // stack index for a suspended host call's results
  const Slot* pc_ = nullptr;     // saved pc of the innermost frame
  std::vector<uint64_t> results_;
  Trap trap_;
  std::unique_ptr<HostPending> pending_;
  uint32_t pending_results_ = 0;  // result cells the suspended host call owes
  std::optional<std::string> resume_trap_message_;  // trap_on_resume
  uint64_t host_fuel_ = 0;        // fuel the last host call charged (HostCall::charge)
  uint64_t fuel_consumed_ = 0;
};

}  // namespace wippy::interp
