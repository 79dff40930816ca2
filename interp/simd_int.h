// Integer SIMD instructions (i8x16, i16x8, i32x4, i64x2) and the v128 bitwise ones:
// arithmetic, saturating arithmetic, comparisons, shifts, min/max, tests.
//
// Wrapping arithmetic is done on unsigned lanes (wider than int where a product could
// overflow int after promotion), so no lane operation has signed overflow.
#pragma once

#include <algorithm>
#include <functional>
#include <limits>

#include "interp/simd_v128.h"

namespace wippy::interp::simd {

namespace detail {

template <class T>
using Unsigned = std::make_unsigned_t<T>;

// The unsigned type in which T lanes add and multiply without promotion to int.
template <class T>
using WrapType = std::conditional_t<(sizeof(T) < 4), uint32_t, Unsigned<T>>;

template <class T>
inline T wrap_add(T a, T b) {
  return static_cast<T>(WrapType<T>(Unsigned<T>(a)) + WrapType<T>(Unsigned<T>(b)));
}
template <class T>
inline T wrap_sub(T a, T b) {
  return static_cast<T>(WrapType<T>(Unsigned<T>(a)) - WrapType<T>(Unsigned<T>(b)));
}
template <class T>
inline T wrap_mul(T a, T b) {
  return static_cast<T>(WrapType<T>(Unsigned<T>(a)) * WrapType<T>(Unsigned<T>(b)));
}

// v clamped into the range of T.
template <class T>
inline T saturate(int64_t v) {
  return static_cast<T>(std::clamp<int64_t>(v, std::numeric_limits<T>::min(), std::numeric_limits<T>::max()));
}

template <class T>
inline V128 neg(V128 a) {
  return map_lanes<T>(a, [](T x) { return wrap_sub<T>(0, x); });
}

// abs(INT_MIN) wraps to INT_MIN.
template <class T>
inline V128 abs(V128 a) {
  return map_lanes<T>(a, [](T x) { return x < 0 ? wrap_sub<T>(0, x) : x; });
}

template <class T>
inline V128 shl(V128 a, uint32_t count) {
  unsigned c = count % (8 * sizeof(T));
  return map_lanes<Unsigned<T>>(a, [c](Unsigned<T> x) { return WrapType<T>(x) << c; });
}

// Arithmetic for signed T, logical for unsigned T (C++20 defines >> of negatives).
template <class T>
inline V128 shr(V128 a, uint32_t count) {
  unsigned c = count % (8 * sizeof(T));
  return map_lanes<T>(a, [c](T x) { return x >> c; });
}

template <class T>
inline V128 add_sat(V128 a, V128 b) {
  return zip_lanes<T>(a, b, [](T x, T y) { return saturate<T>(int64_t(x) + int64_t(y)); });
}
template <class T>
inline V128 sub_sat(V128 a, V128 b) {
  return zip_lanes<T>(a, b, [](T x, T y) { return saturate<T>(int64_t(x) - int64_t(y)); });
}

template <class T>
inline V128 min(V128 a, V128 b) {
  return zip_lanes<T>(a, b, [](T x, T y) { return y < x ? y : x; });
}
template <class T>
inline V128 max(V128 a, V128 b) {
  return zip_lanes<T>(a, b, [](T x, T y) { return x < y ? y : x; });
}

// Rounding average of unsigned lanes: (a + b + 1) / 2 without overflow.
template <class T>
inline V128 avgr(V128 a, V128 b) {
  return zip_lanes<T>(a, b, [](T x, T y) { return (uint32_t(x) + uint32_t(y) + 1) >> 1; });
}

template <class T>
inline uint32_t all_true(V128 a) {
  Lanes<T> x = lanes<T>(a);
  for (T v : x.at)
    if (v == 0) return 0;
  return 1;
}

// Bit i of the result is the top (sign) bit of lane i.
template <class T>
inline uint32_t bitmask(V128 a) {
  Lanes<T> x = lanes<T>(a);
  uint32_t mask = 0;
  for (unsigned i = 0; i < lane_count<T>; ++i) mask |= uint32_t(x.at[i] < 0) << i;
  return mask;
}

// Wide lanes W from the narrow lanes N of a, the low half (first) or the high half.
template <class W, class N>
inline Lanes<W> widen(V128 a, bool high) {
  Lanes<N> x = lanes<N>(a);
  Lanes<W> r;
  for (unsigned i = 0; i < lane_count<W>; ++i) r.at[i] = static_cast<W>(x.at[i + (high ? lane_count<W> : 0)]);
  return r;
}

// Product of the widened low or high halves: the wide type holds every product
// (computed in WrapType, so u16 * u16 does not overflow int).
template <class W, class N>
inline V128 extmul(V128 a, V128 b, bool high) {
  Lanes<W> x = widen<W, N>(a, high), y = widen<W, N>(b, high), r;
  for (unsigned i = 0; i < lane_count<W>; ++i) r.at[i] = wrap_mul<W>(x.at[i], y.at[i]);
  return to_v128(r);
}

// Sums of adjacent pairs of narrow lanes, widened (cannot overflow the wide lane).
template <class W, class N>
inline V128 extadd_pairwise(V128 a) {
  Lanes<N> x = lanes<N>(a);
  Lanes<W> r;
  for (unsigned i = 0; i < lane_count<W>; ++i) r.at[i] = static_cast<W>(W(x.at[2 * i]) + W(x.at[2 * i + 1]));
  return to_v128(r);
}

}  // namespace detail

// --- v128 bitwise ------------------------------------------------------------------
inline V128 v128_not(V128 a) { return {~a.lo, ~a.hi}; }
inline V128 v128_and(V128 a, V128 b) { return {a.lo & b.lo, a.hi & b.hi}; }
inline V128 v128_andnot(V128 a, V128 b) { return {a.lo & ~b.lo, a.hi & ~b.hi}; }
inline V128 v128_or(V128 a, V128 b) { return {a.lo | b.lo, a.hi | b.hi}; }
inline V128 v128_xor(V128 a, V128 b) { return {a.lo ^ b.lo, a.hi ^ b.hi}; }
// Bits of a where c is 1, of b where c is 0.
inline V128 v128_bitselect(V128 a, V128 b, V128 c) {
  return {(a.lo & c.lo) | (b.lo & ~c.lo), (a.hi & c.hi) | (b.hi & ~c.hi)};
}
inline uint32_t v128_any_true(V128 a) { return (a.lo | a.hi) != 0; }

// --- i8x16 ---------------------------------------------------------------------------
inline V128 i8x16_eq(V128 a, V128 b) { return compare_lanes<uint8_t>(a, b, std::equal_to<>()); }
inline V128 i8x16_ne(V128 a, V128 b) { return compare_lanes<uint8_t>(a, b, std::not_equal_to<>()); }
inline V128 i8x16_lt_s(V128 a, V128 b) { return compare_lanes<int8_t>(a, b, std::less<>()); }
inline V128 i8x16_lt_u(V128 a, V128 b) { return compare_lanes<uint8_t>(a, b, std::less<>()); }
inline V128 i8x16_gt_s(V128 a, V128 b) { return compare_lanes<int8_t>(a, b, std::greater<>()); }
inline V128 i8x16_gt_u(V128 a, V128 b) { return compare_lanes<uint8_t>(a, b, std::greater<>()); }
inline V128 i8x16_le_s(V128 a, V128 b) { return compare_lanes<int8_t>(a, b, std::less_equal<>()); }
inline V128 i8x16_le_u(V128 a, V128 b) { return compare_lanes<uint8_t>(a, b, std::less_equal<>()); }
inline V128 i8x16_ge_s(V128 a, V128 b) { return compare_lanes<int8_t>(a, b, std::greater_equal<>()); }
inline V128 i8x16_ge_u(V128 a, V128 b) { return compare_lanes<uint8_t>(a, b, std::greater_equal<>()); }
inline V128 i8x16_abs(V128 a) { return detail::abs<int8_t>(a); }
inline V128 i8x16_neg(V128 a) { return detail::neg<int8_t>(a); }
inline V128 i8x16_popcnt(V128 a) {
  return map_lanes<uint8_t>(a, [](uint8_t x) { return std::popcount(x); });
}
inline uint32_t i8x16_all_true(V128 a) { return detail::all_true<uint8_t>(a); }
inline uint32_t i8x16_bitmask(V128 a) { return detail::bitmask<int8_t>(a); }
inline V128 i8x16_shl(V128 a, uint32_t n) { return detail::shl<int8_t>(a, n); }
inline V128 i8x16_shr_s(V128 a, uint32_t n) { return detail::shr<int8_t>(a, n); }
inline V128 i8x16_shr_u(V128 a, uint32_t n) { return detail::shr<uint8_t>(a, n); }
inline V128 i8x16_add(V128 a, V128 b) { return zip_lanes<uint8_t>(a, b, detail::wrap_add<uint8_t>); }
inline V128 i8x16_add_sat_s(V128 a, V128 b) { return detail::add_sat<int8_t>(a, b); }
inline V128 i8x16_add_sat_u(V128 a, V128 b) { return detail::add_sat<uint8_t>(a, b); }
inline V128 i8x16_sub(V128 a, V128 b) { return zip_lanes<uint8_t>(a, b, detail::wrap_sub<uint8_t>); }
inline V128 i8x16_sub_sat_s(V128 a, V128 b) { return detail::sub_sat<int8_t>(a, b); }
inline V128 i8x16_sub_sat_u(V128 a, V128 b) { return detail::sub_sat<uint8_t>(a, b); }
inline V128 i8x16_min_s(V128 a, V128 b) { return detail::min<int8_t>(a, b); }
inline V128 i8x16_min_u(V128 a, V128 b) { return detail::min<uint8_t>(a, b); }
inline V128 i8x16_max_s(V128 a, V128 b) { return detail::max<int8_t>(a, b); }
inline V128 i8x16_max_u(V128 a, V128 b) { return detail::max<uint8_t>(a, b); }
inline V128 i8x16_avgr_u(V128 a, V128 b) { return detail::avgr<uint8_t>(a, b); }

// --- i16x8 ---------------------------------------------------------------------------
inline V128 i16x8_eq(V128 a, V128 b) { return compare_lanes<uint16_t>(a, b, std::equal_to<>()); }
inline V128 i16x8_ne(V128 a, V128 b) { return compare_lanes<uint16_t>(a, b, std::not_equal_to<>()); }
inline V128 i16x8_lt_s(V128 a, V128 b) { return compare_lanes<int16_t>(a, b, std::less<>()); }
inline V128 i16x8_lt_u(V128 a, V128 b) { return compare_lanes<uint16_t>(a, b, std::less<>()); }
inline V128 i16x8_gt_s(V128 a, V128 b) { return compare_lanes<int16_t>(a, b, std::greater<>()); }
inline V128 i16x8_gt_u(V128 a, V128 b) { return compare_lanes<uint16_t>(a, b, std::greater<>()); }
inline V128 i16x8_le_s(V128 a, V128 b) { return compare_lanes<int16_t>(a, b, std::less_equal<>()); }
inline V128 i16x8_le_u(V128 a, V128 b) { return compare_lanes<uint16_t>(a, b, std::less_equal<>()); }
inline V128 i16x8_ge_s(V128 a, V128 b) { return compare_lanes<int16_t>(a, b, std::greater_equal<>()); }
inline V128 i16x8_ge_u(V128 a, V128 b) { return compare_lanes<uint16_t>(a, b, std::greater_equal<>()); }
inline V128 i16x8_abs(V128 a) { return detail::abs<int16_t>(a); }
inline V128 i16x8_neg(V128 a) { return detail::neg<int16_t>(a); }
// (a * b + 2^14) >> 15, saturated: only INT16_MIN * INT16_MIN leaves the range.
inline V128 i16x8_q15mulr_sat_s(V128 a, V128 b) {
  return zip_lanes<int16_t>(a, b, [](int16_t x, int16_t y) {
    return detail::saturate<int16_t>((int32_t(x) * int32_t(y) + 0x4000) >> 15);
  });
}
inline uint32_t i16x8_all_true(V128 a) { return detail::all_true<uint16_t>(a); }
inline uint32_t i16x8_bitmask(V128 a) { return detail::bitmask<int16_t>(a); }
inline V128 i16x8_shl(V128 a, uint32_t n) { return detail::shl<int16_t>(a, n); }
inline V128 i16x8_shr_s(V128 a, uint32_t n) { return detail::shr<int16_t>(a, n); }
inline V128 i16x8_shr_u(V128 a, uint32_t n) { return detail::shr<uint16_t>(a, n); }
inline V128 i16x8_add(V128 a, V128 b) { return zip_lanes<uint16_t>(a, b, detail::wrap_add<uint16_t>); }
inline V128 i16x8_add_sat_s(V128 a, V128 b) { return detail::add_sat<int16_t>(a, b); }
inline V128 i16x8_add_sat_u(V128 a, V128 b) { return detail::add_sat<uint16_t>(a, b); }
inline V128 i16x8_sub(V128 a, V128 b) { return zip_lanes<uint16_t>(a, b, detail::wrap_sub<uint16_t>); }
inline V128 i16x8_sub_sat_s(V128 a, V128 b) { return detail::sub_sat<int16_t>(a, b); }
inline V128 i16x8_sub_sat_u(V128 a, V128 b) { return detail::sub_sat<uint16_t>(a, b); }
inline V128 i16x8_mul(V128 a, V128 b) { return zip_lanes<uint16_t>(a, b, detail::wrap_mul<uint16_t>); }
inline V128 i16x8_min_s(V128 a, V128 b) { return detail::min<int16_t>(a, b); }
inline V128 i16x8_min_u(V128 a, V128 b) { return detail::min<uint16_t>(a, b); }
inline V128 i16x8_max_s(V128 a, V128 b) { return detail::max<int16_t>(a, b); }
inline V128 i16x8_max_u(V128 a, V128 b) { return detail::max<uint16_t>(a, b); }
inline V128 i16x8_avgr_u(V128 a, V128 b) { return detail::avgr<uint16_t>(a, b); }
inline V128 i16x8_extadd_pairwise_i8x16_s(V128 a) { return detail::extadd_pairwise<int16_t, int8_t>(a); }
inline V128 i16x8_extadd_pairwise_i8x16_u(V128 a) { return detail::extadd_pairwise<uint16_t, uint8_t>(a); }
inline V128 i16x8_extmul_low_i8x16_s(V128 a, V128 b) { return detail::extmul<int16_t, int8_t>(a, b, false); }
inline V128 i16x8_extmul_high_i8x16_s(V128 a, V128 b) { return detail::extmul<int16_t, int8_t>(a, b, true); }
inline V128 i16x8_extmul_low_i8x16_u(V128 a, V128 b) {
  return detail::extmul<uint16_t, uint8_t>(a, b, false);
}
inline V128 i16x8_extmul_high_i8x16_u(V128 a, V128 b) {
  return detail::extmul<uint16_t, uint8_t>(a, b, true);
}

// --- i32x4 ---------------------------------------------------------------------------
inline V128 i32x4_eq(V128 a, V128 b) { return compare_lanes<uint32_t>(a, b, std::equal_to<>()); }
inline V128 i32x4_ne(V128 a, V128 b) { return compare_lanes<uint32_t>(a, b, std::not_equal_to<>()); }
inline V128 i32x4_lt_s(V128 a, V128 b) { return compare_lanes<int32_t>(a, b, std::less<>()); }
inline V128 i32x4_lt_u(V128 a, V128 b) { return compare_lanes<uint32_t>(a, b, std::less<>()); }
inline V128 i32x4_gt_s(V128 a, V128 b) { return compare_lanes<int32_t>(a, b, std::greater<>()); }
inline V128 i32x4_gt_u(V128 a, V128 b) { return compare_lanes<uint32_t>(a, b, std::greater<>()); }
inline V128 i32x4_le_s(V128 a, V128 b) { return compare_lanes<int32_t>(a, b, std::less_equal<>()); }
inline V128 i32x4_le_u(V128 a, V128 b) { return compare_lanes<uint32_t>(a, b, std::less_equal<>()); }
inline V128 i32x4_ge_s(V128 a, V128 b) { return compare_lanes<int32_t>(a, b, std::greater_equal<>()); }
inline V128 i32x4_ge_u(V128 a, V128 b) { return compare_lanes<uint32_t>(a, b, std::greater_equal<>()); }
inline V128 i32x4_abs(V128 a) { return detail::abs<int32_t>(a); }
inline V128 i32x4_neg(V128 a) { return detail::neg<int32_t>(a); }
inline uint32_t i32x4_all_true(V128 a) { return detail::all_true<uint32_t>(a); }
inline uint32_t i32x4_bitmask(V128 a) { return detail::bitmask<int32_t>(a); }
inline V128 i32x4_shl(V128 a, uint32_t n) { return detail::shl<int32_t>(a, n); }
inline V128 i32x4_shr_s(V128 a, uint32_t n) { return detail::shr<int32_t>(a, n); }
inline V128 i32x4_shr_u(V128 a, uint32_t n) { return detail::shr<uint32_t>(a, n); }
inline V128 i32x4_add(V128 a, V128 b) { return zip_lanes<uint32_t>(a, b, detail::wrap_add<uint32_t>); }
inline V128 i32x4_sub(V128 a, V128 b) { return zip_lanes<uint32_t>(a, b, detail::wrap_sub<uint32_t>); }
inline V128 i32x4_mul(V128 a, V128 b) { return zip_lanes<uint32_t>(a, b, detail::wrap_mul<uint32_t>); }
inline V128 i32x4_min_s(V128 a, V128 b) { return detail::min<int32_t>(a, b); }
inline V128 i32x4_min_u(V128 a, V128 b) { return detail::min<uint32_t>(a, b); }
inline V128 i32x4_max_s(V128 a, V128 b) { return detail::max<int32_t>(a, b); }
inline V128 i32x4_max_u(V128 a, V128 b) { return detail::max<uint32_t>(a, b); }
// Sum of the products of adjacent pairs: 2 * (-2^15)^2 = 2^31 wraps to INT32_MIN.
inline V128 i32x4_dot_i16x8_s(V128 a, V128 b) {
  Lanes<int16_t> x = lanes<int16_t>(a), y = lanes<int16_t>(b);
  Lanes<uint32_t> r;
  for (unsigned i = 0; i < 4; ++i)
    r.at[i] =
        uint32_t(int32_t(x.at[2 * i]) * y.at[2 * i]) + uint32_t(int32_t(x.at[2 * i + 1]) * y.at[2 * i + 1]);
  return to_v128(r);
}
inline V128 i32x4_extadd_pairwise_i16x8_s(V128 a) { return detail::extadd_pairwise<int32_t, int16_t>(a); }
inline V128 i32x4_extadd_pairwise_i16x8_u(V128 a) { return detail::extadd_pairwise<uint32_t, uint16_t>(a); }
inline V128 i32x4_extmul_low_i16x8_s(V128 a, V128 b) { return detail::extmul<int32_t, int16_t>(a, b, false); }
inline V128 i32x4_extmul_high_i16x8_s(V128 a, V128 b) { return detail::extmul<int32_t, int16_t>(a, b, true); }
inline V128 i32x4_extmul_low_i16x8_u(V128 a, V128 b) {
  return detail::extmul<uint32_t, uint16_t>(a, b, false);
}
inline V128 i32x4_extmul_high_i16x8_u(V128 a, V128 b) {
  return detail::extmul<uint32_t, uint16_t>(a, b, true);
}

// --- i64x2 ---------------------------------------------------------------------------
inline V128 i64x2_eq(V128 a, V128 b) { return compare_lanes<uint64_t>(a, b, std::equal_to<>()); }
inline V128 i64x2_ne(V128 a, V128 b) { return compare_lanes<uint64_t>(a, b, std::not_equal_to<>()); }
inline V128 i64x2_lt_s(V128 a, V128 b) { return compare_lanes<int64_t>(a, b, std::less<>()); }
inline V128 i64x2_gt_s(V128 a, V128 b) { return compare_lanes<int64_t>(a, b, std::greater<>()); }
inline V128 i64x2_le_s(V128 a, V128 b) { return compare_lanes<int64_t>(a, b, std::less_equal<>()); }
inline V128 i64x2_ge_s(V128 a, V128 b) { return compare_lanes<int64_t>(a, b, std::greater_equal<>()); }
inline V128 i64x2_abs(V128 a) { return detail::abs<int64_t>(a); }
inline V128 i64x2_neg(V128 a) { return detail::neg<int64_t>(a); }
inline uint32_t i64x2_all_true(V128 a) { return detail::all_true<uint64_t>(a); }
inline uint32_t i64x2_bitmask(V128 a) { return detail::bitmask<int64_t>(a); }
inline V128 i64x2_shl(V128 a, uint32_t n) { return detail::shl<int64_t>(a, n); }
inline V128 i64x2_shr_s(V128 a, uint32_t n) { return detail::shr<int64_t>(a, n); }
inline V128 i64x2_shr_u(V128 a, uint32_t n) { return detail::shr<uint64_t>(a, n); }
inline V128 i64x2_add(V128 a, V128 b) { return zip_lanes<uint64_t>(a, b, detail::wrap_add<uint64_t>); }
inline V128 i64x2_sub(V128 a, V128 b) { return zip_lanes<uint64_t>(a, b, detail::wrap_sub<uint64_t>); }
inline V128 i64x2_mul(V128 a, V128 b) { return zip_lanes<uint64_t>(a, b, detail::wrap_mul<uint64_t>); }
inline V128 i64x2_extmul_low_i32x4_s(V128 a, V128 b) { return detail::extmul<int64_t, int32_t>(a, b, false); }
inline V128 i64x2_extmul_high_i32x4_s(V128 a, V128 b) { return detail::extmul<int64_t, int32_t>(a, b, true); }
inline V128 i64x2_extmul_low_i32x4_u(V128 a, V128 b) {
  return detail::extmul<uint64_t, uint32_t>(a, b, false);
}
inline V128 i64x2_extmul_high_i32x4_u(V128 a, V128 b) {
  return detail::extmul<uint64_t, uint32_t>(a, b, true);
}

}  // namespace wippy::interp::simd
