// What deterministic mode fixes for a WASI guest: the wall clock, the monotonic
// clock across a sleep, and random bytes (random_get), printed for a trace to compare.
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static long long ns(clockid_t id) {
  struct timespec ts;
  clock_gettime(id, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(void) {
  long long wall = ns(CLOCK_REALTIME), t0 = ns(CLOCK_MONOTONIC);
  struct timespec req = {0, 3000000};  // 3 ms
  if (nanosleep(&req, NULL) != 0) return 2;
  long long slept = ns(CLOCK_MONOTONIC) - t0;
  unsigned char r[8];
  if (getentropy(r, sizeof r) != 0) return 3;
  printf("wall %lld slept %lld random", wall, slept);
  for (int i = 0; i < 8; i++) printf(" %02x", r[i]);
  printf("\n");
  return 0;
}
