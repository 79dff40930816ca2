// WebAssembly numeric semantics that C++ does not give directly: float min/max,
// bit-exact sign operations and checked / saturating float-to-int truncation.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

namespace wippy::interp::num {

inline float f32(uint64_t cell) { return std::bit_cast<float>(static_cast<uint32_t>(cell)); }
inline double f64(uint64_t cell) { return std::bit_cast<double>(cell); }
inline uint64_t cell(float v) { return std::bit_cast<uint32_t>(v); }
inline uint64_t cell(double v) { return std::bit_cast<uint64_t>(v); }

template <class F>
F fmin(F a, F b) {
  if (std::isnan(a) || std::isnan(b)) return a + b;  // a quiet NaN
  if (a == 0 && b == 0) return std::signbit(a) ? a : b;  // min(-0, +0) = -0
  return a < b ? a : b;
}

template <class F>
F fmax(F a, F b) {
  if (std::isnan(a) || std::isnan(b)) return a + b;
  if (a == 0 && b == 0) return std::signbit(a) ? b : a;
  return a > b ? a : b;
}

// ceil, floor and trunc that quiet a signalling NaN (libm may return it unchanged;
// wasm requires an arithmetic NaN).
template <class F>
F fceil(F a) { return std::isnan(a) ? a + a : std::ceil(a); }
template <class F>
F ffloor(F a) { return std::isnan(a) ? a + a : std::floor(a); }
template <class F>
F ftrunc(F a) { return std::isnan(a) ? a + a : std::trunc(a); }
template <class F>
F fnearest(F a) { return std::isnan(a) ? a + a : std::nearbyint(a); }

// Exclusive bounds (as doubles, exact for every f32 and f64 input) of the values that
// truncate into integer type I.
template <class I>
struct TruncBounds;
template <>
struct TruncBounds<int32_t> {
  static constexpr double lo = -2147483649.0, hi = 2147483648.0;
};
template <>
struct TruncBounds<uint32_t> {
  static constexpr double lo = -1.0, hi = 4294967296.0;
};
template <>
struct TruncBounds<int64_t> {
  static constexpr double lo = -9223372036854777856.0, hi = 9223372036854775808.0;
};
template <>
struct TruncBounds<uint64_t> {
  static constexpr double lo = -1.0, hi = 18446744073709551616.0;
};

enum class TruncResult { Ok, NaN, Overflow };

// Trapping truncation (i32.trunc_f32_s and friends).
template <class I, class F>
TruncResult trunc_checked(F x, I& out) {
  if (std::isnan(x)) return TruncResult::NaN;
  double d = static_cast<double>(x);
  if constexpr (std::is_same_v<I, int64_t>) {
    // -2^63 itself is valid; the next double below it is not.
    if (!(d >= -9223372036854775808.0 && d < TruncBounds<I>::hi)) return TruncResult::Overflow;
  } else {
    if (!(d > TruncBounds<I>::lo && d < TruncBounds<I>::hi)) return TruncResult::Overflow;
  }
  out = static_cast<I>(std::trunc(d));
  return TruncResult::Ok;
}

// Saturating truncation (trunc_sat): NaN -> 0, out of range -> the nearest bound.
template <class I, class F>
I trunc_sat(F x) {
  I out;
  switch (trunc_checked<I>(x, out)) {
    case TruncResult::Ok: return out;
    case TruncResult::NaN: return 0;
    default: return x < 0 ? std::numeric_limits<I>::min() : std::numeric_limits<I>::max();
  }
}

}  // namespace wippy::interp::num
