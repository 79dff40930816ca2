// Times a sleep: argv[1] milliseconds (default 100) through nanosleep, which wasi-libc
// turns into poll_oneoff with a clock subscription; then a sched_yield.
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int main(int argc, char** argv) {
  long ms = argc > 1 ? atol(argv[1]) : 100;
  long long t0 = now_ms();
  struct timespec req = {ms / 1000, (ms % 1000) * 1000000L};
  if (nanosleep(&req, NULL) != 0) return 2;
  long long took = now_ms() - t0;
  sched_yield();
  int quiet = argc > 2;
  if (!quiet) printf("slept at least %ld ms: %s\n", ms, took >= ms ? "yes" : "no");
  return took >= ms ? 0 : 1;
}
