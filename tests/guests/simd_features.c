// SIMD guest (built with -O3 -msimd128): every family of fixed-width SIMD instructions
// through wasm_simd128.h intrinsics over edge-value inputs (lane minima and maxima,
// NaN, -0, infinities, ties, out-of-range shift counts and swizzle indexes), plus
// auto-vectorised loops. Prints one line per instruction or loop: its name and a hash
// of all its results, so a difference to node names the instruction.
// Float results are hashed with every NaN lane as the canonical NaN: the NaN payload
// is nondeterministic in WebAssembly, the NaN-ness is not.
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wasm_simd128.h>

// --- inputs: edge patterns, copied at run time through volatile so that the compiler
// cannot fold the instructions away -----------------------------------------------
#define N_INPUTS 18
static v128_t in[N_INPUTS];

static void init_inputs(void) {
  static const float f32s[][4] = {
      {NAN, -0.0f, 0.0f, INFINITY}, {-INFINITY, 0.5f, 1.5f, 2.5f}, {-0.5f, -1.5f, -2.5f, 3.0e9f},
      {-3.0e9f, 4.5e9f, -1.0f, 2147483520.0f}, {1e-45f, -3.4e38f, 16777217.0f, -7.75f}};
  static const double f64s[][2] = {{NAN, -0.0}, {INFINITY, -2.5}, {1e300, -1e-300},
                                   {4294967295.9, -2147483648.9}, {0.5, 3.5}};
  static const uint64_t ints[][2] = {
      {0, 0},
      {~0ull, ~0ull},
      {0x8080808080808080ull, 0x7f7f7f7f7f7f7f7full},
      {0x8000800080008000ull, 0x7fff7fff7fff7fffull},
      {0x8000000080000000ull, 0x7fffffff00000001ull},
      {0x8000000000000000ull, 0x7fffffffffffffffull},
      {0x0f1e2d3c4b5a6978ull, 0x8796a5b4c3d2e1f0ull},
      {0x00ff01fe02fd03fcull, 0x1020304050607080ull}};
  unsigned char raw[N_INPUTS][16];
  unsigned n = 0;
  for (unsigned i = 0; i < sizeof ints / sizeof ints[0]; i++) memcpy(raw[n++], ints[i], 16);
  for (unsigned i = 0; i < sizeof f32s / sizeof f32s[0]; i++) memcpy(raw[n++], f32s[i], 16);
  for (unsigned i = 0; i < sizeof f64s / sizeof f64s[0]; i++) memcpy(raw[n++], f64s[i], 16);
  volatile unsigned char* v = &raw[0][0];
  for (unsigned i = 0; i < n; i++) {
    unsigned char b[16];
    for (unsigned k = 0; k < 16; k++) b[k] = v[i * 16 + k];
    in[i] = wasm_v128_load(b);
  }
}

// --- hashing --------------------------------------------------------------------------
static uint64_t fnv(uint64_t h, const void* p, size_t n) {
  const unsigned char* b = p;
  for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 0x100000001b3ull;
  return h;
}
static const uint64_t FNV0 = 0xcbf29ce484222325ull;

static uint64_t mix_int(uint64_t h, v128_t r) {
  unsigned char b[16];
  wasm_v128_store(b, r);
  return fnv(h, b, 16);
}
static uint64_t mix_f32(uint64_t h, v128_t r) {
  v128_t is_nan = wasm_f32x4_ne(r, r);
  return mix_int(h, wasm_v128_bitselect(wasm_i32x4_splat(0x7fc00000), r, is_nan));
}
static uint64_t mix_f64(uint64_t h, v128_t r) {
  v128_t is_nan = wasm_f64x2_ne(r, r);
  return mix_int(h, wasm_v128_bitselect(wasm_i64x2_splat(0x7ff8000000000000ll), r, is_nan));
}
static uint64_t mix_u32(uint64_t h, uint32_t x) { return fnv(h, &x, 4); }
static uint64_t mix_u64(uint64_t h, uint64_t x) { return fnv(h, &x, 8); }

static void report(const char* name, uint64_t h) { printf("%-34s %016llx\n", name, (unsigned long long)h); }

#define UNARY(name, expr, mix)                                   \
  do {                                                           \
    uint64_t h = FNV0;                                           \
    for (int i = 0; i < N_INPUTS; i++) {                         \
      v128_t a = in[i];                                          \
      h = mix(h, expr);                                          \
    }                                                            \
    report(name, h);                                             \
  } while (0)

#define BINARY(name, expr, mix)                                  \
  do {                                                           \
    uint64_t h = FNV0;                                           \
    for (int i = 0; i < N_INPUTS; i++)                           \
      for (int j = 0; j < N_INPUTS; j++) {                       \
        v128_t a = in[i], b = in[j];                             \
        h = mix(h, expr);                                        \
      }                                                          \
    report(name, h);                                             \
  } while (0)

// Shift counts from 0 to past twice the widest lane.
static volatile uint32_t shift_counts[] = {0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 255, 0xffffffffu};
#define SHIFT(name, fn)                                                     \
  do {                                                                      \
    uint64_t h = FNV0;                                                      \
    for (int i = 0; i < N_INPUTS; i++)                                      \
      for (unsigned c = 0; c < sizeof shift_counts / sizeof shift_counts[0]; c++) \
        h = mix_int(h, fn(in[i], shift_counts[c]));                         \
    report(name, h);                                                        \
  } while (0)

static void integer_arithmetic(void) {
  BINARY("i8x16.add", wasm_i8x16_add(a, b), mix_int);
  BINARY("i8x16.sub", wasm_i8x16_sub(a, b), mix_int);
  BINARY("i8x16.add_sat_s", wasm_i8x16_add_sat(a, b), mix_int);
  BINARY("i8x16.add_sat_u", wasm_u8x16_add_sat(a, b), mix_int);
  BINARY("i8x16.sub_sat_s", wasm_i8x16_sub_sat(a, b), mix_int);
  BINARY("i8x16.sub_sat_u", wasm_u8x16_sub_sat(a, b), mix_int);
  BINARY("i8x16.min_s", wasm_i8x16_min(a, b), mix_int);
  BINARY("i8x16.min_u", wasm_u8x16_min(a, b), mix_int);
  BINARY("i8x16.max_s", wasm_i8x16_max(a, b), mix_int);
  BINARY("i8x16.max_u", wasm_u8x16_max(a, b), mix_int);
  BINARY("i8x16.avgr_u", wasm_u8x16_avgr(a, b), mix_int);
  UNARY("i8x16.abs", wasm_i8x16_abs(a), mix_int);
  UNARY("i8x16.neg", wasm_i8x16_neg(a), mix_int);
  UNARY("i8x16.popcnt", wasm_i8x16_popcnt(a), mix_int);
  BINARY("i16x8.add", wasm_i16x8_add(a, b), mix_int);
  BINARY("i16x8.sub", wasm_i16x8_sub(a, b), mix_int);
  BINARY("i16x8.mul", wasm_i16x8_mul(a, b), mix_int);
  BINARY("i16x8.add_sat_s", wasm_i16x8_add_sat(a, b), mix_int);
  BINARY("i16x8.add_sat_u", wasm_u16x8_add_sat(a, b), mix_int);
  BINARY("i16x8.sub_sat_s", wasm_i16x8_sub_sat(a, b), mix_int);
  BINARY("i16x8.sub_sat_u", wasm_u16x8_sub_sat(a, b), mix_int);
  BINARY("i16x8.min_s", wasm_i16x8_min(a, b), mix_int);
  BINARY("i16x8.min_u", wasm_u16x8_min(a, b), mix_int);
  BINARY("i16x8.max_s", wasm_i16x8_max(a, b), mix_int);
  BINARY("i16x8.max_u", wasm_u16x8_max(a, b), mix_int);
  BINARY("i16x8.avgr_u", wasm_u16x8_avgr(a, b), mix_int);
  BINARY("i16x8.q15mulr_sat_s", wasm_i16x8_q15mulr_sat(a, b), mix_int);
  BINARY("i16x8.extmul_low_i8x16_s", wasm_i16x8_extmul_low_i8x16(a, b), mix_int);
  BINARY("i16x8.extmul_low_i8x16_u", wasm_u16x8_extmul_low_u8x16(a, b), mix_int);
  BINARY("i16x8.extmul_high_i8x16_s", wasm_i16x8_extmul_high_i8x16(a, b), mix_int);
  BINARY("i16x8.extmul_high_i8x16_u", wasm_u16x8_extmul_high_u8x16(a, b), mix_int);
  UNARY("i16x8.abs", wasm_i16x8_abs(a), mix_int);
  UNARY("i16x8.neg", wasm_i16x8_neg(a), mix_int);
  UNARY("i16x8.extadd_pairwise_i8x16_s", wasm_i16x8_extadd_pairwise_i8x16(a), mix_int);
  UNARY("i16x8.extadd_pairwise_i8x16_u", wasm_u16x8_extadd_pairwise_u8x16(a), mix_int);
  BINARY("i32x4.add", wasm_i32x4_add(a, b), mix_int);
  BINARY("i32x4.sub", wasm_i32x4_sub(a, b), mix_int);
  BINARY("i32x4.mul", wasm_i32x4_mul(a, b), mix_int);
  BINARY("i32x4.min_s", wasm_i32x4_min(a, b), mix_int);
  BINARY("i32x4.min_u", wasm_u32x4_min(a, b), mix_int);
  BINARY("i32x4.max_s", wasm_i32x4_max(a, b), mix_int);
  BINARY("i32x4.max_u", wasm_u32x4_max(a, b), mix_int);
  BINARY("i32x4.dot_i16x8_s", wasm_i32x4_dot_i16x8(a, b), mix_int);
  BINARY("i32x4.extmul_low_i16x8_s", wasm_i32x4_extmul_low_i16x8(a, b), mix_int);
  BINARY("i32x4.extmul_low_i16x8_u", wasm_u32x4_extmul_low_u16x8(a, b), mix_int);
  BINARY("i32x4.extmul_high_i16x8_s", wasm_i32x4_extmul_high_i16x8(a, b), mix_int);
  BINARY("i32x4.extmul_high_i16x8_u", wasm_u32x4_extmul_high_u16x8(a, b), mix_int);
  UNARY("i32x4.abs", wasm_i32x4_abs(a), mix_int);
  UNARY("i32x4.neg", wasm_i32x4_neg(a), mix_int);
  UNARY("i32x4.extadd_pairwise_i16x8_s", wasm_i32x4_extadd_pairwise_i16x8(a), mix_int);
  UNARY("i32x4.extadd_pairwise_i16x8_u", wasm_u32x4_extadd_pairwise_u16x8(a), mix_int);
  BINARY("i64x2.add", wasm_i64x2_add(a, b), mix_int);
  BINARY("i64x2.sub", wasm_i64x2_sub(a, b), mix_int);
  BINARY("i64x2.mul", wasm_i64x2_mul(a, b), mix_int);
  BINARY("i64x2.extmul_low_i32x4_s", wasm_i64x2_extmul_low_i32x4(a, b), mix_int);
  BINARY("i64x2.extmul_low_i32x4_u", wasm_u64x2_extmul_low_u32x4(a, b), mix_int);
  BINARY("i64x2.extmul_high_i32x4_s", wasm_i64x2_extmul_high_i32x4(a, b), mix_int);
  BINARY("i64x2.extmul_high_i32x4_u", wasm_u64x2_extmul_high_u32x4(a, b), mix_int);
  UNARY("i64x2.abs", wasm_i64x2_abs(a), mix_int);
  UNARY("i64x2.neg", wasm_i64x2_neg(a), mix_int);
}

static void comparisons_and_tests(void) {
  BINARY("i8x16.eq", wasm_i8x16_eq(a, b), mix_int);
  BINARY("i8x16.ne", wasm_i8x16_ne(a, b), mix_int);
  BINARY("i8x16.lt_s", wasm_i8x16_lt(a, b), mix_int);
  BINARY("i8x16.lt_u", wasm_u8x16_lt(a, b), mix_int);
  BINARY("i8x16.gt_s", wasm_i8x16_gt(a, b), mix_int);
  BINARY("i8x16.gt_u", wasm_u8x16_gt(a, b), mix_int);
  BINARY("i8x16.le_s", wasm_i8x16_le(a, b), mix_int);
  BINARY("i8x16.le_u", wasm_u8x16_le(a, b), mix_int);
  BINARY("i8x16.ge_s", wasm_i8x16_ge(a, b), mix_int);
  BINARY("i8x16.ge_u", wasm_u8x16_ge(a, b), mix_int);
  BINARY("i16x8.eq", wasm_i16x8_eq(a, b), mix_int);
  BINARY("i16x8.ne", wasm_i16x8_ne(a, b), mix_int);
  BINARY("i16x8.lt_s", wasm_i16x8_lt(a, b), mix_int);
  BINARY("i16x8.lt_u", wasm_u16x8_lt(a, b), mix_int);
  BINARY("i16x8.gt_s", wasm_i16x8_gt(a, b), mix_int);
  BINARY("i16x8.gt_u", wasm_u16x8_gt(a, b), mix_int);
  BINARY("i16x8.le_s", wasm_i16x8_le(a, b), mix_int);
  BINARY("i16x8.le_u", wasm_u16x8_le(a, b), mix_int);
  BINARY("i16x8.ge_s", wasm_i16x8_ge(a, b), mix_int);
  BINARY("i16x8.ge_u", wasm_u16x8_ge(a, b), mix_int);
  BINARY("i32x4.eq", wasm_i32x4_eq(a, b), mix_int);
  BINARY("i32x4.ne", wasm_i32x4_ne(a, b), mix_int);
  BINARY("i32x4.lt_s", wasm_i32x4_lt(a, b), mix_int);
  BINARY("i32x4.lt_u", wasm_u32x4_lt(a, b), mix_int);
  BINARY("i32x4.gt_s", wasm_i32x4_gt(a, b), mix_int);
  BINARY("i32x4.gt_u", wasm_u32x4_gt(a, b), mix_int);
  BINARY("i32x4.le_s", wasm_i32x4_le(a, b), mix_int);
  BINARY("i32x4.le_u", wasm_u32x4_le(a, b), mix_int);
  BINARY("i32x4.ge_s", wasm_i32x4_ge(a, b), mix_int);
  BINARY("i32x4.ge_u", wasm_u32x4_ge(a, b), mix_int);
  BINARY("i64x2.eq", wasm_i64x2_eq(a, b), mix_int);
  BINARY("i64x2.ne", wasm_i64x2_ne(a, b), mix_int);
  BINARY("i64x2.lt_s", wasm_i64x2_lt(a, b), mix_int);
  BINARY("i64x2.gt_s", wasm_i64x2_gt(a, b), mix_int);
  BINARY("i64x2.le_s", wasm_i64x2_le(a, b), mix_int);
  BINARY("i64x2.ge_s", wasm_i64x2_ge(a, b), mix_int);
  BINARY("f32x4.eq", wasm_f32x4_eq(a, b), mix_int);
  BINARY("f32x4.ne", wasm_f32x4_ne(a, b), mix_int);
  BINARY("f32x4.lt", wasm_f32x4_lt(a, b), mix_int);
  BINARY("f32x4.gt", wasm_f32x4_gt(a, b), mix_int);
  BINARY("f32x4.le", wasm_f32x4_le(a, b), mix_int);
  BINARY("f32x4.ge", wasm_f32x4_ge(a, b), mix_int);
  BINARY("f64x2.eq", wasm_f64x2_eq(a, b), mix_int);
  BINARY("f64x2.ne", wasm_f64x2_ne(a, b), mix_int);
  BINARY("f64x2.lt", wasm_f64x2_lt(a, b), mix_int);
  BINARY("f64x2.gt", wasm_f64x2_gt(a, b), mix_int);
  BINARY("f64x2.le", wasm_f64x2_le(a, b), mix_int);
  BINARY("f64x2.ge", wasm_f64x2_ge(a, b), mix_int);
  UNARY("v128.any_true", wasm_i32x4_splat(wasm_v128_any_true(a)), mix_int);
  UNARY("i8x16.all_true", wasm_i32x4_splat(wasm_i8x16_all_true(a)), mix_int);
  UNARY("i16x8.all_true", wasm_i32x4_splat(wasm_i16x8_all_true(a)), mix_int);
  UNARY("i32x4.all_true", wasm_i32x4_splat(wasm_i32x4_all_true(a)), mix_int);
  UNARY("i64x2.all_true", wasm_i32x4_splat(wasm_i64x2_all_true(a)), mix_int);
  UNARY("i8x16.bitmask", wasm_i32x4_splat(wasm_i8x16_bitmask(a)), mix_int);
  UNARY("i16x8.bitmask", wasm_i32x4_splat(wasm_i16x8_bitmask(a)), mix_int);
  UNARY("i32x4.bitmask", wasm_i32x4_splat(wasm_i32x4_bitmask(a)), mix_int);
  UNARY("i64x2.bitmask", wasm_i32x4_splat(wasm_i64x2_bitmask(a)), mix_int);
}

static void shifts_and_bitwise(void) {
  SHIFT("i8x16.shl", wasm_i8x16_shl);
  SHIFT("i8x16.shr_s", wasm_i8x16_shr);
  SHIFT("i8x16.shr_u", wasm_u8x16_shr);
  SHIFT("i16x8.shl", wasm_i16x8_shl);
  SHIFT("i16x8.shr_s", wasm_i16x8_shr);
  SHIFT("i16x8.shr_u", wasm_u16x8_shr);
  SHIFT("i32x4.shl", wasm_i32x4_shl);
  SHIFT("i32x4.shr_s", wasm_i32x4_shr);
  SHIFT("i32x4.shr_u", wasm_u32x4_shr);
  SHIFT("i64x2.shl", wasm_i64x2_shl);
  SHIFT("i64x2.shr_s", wasm_i64x2_shr);
  SHIFT("i64x2.shr_u", wasm_u64x2_shr);
  UNARY("v128.not", wasm_v128_not(a), mix_int);
  BINARY("v128.and", wasm_v128_and(a, b), mix_int);
  BINARY("v128.andnot", wasm_v128_andnot(a, b), mix_int);
  BINARY("v128.or", wasm_v128_or(a, b), mix_int);
  BINARY("v128.xor", wasm_v128_xor(a, b), mix_int);
  BINARY("v128.bitselect", wasm_v128_bitselect(a, b, in[(N_INPUTS - 1) & (int)wasm_i32x4_extract_lane(b, 0)]),
         mix_int);
}

static void floats(void) {
  BINARY("f32x4.add", wasm_f32x4_add(a, b), mix_f32);
  BINARY("f32x4.sub", wasm_f32x4_sub(a, b), mix_f32);
  BINARY("f32x4.mul", wasm_f32x4_mul(a, b), mix_f32);
  BINARY("f32x4.div", wasm_f32x4_div(a, b), mix_f32);
  BINARY("f32x4.min", wasm_f32x4_min(a, b), mix_f32);
  BINARY("f32x4.max", wasm_f32x4_max(a, b), mix_f32);
  BINARY("f32x4.pmin", wasm_f32x4_pmin(a, b), mix_f32);
  BINARY("f32x4.pmax", wasm_f32x4_pmax(a, b), mix_f32);
  UNARY("f32x4.abs", wasm_f32x4_abs(a), mix_int);  // bit-exact, NaN payload included
  UNARY("f32x4.neg", wasm_f32x4_neg(a), mix_int);
  UNARY("f32x4.sqrt", wasm_f32x4_sqrt(a), mix_f32);
  UNARY("f32x4.ceil", wasm_f32x4_ceil(a), mix_f32);
  UNARY("f32x4.floor", wasm_f32x4_floor(a), mix_f32);
  UNARY("f32x4.trunc", wasm_f32x4_trunc(a), mix_f32);
  UNARY("f32x4.nearest", wasm_f32x4_nearest(a), mix_f32);
  BINARY("f64x2.add", wasm_f64x2_add(a, b), mix_f64);
  BINARY("f64x2.sub", wasm_f64x2_sub(a, b), mix_f64);
  BINARY("f64x2.mul", wasm_f64x2_mul(a, b), mix_f64);
  BINARY("f64x2.div", wasm_f64x2_div(a, b), mix_f64);
  BINARY("f64x2.min", wasm_f64x2_min(a, b), mix_f64);
  BINARY("f64x2.max", wasm_f64x2_max(a, b), mix_f64);
  BINARY("f64x2.pmin", wasm_f64x2_pmin(a, b), mix_f64);
  BINARY("f64x2.pmax", wasm_f64x2_pmax(a, b), mix_f64);
  UNARY("f64x2.abs", wasm_f64x2_abs(a), mix_int);
  UNARY("f64x2.neg", wasm_f64x2_neg(a), mix_int);
  UNARY("f64x2.sqrt", wasm_f64x2_sqrt(a), mix_f64);
  UNARY("f64x2.ceil", wasm_f64x2_ceil(a), mix_f64);
  UNARY("f64x2.floor", wasm_f64x2_floor(a), mix_f64);
  UNARY("f64x2.trunc", wasm_f64x2_trunc(a), mix_f64);
  UNARY("f64x2.nearest", wasm_f64x2_nearest(a), mix_f64);
}

static void conversions(void) {
  UNARY("i32x4.trunc_sat_f32x4_s", wasm_i32x4_trunc_sat_f32x4(a), mix_int);
  UNARY("i32x4.trunc_sat_f32x4_u", wasm_u32x4_trunc_sat_f32x4(a), mix_int);
  UNARY("i32x4.trunc_sat_f64x2_s_zero", wasm_i32x4_trunc_sat_f64x2_zero(a), mix_int);
  UNARY("i32x4.trunc_sat_f64x2_u_zero", wasm_u32x4_trunc_sat_f64x2_zero(a), mix_int);
  UNARY("f32x4.convert_i32x4_s", wasm_f32x4_convert_i32x4(a), mix_f32);
  UNARY("f32x4.convert_i32x4_u", wasm_f32x4_convert_u32x4(a), mix_f32);
  UNARY("f64x2.convert_low_i32x4_s", wasm_f64x2_convert_low_i32x4(a), mix_f64);
  UNARY("f64x2.convert_low_i32x4_u", wasm_f64x2_convert_low_u32x4(a), mix_f64);
  UNARY("f32x4.demote_f64x2_zero", wasm_f32x4_demote_f64x2_zero(a), mix_f32);
  UNARY("f64x2.promote_low_f32x4", wasm_f64x2_promote_low_f32x4(a), mix_f64);
  BINARY("i8x16.narrow_i16x8_s", wasm_i8x16_narrow_i16x8(a, b), mix_int);
  BINARY("i8x16.narrow_i16x8_u", wasm_u8x16_narrow_i16x8(a, b), mix_int);
  BINARY("i16x8.narrow_i32x4_s", wasm_i16x8_narrow_i32x4(a, b), mix_int);
  BINARY("i16x8.narrow_i32x4_u", wasm_u16x8_narrow_i32x4(a, b), mix_int);
  UNARY("i16x8.extend_low_i8x16_s", wasm_i16x8_extend_low_i8x16(a), mix_int);
  UNARY("i16x8.extend_low_i8x16_u", wasm_u16x8_extend_low_u8x16(a), mix_int);
  UNARY("i16x8.extend_high_i8x16_s", wasm_i16x8_extend_high_i8x16(a), mix_int);
  UNARY("i16x8.extend_high_i8x16_u", wasm_u16x8_extend_high_u8x16(a), mix_int);
  UNARY("i32x4.extend_low_i16x8_s", wasm_i32x4_extend_low_i16x8(a), mix_int);
  UNARY("i32x4.extend_low_i16x8_u", wasm_u32x4_extend_low_u16x8(a), mix_int);
  UNARY("i32x4.extend_high_i16x8_s", wasm_i32x4_extend_high_i16x8(a), mix_int);
  UNARY("i32x4.extend_high_i16x8_u", wasm_u32x4_extend_high_u16x8(a), mix_int);
  UNARY("i64x2.extend_low_i32x4_s", wasm_i64x2_extend_low_i32x4(a), mix_int);
  UNARY("i64x2.extend_low_i32x4_u", wasm_u64x2_extend_low_u32x4(a), mix_int);
  UNARY("i64x2.extend_high_i32x4_s", wasm_i64x2_extend_high_i32x4(a), mix_int);
  UNARY("i64x2.extend_high_i32x4_u", wasm_u64x2_extend_high_u32x4(a), mix_int);
}

static void lanes(void) {
  BINARY("i8x16.shuffle interleave",
         wasm_i8x16_shuffle(a, b, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23), mix_int);
  BINARY("i8x16.shuffle reverse", wasm_i8x16_shuffle(a, b, 31, 30, 29, 28, 27, 26, 25, 24, 7, 6, 5, 4, 3, 2, 1, 0),
         mix_int);
  BINARY("i32x4.shuffle", wasm_i32x4_shuffle(a, b, 3, 6, 1, 4), mix_int);
  BINARY("i8x16.swizzle", wasm_i8x16_swizzle(a, b), mix_int);  // indexes >= 16 give 0
  UNARY("i8x16.splat", wasm_i8x16_splat(wasm_i8x16_extract_lane(a, 5)), mix_int);
  UNARY("i16x8.splat", wasm_i16x8_splat(wasm_i16x8_extract_lane(a, 7)), mix_int);
  UNARY("i32x4.splat", wasm_i32x4_splat(wasm_i32x4_extract_lane(a, 2)), mix_int);
  UNARY("i64x2.splat", wasm_i64x2_splat(wasm_i64x2_extract_lane(a, 1)), mix_int);
  UNARY("f32x4.splat", wasm_f32x4_splat(wasm_f32x4_extract_lane(a, 3)), mix_f32);
  UNARY("f64x2.splat", wasm_f64x2_splat(wasm_f64x2_extract_lane(a, 0)), mix_f64);
  UNARY("i8x16.extract_lane_s/u",
        wasm_i32x4_make(wasm_i8x16_extract_lane(a, 0), wasm_u8x16_extract_lane(a, 15),
                        wasm_i8x16_extract_lane(a, 9), wasm_u8x16_extract_lane(a, 9)),
        mix_int);
  UNARY("i16x8.extract_lane_s/u",
        wasm_i32x4_make(wasm_i16x8_extract_lane(a, 0), wasm_u16x8_extract_lane(a, 7),
                        wasm_i16x8_extract_lane(a, 3), wasm_u16x8_extract_lane(a, 3)),
        mix_int);
  BINARY("replace_lane",
         wasm_f64x2_replace_lane(
             wasm_f32x4_replace_lane(
                 wasm_i64x2_replace_lane(
                     wasm_i32x4_replace_lane(
                         wasm_i16x8_replace_lane(wasm_i8x16_replace_lane(a, 15, wasm_i8x16_extract_lane(b, 1)), 2,
                                                 wasm_i16x8_extract_lane(b, 6)),
                         1, wasm_i32x4_extract_lane(b, 3)),
                     0, wasm_i64x2_extract_lane(b, 1) ^ wasm_i64x2_extract_lane(a, 0)),
                 3, wasm_f32x4_extract_lane(b, 2)),
             0, wasm_f64x2_extract_lane(b, 1)),
         mix_int);
}

// Loads and stores at every offset of a buffer of the input bytes.
static void memory(void) {
  unsigned char buf[N_INPUTS * 16];
  for (int i = 0; i < N_INPUTS; i++) wasm_v128_store(buf + 16 * i, in[i]);
  uint64_t h = FNV0, hl = FNV0, hs = FNV0, hz = FNV0, hlane = FNV0, hst = FNV0;
  for (unsigned o = 0; o + 16 <= sizeof buf; o += 3) {
    const unsigned char* p = buf + o;
    h = mix_int(h, wasm_v128_load(p));
    hl = mix_int(hl, wasm_i16x8_load8x8(p));
    hl = mix_int(hl, wasm_u16x8_load8x8(p));
    hl = mix_int(hl, wasm_i32x4_load16x4(p));
    hl = mix_int(hl, wasm_u32x4_load16x4(p));
    hl = mix_int(hl, wasm_i64x2_load32x2(p));
    hl = mix_int(hl, wasm_u64x2_load32x2(p));
    hs = mix_int(hs, wasm_v128_load8_splat(p));
    hs = mix_int(hs, wasm_v128_load16_splat(p));
    hs = mix_int(hs, wasm_v128_load32_splat(p));
    hs = mix_int(hs, wasm_v128_load64_splat(p));
    hz = mix_int(hz, wasm_v128_load32_zero(p));
    hz = mix_int(hz, wasm_v128_load64_zero(p));
    v128_t v = in[o % N_INPUTS];
    hlane = mix_int(hlane, wasm_v128_load8_lane(p, v, 13));
    hlane = mix_int(hlane, wasm_v128_load16_lane(p, v, 6));
    hlane = mix_int(hlane, wasm_v128_load32_lane(p, v, 1));
    hlane = mix_int(hlane, wasm_v128_load64_lane(p, v, 1));
    unsigned char out[24];
    memset(out, 0xa5, sizeof out);
    wasm_v128_store8_lane(out + 1, v, 11);
    wasm_v128_store16_lane(out + 3, v, 5);
    wasm_v128_store32_lane(out + 6, v, 2);
    wasm_v128_store64_lane(out + 11, v, 0);
    hst = fnv(hst, out, sizeof out);
  }
  report("v128.load", h);
  report("v128.loadNxM_s/u", hl);
  report("v128.loadN_splat", hs);
  report("v128.loadN_zero", hz);
  report("v128.loadN_lane", hlane);
  report("v128.storeN_lane", hst);
  report("v128.const", mix_int(FNV0, wasm_i32x4_const(1, -2, 0x7fffffff, (int)0x80000000)));
}

// --- auto-vectorised loops (plain C; clang -O3 -msimd128 turns them into SIMD) -------
#define LEN 1000
static uint8_t u8a[LEN], u8b[LEN], u8r[LEN];
static int16_t s16a[LEN], s16b[LEN];
static int32_t s32r[LEN];
static float fa[LEN], fb[LEN], fr[LEN];
static double da[LEN], dr[LEN];

static uint32_t rng = 12345;
static uint32_t next_rand(void) {
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng;
}

static void auto_vectorised(void) {
  for (int i = 0; i < LEN; i++) {
    u8a[i] = (uint8_t)next_rand();
    u8b[i] = (uint8_t)next_rand();
    s16a[i] = (int16_t)next_rand();
    s16b[i] = (int16_t)next_rand();
    fa[i] = (float)(int32_t)next_rand() / 65536.0f;
    fb[i] = (float)(next_rand() % 1000) / 7.0f;
    da[i] = (double)(int32_t)next_rand() / 3.0;
  }
  // saturating add of bytes, absolute difference, average
  for (int i = 0; i < LEN; i++) {
    unsigned s = u8a[i] + u8b[i];
    u8r[i] = s > 255 ? 255 : (uint8_t)s;
  }
  report("loop u8 saturating add", fnv(FNV0, u8r, LEN));
  for (int i = 0; i < LEN; i++) u8r[i] = u8a[i] > u8b[i] ? u8a[i] - u8b[i] : u8b[i] - u8a[i];
  report("loop u8 absolute difference", fnv(FNV0, u8r, LEN));
  for (int i = 0; i < LEN; i++) u8r[i] = (uint8_t)((u8a[i] + u8b[i] + 1) >> 1);
  report("loop u8 rounding average", fnv(FNV0, u8r, LEN));
  // widening multiply-accumulate and a reduction
  int64_t dot = 0;
  for (int i = 0; i < LEN; i++) dot += (int32_t)s16a[i] * s16b[i];
  report("loop i16 dot product", (uint64_t)dot);
  for (int i = 0; i < LEN; i++) s32r[i] = (s16a[i] >> 3) * 5 - (s16b[i] << 2);
  report("loop i32 shifts and multiply", fnv(FNV0, s32r, sizeof s32r));
  int32_t mn = INT32_MAX, mx = INT32_MIN;
  for (int i = 0; i < LEN; i++) {
    mn = s32r[i] < mn ? s32r[i] : mn;
    mx = s32r[i] > mx ? s32r[i] : mx;
  }
  report("loop i32 min/max reduction", ((uint64_t)(uint32_t)mn << 32) | (uint32_t)mx);
  // float saxpy, clamp and conversion
  for (int i = 0; i < LEN; i++) fr[i] = 2.5f * fa[i] + fb[i];
  report("loop f32 saxpy", fnv(FNV0, fr, sizeof fr));
  for (int i = 0; i < LEN; i++) fr[i] = fminf(fmaxf(fr[i], -100.0f), 100.0f);
  report("loop f32 clamp", fnv(FNV0, fr, sizeof fr));
  for (int i = 0; i < LEN; i++) s32r[i] = (int32_t)(fr[i] * 1000.0f);
  report("loop f32 to i32", fnv(FNV0, s32r, sizeof s32r));
  for (int i = 0; i < LEN; i++) dr[i] = sqrt(da[i] < 0 ? -da[i] : da[i]) + (double)s32r[i];
  report("loop f64 sqrt and convert", fnv(FNV0, dr, sizeof dr));
  float sum = 0;
  for (int i = 0; i < LEN; i++) sum += fr[i];
  report("loop f32 sum", mix_u32(FNV0, (uint32_t)(int32_t)sum));
}

int main(void) {
  init_inputs();
  integer_arithmetic();
  comparisons_and_tests();
  shifts_and_bitwise();
  floats();
  conversions();
  lanes();
  memory();
  auto_vectorised();
  report("inputs", mix_u64(FNV0, (uint64_t)N_INPUTS));
  return 0;
}
