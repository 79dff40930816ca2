// SIMD loads and stores between a v128 and guest memory, and v128.const (whose 16
// immediate bytes are read like a load). p points at the effective address; the run
// loop has checked that the access (the size given in simd.def) is in bounds.
#pragma once

#include "interp/simd_v128.h"

namespace wippy::interp::simd {

namespace detail {

template <class T>
inline T load_scalar(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

template <class T>
inline void store_lane(uint8_t* p, V128 v, uint32_t lane) {
  T x = get_lane<T>(v, lane);
  std::memcpy(p, &x, sizeof(T));
}

// N lanes of narrow type M at p, each widened to W (v128.loadNxM_s/u).
template <class W, class M>
inline V128 load_extend(const uint8_t* p) {
  Lanes<W> r;
  for (unsigned i = 0; i < lane_count<W>; ++i) r.at[i] = static_cast<W>(load_scalar<M>(p + i * sizeof(M)));
  return to_v128(r);
}

}  // namespace detail

inline V128 v128_load(const uint8_t* p) { return detail::load_scalar<V128>(p); }
inline V128 v128_const(const uint8_t* immediate) { return v128_load(immediate); }
inline void v128_store(uint8_t* p, V128 v) { std::memcpy(p, &v, 16); }

inline V128 v128_load8x8_s(const uint8_t* p) { return detail::load_extend<int16_t, int8_t>(p); }
inline V128 v128_load8x8_u(const uint8_t* p) { return detail::load_extend<uint16_t, uint8_t>(p); }
inline V128 v128_load16x4_s(const uint8_t* p) { return detail::load_extend<int32_t, int16_t>(p); }
inline V128 v128_load16x4_u(const uint8_t* p) { return detail::load_extend<uint32_t, uint16_t>(p); }
inline V128 v128_load32x2_s(const uint8_t* p) { return detail::load_extend<int64_t, int32_t>(p); }
inline V128 v128_load32x2_u(const uint8_t* p) { return detail::load_extend<uint64_t, uint32_t>(p); }

inline V128 v128_load8_splat(const uint8_t* p) { return splat_lanes(detail::load_scalar<uint8_t>(p)); }
inline V128 v128_load16_splat(const uint8_t* p) { return splat_lanes(detail::load_scalar<uint16_t>(p)); }
inline V128 v128_load32_splat(const uint8_t* p) { return splat_lanes(detail::load_scalar<uint32_t>(p)); }
inline V128 v128_load64_splat(const uint8_t* p) { return splat_lanes(detail::load_scalar<uint64_t>(p)); }

inline V128 v128_load32_zero(const uint8_t* p) { return {detail::load_scalar<uint32_t>(p), 0}; }
inline V128 v128_load64_zero(const uint8_t* p) { return {detail::load_scalar<uint64_t>(p), 0}; }

inline V128 v128_load8_lane(V128 v, const uint8_t* p, uint32_t lane) {
  return set_lane(v, lane, detail::load_scalar<uint8_t>(p));
}
inline V128 v128_load16_lane(V128 v, const uint8_t* p, uint32_t lane) {
  return set_lane(v, lane, detail::load_scalar<uint16_t>(p));
}
inline V128 v128_load32_lane(V128 v, const uint8_t* p, uint32_t lane) {
  return set_lane(v, lane, detail::load_scalar<uint32_t>(p));
}
inline V128 v128_load64_lane(V128 v, const uint8_t* p, uint32_t lane) {
  return set_lane(v, lane, detail::load_scalar<uint64_t>(p));
}

inline void v128_store8_lane(uint8_t* p, V128 v, uint32_t lane) { detail::store_lane<uint8_t>(p, v, lane); }
inline void v128_store16_lane(uint8_t* p, V128 v, uint32_t lane) { detail::store_lane<uint16_t>(p, v, lane); }
inline void v128_store32_lane(uint8_t* p, V128 v, uint32_t lane) { detail::store_lane<uint32_t>(p, v, lane); }
inline void v128_store64_lane(uint8_t* p, V128 v, uint32_t lane) { detail::store_lane<uint64_t>(p, v, lane); }

}  // namespace wippy::interp::simd
