// The validation stacks of the spec's appendix algorithm: operand types and control
// frames. Each operand also carries where its value is (for translation): its home
// slot, and whether it is still deferred as a local or a constant.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "interp/module.h"
#include "interp/opcode_tables.h"
#include "interp/types.h"

namespace wippy::interp {

constexpr ValType kUnknown = kUnknownType;

inline bool is_num(ValType t) {
  return t == ValType::I32 || t == ValType::I64 || t == ValType::F32 || t == ValType::F64 ||
         t == ValType::V128;
}

// Where an operand-stack value currently is.
struct Val {
  enum class Kind : uint8_t { Home, Local, Const };
  ValType type = kUnknown;
  Kind kind = Kind::Home;  // Home: in its home slot; Local: still in slot `local`; Const: `imm`
  uint32_t home = 0;       // the first slot of this stack position (set by push)
  union {                  // by kind (16 bytes in all: the stacks copy many of these)
    uint64_t imm = 0;      // Const
    uint32_t local;        // Local
  };

  Val() = default;
  explicit Val(ValType t, Kind k = Kind::Home) : type(t), kind(k) {}
  static Val in_local(ValType t, uint32_t slot) {
    Val v(t, Kind::Local);
    v.local = slot;
    return v;
  }
  static Val constant(ValType t, uint64_t bits) {
    Val v(t, Kind::Const);
    v.imm = bits;
    return v;
  }
};
static_assert(sizeof(Val) == 16);

// A list of value types owned by the module (a function type's) or by kOneType.
using TypeList = std::span<const ValType>;
// Every value type as a list of one, indexed by its encoding byte (block types `t`).
inline constexpr auto kOneType = [] {
  std::array<ValType, 256> a{};
  for (int i = 0; i < 256; ++i) a[i] = static_cast<ValType>(i);
  return a;
}();
inline TypeList one_type(ValType t) { return {&kOneType[static_cast<uint8_t>(t)], 1}; }
inline bool same_types(TypeList a, TypeList b) { return std::ranges::equal(a, b); }

struct Ctrl {
  enum class Kind : uint8_t { Body, Block, Loop, If };
  Kind kind = Kind::Body;  // what opened it: the function body, block, loop or if
  TypeList params, results;
  uint32_t height = 0;  // operand stack height below the params
  uint32_t base = 0;    // the home slot of the first label value
  bool unreachable = false;
  bool entered_dead = false;     // no code is emitted for a block inside dead code
  uint32_t loop_start = 0;       // loop: code index of the header
  // The last forward BranchTo word to patch at `end`; each such word holds the one
  // before it until then (a chain through the code, ending in kNoFixup).
  uint32_t fixups = kNoFixup;
  int64_t else_fixup = -1;       // if: the conditional jump's BranchTo word until `else`
  bool else_seen = false;

  static constexpr uint32_t kNoFixup = UINT32_MAX;
  TypeList label_types() const { return kind == Kind::Loop ? params : results; }
};

class OperandStack {
 public:
  // Errors name the byte offset in `instr_offset` (the instruction being validated).
  explicit OperandStack(const size_t& instr_offset) : instr_offset_(instr_offset) {}
  // The home of the first stack value (after the locals).
  void set_base(uint32_t base) { base_ = max_home_ = next_home_ = base; }
  // Empties both stacks for the next function (keeping their buffers).
  void clear() {
    vals_.clear();
    ctrls_.clear();
  }

  uint32_t depth() const { return static_cast<uint32_t>(vals_.size()); }
  Val& at(uint32_t d) { return vals_[d]; }
  uint32_t next_home() const { return next_home_; }
  // Cells the stack needed at its highest.
  uint32_t max_cells() const { return max_home_ - base_; }

  void push(Val v) {
    v.home = next_home_;
    next_home_ += cell_count(v.type);
    max_home_ = std::max(max_home_, next_home_);
    vals_.push_back(v);
  }
  Val pop() {
    if (vals_.size() == ctrls_.back().height) return pop_at_height();
    Val v = vals_.back();
    vals_.pop_back();
    next_home_ = v.home;
    return v;
  }
  Val pop(ValType expect) {
    Val v = pop();
    if (v.type != expect) v.type = matched_type(v.type, expect);
    return v;
  }
  // Checks that the top of the stack has these types without consuming them (as pop
  // would: below the block's height only unreachable code has values, of any type).
  void check_top(TypeList ts) const {
    const Ctrl& c = ctrls_.back();
    size_t available = vals_.size() - c.height;
    for (size_t i = 0; i < ts.size(); ++i) {
      if (i >= available) {
        if (c.unreachable) return;
        fail("type mismatch");
      }
      ValType expect = ts[ts.size() - 1 - i], t = vals_[vals_.size() - 1 - i].type;
      if (t != expect && t != kUnknown && expect != kUnknown) fail("type mismatch");
    }
  }
  void set_unreachable() {
    const uint32_t height = ctrls_.back().height;
    if (height < vals_.size()) next_home_ = vals_[height].home;
    vals_.resize(height);
    ctrls_.back().unreachable = true;
  }

  // Control frames.
  std::vector<Ctrl>& ctrls() { return ctrls_; }
  Ctrl& label(uint32_t depth) {
    if (depth >= ctrls_.size()) fail("unknown label");
    return ctrls_[ctrls_.size() - 1 - depth];
  }

 private:
  // The uncommon cases of pop, out of line so that the common one stays short: a pop
  // at the block's height (an unknown value in unreachable code, else an error), and
  // types that differ (one unknown, else an error).
  [[gnu::noinline]] Val pop_at_height() const {
    if (ctrls_.back().unreachable) return Val{kUnknown};
    fail("type mismatch");
  }
  [[gnu::noinline]] ValType matched_type(ValType t, ValType expect) const {
    if (t == kUnknown) return expect;
    if (expect == kUnknown) return t;
    fail("type mismatch");
  }

  [[noreturn]] void fail(const std::string& msg) const {
    throw ModuleError(ModuleError::Kind::Invalid, msg, instr_offset_);
  }

  const size_t& instr_offset_;
  uint32_t base_ = 0;
  uint32_t max_home_ = 0;
  uint32_t next_home_ = 0;  // the home of the next value pushed (values are contiguous)
  std::vector<Val> vals_;
  std::vector<Ctrl> ctrls_;
};

}  // namespace wippy::interp
