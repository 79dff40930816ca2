// Workload "sieve": the sieve of Eratosthenes over a byte array, repeated.
// Usage: sieve [SCALE]   (default 100; the work grows linearly with SCALE)
// Prints exactly one line:  checksum: <u64>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIMIT 350000u

static uint8_t composite[LIMIT + 1];

int main(int argc, char** argv) {
  long scale = argc > 1 ? atol(argv[1]) : 100;
  uint64_t h = 0xcbf29ce484222325ull;
  for (long r = 0; r < scale; r++) {
    // Each round sieves a slightly different limit so no round is redundant.
    uint32_t limit = LIMIT - (uint32_t)(r % 64) * 1000;
    memset(composite, 0, limit + 1);
    uint32_t count = 0;
    uint64_t sum = 0;
    for (uint32_t i = 2; i <= limit; i++) {
      if (composite[i]) continue;
      count++;
      sum += i;
      if ((uint64_t)i * i > limit) continue;
      for (uint32_t j = i * i; j <= limit; j += i) composite[j] = 1;
    }
    h = (h ^ count) * 0x100000001b3ull;
    h = (h ^ sum) * 0x100000001b3ull;
  }
  printf("checksum: %llu\n", (unsigned long long)h);
  return 0;
}
