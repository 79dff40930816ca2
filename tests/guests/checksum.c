// A deterministic workload: a prime sieve, an xorshift PRNG array sorted with qsort,
// integer hashing, a little double arithmetic and string formatting, folded into one
// 64-bit checksum. Built both as a wasm32-wasi guest and natively; both must print
// the same line:  checksum: <u64>
//
// Usage: checksum [SCALE]   (default 200000; the work grows about linearly with SCALE)
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t next_rand(void) {
  uint64_t x = rng_state;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  rng_state = x;
  return x;
}

// FNV-1a over the 8 bytes of v.
static uint64_t mix(uint64_t h, uint64_t v) {
  for (int i = 0; i < 8; i++) {
    h ^= (v >> (8 * i)) & 0xff;
    h *= 0x100000001b3ull;
  }
  return h;
}

static int cmp_u32(const void* a, const void* b) {
  uint32_t x = *(const uint32_t*)a, y = *(const uint32_t*)b;
  return (x > y) - (x < y);
}

static uint64_t sieve(uint32_t limit, uint64_t h) {
  uint8_t* composite = calloc(limit + 1, 1);
  uint32_t count = 0;
  uint64_t sum = 0;
  for (uint32_t i = 2; i <= limit; i++) {
    if (composite[i]) continue;
    count++;
    sum += i;
    for (uint64_t j = (uint64_t)i * i; j <= limit; j += i) composite[j] = 1;
  }
  free(composite);
  return mix(mix(h, count), sum);
}

static uint64_t sorted_array(uint32_t n, uint64_t h) {
  uint32_t* a = malloc(n * sizeof(uint32_t));
  for (uint32_t i = 0; i < n; i++) a[i] = (uint32_t)(next_rand() >> 16);
  qsort(a, n, sizeof(uint32_t), cmp_u32);
  for (uint32_t i = 0; i < n; i += 7) h = mix(h, a[i] ^ i);
  h = mix(h, a[0]);
  h = mix(h, a[n - 1]);
  free(a);
  return h;
}

static uint64_t doubles(uint32_t n, uint64_t h) {
  double acc = 0.0;
  for (uint32_t i = 1; i <= n; i++) {
    double x = (double)(next_rand() & 0xffff) / 65536.0;
    acc = acc * 0.5 + sqrt(x * i) / (1.0 + x);
  }
  uint64_t bits;
  memcpy(&bits, &acc, sizeof bits);
  return mix(h, bits);
}

static uint64_t strings(uint32_t n, uint64_t h) {
  char buf[64];
  for (uint32_t i = 0; i < n; i++) {
    int len = snprintf(buf, sizeof buf, "%u:%llx", i, (unsigned long long)next_rand());
    for (int k = 0; k < len; k++) h = (h ^ (uint8_t)buf[k]) * 0x100000001b3ull;
  }
  return h;
}

int main(int argc, char** argv) {
  uint32_t scale = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 200000;
  if (scale < 16) scale = 16;
  uint64_t h = 0xcbf29ce484222325ull;
  h = sieve(scale * 10, h);
  h = sorted_array(scale, h);
  h = doubles(scale, h);
  h = strings(scale / 4, h);
  printf("checksum: %llu\n", (unsigned long long)h);
  return 0;
}
