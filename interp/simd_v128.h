// The v128 value and typed views of its lanes, the ground the SIMD instruction
// families (simd_*.h) stand on. Include interp/simd.h to get all of them.
//
// Layout (the project's convention): a v128 is two 64-bit cells, low cell first; byte i
// of the v128 (little-endian, lane 0 at byte 0) is byte i % 8 of cell i / 8. On a
// little-endian host that is exactly the memory image of V128{lo, hi}, so a lane is
// read and written with memcpy at byte offset lane * sizeof(lane), without aliasing UB.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace wippy::interp {

struct V128 {
  uint64_t lo, hi;
  friend bool operator==(const V128&, const V128&) = default;
};
static_assert(sizeof(V128) == 16 && std::is_trivially_copyable_v<V128>);
static_assert(std::endian::native == std::endian::little,
              "the v128 lane layout assumes a little-endian host");

namespace simd {

template <class T>
inline constexpr unsigned lane_count = 16 / sizeof(T);

// All lanes of a v128 as an array of T: the working form of the lane-wise functions.
template <class T>
struct Lanes {
  T at[lane_count<T>];
};

template <class T>
inline Lanes<T> lanes(V128 v) {
  Lanes<T> out;
  std::memcpy(&out, &v, 16);
  return out;
}

template <class T>
inline V128 to_v128(const Lanes<T>& l) {
  V128 out;
  std::memcpy(&out, &l, 16);
  return out;
}

// One lane. The index is taken modulo the lane count: validation already limits lane
// immediates, and a bad index must not reach outside the 16 bytes.
template <class T>
inline T get_lane(V128 v, uint32_t lane) {
  T out;
  std::memcpy(&out, reinterpret_cast<const unsigned char*>(&v) + (lane % lane_count<T>) * sizeof(T),
              sizeof(T));
  return out;
}

template <class T>
inline V128 set_lane(V128 v, uint32_t lane, T value) {
  std::memcpy(reinterpret_cast<unsigned char*>(&v) + (lane % lane_count<T>) * sizeof(T), &value,
              sizeof(T));
  return v;
}

// Lane-wise application of f to one, two or three v128s viewed as lanes of T; f returns
// the result lane (converted to T).
template <class T, class F>
inline V128 map_lanes(V128 a, F f) {
  Lanes<T> x = lanes<T>(a), r;
  for (unsigned i = 0; i < lane_count<T>; ++i) r.at[i] = static_cast<T>(f(x.at[i]));
  return to_v128(r);
}

template <class T, class F>
inline V128 zip_lanes(V128 a, V128 b, F f) {
  Lanes<T> x = lanes<T>(a), y = lanes<T>(b), r;
  for (unsigned i = 0; i < lane_count<T>; ++i) r.at[i] = static_cast<T>(f(x.at[i], y.at[i]));
  return to_v128(r);
}

// A lane-wise comparison: each result lane is all ones where pred holds, else zero.
template <class T, class Pred>
inline V128 compare_lanes(V128 a, V128 b, Pred pred) {
  using Mask = std::conditional_t<sizeof(T) == 1, uint8_t,
               std::conditional_t<sizeof(T) == 2, uint16_t,
               std::conditional_t<sizeof(T) == 4, uint32_t, uint64_t>>>;
  Lanes<T> x = lanes<T>(a), y = lanes<T>(b);
  Lanes<Mask> r;
  for (unsigned i = 0; i < lane_count<T>; ++i) r.at[i] = pred(x.at[i], y.at[i]) ? Mask(~Mask(0)) : Mask(0);
  return to_v128(r);
}

// A v128 with every lane equal to value.
template <class T>
inline V128 splat_lanes(T value) {
  Lanes<T> r;
  for (unsigned i = 0; i < lane_count<T>; ++i) r.at[i] = value;
  return to_v128(r);
}

// Scalar cells as the run loop stores them: i32 and f32 zero-extended to 64 bits,
// i64 and f64 as their bits.
inline uint32_t cell_u32(uint64_t cell) { return static_cast<uint32_t>(cell); }
inline float cell_f32(uint64_t cell) { return std::bit_cast<float>(static_cast<uint32_t>(cell)); }
inline double cell_f64(uint64_t cell) { return std::bit_cast<double>(cell); }

}  // namespace simd
}  // namespace wippy::interp
