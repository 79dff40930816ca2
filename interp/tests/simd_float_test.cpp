// Floating-point SIMD semantics (interp/simd_float.h): NaN propagation, the order
// -0 < +0 in min/max, the exact pmin/pmax forms, round-half-even, sign-bit abs/neg.
#include <gtest/gtest.h>

#include "interp/tests/simd_test_util.h"

namespace wippy::interp {
namespace {

using namespace simd_test;
using namespace simd;

template <class F>
class SimdFloat : public ::testing::Test {};

// The instruction set for one float shape, so each test runs for f32x4 and f64x2.
struct F32x4 {
  using F = float;
  static constexpr auto min = f32x4_min, max = f32x4_max, pmin = f32x4_pmin, pmax = f32x4_pmax;
  static constexpr auto nearest = f32x4_nearest, ceil = f32x4_ceil, floor = f32x4_floor, trunc = f32x4_trunc;
  static constexpr auto sqrt = f32x4_sqrt, abs = f32x4_abs, neg = f32x4_neg;
  static constexpr auto add = f32x4_add, sub = f32x4_sub, mul = f32x4_mul, div = f32x4_div;
  static constexpr auto eq = f32x4_eq, ne = f32x4_ne, lt = f32x4_lt, gt = f32x4_gt, le = f32x4_le,
                        ge = f32x4_ge;
  static constexpr uint32_t nan_payload = 0x7fc00001u;
};
struct F64x2 {
  using F = double;
  static constexpr auto min = f64x2_min, max = f64x2_max, pmin = f64x2_pmin, pmax = f64x2_pmax;
  static constexpr auto nearest = f64x2_nearest, ceil = f64x2_ceil, floor = f64x2_floor, trunc = f64x2_trunc;
  static constexpr auto sqrt = f64x2_sqrt, abs = f64x2_abs, neg = f64x2_neg;
  static constexpr auto add = f64x2_add, sub = f64x2_sub, mul = f64x2_mul, div = f64x2_div;
  static constexpr auto eq = f64x2_eq, ne = f64x2_ne, lt = f64x2_lt, gt = f64x2_gt, le = f64x2_le,
                        ge = f64x2_ge;
  static constexpr uint64_t nan_payload = 0x7ff8000000000001u;
};
using Shapes = ::testing::Types<F32x4, F64x2>;
TYPED_TEST_SUITE(SimdFloat, Shapes);

// Lane 0 of op(a, b) (lane 0 of the arguments; the other lanes zero).
template <class F, class Op>
F lane0(Op op, F a, F b) {
  return get<F>(op(make<F>({a}), make<F>({b})))[0];
}
template <class F, class Op>
F lane0(Op op, F a) {
  return get<F>(op(make<F>({a})))[0];
}
template <class F, class Op>
Bits<F> mask0(Op op, F a, F b) {
  return get<Bits<F>>(op(make<F>({a}), make<F>({b})))[0];
}

TYPED_TEST(SimdFloat, MinMaxPropagateNaN) {
  using F = typename TypeParam::F;
  EXPECT_TRUE(std::isnan(lane0<F>(TypeParam::min, nan<F>, 1)));
  EXPECT_TRUE(std::isnan(lane0<F>(TypeParam::min, 1, nan<F>)));
  EXPECT_TRUE(std::isnan(lane0<F>(TypeParam::max, nan<F>, inf<F>)));
  EXPECT_TRUE(std::isnan(lane0<F>(TypeParam::max, -inf<F>, nan<F>)));
  EXPECT_EQ(lane0<F>(TypeParam::min, 1, 2), 1);
  EXPECT_EQ(lane0<F>(TypeParam::max, 1, 2), 2);
  EXPECT_EQ(lane0<F>(TypeParam::min, -inf<F>, 0), -inf<F>);
}

TYPED_TEST(SimdFloat, MinMaxOrderNegativeZeroBelowPositiveZero) {
  using F = typename TypeParam::F;
  EXPECT_EQ(bits(lane0<F>(TypeParam::min, -0.0, 0.0)), bits(F(-0.0)));
  EXPECT_EQ(bits(lane0<F>(TypeParam::min, 0.0, -0.0)), bits(F(-0.0)));
  EXPECT_EQ(bits(lane0<F>(TypeParam::max, -0.0, 0.0)), bits(F(0.0)));
  EXPECT_EQ(bits(lane0<F>(TypeParam::max, 0.0, -0.0)), bits(F(0.0)));
}

TYPED_TEST(SimdFloat, PminPmaxAreTheExactSelectForms) {
  using F = typename TypeParam::F;
  // pmin = b < a ? b : a; pmax = a < b ? b : a: a NaN or an equal pair gives a.
  EXPECT_TRUE(std::isnan(lane0<F>(TypeParam::pmin, nan<F>, 1)));
  EXPECT_EQ(lane0<F>(TypeParam::pmin, 1, nan<F>), 1);
  EXPECT_TRUE(std::isnan(lane0<F>(TypeParam::pmax, nan<F>, 1)));
  EXPECT_EQ(lane0<F>(TypeParam::pmax, 1, nan<F>), 1);
  EXPECT_EQ(bits(lane0<F>(TypeParam::pmin, -0.0, 0.0)), bits(F(-0.0)));
  EXPECT_EQ(bits(lane0<F>(TypeParam::pmin, 0.0, -0.0)), bits(F(0.0)));
  EXPECT_EQ(bits(lane0<F>(TypeParam::pmax, -0.0, 0.0)), bits(F(-0.0)));
  EXPECT_EQ(bits(lane0<F>(TypeParam::pmax, 0.0, -0.0)), bits(F(0.0)));
  EXPECT_EQ(lane0<F>(TypeParam::pmin, 2, 1), 1);
  EXPECT_EQ(lane0<F>(TypeParam::pmax, 1, 2), 2);
}

TYPED_TEST(SimdFloat, NearestRoundsHalfToEven) {
  using F = typename TypeParam::F;
  EXPECT_EQ(bits(lane0<F>(TypeParam::nearest, 0.5)), bits(F(0)));
  EXPECT_EQ(lane0<F>(TypeParam::nearest, 1.5), 2);
  EXPECT_EQ(lane0<F>(TypeParam::nearest, 2.5), 2);
  EXPECT_EQ(lane0<F>(TypeParam::nearest, -1.5), -2);
  EXPECT_EQ(lane0<F>(TypeParam::nearest, -2.5), -2);
  EXPECT_EQ(bits(lane0<F>(TypeParam::nearest, -0.5)), bits(F(-0.0)));
  EXPECT_EQ(lane0<F>(TypeParam::nearest, 2.50001), 3);
  EXPECT_EQ(lane0<F>(TypeParam::nearest, inf<F>), inf<F>);
  EXPECT_TRUE(std::isnan(lane0<F>(TypeParam::nearest, nan<F>)));
}

TYPED_TEST(SimdFloat, CeilFloorTruncPerLane) {
  using F = typename TypeParam::F;
  EXPECT_EQ(bits(lane0<F>(TypeParam::ceil, -0.5)), bits(F(-0.0)));
  EXPECT_EQ(lane0<F>(TypeParam::ceil, 1.25), 2);
  EXPECT_EQ(lane0<F>(TypeParam::floor, -0.5), -1);
  EXPECT_EQ(bits(lane0<F>(TypeParam::floor, -0.0)), bits(F(-0.0)));
  EXPECT_EQ(lane0<F>(TypeParam::trunc, -1.75), -1);
  EXPECT_EQ(bits(lane0<F>(TypeParam::trunc, -0.75)), bits(F(-0.0)));
  EXPECT_TRUE(std::isnan(lane0<F>(TypeParam::ceil, nan<F>)));
  EXPECT_TRUE(std::isnan(lane0<F>(TypeParam::floor, nan<F>)));
  EXPECT_TRUE(std::isnan(lane0<F>(TypeParam::trunc, nan<F>)));
  // Every lane, not only lane 0.
  V128 r = TypeParam::floor(splat<F>(F(7.5)));
  EXPECT_EQ(get<F>(r), all<F>(7));
}

TYPED_TEST(SimdFloat, SqrtAndArithmetic) {
  using F = typename TypeParam::F;
  EXPECT_EQ(lane0<F>(TypeParam::sqrt, 4), 2);
  EXPECT_EQ(bits(lane0<F>(TypeParam::sqrt, -0.0)), bits(F(-0.0)));
  EXPECT_TRUE(std::isnan(lane0<F>(TypeParam::sqrt, -1)));
  EXPECT_TRUE(std::isnan(lane0<F>(TypeParam::add, inf<F>, -inf<F>)));
  EXPECT_TRUE(std::isnan(lane0<F>(TypeParam::mul, inf<F>, 0)));
  EXPECT_TRUE(std::isnan(lane0<F>(TypeParam::div, 0, 0)));
  EXPECT_EQ(lane0<F>(TypeParam::div, -1, 0), -inf<F>);
  EXPECT_EQ(lane0<F>(TypeParam::sub, 1, 3), -2);
  EXPECT_EQ(get<F>(TypeParam::add(splat<F>(F(0.5)), splat<F>(F(0.25)))), all<F>(F(0.75)));
}

TYPED_TEST(SimdFloat, AbsAndNegOnlyTouchTheSignBit) {
  using F = typename TypeParam::F;
  using B = Bits<F>;
  B payload = TypeParam::nan_payload, sign = B(1) << (8 * sizeof(F) - 1);
  EXPECT_EQ(get<B>(TypeParam::abs(make<B>({payload | sign})))[0], payload);
  EXPECT_EQ(get<B>(TypeParam::neg(make<B>({payload})))[0], payload | sign);
  EXPECT_EQ(get<B>(TypeParam::neg(make<B>({0})))[0], sign);
  EXPECT_EQ(lane0<F>(TypeParam::abs, -inf<F>), inf<F>);
}

TYPED_TEST(SimdFloat, ComparisonsWithNaNAndSignedZero) {
  using F = typename TypeParam::F;
  const Bits<F> yes = ~Bits<F>(0), no = 0;
  EXPECT_EQ(mask0<F>(TypeParam::eq, nan<F>, nan<F>), no);
  EXPECT_EQ(mask0<F>(TypeParam::ne, nan<F>, nan<F>), yes);
  EXPECT_EQ(mask0<F>(TypeParam::lt, nan<F>, 1), no);
  EXPECT_EQ(mask0<F>(TypeParam::ge, nan<F>, 1), no);
  EXPECT_EQ(mask0<F>(TypeParam::eq, -0.0, 0.0), yes);
  EXPECT_EQ(mask0<F>(TypeParam::lt, -0.0, 0.0), no);
  EXPECT_EQ(mask0<F>(TypeParam::le, -0.0, 0.0), yes);
  EXPECT_EQ(mask0<F>(TypeParam::gt, 1, -inf<F>), yes);
  EXPECT_EQ(mask0<F>(TypeParam::ge, 1, 2), no);
  EXPECT_EQ(mask0<F>(TypeParam::ne, 1, 2), yes);
}

}  // namespace
}  // namespace wippy::interp
