// Workload "hashmap": an open-addressing hash map (linear probing, backward-shift
// deletion) of 64-bit keys: inserts, lookups and deletes of xorshift keys.
// Usage: hashmap [SCALE]   (default 100; the work grows linearly with SCALE)
// Prints exactly one line:  checksum: <u64>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define CAP_BITS 16
#define CAP (1u << CAP_BITS)
#define MASK (CAP - 1)
#define EMPTY 0  // key 0 is never inserted

typedef struct {
  uint64_t key;
  uint64_t value;
} Slot;

static Slot table[CAP];
static uint32_t count;

static inline uint32_t slot_of(uint64_t key) {
  return (uint32_t)((key * 0x9e3779b97f4a7c15ull) >> (64 - CAP_BITS));
}

// Inserts or updates; returns 1 if the key was new.
static int put(uint64_t key, uint64_t value) {
  uint32_t i = slot_of(key);
  for (;;) {
    if (table[i].key == key) {
      table[i].value = value;
      return 0;
    }
    if (table[i].key == EMPTY) {
      table[i].key = key;
      table[i].value = value;
      count++;
      return 1;
    }
    i = (i + 1) & MASK;
  }
}

static int get(uint64_t key, uint64_t* value) {
  for (uint32_t i = slot_of(key);; i = (i + 1) & MASK) {
    if (table[i].key == key) {
      *value = table[i].value;
      return 1;
    }
    if (table[i].key == EMPTY) return 0;
  }
}

static int del(uint64_t key) {
  uint32_t i = slot_of(key);
  for (;; i = (i + 1) & MASK) {
    if (table[i].key == EMPTY) return 0;
    if (table[i].key == key) break;
  }
  // Backward-shift deletion: move later entries of the cluster into the hole.
  uint32_t hole = i;
  for (uint32_t j = (i + 1) & MASK; table[j].key != EMPTY; j = (j + 1) & MASK) {
    uint32_t home = slot_of(table[j].key);
    // The entry at j may move to the hole if its home is not in (hole, j].
    if (((j - home) & MASK) >= ((j - hole) & MASK)) {
      table[hole] = table[j];
      hole = j;
    }
  }
  table[hole].key = EMPTY;
  table[hole].value = 0;
  count--;
  return 1;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t next_rand(void) {
  uint64_t x = rng_state;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return rng_state = x;
}

int main(int argc, char** argv) {
  long scale = argc > 1 ? atol(argv[1]) : 100;
  uint64_t h = 0xcbf29ce484222325ull;
  uint64_t hits = 0, misses = 0, deleted = 0;
  for (long r = 0; r < scale; r++) {
    for (int k = 0; k < 80000; k++) {
      // Keys come from a range of 40,000 values, so the map stays about half full
      // and operations hit existing keys often.
      uint64_t rnd = next_rand();
      uint64_t key = (rnd >> 20) % 40000 + 1;
      uint64_t v;
      switch (rnd & 3) {
        case 0:
        case 1: put(key, rnd); break;
        case 2:
          if (get(key, &v)) hits++, h = (h ^ v) * 0x100000001b3ull;
          else misses++;
          break;
        case 3: deleted += (uint64_t)del(key); break;
      }
    }
    h = (h ^ count) * 0x100000001b3ull;
  }
  h = (h ^ hits ^ misses << 20 ^ deleted << 40) * 0x100000001b3ull;
  printf("checksum: %llu\n", (unsigned long long)h);
  return 0;
}
