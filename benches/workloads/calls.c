// Workload "calls": call-heavy recursion (naive Fibonacci, Ackermann and Takeuchi).
// Usage: calls [SCALE]   (default 100; the work grows linearly with SCALE)
// Prints exactly one line:  checksum: <u64>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) static uint32_t fib(uint32_t n) {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

__attribute__((noinline)) static uint32_t ack(uint32_t m, uint32_t n) {
  if (m == 0) return n + 1;
  if (n == 0) return ack(m - 1, 1);
  return ack(m - 1, ack(m, n - 1));
}

__attribute__((noinline)) static int32_t tak(int32_t x, int32_t y, int32_t z) {
  if (y >= x) return z;
  return tak(tak(x - 1, y, z), tak(y - 1, z, x), tak(z - 1, x, y));
}

int main(int argc, char** argv) {
  long scale = argc > 1 ? atol(argv[1]) : 100;
  uint64_t h = 0xcbf29ce484222325ull;
  for (long i = 0; i < scale * 5; i++) {
    // A volatile-free way to keep the arguments opaque: derived from i.
    uint32_t f = fib(18 + (uint32_t)(i % 3));
    uint32_t a = ack(2, 200 + (uint32_t)(i % 7));
    int32_t t = tak(12 + (int32_t)(i % 2), 6, 0);
    h = (h ^ f) * 0x100000001b3ull;
    h = (h ^ a) * 0x100000001b3ull;
    h = (h ^ (uint32_t)t) * 0x100000001b3ull;
  }
  printf("checksum: %llu\n", (unsigned long long)h);
  return 0;
}
