// Workload "quicksort": an own quicksort (median of three, insertion sort for small
// ranges) of xorshift-generated arrays, verified sorted.
// Usage: quicksort [SCALE]   (default 100; the work grows linearly with SCALE)
// Prints exactly one line:  checksum: <u64>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define N 30000

static uint32_t data[N];

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t next_rand(void) {
  uint64_t x = rng_state;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return rng_state = x;
}

static void insertion_sort(uint32_t* a, long n) {
  for (long i = 1; i < n; i++) {
    uint32_t v = a[i];
    long j = i - 1;
    while (j >= 0 && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

static void swap(uint32_t* a, uint32_t* b) {
  uint32_t t = *a;
  *a = *b;
  *b = t;
}

static void quicksort(uint32_t* a, long n) {
  while (n > 16) {
    long mid = n / 2;
    if (a[mid] < a[0]) swap(&a[mid], &a[0]);
    if (a[n - 1] < a[0]) swap(&a[n - 1], &a[0]);
    if (a[n - 1] < a[mid]) swap(&a[n - 1], &a[mid]);
    uint32_t pivot = a[mid];
    long i = 0, j = n - 1;
    for (;;) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i >= j) break;
      swap(&a[i], &a[j]);
      i++;
      j--;
    }
    // Recurse into the smaller side, loop on the larger one.
    long left = j + 1;
    if (left < n - left) {
      quicksort(a, left);
      a += left;
      n -= left;
    } else {
      quicksort(a + left, n - left);
      n = left;
    }
  }
  insertion_sort(a, n);
}

int main(int argc, char** argv) {
  long scale = argc > 1 ? atol(argv[1]) : 100;
  uint64_t h = 0xcbf29ce484222325ull;
  for (long r = 0; r < scale; r++) {
    // Every fourth round uses a small key range (many duplicates).
    uint32_t mask = r % 4 == 3 ? 0xff : 0xffffffffu;
    for (long i = 0; i < N; i++) data[i] = (uint32_t)(next_rand() >> 16) & mask;
    quicksort(data, N);
    for (long i = 1; i < N; i++)
      if (data[i - 1] > data[i]) {
        fprintf(stderr, "quicksort: not sorted at %ld\n", i);
        return 1;
      }
    h = (h ^ data[r % N]) * 0x100000001b3ull;
    h = (h ^ data[N / 2]) * 0x100000001b3ull;
  }
  printf("checksum: %llu\n", (unsigned long long)h);
  return 0;
}
