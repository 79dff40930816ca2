// The `faults` world (faults.wit) against the canonical ABI by hand, as
// component/tests/guests/types.c does: C structs with natural alignment have the
// canonical memory layout.
#include <stdint.h>
#include <stdlib.h>

#define EXPORT(name) __attribute__((export_name(name)))

typedef struct { char* ptr; uint32_t len; } str_t;
typedef struct { str_t name; uint8_t age; } user_t;
typedef struct { user_t* ptr; uint32_t len; } users_t;
typedef struct { uint8_t is_err; union { str_t ok; uint32_t err; } val; } res_t;
typedef struct { uint32_t* ptr; uint32_t len; } u32s_t;

EXPORT("cabi_realloc") void* cabi_realloc(void* old, size_t old_size, size_t align, size_t size) {
  (void)old_size;
  (void)align;  // malloc aligns to 16
  return realloc(old, size ? size : 1);
}

EXPORT("add") int32_t add(int32_t a, int32_t b) { return a + b; }

static users_t users_ret;
EXPORT("echo-users") users_t* echo_users(user_t* users, uint32_t n) {
  users_ret = (users_t){users, n};
  return &users_ret;
}

static res_t res_ret;
EXPORT("echo-result") res_t* echo_result(uint32_t is_err, uint32_t a, uint32_t b) {
  res_ret.is_err = (uint8_t)is_err;
  if (is_err) res_ret.val.err = a;
  else res_ret.val.ok = (str_t){(char*)(uintptr_t)a, b};
  return &res_ret;
}

EXPORT("count-bytes") uint32_t count_bytes(const uint8_t* b, uint32_t n) {
  uint32_t sum = 0;
  for (uint32_t i = 0; i < n; ++i) sum += b[i];
  return sum;
}

// Busy work the optimiser cannot fold: n rounds of a xorshift.
EXPORT("spin") uint64_t spin(uint64_t n) {
  volatile uint64_t x = 88172645463325252ull;
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t y = x;
    y ^= y << 13;
    y ^= y >> 7;
    y ^= y << 17;
    x = y;
  }
  return x;
}

EXPORT("forever") void forever(void) {
  volatile uint32_t x = 0;
  for (;;) ++x;
}

EXPORT("crash") void crash(void) { __builtin_trap(); }

static char bad[] = {'o', 'k', (char)0xff, (char)0xfe};
static str_t bad_str = {bad, sizeof bad};
EXPORT("bad-utf8") str_t* bad_utf8(void) { return &bad_str; }

static u32s_t bad_list_ret = {(uint32_t*)0xfffffff0u, 100};
EXPORT("bad-list") u32s_t* bad_list(void) { return &bad_list_ret; }

EXPORT("big") uint64_t big(void) { return 18446744073709551615ull; }
