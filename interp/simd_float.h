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
inline V128 fabs(V128 a) { return map_lanes<FloatBits<F>>(a, [](FloatBits<F> x) { return x & ~sign_bit<F>; }); }
template <class F>
inline V128 fneg(V128 a) { return map_lanes<FloatBits<F>>(a, [](FloatBits<F> x) { return x ^ sign_bit<F>; }); }

// The "pseudo" min and max: exactly b < a ? b : a and a < b ? b : a (NaN in a or b
// gives a).
template <class F>
inline V128 pmin(V128 a, V128 b) { return zip_lanes<F>(a, b, [](F x, F y) { return y < x ? y : x; }); }
template <class F>
inline V128 pmax(V128 a, V128 b) { return zip_lanes<F>(a, b, [](F x, F y) { return x < y ? y : x; }); }

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
inline V128 f32x4_sqrt(V128 a) { return map_lanes<float>(a, [](float x) { return std::sqrt(x); }); }
inline V128 f32x4_add(V128 a, V128 b) { return zip_lanes<float>(a, b, std::plus<>()); }
inline V128 f32x4_sub(V128 a, V128 b) { return zip_lanes<float>(a, b, std::minus<>()); }
inline V128 f32x4_mul(V128 a, V128 b) { return zip_lanes<float>(a, b, std::multiplies<>()); }
inline V128 f32x4_div(V128 a, V128 b) { return zip_lanes<float>(a, b, std::divides<>()); }
inline V128 f32x4_min(V128 a, V128 b) { return zip_lanes<float>(a, b, num::fmin<float>); }
inline V128 f32x4_max(V128 a, V128 b) { return zip_lanes<float>(a, b, num::fmax<float>); }
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
inline V128 f64x2_sqrt(V128 a) { return map_lanes<double>(a, [](double x) { return std::sqrt(x); }); }
inline V128 f64x2_add(V128 a, V128 b) { return zip_lanes<double>(a, b, std::plus<>()); }
inline V128 f64x2_sub(V128 a, V128 b) { return zip_lanes<double>(a, b, std::minus<>()); }
inline V128 f64x2_mul(V128 a, V128 b) { return zip_lanes<double>(a, b, std::multiplies<>()); }
inline V128 f64x2_div(V128 a, V128 b) { return zip_lanes<double>(a, b, std::divides<>()); }
inline V128 f64x2_min(V128 a, V128 b) { return zip_lanes<double>(a, b, num::fmin<double>); }
inline V128 f64x2_max(V128 a, V128 b) { return zip_lanes<double>(a, b, num::fmax<double>); }
inline V128 f64x2_pmin(V128 a, V128 b) { return detail::pmin<double>(a, b); }
inline V128 f64x2_pmax(V128 a, V128 b) { return detail::pmax<double>(a, b); }

}  // namespace wippy::interp::simd
