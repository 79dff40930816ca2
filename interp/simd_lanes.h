// SIMD instructions that move lanes: splat, extract_lane, replace_lane, shuffle and
// swizzle. Scalars come and go as run-loop cells: i32 and f32 zero-extended to 64 bits,
// i64 and f64 as their bits (see cell_* in simd_v128.h).
#pragma once

#include "interp/simd_v128.h"

namespace wippy::interp::simd {

namespace detail {

// An i32 cell holding v sign- or zero-extended to 32 bits.
template <class T>
inline uint64_t i32_cell(T v) {
  return static_cast<uint32_t>(static_cast<int32_t>(v));
}

}  // namespace detail

inline V128 i8x16_splat(uint64_t c) { return splat_lanes<uint8_t>(static_cast<uint8_t>(c)); }
inline V128 i16x8_splat(uint64_t c) { return splat_lanes<uint16_t>(static_cast<uint16_t>(c)); }
inline V128 i32x4_splat(uint64_t c) { return splat_lanes<uint32_t>(cell_u32(c)); }
inline V128 i64x2_splat(uint64_t c) { return {c, c}; }
inline V128 f32x4_splat(uint64_t c) { return splat_lanes<uint32_t>(cell_u32(c)); }
inline V128 f64x2_splat(uint64_t c) { return {c, c}; }

inline uint64_t i8x16_extract_lane_s(V128 v, uint32_t lane) {
  return detail::i32_cell(get_lane<int8_t>(v, lane));
}
inline uint64_t i8x16_extract_lane_u(V128 v, uint32_t lane) {
  return detail::i32_cell(get_lane<uint8_t>(v, lane));
}
inline uint64_t i16x8_extract_lane_s(V128 v, uint32_t lane) {
  return detail::i32_cell(get_lane<int16_t>(v, lane));
}
inline uint64_t i16x8_extract_lane_u(V128 v, uint32_t lane) {
  return detail::i32_cell(get_lane<uint16_t>(v, lane));
}
inline uint64_t i32x4_extract_lane(V128 v, uint32_t lane) { return get_lane<uint32_t>(v, lane); }
inline uint64_t i64x2_extract_lane(V128 v, uint32_t lane) { return get_lane<uint64_t>(v, lane); }
inline uint64_t f32x4_extract_lane(V128 v, uint32_t lane) { return get_lane<uint32_t>(v, lane); }
inline uint64_t f64x2_extract_lane(V128 v, uint32_t lane) { return get_lane<uint64_t>(v, lane); }

inline V128 i8x16_replace_lane(V128 v, uint64_t c, uint32_t lane) {
  return set_lane<uint8_t>(v, lane, static_cast<uint8_t>(c));
}
inline V128 i16x8_replace_lane(V128 v, uint64_t c, uint32_t lane) {
  return set_lane<uint16_t>(v, lane, static_cast<uint16_t>(c));
}
inline V128 i32x4_replace_lane(V128 v, uint64_t c, uint32_t lane) {
  return set_lane<uint32_t>(v, lane, cell_u32(c));
}
inline V128 i64x2_replace_lane(V128 v, uint64_t c, uint32_t lane) { return set_lane<uint64_t>(v, lane, c); }
inline V128 f32x4_replace_lane(V128 v, uint64_t c, uint32_t lane) {
  return set_lane<uint32_t>(v, lane, cell_u32(c));
}
inline V128 f64x2_replace_lane(V128 v, uint64_t c, uint32_t lane) { return set_lane<uint64_t>(v, lane, c); }

// Byte i of the result is byte lanes[i] of the 32 bytes a then b. Validation keeps the
// immediates below 32; the mask keeps a bad one inside the two operands.
inline V128 i8x16_shuffle(V128 a, V128 b, const uint8_t lanes_[16]) {
  uint8_t both[32];
  std::memcpy(both, &a, 16);
  std::memcpy(both + 16, &b, 16);
  Lanes<uint8_t> r;
  for (unsigned i = 0; i < 16; ++i) r.at[i] = both[lanes_[i] & 31];
  return to_v128(r);
}

// Byte i of the result is byte b[i] of a, or 0 where b[i] >= 16.
inline V128 i8x16_swizzle(V128 a, V128 b) {
  Lanes<uint8_t> x = lanes<uint8_t>(a), index = lanes<uint8_t>(b), r;
  // Branch-free: read an in-range byte, then mask it out for indexes >= 16.
  for (unsigned i = 0; i < 16; ++i) r.at[i] = x.at[index.at[i] & 15] & -uint8_t(index.at[i] < 16);
  return to_v128(r);
}

}  // namespace wippy::interp::simd
