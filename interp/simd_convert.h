// SIMD conversions between lane shapes: integer extend and saturating narrow,
// float <-> integer (trunc_sat: NaN -> 0, out of range -> the nearest bound),
// f32 <-> f64 (demote, promote). The "_zero" forms fill the upper half with zeros.
#pragma once

#include <limits>

#include "interp/simd_int.h"

namespace wippy::interp::simd {

namespace detail {

template <class W, class N>
inline V128 extend(V128 a, bool high) {
  return to_v128(widen<W, N>(a, high));
}

// Lanes of a then lanes of b (signed wide lanes W), each saturated into N.
template <class N, class W>
inline V128 narrow(V128 a, V128 b) {
  Lanes<W> x = lanes<W>(a), y = lanes<W>(b);
  Lanes<N> r;
  constexpr unsigned half = lane_count<W>;
  for (unsigned i = 0; i < half; ++i) {
    r.at[i] = saturate<N>(x.at[i]);
    r.at[half + i] = saturate<N>(y.at[i]);
  }
  return to_v128(r);
}

template <class To, class From>
inline To to(From x) {
  return static_cast<To>(x);
}

// trunc_sat of one lane into i32 or u32: NaN -> 0, below or above the range -> the
// nearest bound. The rules of num::trunc_sat, with the cast only reached in range and
// written as selects so that the compiler keeps the lanes in vector registers.
template <class I, class F>
inline I trunc_sat_lane(F v) {
  static_assert(sizeof(I) == 4);
  constexpr F lo = std::is_signed_v<I> ? F(-2147483648.0) : F(0);
  constexpr F hi = std::is_signed_v<I> ? F(2147483648.0) : F(4294967296.0);
  if (v != v) return 0;
  if (v < lo) return std::numeric_limits<I>::min();
  if (v >= hi) return std::numeric_limits<I>::max();
  return static_cast<I>(v);
}

// Each lane of a (lanes of From) converted to To, for shapes with the same lane count.
template <class To, class From, class Convert>
inline V128 convert_lanes(V128 a, Convert convert) {
  static_assert(lane_count<To> == lane_count<From>);
  Lanes<From> x = lanes<From>(a);
  Lanes<To> r;
  for (unsigned i = 0; i < lane_count<To>; ++i) r.at[i] = convert(x.at[i]);
  return to_v128(r);
}

// The two f64 lanes of a converted to To into lanes 0 and 1 of a 4-lane result whose
// lanes 2 and 3 are zero.
template <class To, class Convert>
inline V128 from_f64x2_zero(V128 a, Convert convert) {
  Lanes<double> x = lanes<double>(a);
  Lanes<To> r{};
  r.at[0] = convert(x.at[0]);
  r.at[1] = convert(x.at[1]);
  return to_v128(r);
}

// Lanes 0 and 1 of a (4-lane From) converted to the two f64 lanes.
template <class From>
inline V128 low_to_f64x2(V128 a) {
  Lanes<From> x = lanes<From>(a);
  return to_v128(Lanes<double>{{static_cast<double>(x.at[0]), static_cast<double>(x.at[1])}});
}

}  // namespace detail

inline V128 i8x16_narrow_i16x8_s(V128 a, V128 b) { return detail::narrow<int8_t, int16_t>(a, b); }
inline V128 i8x16_narrow_i16x8_u(V128 a, V128 b) { return detail::narrow<uint8_t, int16_t>(a, b); }
inline V128 i16x8_narrow_i32x4_s(V128 a, V128 b) { return detail::narrow<int16_t, int32_t>(a, b); }
inline V128 i16x8_narrow_i32x4_u(V128 a, V128 b) { return detail::narrow<uint16_t, int32_t>(a, b); }

inline V128 i16x8_extend_low_i8x16_s(V128 a) { return detail::extend<int16_t, int8_t>(a, false); }
inline V128 i16x8_extend_high_i8x16_s(V128 a) { return detail::extend<int16_t, int8_t>(a, true); }
inline V128 i16x8_extend_low_i8x16_u(V128 a) { return detail::extend<uint16_t, uint8_t>(a, false); }
inline V128 i16x8_extend_high_i8x16_u(V128 a) { return detail::extend<uint16_t, uint8_t>(a, true); }
inline V128 i32x4_extend_low_i16x8_s(V128 a) { return detail::extend<int32_t, int16_t>(a, false); }
inline V128 i32x4_extend_high_i16x8_s(V128 a) { return detail::extend<int32_t, int16_t>(a, true); }
inline V128 i32x4_extend_low_i16x8_u(V128 a) { return detail::extend<uint32_t, uint16_t>(a, false); }
inline V128 i32x4_extend_high_i16x8_u(V128 a) { return detail::extend<uint32_t, uint16_t>(a, true); }
inline V128 i64x2_extend_low_i32x4_s(V128 a) { return detail::extend<int64_t, int32_t>(a, false); }
inline V128 i64x2_extend_high_i32x4_s(V128 a) { return detail::extend<int64_t, int32_t>(a, true); }
inline V128 i64x2_extend_low_i32x4_u(V128 a) { return detail::extend<uint64_t, uint32_t>(a, false); }
inline V128 i64x2_extend_high_i32x4_u(V128 a) { return detail::extend<uint64_t, uint32_t>(a, true); }

inline V128 i32x4_trunc_sat_f32x4_s(V128 a) {
  return detail::convert_lanes<int32_t, float>(a, detail::trunc_sat_lane<int32_t, float>);
}
inline V128 i32x4_trunc_sat_f32x4_u(V128 a) {
  return detail::convert_lanes<uint32_t, float>(a, detail::trunc_sat_lane<uint32_t, float>);
}
inline V128 i32x4_trunc_sat_f64x2_s_zero(V128 a) {
  return detail::from_f64x2_zero<int32_t>(a, detail::trunc_sat_lane<int32_t, double>);
}
inline V128 i32x4_trunc_sat_f64x2_u_zero(V128 a) {
  return detail::from_f64x2_zero<uint32_t>(a, detail::trunc_sat_lane<uint32_t, double>);
}

inline V128 f32x4_convert_i32x4_s(V128 a) {
  return detail::convert_lanes<float, int32_t>(a, detail::to<float, int32_t>);
}
inline V128 f32x4_convert_i32x4_u(V128 a) {
  return detail::convert_lanes<float, uint32_t>(a, detail::to<float, uint32_t>);
}
inline V128 f64x2_convert_low_i32x4_s(V128 a) { return detail::low_to_f64x2<int32_t>(a); }
inline V128 f64x2_convert_low_i32x4_u(V128 a) { return detail::low_to_f64x2<uint32_t>(a); }

// Demotion rounds to nearest (overflow gives infinity) and keeps NaN a NaN, as the
// scalar f32.demote_f64.
inline V128 f32x4_demote_f64x2_zero(V128 a) {
  return detail::from_f64x2_zero<float>(a, detail::to<float, double>);
}
inline V128 f64x2_promote_low_f32x4(V128 a) { return detail::low_to_f64x2<float>(a); }

}  // namespace wippy::interp::simd
