// Workload "simd_image": image and signal kernels that compilers auto-vectorise: a 3x3
// Gaussian filter over a byte image, a saturating brightness step, a 16-bit dot product
// (wrapping i32 accumulation) and a sum of absolute differences of bytes. Plain C, so
// the same source is built with -msimd128 (guest simd_image), without (guest
// simd_image_scalar) and natively; all three must print the same checksum.
// Usage: simd_image [SCALE]   (default 100; the work grows linearly with SCALE)
// Prints exactly one line:  checksum: <u64>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

// Weights 1 2 1 / 2 4 2 / 1 2 1, rounded, divided by 16; the border is copied.
static void gaussian3x3(void) {
  memcpy(filtered[0], image[0], W);
  memcpy(filtered[H - 1], image[H - 1], W);
  for (int y = 1; y < H - 1; y++) {
    const uint8_t *up = image[y - 1], *mid = image[y], *down = image[y + 1];
    uint8_t* out = filtered[y];
    out[0] = mid[0];
    out[W - 1] = mid[W - 1];
    for (int x = 1; x < W - 1; x++) {
      unsigned s = up[x - 1] + 2u * up[x] + up[x + 1] + 2u * (mid[x - 1] + 2u * mid[x] + mid[x + 1]) +
                   down[x - 1] + 2u * down[x] + down[x + 1];
      out[x] = (uint8_t)((s + 8) >> 4);
    }
  }
}

// The filtered image, brightened with saturation, becomes the next input.
static void brighten(uint8_t amount) {
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      unsigned v = filtered[y][x] + amount;
      image[y][x] = v > 255 ? 255 : (uint8_t)v;
    }
}

static uint32_t dot16(void) {
  uint32_t acc = 0;  // unsigned: the sum wraps instead of overflowing
  for (int i = 0; i < SIGNAL; i++) acc += (uint32_t)((int32_t)sig_a[i] * sig_b[i]);
  return acc;
}

static uint32_t sad(void) {
  uint32_t total = 0;
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      int d = (int)image[y][x] - (int)filtered[y][x];
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
