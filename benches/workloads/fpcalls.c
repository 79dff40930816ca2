// Workload "fpcalls": double-precision arithmetic through many small calls: a
// random-number generator returning doubles, Monte Carlo estimates and a
// Horner polynomial, each step a call (the float-heavy code with calls that nbody,
// with its inlined loops, does not stress). Only + - * / and sqrt, so every runtime
// rounds alike.
// Usage: fpcalls [SCALE]   (default 100; the work grows linearly with SCALE)
// Prints exactly one line:  checksum: <u64>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state = 0x2545f4914f6cdd1dull;

__attribute__((noinline)) static double next_double(void) {
  rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
  return (double)(rng_state >> 11) * (1.0 / 9007199254740992.0);
}

__attribute__((noinline)) static double lerp(double a, double b, double t) { return a + (b - a) * t; }

__attribute__((noinline)) static double horner(const double* c, int n, double x) {
  double r = 0.0;
  for (int i = n - 1; i >= 0; i--) r = r * x + c[i];
  return r;
}

__attribute__((noinline)) static double norm2(double x, double y) { return sqrt(x * x + y * y); }

// One Box-Muller-free gaussian-ish sample: the mean of 4 uniforms, centred.
__attribute__((noinline)) static double gaussish(void) {
  return (next_double() + next_double() + next_double() + next_double()) * 0.5 - 1.0;
}

static uint64_t mix(uint64_t h, double d) {
  uint64_t bits;
  memcpy(&bits, &d, sizeof bits);
  return (h ^ bits) * 0x100000001b3ull;
}

int main(int argc, char** argv) {
  long scale = argc > 1 ? atol(argv[1]) : 100;
  static const double coeffs[8] = {1.0, -0.5, 0.25, -0.125, 0.0625, -0.03125, 0.015625, -0.0078125};
  uint64_t h = 0xcbf29ce484222325ull;
  for (long round = 0; round < scale * 3; round++) {
    long inside = 0;
    double walk_x = 0, walk_y = 0, poly = 0, blend = 0;
    for (int i = 0; i < 20000; i++) {
      double x = next_double(), y = next_double();
      if (norm2(x, y) <= 1.0) inside++;
      walk_x += gaussish();
      walk_y += gaussish();
      poly += horner(coeffs, 8, lerp(-1.0, 1.0, x));
      blend = lerp(blend, y, 0.01);
    }
    h = mix(h, 4.0 * (double)inside / 20000.0);
    h = mix(h, norm2(walk_x, walk_y));
    h = mix(h, poly);
    h = mix(h, blend);
  }
  printf("checksum: %llu\n", (unsigned long long)h);
  return 0;
}
