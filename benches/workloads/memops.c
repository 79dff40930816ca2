// Workload "memops": memory copy, fill and move heavy code, built with bulk memory
// (-mbulk-memory, as current toolchains emit it) so memcpy/memset/memmove become
// memory.copy and memory.fill: a ring of buffers copied, cleared, shifted in place
// and concatenated at many sizes, from a few bytes to tens of kilobytes.
// Usage: memops [SCALE]   (default 100; the work grows linearly with SCALE)
// Prints exactly one line:  checksum: <u64>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NBUF 16
#define BUF_SIZE (48 * 1024)
static uint8_t bufs[NBUF][BUF_SIZE];
static uint64_t rng_state = 0xda3e39cb94b95bdbull;

static uint32_t next_rand(void) {
  rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
  return (uint32_t)(rng_state >> 33);
}

// Sizes from 1 byte to BUF_SIZE/2, most of them small, as real programs copy.
static uint32_t next_size(void) {
  uint32_t r = next_rand();
  switch (r & 3) {
    case 0: return 1 + (r >> 8) % 16;
    case 1: return 1 + (r >> 8) % 256;
    case 2: return 1 + (r >> 8) % 4096;
    default: return 1 + (r >> 8) % (BUF_SIZE / 2);
  }
}

int main(int argc, char** argv) {
  long scale = argc > 1 ? atol(argv[1]) : 100;
  for (int b = 0; b < NBUF; b++)
    for (int i = 0; i < BUF_SIZE; i++) bufs[b][i] = (uint8_t)(b * 31 + i * 7);
  uint64_t h = 0xcbf29ce484222325ull;
  for (long round = 0; round < scale * 3600; round++) {
    uint32_t r = next_rand();
    uint8_t* dst = bufs[r % NBUF];
    uint8_t* src = bufs[(r >> 4) % NBUF];
    uint32_t n = next_size();
    uint32_t at = next_rand() % (BUF_SIZE - n);
    uint32_t from = next_rand() % (BUF_SIZE - n);
    switch ((r >> 8) % 4) {
      case 0: memmove(dst + at, src + from, n); break;  // src may be dst: overlapping
      case 1: memset(dst + at, (int)(r >> 16), n); break;
      case 2: memmove(dst + at, dst + from, n); break;  // shift within one buffer
      default: {
        // concatenate three pieces of other buffers
        uint32_t third = n / 3 + 1;
        for (int k = 0; k < 3 && at + third * (k + 1) <= BUF_SIZE; k++)
          memcpy(dst + at + third * k, bufs[(r + k + 1) % NBUF] + from, third);
      }
    }
    h = (h ^ dst[at] ^ ((uint64_t)dst[at + n - 1] << 8) ^ ((uint64_t)n << 16)) * 0x100000001b3ull;
  }
  for (int b = 0; b < NBUF; b++)
    for (int i = 0; i < BUF_SIZE; i += 61) h = (h ^ bufs[b][i]) * 0x100000001b3ull;
  printf("checksum: %llu\n", (unsigned long long)h);
  return 0;
}
