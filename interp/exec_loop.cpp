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

#include "interp/execution.h"
#include "interp/numeric.h"
#include "interp/ops.h"

namespace wippy::interp {

#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)

// Jump to the handler of the next instruction.
#define NEXT() goto *(pc++)->op
// The two 32-bit operands of code word w after the handler.
#define X(w) pc[w].pair.x
#define Y(w) pc[w].pair.y
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

// Charges the size-proportional part of a bulk instruction against the limit.
#define CHARGE_EXTRA(units)                                                       \
  do {                                                                            \
    int64_t extra_ = static_cast<int64_t>(units);                                 \
    if (UNLIKELY(extra_ > limit_left - (fuel_start - fuel))) TRAP("fuel exhausted"); \
    fuel -= extra_;                                                               \
  } while (0)

RunStatus Execution::execute(Execution* ex, int64_t budget) {
  static const void* const handlers[] = {
#define OP(name) &&L_##name,
#include "interp/ops.def"
#undef OP
  };
  if (!ex) {
    table_ = handlers;
    return RunStatus::Ready;
  }

  Store& store = ex->store_;
  const uint32_t max_depth = store.limits().max_call_depth;
  uint64_t* base = ex->stack_.data();
  const Slot* pc = ex->pc_;
  uint64_t* fp = base + ex->frames_.back().base;
  Instance* inst = ex->frames_.back().instance;
  uint8_t* mem;
  uint64_t mem_size;
  RELOAD_MEMORY();

  // Fuel: `fuel` counts down from the smaller of the budget and what the total limit
  // still allows. A block that does not fit the budget yields before it starts, unless
  // it is the first of this run (so every run makes progress); a block that does not
  // fit the limit traps.
  const uint64_t limit = store.limits().fuel;
  const int64_t limit_left = limit == 0 ? INT64_MAX
                             : store.fuel_consumed >= limit ? 0
                                                            : static_cast<int64_t>(limit - store.fuel_consumed);
  const int64_t fuel_start = std::min(budget, limit_left);
  int64_t fuel = fuel_start;

  const char* trap_message = nullptr;
  int64_t trap_index = -1;  // appended to the message when set ("uninitialized element 2")
  FuncInst* callee = nullptr;          // call_func_inst: any function instance
  const Function* enter_fn = nullptr;  // enter_function: a wasm function...
  Instance* enter_inst = nullptr;      // ...and the instance it runs in
  uint32_t args_at = 0;                // both: the slot of the first argument
  RunStatus status;

  NEXT();

#include "interp/exec_control.inc"
#include "interp/exec_memory.inc"
#include "interp/exec_table.inc"
#include "interp/exec_numeric.inc"

call_func_inst:
  // `callee` is a function instance of any kind; its arguments start at fp[args_at].
  if (callee->host) {
    ex->pc_ = pc;
    status = ex->call_host(callee, fp + args_at);
    if (status != RunStatus::Ready) goto leave;
    RELOAD_MEMORY();
    NEXT();
  }
  enter_fn = callee->code;
  enter_inst = callee->instance;
  goto enter_function;

enter_function: {
  // Push a frame for enter_fn, whose arguments start at fp[args_at], and continue in it.
  const Function* f = enter_fn;
  if (UNLIKELY(ex->frames_.size() >= max_depth)) TRAP("call stack exhausted");
  size_t new_base = static_cast<size_t>(fp - base) + args_at;
  size_t need = new_base + f->frame_size;
  if (UNLIKELY(need > ex->stack_.size())) {
    size_t fp_i = fp - base;
    if (!ex->grow_stack(need)) TRAP("call stack exhausted");
    base = ex->stack_.data();
    fp = base + fp_i;
  }
  if (need > ex->peak_stack_) ex->peak_stack_ = need;
  ex->frames_.push_back(Frame{f, enter_inst, pc, static_cast<uint32_t>(new_base)});
  fp = base + new_base;
  for (uint32_t i = f->num_params; i < f->num_locals; ++i) fp[i] = 0;
  pc = f->code.data();
  if (enter_inst != inst) {
    inst = enter_inst;
    RELOAD_MEMORY();
  }
  NEXT();
}

trap:
  ex->pc_ = pc;
  ex->set_trap(trap_index < 0 ? std::string(trap_message)
                              : std::string(trap_message) + " " + std::to_string(trap_index),
               pc);
  status = RunStatus::Trapped;
  goto leave;

leave:
  store.fuel_consumed += static_cast<uint64_t>(fuel_start - fuel);
  ex->fuel_consumed_ += static_cast<uint64_t>(fuel_start - fuel);
  return status;
}

const void* const* Execution::table_ = nullptr;

}  // namespace wippy::interp
