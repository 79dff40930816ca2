// The run loop: direct-threaded dispatch over internal code (each instruction's first
// word holds its handler's address). The hot state lives in locals the compiler keeps
// in registers: pc, fp (first local of the current frame; operands are fp-relative
// slots), the fuel left in this run, and the current instance's memory.
//
// Calls never recurse natively: a call pushes a Frame on the heap frame stack and
// continues in this same loop. Leaving the loop (done, trap, budget, host suspension)
// saves pc in the Execution (fp is in the frame), so run() can pick up exactly where
// it stopped.
//
// The handlers live in one file per instruction family (exec_*.inc), included below.
#include <algorithm>
#include <bit>
#include <cstring>
#include <string>

#include "interp/code_layout.h"
#include "interp/execution.h"
#include "interp/numeric.h"
#include "interp/ops.h"
#include "interp/simd.h"

namespace wippy::interp {

#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)

// Jump to the handler of the next instruction.
#define NEXT() goto *(pc++)->op
// The operands of the current instruction `name` (pc is at its first operand word),
// in the layout ops.def gives it (code_layout.h).
#define OPERANDS(name) const auto& o = operands_at<Op::name>(pc)
// Step over the operands of `name` to the next instruction and run it.
#define NEXT_AFTER(name)            \
  do {                              \
    pc += kOperandWords<Op::name>;  \
    NEXT();                         \
  } while (0)
#define SYNC_FRAMES() ex->frames_.set_size(static_cast<size_t>(frame - ex->frames_.data()) + 1)
#define TRAP(msg)         \
  do {                    \
    trap_message = (msg); \
    goto trap;            \
  } while (0)

// The current instance's memory 0 in registers; reloaded whenever it may have moved.
#define RELOAD_MEMORY()                                  \
  do {                                                   \
    Memory* m0 = inst->memories.empty() ? nullptr : inst->memories[0]; \
    mem = m0 ? m0->data : nullptr;                       \
    mem_size = m0 ? m0->size : 0;                        \
  } while (0)

// Charges the size-proportional part of a bulk instruction against the limit
// (unmetered code has no Fuel instructions to yield at, so it charges nothing).
#define CHARGE_EXTRA(units)                                                         \
  do {                                                                              \
    if (metered) {                                                                  \
      int64_t extra_ = static_cast<int64_t>(units);                                 \
      if (UNLIKELY(extra_ > limit_left - (fuel_start - fuel))) TRAP("fuel exhausted"); \
      fuel -= extra_;                                                               \
    }                                                                               \
  } while (0)

RunStatus Execution::execute(Execution* ex, int64_t budget) {
  static const void* const handlers[] = {
#define OP(name, layout) &&L_##name,
#include "interp/ops.def"
#undef OP
  };
  if (!ex) {
    table_ = handlers;
    return RunStatus::Ready;
  }

  Store& store = *ex->store_;
  const uint32_t max_depth = store.limits().max_call_depth;
  uint64_t* stack_end = ex->stack_.data() + ex->stack_.size();
  // The frame stack lives in ex->frames_; the loop keeps a pointer to the current
  // frame (and the end of the array) and writes the depth back when it leaves.
  Frame* frame = &ex->frames_.back();
  Frame* frames_end = ex->frames_.data() + ex->frames_.capacity();
  const Slot* pc = ex->pc_;
  uint64_t* fp = frame->fp;
  Instance* inst = frame->instance;
  uint8_t* mem;
  uint64_t mem_size;
  RELOAD_MEMORY();

  // Fuel: `fuel` counts down from the smaller of the budget and what the total limit
  // still allows, and never goes up (nothing is refunded: every pre-charged segment
  // runs to its end, see fuel_segments.cpp). A segment that does not fit the budget yields
  // before it starts, unless it is the first of this run (so every run makes
  // progress); a segment that does not fit the limit traps before it starts.
  const uint64_t limit = store.limits().fuel;
  // Unmetered code (EngineConfig::fuel_metering off) ignores the limit altogether.
  const bool metered = inst->module->fuel_metering;
  // Limits of 2^63 and more are as good as none (and must not wrap negative).
  const int64_t limit_left =
      limit == 0 || !metered ? INT64_MAX
      : store.fuel_consumed >= limit
          ? 0
          : static_cast<int64_t>(std::min<uint64_t>(limit - store.fuel_consumed, INT64_MAX));
  const int64_t fuel_start = std::min(budget, limit_left);
  int64_t fuel = fuel_start;

  const char* trap_message = nullptr;
  int64_t trap_index = -1;  // appended to the message when set ("uninitialized element 2")
  FuncInst* callee = nullptr;          // call_func_inst: any function instance
  const Function* enter_fn = nullptr;  // enter_function: a wasm function...
  Instance* enter_inst = nullptr;      // ...and the instance it runs in
  uint32_t args_at = 0;                // both: the slot of the first argument
  const Slot* call_pc = nullptr;       // the call instruction (to yield before it)
  RunStatus status;

  NEXT();

// Zeroes the declared locals of `f` and its zero cell in the frame at fp (its
// arguments are in place). Most functions declare few locals: the first
// kZeroedAtEntry cells are cleared without a loop (the frame has room for them; the
// cells past the locals are the operand stack's, written before they are read).
#define ZERO_LOCALS(f)                                                                       \
  do {                                                                                       \
    uint64_t* z_ = fp + (f)->num_params;                                                     \
    static_assert(Function::kZeroedAtEntry == 4);                                            \
    z_[0] = z_[1] = z_[2] = z_[3] = 0;                                                       \
    for (uint32_t i = Function::kZeroedAtEntry, n = (f)->zero_cells; i < n; ++i) z_[i] = 0; \
  } while (0)

// The common case of a call of wasm function `f` in the current instance, whose
// arguments are in place at fp[at], inline in the call's handler: the frame stack
// and value stack have room and the fuel covers the callee's first segment. Anything
// else (or a yield) takes enter_same_instance, which checks it all again. pc is
// still at the call's operands (a yield runs the call again), `ret` is where the
// caller continues. Inline, the compiler keeps the call's values in registers
// instead of the variables shared with that path.
#define ENTER_FAST(f, at, ret)                                                         \
  do {                                                                                 \
    const Function* f_ = (f);                                                          \
    uint64_t* new_fp_ = fp + (at);                                                     \
    const Slot* entry_ = f_->entry_acquire();                                          \
    int64_t entry_fuel_ = entry_[-1].i64;                                              \
    if (UNLIKELY(frame + 1 == frames_end || entry_fuel_ > fuel ||                      \
                 new_fp_ + f_->frame_size > stack_end)) {                              \
      call_pc = pc - 1;                                                                \
      enter_fn = f_;                                                                   \
      args_at = (at);                                                                  \
      pc = (ret);                                                                      \
      goto enter_same_instance;                                                        \
    }                                                                                  \
    fuel -= entry_fuel_;                                                               \
    *++frame = Frame{f_, inst, (ret), new_fp_};                                        \
    fp = new_fp_;                                                                      \
    ZERO_LOCALS(f_);                                                                   \
    pc = entry_;                                                                       \
    NEXT();                                                                            \
  } while (0)

#include "interp/exec_control.inc"
#include "interp/exec_memory.inc"
#include "interp/exec_table.inc"
#include "interp/exec_numeric.inc"
#include "interp/exec_simd.inc"

call_func_inst:
  // `callee` is a function instance of any kind; its arguments start at fp[args_at].
  if (callee->host) {
    ex->pc_ = pc;
    SYNC_FRAMES();
    // The host function's own work (HostCall::charge) is charged like a bulk
    // instruction's extra: judged against the limit (by call_host), and past the
    // budget the run yields right after the call, so one slice holds at most one
    // call's worth of host work beyond its budget.
    status = ex->call_host(callee, fp + args_at,
                           metered ? static_cast<uint64_t>(limit_left - (fuel_start - fuel)) : UINT64_MAX);
    if (metered) fuel -= static_cast<int64_t>(ex->host_fuel_);
    if (status != RunStatus::Ready) goto leave;
    RELOAD_MEMORY();
    if (UNLIKELY(fuel < 0 && ex->host_fuel_ != 0)) {
      ex->pc_ = pc;
      status = RunStatus::OutOfBudget;
      goto leave;
    }
    NEXT();
  }
  enter_fn = callee->code;
  enter_inst = callee->instance;
  goto enter_function;

// Charges the first segment of the function about to be entered at `entry` (see
// Function::entry). Out of budget: yield before the call instruction; it runs
// again from the start (argument copies included), so nothing may have moved yet.
#define CHARGE_ENTRY(entry)                                         \
  do {                                                              \
    int64_t entry_fuel = (entry)[-1].i64;                           \
    if (UNLIKELY(entry_fuel > fuel)) {                              \
      int64_t used = fuel_start - fuel;                             \
      if (entry_fuel > limit_left - used) TRAP("fuel exhausted");   \
      if (used != 0) {                                              \
        ex->pc_ = call_pc;                                          \
        status = RunStatus::OutOfBudget;                            \
        goto leave;                                                 \
      }                                                             \
    }                                                               \
    fuel -= entry_fuel;                                             \
  } while (0)

// Makes room on the value stack for a frame of `f` at `new_fp` = fp + `at` (the stack
// may move: base, stack_end, fp and new_fp follow it).
#define RESERVE_FRAME(f, new_fp, at)                                                         \
  do {                                                                                       \
    if (UNLIKELY(new_fp + (f)->frame_size > stack_end)) {                                    \
      uint64_t* old_base_ = ex->stack_.data();                                               \
      size_t fp_i = fp - old_base_;                                                          \
      size_t need = static_cast<size_t>(new_fp - old_base_) + (f)->frame_size;               \
      SYNC_FRAMES(); /* grow_stack moves the frames' fp */                                   \
      if (!ex->grow_stack(need)) TRAP("call stack exhausted");                               \
      stack_end = ex->stack_.data() + ex->stack_.size();                                     \
      fp = ex->stack_.data() + fp_i;                                                         \
      new_fp = fp + (at);                                                                    \
    }                                                                                        \
  } while (0)

// Starts `f` in the frame at fp (its arguments in place): zeroes its declared locals
// and continues at `entry`, in the instance `in`.
#define START_FUNCTION(f, entry, in)                                                \
  do {                                                                              \
    ZERO_LOCALS(f);                                                                 \
    pc = (entry);                                                                   \
    if ((in) != inst) {                                                             \
      inst = (in);                                                                  \
      RELOAD_MEMORY();                                                              \
    }                                                                               \
  } while (0)

enter_function:
  // Enter enter_fn of enter_inst. Switching instances before the checks below is
  // harmless: a yield or trap there leaves the loop, and a run resumes from the frames.
  if (enter_inst != inst) {
    inst = enter_inst;
    RELOAD_MEMORY();
  }
enter_same_instance: {
  // Push a frame for enter_fn (in inst), whose arguments start at fp[args_at], and
  // continue in it.
  const Function* f = enter_fn;
  if (UNLIKELY(frame + 1 == frames_end)) {
    SYNC_FRAMES();
    if (!ex->frames_.grow(max_depth)) TRAP("call stack exhausted");
    frame = &ex->frames_.back();
    frames_end = ex->frames_.data() + ex->frames_.capacity();
  }
  const Slot* entry = f->entry_acquire();  // read once: what is charged is what runs
  CHARGE_ENTRY(entry);
  uint64_t* new_fp = fp + args_at;
  RESERVE_FRAME(f, new_fp, args_at);
  *++frame = Frame{f, inst, pc, new_fp};
  fp = new_fp;
  ZERO_LOCALS(f);
  pc = entry;
  NEXT();
}

tail_call_func_inst:
  // A tail call of any function instance. A host function is called as by a call; the
  // Return after the tail call instruction then returns its results (also when the
  // host call suspends and the execution resumes there later).
  if (callee->host) goto call_func_inst;
  enter_fn = callee->code;
  enter_inst = callee->instance;
  goto tail_enter_function;

tail_enter_function: {
  // Replace the current frame with one for enter_fn: same base and return_pc, so an
  // endless chain of tail calls uses constant frame and value stack. Whatever may
  // yield or trap comes before the arguments at fp[args_at] move down to fp[0].
  const Function* f = enter_fn;
  const Slot* entry = f->entry_acquire();
  CHARGE_ENTRY(entry);
  uint64_t* same_fp = fp;  // the frame stays where it is
  RESERVE_FRAME(f, same_fp, 0);
  const uint64_t* args = fp + args_at;  // args_at > 0 (above the locals): ascending is safe
  for (uint32_t i = 0, n = f->num_params; i < n; ++i) fp[i] = args[i];
  frame->func = f;
  frame->instance = enter_inst;
  START_FUNCTION(f, entry, enter_inst);
  NEXT();
}
#undef CHARGE_ENTRY
#undef RESERVE_FRAME
#undef START_FUNCTION
#undef ZERO_LOCALS
#undef ENTER_FAST

trap:
  ex->pc_ = pc;
  SYNC_FRAMES();
  ex->set_loop_trap(trap_message, trap_index, pc);
  status = RunStatus::Trapped;
  goto leave;

leave:
  if (status != RunStatus::Done) SYNC_FRAMES();
  store.fuel_consumed += static_cast<uint64_t>(fuel_start - fuel);
  ex->fuel_consumed_ += static_cast<uint64_t>(fuel_start - fuel);
  return status;
}

const void* const* Execution::table_ = nullptr;

}  // namespace wippy::interp
