// A core module (no component) whose exports its entry types with `wit:`
// (procs tests): strings in and out, a list and a record through the canonical ABI.
// Built twice: with cabi_realloc, and with -DALLOC_ONLY with only `alloc(size)`.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT(name) __attribute__((export_name(name)))

typedef struct { char* ptr; uint32_t len; } str_t;
typedef struct { int32_t x; int32_t y; } point_t;

#ifdef ALLOC_ONLY
EXPORT("alloc") void* alloc(uint32_t size) { return malloc(size ? size : 1); }
#else
EXPORT("cabi_realloc") void* cabi_realloc(void* old, size_t old_size, size_t align, size_t size) {
  (void)old_size;
  (void)align;
  return realloc(old, size ? size : 1);
}
#endif

static str_t out;
static int post_returns;

// greet: func(name: string) -> string
EXPORT("greet") str_t* greet(const char* name, uint32_t n) {
  out.ptr = malloc(n + 7);
  memcpy(out.ptr, "hello, ", 7);
  memcpy(out.ptr + 7, name, n);
  out.len = n + 7;
  return &out;
}
EXPORT("cabi_post_greet") void post_greet(str_t* r) {
  free(r->ptr);
  ++post_returns;
}
EXPORT("post-returns") int32_t get_post_returns(void) { return post_returns; }

// sum: func(xs: list<s32>) -> s64
EXPORT("sum") int64_t sum(const int32_t* xs, uint32_t n) {
  int64_t s = 0;
  for (uint32_t i = 0; i < n; ++i) s += xs[i];
  return s;
}

// mid: func(a: point, b: point) -> point
static point_t mid_ret;
EXPORT("mid") point_t* mid(int32_t ax, int32_t ay, int32_t bx, int32_t by) {
  mid_ret = (point_t){(ax + bx) / 2, (ay + by) / 2};
  return &mid_ret;
}

// bad: func() -> string (not UTF-8)
static char bad[] = {(char)0xc3};
static str_t bad_ret = {bad, 1};
EXPORT("bad") str_t* bad_str(void) { return &bad_ret; }
