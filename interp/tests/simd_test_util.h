// Building v128 values from lane lists and reading them back, for the SIMD tests.
#pragma once

#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>

#include "interp/simd.h"

namespace wippy::interp::simd_test {

using interp::V128;

// A v128 whose lanes of T are `values`, in lane order (missing lanes are zero).
template <class T>
V128 make(std::initializer_list<T> values) {
  simd::Lanes<T> l{};
  unsigned i = 0;
  for (T v : values) l.at[i++] = v;
  return simd::to_v128(l);
}

template <class T>
V128 splat(T value) { return simd::splat_lanes<T>(value); }

template <class T>
std::array<T, simd::lane_count<T>> get(V128 v) {
  std::array<T, simd::lane_count<T>> out;
  simd::Lanes<T> l = simd::lanes<T>(v);
  for (unsigned i = 0; i < out.size(); ++i) out[i] = l.at[i];
  return out;
}

template <class T>
std::array<T, simd::lane_count<T>> all(T value) {
  std::array<T, simd::lane_count<T>> out;
  out.fill(value);
  return out;
}

template <class F>
using Bits = std::conditional_t<sizeof(F) == 4, uint32_t, uint64_t>;

template <class F>
Bits<F> bits(F x) { return std::bit_cast<Bits<F>>(x); }

template <class F>
inline const F inf = std::numeric_limits<F>::infinity();
template <class F>
inline const F nan = std::numeric_limits<F>::quiet_NaN();

}  // namespace wippy::interp::simd_test
