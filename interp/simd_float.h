// Floating-point SIMD instructions (f32x4, f64x2): arithmetic, comparisons, rounding,
// min/max. NaN and signed-zero rules are the scalar ones (interp/numeric.h): min/max
// propagate NaN and order -0 < +0, ceil/floor/trunc/nearest quiet a NaN, nearest
// rounds half to even; abs and neg only touch the sign bit.
#pragma once

#include <cmath>
#include <functional>

#include "interp/numeric.h"
#include "interp/simd_v128.h"

namespace wippy::interp::simd {

namespace detail {

// The unsigned integer with the bits of F.
template <class F>
using FloatBits = std::conditional_t<sizeof(F) == 4, uint32_t, uint64_t>;

template <class F>
inline constexpr FloatBits<F> sign_bit = FloatBits<F>(1) << (8 * sizeof(F) - 1);

template <class F>
inline V128 fabs(V128 a) {
  return map_lanes<FloatBits<F>>(a, [](FloatBits<F> x) { return x & ~sign_bit<F>; });
}
template <class F>
inline V128 fneg(V128 a) {
  return map_lanes<FloatBits<F>>(a, [](FloatBits<F> x) { return x ^ sign_bit<F>; });
}

// min / max of the lanes: a NaN operand gives the canonical NaN (a NaN of the kind the
// spec allows for any NaN inputs), equal operands give a | b (min) or a & b (max),
// which orders -0 below +0. The same rules as num::fmin/fmax, written without
// branches so that the compiler keeps the lanes in vector registers.
template <class F, bool is_min>
inline V128 min_max(V128 a, V128 b) {
  using B = FloatBits<F>;
  constexpr B canonical_nan = sizeof(F) == 4 ? B(0x7fc00000u) : B(0x7ff8000000000000u);
  Lanes<F> x = lanes<F>(a), y = lanes<F>(b);
  Lanes<B> xb = lanes<B>(a), yb = lanes<B>(b), r;
  for (unsigned i = 0; i < lane_count<F>; ++i) {
    bool take_x = is_min ? x.at[i] < y.at[i] : y.at[i] < x.at[i];
    bool take_y = is_min ? y.at[i] < x.at[i] : x.at[i] < y.at[i];
    B equal = is_min ? (xb.at[i] | yb.at[i]) : (xb.at[i] & yb.at[i]);
    B pick = take_x ? xb.at[i] : take_y ? yb.at[i] : equal;
    bool nan = x.at[i] != x.at[i] || y.at[i] != y.at[i];
    r.at[i] = nan ? canonical_nan : pick;
  }
  return to_v128(r);
}

// The "pseudo" min and max: exactly b < a ? b : a and a < b ? b : a (NaN in a or b
// gives a).
template <class F>
inline V128 pmin(V128 a, V128 b) {
  return zip_lanes<F>(a, b, [](F x, F y) { return y < x ? y : x; });
}
template <class F>
inline V128 pmax(V128 a, V128 b) {
  return zip_lanes<F>(a, b, [](F x, F y) { return x < y ? y : x; });
}

}  // namespace detail

// --- f32x4 ---------------------------------------------------------------------------
inline V128 f32x4_eq(V128 a, V128 b) { return compare_lanes<float>(a, b, std::equal_to<>()); }
inline V128 f32x4_ne(V128 a, V128 b) { return compare_lanes<float>(a, b, std::not_equal_to<>()); }
inline V128 f32x4_lt(V128 a, V128 b) { return compare_lanes<float>(a, b, std::less<>()); }
inline V128 f32x4_gt(V128 a, V128 b) { return compare_lanes<float>(a, b, std::greater<>()); }
inline V128 f32x4_le(V128 a, V128 b) { return compare_lanes<float>(a, b, std::less_equal<>()); }
inline V128 f32x4_ge(V128 a, V128 b) { return compare_lanes<float>(a, b, std::greater_equal<>()); }
inline V128 f32x4_ceil(V128 a) { return map_lanes<float>(a, num::fceil<float>); }
inline V128 f32x4_floor(V128 a) { return map_lanes<float>(a, num::ffloor<float>); }
inline V128 f32x4_trunc(V128 a) { return map_lanes<float>(a, num::ftrunc<float>); }
inline V128 f32x4_nearest(V128 a) { return map_lanes<float>(a, num::fnearest<float>); }
inline V128 f32x4_abs(V128 a) { return detail::fabs<float>(a); }
inline V128 f32x4_neg(V128 a) { return detail::fneg<float>(a); }
inline V128 f32x4_sqrt(V128 a) {
  return map_lanes<float>(a, [](float x) { return std::sqrt(x); });
}
inline V128 f32x4_add(V128 a, V128 b) { return zip_lanes<float>(a, b, std::plus<>()); }
inline V128 f32x4_sub(V128 a, V128 b) { return zip_lanes<float>(a, b, std::minus<>()); }
inline V128 f32x4_mul(V128 a, V128 b) { return zip_lanes<float>(a, b, std::multiplies<>()); }
inline V128 f32x4_div(V128 a, V128 b) { return zip_lanes<float>(a, b, std::divides<>()); }
inline V128 f32x4_min(V128 a, V128 b) { return detail::min_max<float, true>(a, b); }
inline V128 f32x4_max(V128 a, V128 b) { return detail::min_max<float, false>(a, b); }
inline V128 f32x4_pmin(V128 a, V128 b) { return detail::pmin<float>(a, b); }
inline V128 f32x4_pmax(V128 a, V128 b) { return detail::pmax<float>(a, b); }

// --- f64x2 ---------------------------------------------------------------------------
inline V128 f64x2_eq(V128 a, V128 b) { return compare_lanes<double>(a, b, std::equal_to<>()); }
inline V128 f64x2_ne(V128 a, V128 b) { return compare_lanes<double>(a, b, std::not_equal_to<>()); }
inline V128 f64x2_lt(V128 a, V128 b) { return compare_lanes<double>(a, b, std::less<>()); }
inline V128 f64x2_gt(V128 a, V128 b) { return compare_lanes<double>(a, b, std::greater<>()); }
inline V128 f64x2_le(V128 a, V128 b) { return compare_lanes<double>(a, b, std::less_equal<>()); }
inline V128 f64x2_ge(V128 a, V128 b) { return compare_lanes<double>(a, b, std::greater_equal<>()); }
inline V128 f64x2_ceil(V128 a) { return map_lanes<double>(a, num::fceil<double>); }
inline V128 f64x2_floor(V128 a) { return map_lanes<double>(a, num::ffloor<double>); }
inline V128 f64x2_trunc(V128 a) { return map_lanes<double>(a, num::ftrunc<double>); }
inline V128 f64x2_nearest(V128 a) { return map_lanes<double>(a, num::fnearest<double>); }
inline V128 f64x2_abs(V128 a) { return detail::fabs<double>(a); }
inline V128 f64x2_neg(V128 a) { return detail::fneg<double>(a); }
inline V128 f64x2_sqrt(V128 a) {
  return map_lanes<double>(a, [](double x) { return std::sqrt(x); });
}
inline V128 f64x2_add(V128 a, V128 b) { return zip_lanes<double>(a, b, std::plus<>()); }
inline V128 f64x2_sub(V128 a, V128 b) { return zip_lanes<double>(a, b, std::minus<>()); }
inline V128 f64x2_mul(V128 a, V128 b) { return zip_lanes<double>(a, b, std::multiplies<>()); }
inline V128 f64x2_div(V128 a, V128 b) { return zip_lanes<double>(a, b, std::divides<>()); }
inline V128 f64x2_min(V128 a, V128 b) { return detail::min_max<double, true>(a, b); }
inline V128 f64x2_max(V128 a, V128 b) { return detail::min_max<double, false>(a, b); }
inline V128 f64x2_pmin(V128 a, V128 b) { return detail::pmin<double>(a, b); }
inline V128 f64x2_pmax(V128 a, V128 b) { return detail::pmax<double>(a, b); }

}  // namespace wippy::interp::simd
