// Fuel is pre-charged per straight-line segment: a Fuel instruction starts every
// segment and carries the count of wasm instructions up to the next branch (taken or
// not) or branch target. So a segment, once started, runs to its end unless it traps
// or the program exits, and everything pre-charged is executed: the limit can be
// judged on the pre-charge without ever trapping a run that would have fitted. Every
// branch target and every conditional branch's fall-through starts with its own Fuel
// instruction, which the branch charges itself and jumps past (finish_branches and
// FALL_THROUGH in exec_control.inc), so metering costs no extra dispatch. `end` and
// `else` are block syntax (the spec's abstract syntax has no such instructions) and
// cost nothing.
#include <stdexcept>

#include "interp/translator.h"

namespace wippy::interp {

// Starts a straight-line segment: a Fuel instruction whose count begin_instr raises.
// No peephole looks back across it.
void Translator::start_segment() {
  fuel_slot_ = emit<Op::Fuel>({.cost = 0});
  need_segment_ = false;
}

bool Translator::at_empty_segment() const {
  return last_op_ == Op::Fuel && last_op_pos_ == here() - 1 - kOperandWords<Op::Fuel> &&
         code_[fuel_slot_ + 1].i64 == 0;
}

// Places a branch target here and returns its code index. In metered code every
// target starts a segment with its own Fuel instruction, so a taken branch can charge
// that segment itself and jump past it (finish_branches). Consecutive labels share
// one Fuel instruction.
uint32_t Translator::place_label() {
  if (m_.fuel_metering && !dead_) {
    if (!at_empty_segment()) start_segment();
    need_segment_ = false;
    return fuel_slot_;
  }
  forget_last();
  return here();
}

// Turns target indices into pointers. In metered code each target is a Fuel
// instruction: the branch jumps past it and its cost word gets that segment's cost,
// so a taken branch does the Fuel instruction's work. When the fuel left does not
// cover it, the branch lands on the Fuel instruction instead (see TAKE_BRANCH), which
// yields or traps as usual.
void Translator::finish_branches(std::vector<Slot>& code) {
  const void* fuel_op = handlers_[static_cast<int>(Op::Fuel)];
  for (uint32_t w : targets_) {
    auto& to = *reinterpret_cast<layout::BranchTo*>(&code[w]);
    uint64_t t = to.target.u64;
    if (m_.fuel_metering) {
      if (code[t].op != fuel_op) throw std::logic_error("branch target without a Fuel instruction");
      to.cost = reinterpret_cast<const LayoutOf<Op::Fuel>*>(&code[t + 1])->cost;
      t += 1 + kOperandWords<Op::Fuel>;
    }
    to.target.target = code.data() + t;
  }
}

}  // namespace wippy::interp
