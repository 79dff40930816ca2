// Integer SIMD semantics (interp/simd_int.h) and the v128 layout: wrapping and
// saturating arithmetic at the lane bounds, INT_MIN, shift counts >= the lane width,
// the rounding and fixed-point forms, tests and bitmasks.
#include <gtest/gtest.h>

#include "interp/tests/simd_test_util.h"

namespace wippy::interp {
namespace {

using namespace simd_test;
using namespace simd;

constexpr int8_t I8_MIN = INT8_MIN, I8_MAX = INT8_MAX;
constexpr int16_t I16_MIN = INT16_MIN, I16_MAX = INT16_MAX;
constexpr int32_t I32_MIN = INT32_MIN, I32_MAX = INT32_MAX;
constexpr int64_t I64_MIN = INT64_MIN;

TEST(SimdLayout, ByteIOfTheV128IsByteIMod8OfCellIDiv8) {
  V128 v = make<uint8_t>({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15});
  EXPECT_EQ(v.lo, 0x0706050403020100u);
  EXPECT_EQ(v.hi, 0x0f0e0d0c0b0a0908u);
  EXPECT_EQ(get_lane<uint16_t>(v, 4), 0x0908u);
  EXPECT_EQ(get_lane<uint32_t>(v, 3), 0x0f0e0d0cu);
  EXPECT_EQ(get_lane<uint64_t>(v, 0), v.lo);
  V128 w = set_lane<uint32_t>(v, 2, 0xaabbccddu);
  EXPECT_EQ(w.hi, 0x0f0e0d0caabbccddu);
  EXPECT_EQ(w.lo, v.lo);
}

TEST(SimdLayout, LaneIndexOutOfRangeStaysInsideTheValue) {
  V128 v = make<uint8_t>({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15});
  EXPECT_EQ(get_lane<uint8_t>(v, 17), 1u);  // modulo the lane count
  EXPECT_EQ(get_lane<uint64_t>(v, 3), v.hi);
}

TEST(SimdInt, AddSubMulWrap) {
  EXPECT_EQ(get<uint8_t>(i8x16_add(splat<uint8_t>(255), splat<uint8_t>(1))), all<uint8_t>(0));
  EXPECT_EQ(get<uint8_t>(i8x16_sub(splat<uint8_t>(0), splat<uint8_t>(1))), all<uint8_t>(255));
  EXPECT_EQ(get<int16_t>(i16x8_add(splat<int16_t>(I16_MAX), splat<int16_t>(1))), all<int16_t>(I16_MIN));
  EXPECT_EQ(get<uint16_t>(i16x8_mul(splat<uint16_t>(65535), splat<uint16_t>(65535))), all<uint16_t>(1));
  EXPECT_EQ(get<int32_t>(i32x4_add(splat<int32_t>(I32_MAX), splat<int32_t>(1))), all<int32_t>(I32_MIN));
  EXPECT_EQ(get<int32_t>(i32x4_sub(splat<int32_t>(I32_MIN), splat<int32_t>(1))), all<int32_t>(I32_MAX));
  EXPECT_EQ(get<uint32_t>(i32x4_mul(splat<uint32_t>(0x10000), splat<uint32_t>(0x10001))),
            all<uint32_t>(0x10000));
  EXPECT_EQ(get<int64_t>(i64x2_mul(splat<int64_t>(I64_MIN), splat<int64_t>(-1))), all<int64_t>(I64_MIN));
  EXPECT_EQ(get<int64_t>(i64x2_add(make<int64_t>({INT64_MAX, 5}), make<int64_t>({1, -7}))),
            (std::array<int64_t, 2>{I64_MIN, -2}));
  EXPECT_EQ(get<uint64_t>(i64x2_sub(splat<uint64_t>(0), splat<uint64_t>(1))), all<uint64_t>(UINT64_MAX));
}

TEST(SimdInt, NegAndAbsOfIntMinWrap) {
  EXPECT_EQ(get<int8_t>(i8x16_abs(make<int8_t>({I8_MIN, -5, 5, 0}))),
            (std::array<int8_t, 16>{I8_MIN, 5, 5, 0}));
  EXPECT_EQ(get<int8_t>(i8x16_neg(make<int8_t>({I8_MIN, 1, -1, I8_MAX}))),
            (std::array<int8_t, 16>{I8_MIN, -1, 1, -I8_MAX}));
  EXPECT_EQ(get<int16_t>(i16x8_abs(make<int16_t>({I16_MIN, -1}))), (std::array<int16_t, 8>{I16_MIN, 1}));
  EXPECT_EQ(get<int16_t>(i16x8_neg(make<int16_t>({I16_MIN, 3}))), (std::array<int16_t, 8>{I16_MIN, -3}));
  EXPECT_EQ(get<int32_t>(i32x4_abs(make<int32_t>({I32_MIN, -I32_MAX, 7, 0}))),
            (std::array<int32_t, 4>{I32_MIN, I32_MAX, 7, 0}));
  EXPECT_EQ(get<int32_t>(i32x4_neg(make<int32_t>({I32_MIN, 1, 0, -1}))),
            (std::array<int32_t, 4>{I32_MIN, -1, 0, 1}));
  EXPECT_EQ(get<int64_t>(i64x2_abs(make<int64_t>({I64_MIN, -9}))), (std::array<int64_t, 2>{I64_MIN, 9}));
  EXPECT_EQ(get<int64_t>(i64x2_neg(make<int64_t>({I64_MIN, 9}))), (std::array<int64_t, 2>{I64_MIN, -9}));
}

TEST(SimdInt, SaturatingArithmeticClampsAtTheBounds) {
  EXPECT_EQ(
      get<int8_t>(i8x16_add_sat_s(make<int8_t>({I8_MAX, I8_MIN, 100, -100}), make<int8_t>({1, -1, -50, 50}))),
      (std::array<int8_t, 16>{I8_MAX, I8_MIN, 50, -50}));
  EXPECT_EQ(get<uint8_t>(i8x16_add_sat_u(make<uint8_t>({255, 200, 1}), make<uint8_t>({1, 100, 1}))),
            (std::array<uint8_t, 16>{255, 255, 2}));
  EXPECT_EQ(get<int8_t>(i8x16_sub_sat_s(make<int8_t>({I8_MIN, I8_MAX, 0}), make<int8_t>({1, -1, I8_MIN}))),
            (std::array<int8_t, 16>{I8_MIN, I8_MAX, I8_MAX}));
  EXPECT_EQ(get<uint8_t>(i8x16_sub_sat_u(make<uint8_t>({0, 10, 255}), make<uint8_t>({1, 20, 254}))),
            (std::array<uint8_t, 16>{0, 0, 1}));
  EXPECT_EQ(
      get<int16_t>(i16x8_add_sat_s(make<int16_t>({I16_MAX, I16_MIN}), make<int16_t>({I16_MAX, I16_MIN}))),
      (std::array<int16_t, 8>{I16_MAX, I16_MIN}));
  EXPECT_EQ(get<uint16_t>(i16x8_add_sat_u(make<uint16_t>({65535, 65000}), make<uint16_t>({65535, 535}))),
            (std::array<uint16_t, 8>{65535, 65535}));
  EXPECT_EQ(
      get<int16_t>(i16x8_sub_sat_s(make<int16_t>({I16_MIN, I16_MAX}), make<int16_t>({I16_MAX, I16_MIN}))),
      (std::array<int16_t, 8>{I16_MIN, I16_MAX}));
  EXPECT_EQ(get<uint16_t>(i16x8_sub_sat_u(make<uint16_t>({0, 65535}), make<uint16_t>({65535, 1}))),
            (std::array<uint16_t, 8>{0, 65534}));
}

TEST(SimdInt, ShiftCountIsTakenModuloTheLaneWidth) {
  EXPECT_EQ(get<uint8_t>(i8x16_shl(splat<uint8_t>(1), 8)), all<uint8_t>(1));
  EXPECT_EQ(get<uint8_t>(i8x16_shl(splat<uint8_t>(0x81), 9)), all<uint8_t>(0x02));
  EXPECT_EQ(get<int8_t>(i8x16_shr_s(splat<int8_t>(I8_MIN), 7)), all<int8_t>(-1));
  EXPECT_EQ(get<int8_t>(i8x16_shr_s(splat<int8_t>(I8_MIN), 0xffffffffu)), all<int8_t>(-1));  // 7
  EXPECT_EQ(get<uint8_t>(i8x16_shr_u(splat<uint8_t>(0x80), 15)), all<uint8_t>(1));
  EXPECT_EQ(get<uint16_t>(i16x8_shl(splat<uint16_t>(0xffff), 17)), all<uint16_t>(0xfffe));
  EXPECT_EQ(get<int16_t>(i16x8_shr_s(splat<int16_t>(-4), 16)), all<int16_t>(-4));
  EXPECT_EQ(get<uint16_t>(i16x8_shr_u(splat<uint16_t>(0x8000), 31)), all<uint16_t>(1));
  EXPECT_EQ(get<uint32_t>(i32x4_shl(splat<uint32_t>(3), 32)), all<uint32_t>(3));
  EXPECT_EQ(get<uint32_t>(i32x4_shl(splat<uint32_t>(0x80000001u), 33)), all<uint32_t>(2));
  EXPECT_EQ(get<int32_t>(i32x4_shr_s(splat<int32_t>(I32_MIN), 31)), all<int32_t>(-1));
  EXPECT_EQ(get<uint32_t>(i32x4_shr_u(splat<uint32_t>(0x80000000u), 63)), all<uint32_t>(1));
  EXPECT_EQ(get<int64_t>(i64x2_shl(splat<int64_t>(1), 63)), all<int64_t>(I64_MIN));
  EXPECT_EQ(get<int64_t>(i64x2_shl(splat<int64_t>(1), 64)), all<int64_t>(1));
  EXPECT_EQ(get<int64_t>(i64x2_shr_s(splat<int64_t>(I64_MIN), 127)), all<int64_t>(-1));
  EXPECT_EQ(get<uint64_t>(i64x2_shr_u(splat<uint64_t>(1ull << 63), 127)), all<uint64_t>(1));
}

TEST(SimdInt, MinMaxSignedAndUnsigned) {
  V128 a = make<int8_t>({-1, 1, I8_MIN, I8_MAX}), b = make<int8_t>({1, -1, I8_MAX, I8_MIN});
  EXPECT_EQ(get<int8_t>(i8x16_min_s(a, b)), (std::array<int8_t, 16>{-1, -1, I8_MIN, I8_MIN}));
  EXPECT_EQ(get<int8_t>(i8x16_max_s(a, b)), (std::array<int8_t, 16>{1, 1, I8_MAX, I8_MAX}));
  EXPECT_EQ(get<uint8_t>(i8x16_min_u(a, b)), (std::array<uint8_t, 16>{1, 1, 0x7f, 0x7f}));
  EXPECT_EQ(get<uint8_t>(i8x16_max_u(a, b)), (std::array<uint8_t, 16>{0xff, 0xff, 0x80, 0x80}));
  EXPECT_EQ(get<int16_t>(i16x8_min_s(make<int16_t>({-1}), make<int16_t>({1}))), (std::array<int16_t, 8>{-1}));
  EXPECT_EQ(get<uint16_t>(i16x8_max_u(make<uint16_t>({0xffff}), make<uint16_t>({1}))),
            (std::array<uint16_t, 8>{0xffff}));
  EXPECT_EQ(get<int32_t>(i32x4_min_s(make<int32_t>({I32_MIN, 5}), make<int32_t>({0, -5}))),
            (std::array<int32_t, 4>{I32_MIN, -5, 0, 0}));
  EXPECT_EQ(get<uint32_t>(i32x4_min_u(make<uint32_t>({0x80000000u, 5}), make<uint32_t>({0, 6}))),
            (std::array<uint32_t, 4>{0, 5, 0, 0}));
  EXPECT_EQ(get<int32_t>(i32x4_max_s(make<int32_t>({I32_MIN, 5}), make<int32_t>({0, -5}))),
            (std::array<int32_t, 4>{0, 5, 0, 0}));
  EXPECT_EQ(get<uint32_t>(i32x4_max_u(make<uint32_t>({0x80000000u}), make<uint32_t>({1}))),
            (std::array<uint32_t, 4>{0x80000000u}));
}

TEST(SimdInt, AverageRoundsUpWithoutOverflow) {
  EXPECT_EQ(get<uint8_t>(i8x16_avgr_u(make<uint8_t>({255, 0, 1, 0}), make<uint8_t>({255, 1, 2, 0}))),
            (std::array<uint8_t, 16>{255, 1, 2, 0}));
  EXPECT_EQ(get<uint16_t>(i16x8_avgr_u(make<uint16_t>({65535, 65535}), make<uint16_t>({65534, 0}))),
            (std::array<uint16_t, 8>{65535, 32768}));
}

TEST(SimdInt, Q15MulrSaturatesOnlyIntMinSquared) {
  V128 a = make<int16_t>({I16_MIN, 16384, I16_MIN, -1, I16_MAX, 1});
  V128 b = make<int16_t>({I16_MIN, 16384, I16_MAX, 1, I16_MAX, 1});
  // (a*b + 0x4000) >> 15 with an arithmetic shift: -1073709056 + 16384 -> -32767,
  // -1 + 16384 -> 0, 1073676289 + 16384 -> 32766.
  EXPECT_EQ(get<int16_t>(i16x8_q15mulr_sat_s(a, b)),
            (std::array<int16_t, 8>{I16_MAX, 8192, -I16_MAX, 0, 32766, 0}));
}

TEST(SimdInt, DotProductWrapsTheSumOfTwoIntMinSquares) {
  EXPECT_EQ(get<int32_t>(i32x4_dot_i16x8_s(splat<int16_t>(I16_MIN), splat<int16_t>(I16_MIN))),
            all<int32_t>(I32_MIN));
  EXPECT_EQ(get<int32_t>(i32x4_dot_i16x8_s(make<int16_t>({1, 2, 3, 4, -1, -1, I16_MAX, I16_MIN}),
                                           make<int16_t>({5, 6, 7, 8, I16_MIN, I16_MIN, I16_MAX, I16_MIN}))),
            (std::array<int32_t, 4>{17, 53, 65536, 1073676289 + 1073741824}));
}

TEST(SimdInt, ExtmulWidensBeforeMultiplying) {
  V128 a8 = make<int8_t>({I8_MIN, I8_MAX, -1, 0, 0, 0, 0, 0, 2, 3, 0, 0, 0, 0, 0, I8_MIN});
  V128 b8 = make<int8_t>({I8_MIN, I8_MIN, -1, 0, 0, 0, 0, 0, 5, -7, 0, 0, 0, 0, 0, -1});
  EXPECT_EQ(get<int16_t>(i16x8_extmul_low_i8x16_s(a8, b8)), (std::array<int16_t, 8>{16384, -16256, 1}));
  EXPECT_EQ(get<int16_t>(i16x8_extmul_high_i8x16_s(a8, b8)),
            (std::array<int16_t, 8>{10, -21, 0, 0, 0, 0, 0, 128}));
  EXPECT_EQ(get<uint16_t>(i16x8_extmul_low_i8x16_u(a8, b8)), (std::array<uint16_t, 8>{16384, 16256, 65025}));
  EXPECT_EQ(get<uint16_t>(i16x8_extmul_high_i8x16_u(a8, b8)),
            (std::array<uint16_t, 8>{10, 3 * 249, 0, 0, 0, 0, 0, 128 * 255}));
  EXPECT_EQ(get<uint32_t>(i32x4_extmul_low_i16x8_u(splat<uint16_t>(65535), splat<uint16_t>(65535))),
            all<uint32_t>(4294836225u));
  EXPECT_EQ(get<int32_t>(i32x4_extmul_high_i16x8_s(splat<int16_t>(I16_MIN), splat<int16_t>(I16_MIN))),
            all<int32_t>(1 << 30));
  EXPECT_EQ(get<int32_t>(i32x4_extmul_low_i16x8_s(make<int16_t>({I16_MIN}), make<int16_t>({I16_MAX}))),
            (std::array<int32_t, 4>{-1073709056}));
  EXPECT_EQ(get<uint32_t>(
                i32x4_extmul_high_i16x8_u(make<uint16_t>({0, 0, 0, 0, 2}), make<uint16_t>({0, 0, 0, 0, 3}))),
            (std::array<uint32_t, 4>{6}));
  EXPECT_EQ(get<int64_t>(i64x2_extmul_low_i32x4_s(splat<int32_t>(I32_MIN), splat<int32_t>(I32_MIN))),
            all<int64_t>(int64_t(1) << 62));
  EXPECT_EQ(get<int64_t>(i64x2_extmul_high_i32x4_s(make<int32_t>({0, 0, -2, I32_MAX}),
                                                   make<int32_t>({0, 0, 3, I32_MIN}))),
            (std::array<int64_t, 2>{-6, int64_t(I32_MAX) * I32_MIN}));
  EXPECT_EQ(
      get<uint64_t>(i64x2_extmul_low_i32x4_u(splat<uint32_t>(0xffffffffu), splat<uint32_t>(0xffffffffu))),
      all<uint64_t>(0xfffffffe00000001u));
  EXPECT_EQ(get<uint64_t>(i64x2_extmul_high_i32x4_u(make<uint32_t>({1, 1, 7, 0}),
                                                    make<uint32_t>({1, 1, 0x80000000u, 9}))),
            (std::array<uint64_t, 2>{7ull << 31, 0}));
}

TEST(SimdInt, ExtaddPairwise) {
  EXPECT_EQ(
      get<int16_t>(i16x8_extadd_pairwise_i8x16_s(make<int8_t>({I8_MIN, I8_MIN, I8_MAX, I8_MAX, -1, 1}))),
      (std::array<int16_t, 8>{-256, 254, 0}));
  EXPECT_EQ(get<uint16_t>(i16x8_extadd_pairwise_i8x16_u(splat<uint8_t>(255))), all<uint16_t>(510));
  EXPECT_EQ(
      get<int32_t>(i32x4_extadd_pairwise_i16x8_s(make<int16_t>({I16_MIN, I16_MIN, I16_MAX, I16_MAX, -1, 0}))),
      (std::array<int32_t, 4>{-65536, 65534, -1, 0}));
  EXPECT_EQ(get<uint32_t>(i32x4_extadd_pairwise_i16x8_u(splat<uint16_t>(65535))), all<uint32_t>(131070));
}

TEST(SimdInt, ComparisonsGiveAllOnesOrZeroLanes) {
  V128 a = make<int8_t>({-1, 0, 5, I8_MIN}), b = make<int8_t>({0, 0, 4, I8_MAX});
  EXPECT_EQ(get<uint8_t>(i8x16_eq(a, b)),
            (std::array<uint8_t, 16>{0, 0xff, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                     0xff, 0xff, 0xff}));
  EXPECT_EQ(get<uint8_t>(i8x16_ne(a, b))[0], 0xff);
  EXPECT_EQ(get<uint8_t>(i8x16_lt_s(a, b)), (std::array<uint8_t, 16>{0xff, 0, 0, 0xff}));
  EXPECT_EQ(get<uint8_t>(i8x16_lt_u(a, b)), (std::array<uint8_t, 16>{0, 0, 0, 0}));
  EXPECT_EQ(get<uint8_t>(i8x16_gt_u(a, b)), (std::array<uint8_t, 16>{0xff, 0, 0xff, 0xff}));
  EXPECT_EQ(get<uint8_t>(i8x16_gt_s(a, b)), (std::array<uint8_t, 16>{0, 0, 0xff, 0}));
  EXPECT_EQ(get<uint8_t>(i8x16_le_s(a, b))[1], 0xff);
  EXPECT_EQ(get<uint8_t>(i8x16_le_u(a, b))[0], 0);
  EXPECT_EQ(get<uint8_t>(i8x16_ge_s(a, b))[0], 0);
  EXPECT_EQ(get<uint8_t>(i8x16_ge_u(a, b))[0], 0xff);
  EXPECT_EQ(get<uint16_t>(i16x8_lt_s(make<int16_t>({I16_MIN}), make<int16_t>({0})))[0], 0xffff);
  EXPECT_EQ(get<uint16_t>(i16x8_lt_u(make<int16_t>({I16_MIN}), make<int16_t>({0})))[0], 0);
  EXPECT_EQ(get<uint32_t>(i32x4_gt_s(make<int32_t>({I32_MIN}), make<int32_t>({I32_MAX})))[0], 0u);
  EXPECT_EQ(get<uint32_t>(i32x4_gt_u(make<int32_t>({I32_MIN}), make<int32_t>({I32_MAX})))[0], 0xffffffffu);
  EXPECT_EQ(get<uint32_t>(i32x4_ge_u(make<int32_t>({1}), make<int32_t>({1})))[0], 0xffffffffu);
  EXPECT_EQ(get<uint64_t>(i64x2_lt_s(make<int64_t>({I64_MIN, 1}), make<int64_t>({0, 1}))),
            (std::array<uint64_t, 2>{UINT64_MAX, 0}));
  EXPECT_EQ(get<uint64_t>(i64x2_le_s(make<int64_t>({I64_MIN, 1}), make<int64_t>({0, 1}))),
            (std::array<uint64_t, 2>{UINT64_MAX, UINT64_MAX}));
  EXPECT_EQ(get<uint64_t>(i64x2_gt_s(make<int64_t>({-1, 2}), make<int64_t>({0, 1}))),
            (std::array<uint64_t, 2>{0, UINT64_MAX}));
  EXPECT_EQ(get<uint64_t>(i64x2_ge_s(make<int64_t>({-1, 2}), make<int64_t>({-1, 3}))),
            (std::array<uint64_t, 2>{UINT64_MAX, 0}));
  EXPECT_EQ(get<uint64_t>(i64x2_eq(make<int64_t>({-1, 2}), make<int64_t>({-1, 3}))),
            (std::array<uint64_t, 2>{UINT64_MAX, 0}));
  EXPECT_EQ(get<uint64_t>(i64x2_ne(make<int64_t>({-1, 2}), make<int64_t>({-1, 3}))),
            (std::array<uint64_t, 2>{0, UINT64_MAX}));
}

TEST(SimdInt, PopcntCountsBitsPerByte) {
  EXPECT_EQ(get<uint8_t>(i8x16_popcnt(make<uint8_t>({0xff, 0x55, 0, 0x80}))),
            (std::array<uint8_t, 16>{8, 4, 0, 1}));
}

TEST(SimdInt, BitmaskTakesTheTopBitOfEachLane) {
  EXPECT_EQ(i8x16_bitmask(make<int8_t>({-1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, I8_MIN})), 0x8001u);
  EXPECT_EQ(i8x16_bitmask(splat<uint8_t>(0x80)), 0xffffu);
  EXPECT_EQ(i16x8_bitmask(make<int16_t>({0, -1, 1, I16_MIN})), 0b1010u);
  EXPECT_EQ(i32x4_bitmask(make<int32_t>({0, I32_MIN, 1, -1})), 0b1010u);
  EXPECT_EQ(i64x2_bitmask(make<int64_t>({-1, 1})), 1u);
}

TEST(SimdInt, AllTrueAndAnyTrue) {
  EXPECT_EQ(i8x16_all_true(splat<uint8_t>(1)), 1u);
  EXPECT_EQ(i8x16_all_true(set_lane<uint8_t>(splat<uint8_t>(1), 15, 0)), 0u);
  EXPECT_EQ(i16x8_all_true(splat<uint16_t>(0x100)), 1u);  // a lane is non-zero even with a zero byte
  EXPECT_EQ(i16x8_all_true(make<uint16_t>({1, 1, 1, 1, 1, 1, 1, 0})), 0u);
  EXPECT_EQ(i32x4_all_true(splat<uint32_t>(0x80000000u)), 1u);
  EXPECT_EQ(i32x4_all_true(make<uint32_t>({1, 0, 1, 1})), 0u);
  EXPECT_EQ(i64x2_all_true(make<uint64_t>({1ull << 63, 1})), 1u);
  EXPECT_EQ(i64x2_all_true(make<uint64_t>({1, 0})), 0u);
  EXPECT_EQ(v128_any_true(V128{0, 0}), 0u);
  EXPECT_EQ(v128_any_true(V128{0, 1ull << 63}), 1u);
}

TEST(SimdInt, Bitwise) {
  V128 a{0xff00ff00ff00ff00u, 0x0123456789abcdefu}, b{0x0ff00ff00ff00ff0u, 0xffffffff00000000u};
  EXPECT_EQ(v128_not(a), (V128{0x00ff00ff00ff00ffu, 0xfedcba9876543210u}));
  EXPECT_EQ(v128_and(a, b), (V128{0x0f000f000f000f00u, 0x0123456700000000u}));
  EXPECT_EQ(v128_andnot(a, b), (V128{0xf000f000f000f000u, 0x0000000089abcdefu}));
  EXPECT_EQ(v128_or(a, b), (V128{0xfff0fff0fff0fff0u, 0xffffffff89abcdefu}));
  EXPECT_EQ(v128_xor(a, b), (V128{0xf0f0f0f0f0f0f0f0u, 0xfedcba9889abcdefu}));
  // Bits of a where the mask is 1, of b where it is 0.
  EXPECT_EQ(v128_bitselect(V128{~0ull, ~0ull}, V128{0, 0}, b), b);
  EXPECT_EQ(v128_bitselect(a, b, V128{0xffffffff00000000u, 0}), (V128{0xff00ff000ff00ff0u, b.hi}));
}

}  // namespace
}  // namespace wippy::interp
