// The semantics of WebAssembly 2.0's fixed-width SIMD instructions (the 0xFD prefix), as
// inline pure functions in namespace wippy::interp::simd, one per instruction, named
// after the instruction's text form ("i32x4.add" -> i32x4_add). interp/simd.def lists
// them with their sub-opcodes; the run loop's SIMD handlers call them.
//
// The v128 value (interp::V128, two cells, low first) and the lane views are in
// simd_v128.h; the families:
//   simd_int.h      integer lanes and v128 bitwise
//   simd_float.h    f32x4 / f64x2 arithmetic, comparisons, rounding
//   simd_convert.h  extend, narrow, trunc_sat, convert, demote, promote
//   simd_lanes.h    splat, extract_lane, replace_lane, shuffle, swizzle
//   simd_memory.h   loads, stores, lane loads/stores, v128.const
#pragma once

#include "interp/simd_convert.h"
#include "interp/simd_float.h"
#include "interp/simd_int.h"
#include "interp/simd_lanes.h"
#include "interp/simd_memory.h"
#include "interp/simd_v128.h"
#include "interp/simd_opcodes.h"

namespace wippy::interp::simd {

// Each simd.def line names a function of its kind's shape.
#define SIMD_OP(name, code, kind, function, extra)                                  \
  static_assert(std::is_same_v<decltype(&function), SimdShape<SimdKind::kind>>, \
                #function " does not have the shape of its kind in simd.def");
#include "interp/simd.def"
#undef SIMD_OP

}  // namespace wippy::interp::simd
