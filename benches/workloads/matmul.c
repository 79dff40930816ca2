// Workload "matmul": dense double-precision matrix multiply (i-k-j order), repeated,
// each product feeding the next. Built with -ffp-contract=off natively so that the
// doubles round exactly as in wasm.
// Usage: matmul [SCALE]   (default 100; the work grows linearly with SCALE)
// Prints exactly one line:  checksum: <u64>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 64

static double a[N][N], b[N][N], c[N][N];

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t next_rand(void) {
  uint64_t x = rng_state;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return rng_state = x;
}

// A double in [-1, 1) from 53 random bits.
static double rand_unit(void) { return (double)(next_rand() >> 11) * (2.0 / 9007199254740992.0) - 1.0; }

static void multiply(void) {
  memset(c, 0, sizeof c);
  for (int i = 0; i < N; i++)
    for (int k = 0; k < N; k++) {
      double aik = a[i][k];
      for (int j = 0; j < N; j++) c[i][j] += aik * b[k][j];
    }
}

int main(int argc, char** argv) {
  long scale = argc > 1 ? atol(argv[1]) : 100;
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      a[i][j] = rand_unit();
      b[i][j] = rand_unit();
    }
  uint64_t h = 0xcbf29ce484222325ull;
  for (long r = 0; r < scale * 4; r++) {
    multiply();
    // Normalise the product into the next left operand so values stay bounded.
    double max = 0;
    for (int i = 0; i < N; i++)
      for (int j = 0; j < N; j++) {
        double v = c[i][j] < 0 ? -c[i][j] : c[i][j];
        if (v > max) max = v;
      }
    double inv = 1.0 / max;
    for (int i = 0; i < N; i++)
      for (int j = 0; j < N; j++) a[i][j] = c[i][j] * inv;
    uint64_t bits;
    memcpy(&bits, &c[r % N][(r * 7) % N], sizeof bits);
    h = (h ^ bits) * 0x100000001b3ull;
  }
  double trace = 0;
  for (int i = 0; i < N; i++) trace += a[i][i];
  uint64_t bits;
  memcpy(&bits, &trace, sizeof bits);
  h = (h ^ bits) * 0x100000001b3ull;
  printf("checksum: %llu\n", (unsigned long long)h);
  return 0;
}
