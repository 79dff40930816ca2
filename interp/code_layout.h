// The operand layouts of internal instructions: the words that follow an
// instruction's handler word, as typed structs. ops.def gives every instruction its
// layout once; the translator emits it with `emit<Op::X>(layout)` and the handler
// reads it with `OPERANDS(X)`, so the two cannot disagree (the wrong struct does not
// compile) and the handler advances by exactly the layout's size.
//
// Operands are frame slots (32-bit cell indices relative to fp); two share a word.
// A v128 operand names its first slot and takes that slot and the next.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "interp/module.h"
#include "interp/ops.h"

namespace wippy::interp::layout {

// Layouts alias the code words they are read from (Slot).
#define WIPPY_LAYOUT struct [[gnu::may_alias]]

// A branch target and the fuel cost of the segment that starts there (see
// TAKE_BRANCH). While translating, `target.u64` is a code index.
WIPPY_LAYOUT BranchTo {
  Slot target{};
  int64_t cost = 0;
};

WIPPY_LAYOUT None {};
WIPPY_LAYOUT Cost { int64_t cost = 0; };
WIPPY_LAYOUT Jump { BranchTo to{}; };
// A conditional branch; the fall-through's Fuel instruction follows it.
WIPPY_LAYOUT CondBranch { uint32_t cond = 0, unused = 0; BranchTo to{}; };
WIPPY_LAYOUT CompareBranch { uint32_t a = 0, b = 0; BranchTo to{}; };
WIPPY_LAYOUT CompareImmBranch { uint32_t a = 0, unused = 0; uint64_t imm = 0; BranchTo to{}; };
// Followed by n + 1 BranchTo entries (the last is the default).
WIPPY_LAYOUT BrTable { uint32_t index = 0, n = 0; };
WIPPY_LAYOUT Return { uint32_t first = 0, cells = 0; };
// The end of every call: the first argument slot, then n copies (SlotPair: dst, src)
// that put the arguments not yet in their slots into place.
WIPPY_LAYOUT ArgList { uint32_t args = 0, n = 0; };
WIPPY_LAYOUT Call { const Function* fn = nullptr; ArgList args{}; };
WIPPY_LAYOUT CallImport { uint64_t func = 0; ArgList args{}; };
WIPPY_LAYOUT CallIndirect { uint32_t table = 0, type_id = 0; uint32_t index = 0, unused = 0; ArgList args{}; };
WIPPY_LAYOUT Select { uint32_t dst = 0, cond = 0; uint32_t a = 0, b = 0; };
WIPPY_LAYOUT Copy { uint32_t dst = 0, src = 0; };
WIPPY_LAYOUT Copy2 { uint32_t dst = 0, src = 0, dst2 = 0, src2 = 0; };
// Followed by n SlotPair copies.
WIPPY_LAYOUT CopyN { uint32_t n = 0, unused = 0; };
// The xor of rotations of fp[a] by constants (SHA-2's sigma functions).
WIPPY_LAYOUT Rotl2 { uint32_t dst = 0, a = 0; uint32_t j = 0, k = 0; };
WIPPY_LAYOUT Rotl3 { uint32_t dst = 0, a = 0; uint32_t i = 0, j = 0; uint32_t k = 0, unused = 0; };
WIPPY_LAYOUT Const { uint32_t dst = 0, unused = 0; uint64_t value = 0; };
WIPPY_LAYOUT GlobalGet { uint32_t dst = 0, global = 0; };
WIPPY_LAYOUT GlobalSet { uint32_t src = 0, global = 0; };

WIPPY_LAYOUT Load { uint32_t dst = 0, addr = 0; uint64_t offset = 0; };
// A load from addr + add (wrapping at 2^32, as the fused i32.add would) + offset.
WIPPY_LAYOUT LoadAddImm { uint32_t dst = 0, addr = 0; uint32_t add = 0, offset = 0; };
// A load from addr + fp[index] (wrapping at 2^32, as the fused i32.add would) + offset.
WIPPY_LAYOUT LoadAdd { uint32_t dst = 0, addr = 0; uint32_t index = 0, offset = 0; };
WIPPY_LAYOUT Store { uint32_t addr = 0, value = 0; uint64_t offset = 0; };
// A binary operator whose right operand is loaded from memory (offset fits 32 bits).
WIPPY_LAYOUT BinaryLoad { uint32_t dst = 0, a = 0; uint32_t addr = 0, offset = 0; };
WIPPY_LAYOUT StoreImm { uint32_t addr = 0, unused = 0; uint64_t offset = 0; uint64_t value = 0; };
WIPPY_LAYOUT MemorySize { uint32_t dst = 0, memory = 0; };
WIPPY_LAYOUT MemoryGrow { uint32_t dst = 0, delta = 0; uint32_t memory = 0, unused = 0; };
// memory.fill/copy/init and table.fill/init/copy: destination, source (or value),
// count, and an index (memory.fill and .copy: the destination memory; memory.init:
// the segment; tables: the table).
WIPPY_LAYOUT Bulk { uint32_t dst = 0, src = 0; uint32_t n = 0, index = 0; };
// table.init's segment, table.copy's source table; memory.init's memory, memory.copy's
// source memory.
WIPPY_LAYOUT BulkFrom { Bulk bulk{}; uint64_t from = 0; };
WIPPY_LAYOUT Index { uint64_t index = 0; };

WIPPY_LAYOUT TableGet { uint32_t dst = 0, index = 0; uint64_t table = 0; };
WIPPY_LAYOUT TableSet { uint32_t index = 0, value = 0; uint64_t table = 0; };
WIPPY_LAYOUT TableSize { uint32_t dst = 0, unused = 0; uint64_t table = 0; };
WIPPY_LAYOUT TableGrow { uint32_t dst = 0, n = 0; uint32_t init = 0, table = 0; };
WIPPY_LAYOUT RefFunc { uint32_t dst = 0, func = 0; };

WIPPY_LAYOUT Unary { uint32_t dst = 0, a = 0; };
WIPPY_LAYOUT Binary { uint32_t dst = 0, a = 0; uint32_t b = 0, unused = 0; };
WIPPY_LAYOUT BinaryImm { uint32_t dst = 0, a = 0; uint64_t imm = 0; };
// Three operands, or two and a small constant: a + (b << k), a ^ rotl(b, k), a + b + k.
WIPPY_LAYOUT Fused3 { uint32_t dst = 0, a = 0; uint32_t b = 0, k = 0; };
// Two operands and a constant: fp[a] * fp[b] + imm.
WIPPY_LAYOUT Fused3Imm { uint32_t dst = 0, a = 0; uint32_t b = 0, unused = 0; uint64_t imm = 0; };

// SIMD (exec_simd.inc): every simd.def kind has the layout named SimdLayout_<kind>.
WIPPY_LAYOUT Ternary { uint32_t dst = 0, a = 0; uint32_t b = 0, c = 0; };
// extract_lane (b unused) and replace_lane (b is the scalar).
WIPPY_LAYOUT Lane { uint32_t dst = 0, a = 0; uint32_t b = 0, lane = 0; };
// load_lane and store_lane (dst unused): vec is the v128 whose other lanes stay.
WIPPY_LAYOUT MemLane { uint32_t dst = 0, addr = 0; uint32_t vec = 0, lane = 0; uint64_t offset = 0; };
WIPPY_LAYOUT V128Const { uint32_t dst = 0, unused = 0; uint64_t lo = 0, hi = 0; };
WIPPY_LAYOUT Shuffle { uint32_t dst = 0, a = 0; uint32_t b = 0, unused = 0; uint8_t lanes[16] = {}; };

#undef WIPPY_LAYOUT

using SimdLayout_Unary = Unary;
using SimdLayout_Binary = Binary;
using SimdLayout_Ternary = Ternary;
using SimdLayout_Shift = Binary;  // b is the i32 count
using SimdLayout_Test = Unary;
using SimdLayout_SplatI32 = Unary;
using SimdLayout_SplatI64 = Unary;
using SimdLayout_SplatF32 = Unary;
using SimdLayout_SplatF64 = Unary;
using SimdLayout_ExtractLaneI32 = Lane;
using SimdLayout_ExtractLaneI64 = Lane;
using SimdLayout_ExtractLaneF32 = Lane;
using SimdLayout_ExtractLaneF64 = Lane;
using SimdLayout_ReplaceLaneI32 = Lane;
using SimdLayout_ReplaceLaneI64 = Lane;
using SimdLayout_ReplaceLaneF32 = Lane;
using SimdLayout_ReplaceLaneF64 = Lane;
using SimdLayout_Load = Load;
using SimdLayout_Store = Store;
using SimdLayout_LoadLane = MemLane;
using SimdLayout_StoreLane = MemLane;
using SimdLayout_Const = V128Const;
using SimdLayout_Shuffle = Shuffle;

}  // namespace wippy::interp::layout

namespace wippy::interp {

// The layout of each instruction, from ops.def.
template <Op O>
struct OpLayout;
#define OP(name, layout_name)            \
  template <>                            \
  struct OpLayout<Op::name> {            \
    using type = layout::layout_name;    \
  };
#include "interp/ops.def"
#undef OP
template <Op O>
using LayoutOf = typename OpLayout<O>::type;

// The number of code words a layout takes (an empty layout takes none).
template <class L>
constexpr uint32_t layout_words() {
  if constexpr (std::is_empty_v<L>) {
    return 0;
  } else {
    static_assert(sizeof(L) % sizeof(Slot) == 0, "a layout is a whole number of code words");
    return static_cast<uint32_t>(sizeof(L) / sizeof(Slot));
  }
}
template <Op O>
constexpr uint32_t kOperandWords = layout_words<LayoutOf<O>>();

// The same for an opcode known only at run time.
inline constexpr uint8_t kOperandWordsOf[] = {
#define OP(name, layout_name) layout_words<layout::layout_name>(),
#include "interp/ops.def"
#undef OP
};
constexpr uint32_t operand_words(Op op) { return kOperandWordsOf[static_cast<int>(op)]; }

// The operands of instruction O whose first operand word is at `p`.
template <Op O>
inline const LayoutOf<O>& operands_at(const Slot* p) {
  return *reinterpret_cast<const LayoutOf<O>*>(p);
}

}  // namespace wippy::interp
