// Workload "simd_image": image and signal kernels: a 3x3 Gaussian filter over a byte
// image, a saturating brightness step, a 16-bit dot product (wrapping i32
// accumulation) and a sum of absolute differences of bytes. Built with -msimd128
// (guest simd_image) each kernel is written with wasm_simd128.h intrinsics, 16 bytes or
// 8 halfwords per step; without (guest simd_image_scalar, and natively) it is the plain
// C loop next to it. All three must print the same checksum.
// Usage: simd_image [SCALE]   (default 100; the work grows linearly with SCALE)
// Prints exactly one line:  checksum: <u64>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

#define W 256
#define H 256
#define SIGNAL 4096

static uint8_t image[H][W], filtered[H][W];
static int16_t sig_a[SIGNAL], sig_b[SIGNAL];

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t next_rand(void) {
  uint64_t x = rng_state;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return rng_state = x;
}

// One output pixel: weights 1 2 1 / 2 4 2 / 1 2 1, rounded, divided by 16.
static uint8_t gauss_pixel(const uint8_t* up, const uint8_t* mid, const uint8_t* down, int x) {
  unsigned s = up[x - 1] + 2u * up[x] + up[x + 1] + 2u * (mid[x - 1] + 2u * mid[x] + mid[x + 1]) + down[x - 1] +
               2u * down[x] + down[x + 1];
  return (uint8_t)((s + 8) >> 4);
}

#ifdef __wasm_simd128__
// The weighted sum of one row's three neighbours (1 2 1) for 8 pixels, in u16 lanes.
static v128_t row_121(v128_t left, v128_t centre, v128_t right) {
  return wasm_i16x8_add(wasm_i16x8_add(left, right), wasm_i16x8_shl(centre, 1));
}
// Pixels x .. x+15 of a row: the 1 2 1 / 2 4 2 / 1 2 1 sums in u16 lanes, narrowed.
static void gauss16(const uint8_t* up, const uint8_t* mid, const uint8_t* down, uint8_t* out, int x) {
  v128_t u0 = wasm_v128_load(up + x - 1), u1 = wasm_v128_load(up + x), u2 = wasm_v128_load(up + x + 1);
  v128_t m0 = wasm_v128_load(mid + x - 1), m1 = wasm_v128_load(mid + x), m2 = wasm_v128_load(mid + x + 1);
  v128_t d0 = wasm_v128_load(down + x - 1), d1 = wasm_v128_load(down + x), d2 = wasm_v128_load(down + x + 1);
  v128_t half[2];
  for (int h = 0; h < 2; h++) {
#define WIDEN(v) (h ? wasm_u16x8_extend_high_u8x16(v) : wasm_u16x8_extend_low_u8x16(v))
    v128_t s = wasm_i16x8_add(row_121(WIDEN(u0), WIDEN(u1), WIDEN(u2)), row_121(WIDEN(d0), WIDEN(d1), WIDEN(d2)));
    s = wasm_i16x8_add(s, wasm_i16x8_shl(row_121(WIDEN(m0), WIDEN(m1), WIDEN(m2)), 1));
#undef WIDEN
    half[h] = wasm_u16x8_shr(wasm_i16x8_add(s, wasm_i16x8_splat(8)), 4);
  }
  wasm_v128_store(out + x, wasm_u8x16_narrow_i16x8(half[0], half[1]));
}
#endif

// The border is copied.
static void gaussian3x3(void) {
  memcpy(filtered[0], image[0], W);
  memcpy(filtered[H - 1], image[H - 1], W);
  for (int y = 1; y < H - 1; y++) {
    const uint8_t *up = image[y - 1], *mid = image[y], *down = image[y + 1];
    uint8_t* out = filtered[y];
    out[0] = mid[0];
    out[W - 1] = mid[W - 1];
    int x = 1;
#ifdef __wasm_simd128__
    for (; x + 17 <= W; x += 16) gauss16(up, mid, down, out, x);  // reads up to x + 16
#endif
    for (; x < W - 1; x++) out[x] = gauss_pixel(up, mid, down, x);
  }
}

// The filtered image, brightened with saturation, becomes the next input.
static void brighten(uint8_t amount) {
  const uint8_t* in = &filtered[0][0];
  uint8_t* out = &image[0][0];
  int i = 0;
#ifdef __wasm_simd128__
  v128_t add = wasm_i8x16_splat((int8_t)amount);
  for (; i + 16 <= W * H; i += 16) wasm_v128_store(out + i, wasm_u8x16_add_sat(wasm_v128_load(in + i), add));
#endif
  for (; i < W * H; i++) {
    unsigned v = in[i] + amount;
    out[i] = v > 255 ? 255 : (uint8_t)v;
  }
}

static uint32_t dot16(void) {
  uint32_t acc = 0;  // unsigned: the sum wraps instead of overflowing
  int i = 0;
#ifdef __wasm_simd128__
  v128_t sums = wasm_i32x4_splat(0);
  for (; i + 8 <= SIGNAL; i += 8)
    sums = wasm_i32x4_add(sums, wasm_i32x4_dot_i16x8(wasm_v128_load(sig_a + i), wasm_v128_load(sig_b + i)));
  acc = (uint32_t)wasm_i32x4_extract_lane(sums, 0) + (uint32_t)wasm_i32x4_extract_lane(sums, 1) +
        (uint32_t)wasm_i32x4_extract_lane(sums, 2) + (uint32_t)wasm_i32x4_extract_lane(sums, 3);
#endif
  for (; i < SIGNAL; i++) acc += (uint32_t)((int32_t)sig_a[i] * sig_b[i]);
  return acc;
}

// The sum of |image - filtered| over all pixels (at most 255 * W * H: no overflow).
static uint32_t sad(void) {
  const uint8_t* a = &image[0][0];
  const uint8_t* b = &filtered[0][0];
  uint32_t total = 0;
  int i = 0;
#ifdef __wasm_simd128__
  v128_t sums = wasm_i32x4_splat(0);
  for (; i + 16 <= W * H; i += 16) {
    v128_t x = wasm_v128_load(a + i), y = wasm_v128_load(b + i);
    v128_t diff = wasm_v128_or(wasm_u8x16_sub_sat(x, y), wasm_u8x16_sub_sat(y, x));
    sums = wasm_i32x4_add(sums, wasm_u32x4_extadd_pairwise_u16x8(wasm_u16x8_extadd_pairwise_u8x16(diff)));
  }
  total = (uint32_t)wasm_i32x4_extract_lane(sums, 0) + (uint32_t)wasm_i32x4_extract_lane(sums, 1) +
          (uint32_t)wasm_i32x4_extract_lane(sums, 2) + (uint32_t)wasm_i32x4_extract_lane(sums, 3);
#endif
  for (; i < W * H; i++) {
    int d = (int)a[i] - (int)b[i];
    total += (uint32_t)(d < 0 ? -d : d);
  }
  return total;
}

int main(int argc, char** argv) {
  long scale = argc > 1 ? atol(argv[1]) : 100;
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) image[y][x] = (uint8_t)next_rand();
  for (int i = 0; i < SIGNAL; i++) {
    sig_a[i] = (int16_t)next_rand();
    sig_b[i] = (int16_t)next_rand();
  }
  uint64_t h = 0xcbf29ce484222325ull;
  for (long r = 0; r < scale * 4; r++) {
    gaussian3x3();
    uint32_t s = sad();
    brighten((uint8_t)(r & 3));
    // Perturb the signal so each dot product is different work.
    sig_a[r % SIGNAL] = (int16_t)(sig_a[r % SIGNAL] ^ (int16_t)s);
    uint32_t d = dot16();
    h = (h ^ s) * 0x100000001b3ull;
    h = (h ^ d) * 0x100000001b3ull;
  }
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) h = (h ^ image[y][x]) * 0x100000001b3ull;
  printf("checksum: %llu\n", (unsigned long long)h);
  return 0;
}
