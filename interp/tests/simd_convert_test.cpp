// SIMD conversions (interp/simd_convert.h): saturating narrow, extend, trunc_sat of
// NaN / infinities / out-of-range values, int -> float rounding, demote and promote.
#include <gtest/gtest.h>

#include "interp/tests/simd_test_util.h"

namespace wippy::interp {
namespace {

using namespace simd_test;
using namespace simd;

constexpr int32_t I32_MIN = INT32_MIN, I32_MAX = INT32_MAX;

TEST(SimdConvert, NarrowSaturatesSignedInputs) {
  V128 a = make<int16_t>({-129, 128, -128, 127, 300, -300, 0, 1});
  V128 b = make<int16_t>({INT16_MIN, INT16_MAX, -1, 255, 256, 2, 3, 4});
  EXPECT_EQ(
      get<int8_t>(i8x16_narrow_i16x8_s(a, b)),
      (std::array<int8_t, 16>{-128, 127, -128, 127, 127, -128, 0, 1, -128, 127, -1, 127, 127, 2, 3, 4}));
  // _u reads the inputs as signed and clamps into 0..255.
  EXPECT_EQ(get<uint8_t>(i8x16_narrow_i16x8_u(a, b)),
            (std::array<uint8_t, 16>{0, 128, 0, 127, 255, 0, 0, 1, 0, 255, 0, 255, 255, 2, 3, 4}));
  V128 c = make<int32_t>({-32769, 32768, I32_MIN, 65535}), d = make<int32_t>({-1, 65536, 7, I32_MAX});
  EXPECT_EQ(
      get<int16_t>(i16x8_narrow_i32x4_s(c, d)),
      (std::array<int16_t, 8>{INT16_MIN, INT16_MAX, INT16_MIN, INT16_MAX, -1, INT16_MAX, 7, INT16_MAX}));
  EXPECT_EQ(get<uint16_t>(i16x8_narrow_i32x4_u(c, d)),
            (std::array<uint16_t, 8>{0, 32768, 0, 65535, 0, 65535, 7, 65535}));
}

TEST(SimdConvert, ExtendLowAndHighHalves) {
  V128 a = make<int8_t>({-1, 127, INT8_MIN, 0, 0, 0, 0, 0, 5, -5, 0, 0, 0, 0, 0, -2});
  EXPECT_EQ(get<int16_t>(i16x8_extend_low_i8x16_s(a)), (std::array<int16_t, 8>{-1, 127, -128}));
  EXPECT_EQ(get<uint16_t>(i16x8_extend_low_i8x16_u(a)), (std::array<uint16_t, 8>{255, 127, 128}));
  EXPECT_EQ(get<int16_t>(i16x8_extend_high_i8x16_s(a)), (std::array<int16_t, 8>{5, -5, 0, 0, 0, 0, 0, -2}));
  EXPECT_EQ(get<uint16_t>(i16x8_extend_high_i8x16_u(a)),
            (std::array<uint16_t, 8>{5, 251, 0, 0, 0, 0, 0, 254}));
  V128 b = make<int16_t>({INT16_MIN, -1, 0, 0, 1, -3, 0, INT16_MAX});
  EXPECT_EQ(get<int32_t>(i32x4_extend_low_i16x8_s(b)), (std::array<int32_t, 4>{-32768, -1, 0, 0}));
  EXPECT_EQ(get<uint32_t>(i32x4_extend_low_i16x8_u(b)), (std::array<uint32_t, 4>{32768, 65535, 0, 0}));
  EXPECT_EQ(get<int32_t>(i32x4_extend_high_i16x8_s(b)), (std::array<int32_t, 4>{1, -3, 0, 32767}));
  EXPECT_EQ(get<uint32_t>(i32x4_extend_high_i16x8_u(b)), (std::array<uint32_t, 4>{1, 65533, 0, 32767}));
  V128 c = make<int32_t>({-7, 7, I32_MIN, -1});
  EXPECT_EQ(get<int64_t>(i64x2_extend_low_i32x4_s(c)), (std::array<int64_t, 2>{-7, 7}));
  EXPECT_EQ(get<uint64_t>(i64x2_extend_low_i32x4_u(c)), (std::array<uint64_t, 2>{4294967289u, 7}));
  EXPECT_EQ(get<int64_t>(i64x2_extend_high_i32x4_s(c)), (std::array<int64_t, 2>{I32_MIN, -1}));
  EXPECT_EQ(get<uint64_t>(i64x2_extend_high_i32x4_u(c)), (std::array<uint64_t, 2>{2147483648u, 4294967295u}));
}

TEST(SimdConvert, TruncSatF32x4) {
  EXPECT_EQ(get<int32_t>(i32x4_trunc_sat_f32x4_s(make<float>({nan<float>, inf<float>, -inf<float>, 3e9f}))),
            (std::array<int32_t, 4>{0, I32_MAX, I32_MIN, I32_MAX}));
  EXPECT_EQ(get<int32_t>(i32x4_trunc_sat_f32x4_s(make<float>({-2.9f, 2.9f, -0.0f, 2147483520.0f}))),
            (std::array<int32_t, 4>{-2, 2, 0, 2147483520}));
  EXPECT_EQ(get<int32_t>(i32x4_trunc_sat_f32x4_s(make<float>({-2147483648.0f, -3e9f, -nan<float>, 0.5f}))),
            (std::array<int32_t, 4>{I32_MIN, I32_MIN, 0, 0}));
  EXPECT_EQ(get<uint32_t>(i32x4_trunc_sat_f32x4_u(make<float>({nan<float>, -1.0f, -0.9f, 5e9f}))),
            (std::array<uint32_t, 4>{0, 0, 0, UINT32_MAX}));
  EXPECT_EQ(
      get<uint32_t>(i32x4_trunc_sat_f32x4_u(make<float>({4294967040.0f, inf<float>, -inf<float>, 1.9f}))),
      (std::array<uint32_t, 4>{4294967040u, UINT32_MAX, 0, 1}));
}

TEST(SimdConvert, TruncSatF64x2ZeroesTheHighLanes) {
  EXPECT_EQ(get<int32_t>(i32x4_trunc_sat_f64x2_s_zero(make<double>({nan<double>, -3e9}))),
            (std::array<int32_t, 4>{0, I32_MIN, 0, 0}));
  EXPECT_EQ(get<int32_t>(i32x4_trunc_sat_f64x2_s_zero(make<double>({2147483647.9, -2147483648.9}))),
            (std::array<int32_t, 4>{I32_MAX, I32_MIN, 0, 0}));
  EXPECT_EQ(get<int32_t>(i32x4_trunc_sat_f64x2_s_zero(make<double>({2147483648.0, -inf<double>}))),
            (std::array<int32_t, 4>{I32_MAX, I32_MIN, 0, 0}));
  EXPECT_EQ(get<uint32_t>(i32x4_trunc_sat_f64x2_u_zero(make<double>({4294967295.9, -0.9}))),
            (std::array<uint32_t, 4>{UINT32_MAX, 0, 0, 0}));
  EXPECT_EQ(get<uint32_t>(i32x4_trunc_sat_f64x2_u_zero(make<double>({4294967296.0, nan<double>}))),
            (std::array<uint32_t, 4>{UINT32_MAX, 0, 0, 0}));
}

TEST(SimdConvert, IntToFloatRoundsToNearestEven) {
  EXPECT_EQ(get<float>(f32x4_convert_i32x4_s(make<int32_t>({I32_MIN, 16777217, -1, I32_MAX}))),
            (std::array<float, 4>{-2147483648.0f, 16777216.0f, -1.0f, 2147483648.0f}));
  EXPECT_EQ(get<float>(f32x4_convert_i32x4_u(make<uint32_t>({UINT32_MAX, 16777219, 0, 0x80000000u}))),
            (std::array<float, 4>{4294967296.0f, 16777220.0f, 0.0f, 2147483648.0f}));
  EXPECT_EQ(get<double>(f64x2_convert_low_i32x4_s(make<int32_t>({I32_MIN, -1, 5, 6}))),
            (std::array<double, 2>{-2147483648.0, -1.0}));
  EXPECT_EQ(get<double>(f64x2_convert_low_i32x4_u(make<uint32_t>({UINT32_MAX, 1, 5, 6}))),
            (std::array<double, 2>{4294967295.0, 1.0}));
}

TEST(SimdConvert, DemoteAndPromote) {
  auto d = get<float>(f32x4_demote_f64x2_zero(make<double>({1e300, nan<double>})));
  EXPECT_EQ(d[0], inf<float>);
  EXPECT_TRUE(std::isnan(d[1]));
  EXPECT_EQ(bits(d[2]), 0u);
  EXPECT_EQ(bits(d[3]), 0u);
  auto e = get<float>(f32x4_demote_f64x2_zero(make<double>({0.1, -1e-300})));
  EXPECT_EQ(e[0], 0.1f);
  EXPECT_EQ(bits(e[1]), bits(-0.0f));
  EXPECT_EQ(get<double>(f64x2_promote_low_f32x4(make<float>({1.5f, -inf<float>, 99, 99}))),
            (std::array<double, 2>{1.5, -inf<double>}));
  EXPECT_TRUE(std::isnan(get<double>(f64x2_promote_low_f32x4(make<float>({nan<float>})))[0]));
}

}  // namespace
}  // namespace wippy::interp
