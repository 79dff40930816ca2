// The canonical ABI test guest (world `guest` in types.wit), written against the
// canonical ABI by hand: C structs with natural alignment have the canonical
// memory layout, so the guest's view of every type is independent of the host's
// lifting and lowering code.
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT(name) __attribute__((export_name(name)))
#define IMPORT(module, name) __attribute__((import_module(module), import_name(name)))

typedef struct { char* ptr; uint32_t len; } str_t;
typedef struct { int32_t x, y; } point_t;
typedef struct { point_t* ptr; uint32_t len; } points_t;
typedef struct { str_t* ptr; uint32_t len; } strs_t;
typedef struct { uint16_t* ptr; uint32_t len; } u16s_t;
typedef struct { u16s_t* ptr; uint32_t len; } u16s_list_t;
typedef struct { uint32_t* ptr; uint32_t len; } u32s_t;
enum { CIRCLE, RECT, DOT, BIG };
typedef struct {
  uint8_t tag;
  union { float circle; point_t rect; uint64_t big; } val;
} shape_t;
typedef struct { uint8_t is_some; str_t val; } opt_str_t;
typedef struct { uint8_t is_err; union { uint32_t ok; str_t err; } val; } res_u32_str_t;
typedef struct { uint8_t a; str_t b; } pair_t;
typedef struct {
  bool flag; int8_t a8; uint8_t b8; int16_t a16; uint16_t b16; int32_t a32; uint32_t b32;
  int64_t a64; uint64_t b64; float f; double d; uint32_t c; str_t s;
  points_t pts; strs_t names; uint8_t col; uint8_t p; shape_t sh;
  opt_str_t maybe; res_u32_str_t res; pair_t pair; u16s_list_t nested;
} everything_t;
_Static_assert(sizeof(everything_t) == 144, "canonical size of `everything`");

EXPORT("cabi_realloc") void* cabi_realloc(void* old, size_t old_size, size_t align, size_t size) {
  (void)old_size;
  (void)align;  // malloc aligns to 16
  return realloc(old, size ? size : 1);
}

static str_t str(const char* s) { return (str_t){(char*)s, (uint32_t)strlen(s)}; }
static bool str_eq(str_t a, const char* b) { return a.len == strlen(b) && memcmp(a.ptr, b, a.len) == 0; }

// --- everything --------------------------------------------------------------------

static point_t pts[] = {{1, 2}, {-3, 4}};
static str_t names[3];
static uint16_t n0[] = {1, 2, 3};
static uint16_t n2[] = {65535};
static u16s_t nested[3];
static everything_t every;

EXPORT("test:types/api#make-everything") everything_t* make_everything(void) {
  names[0] = str("a");
  names[1] = str("");
  names[2] = str("\xc3\xbcn\xc3\xaf");  // "ünï"
  nested[0] = (u16s_t){n0, 3};
  nested[1] = (u16s_t){NULL, 0};
  nested[2] = (u16s_t){n2, 1};
  every = (everything_t){
      .flag = true, .a8 = -5, .b8 = 250, .a16 = -30000, .b16 = 60000, .a32 = -2000000000, .b32 = 4000000000u,
      .a64 = -9000000000000000000LL, .b64 = 18000000000000000000ULL, .f = 1.5f, .d = -2.25, .c = 0x1F600,
      .s = str("h\xc3\xa9llo w\xc3\xb6rld"), .pts = {pts, 2}, .names = {names, 3}, .col = 2, .p = 5,
      .sh = {.tag = RECT, .val.rect = {7, -8}}, .maybe = {1, str("yes")}, .res = {1, .val.err = str("bad")},
      .pair = {9, str("nine")}, .nested = {nested, 3}};
  return &every;
}

static char diff[512];
static str_t diff_result;

static void differs(const char* field) {
  strcat(diff, diff[0] ? " " : "");
  strcat(diff, field);
}

EXPORT("test:types/api#check-everything") str_t* check_everything(const everything_t* e) {
  everything_t* want = make_everything();
  diff[0] = 0;
  if (e->flag != want->flag) differs("flag");
  if (e->a8 != want->a8) differs("a8");
  if (e->b8 != want->b8) differs("b8");
  if (e->a16 != want->a16) differs("a16");
  if (e->b16 != want->b16) differs("b16");
  if (e->a32 != want->a32) differs("a32");
  if (e->b32 != want->b32) differs("b32");
  if (e->a64 != want->a64) differs("a64");
  if (e->b64 != want->b64) differs("b64");
  if (e->f != want->f) differs("f");
  if (e->d != want->d) differs("d");
  if (e->c != want->c) differs("c");
  if (!str_eq(e->s, "h\xc3\xa9llo w\xc3\xb6rld")) differs("s");
  if (e->pts.len != 2 || memcmp(e->pts.ptr, pts, sizeof pts) != 0) differs("pts");
  if (e->names.len != 3 || !str_eq(e->names.ptr[0], "a") || !str_eq(e->names.ptr[1], "") ||
      !str_eq(e->names.ptr[2], "\xc3\xbcn\xc3\xaf")) {
    differs("names");
  }
  if (e->col != 2) differs("col");
  if (e->p != 5) differs("p");
  if (e->sh.tag != RECT || e->sh.val.rect.x != 7 || e->sh.val.rect.y != -8) differs("sh");
  if (!e->maybe.is_some || !str_eq(e->maybe.val, "yes")) differs("maybe");
  if (!e->res.is_err || !str_eq(e->res.val.err, "bad")) differs("res");
  if (e->pair.a != 9 || !str_eq(e->pair.b, "nine")) differs("pair");
  if (e->nested.len != 3 || e->nested.ptr[0].len != 3 || memcmp(e->nested.ptr[0].ptr, n0, sizeof n0) != 0 ||
      e->nested.ptr[1].len != 0 || e->nested.ptr[2].len != 1 || e->nested.ptr[2].ptr[0] != 65535) {
    differs("nested");
  }
  diff_result = str(diff);
  return &diff_result;
}

EXPORT("test:types/api#echo-everything") everything_t* echo_everything(everything_t* e) { return e; }

// --- flat parameters and results ------------------------------------------------

static shape_t shape_ret;
// shape flattens to (i32 case, i64 joined{f32, i32, u64}, i32): see flatten_variant.
EXPORT("test:types/api#echo-shape") shape_t* echo_shape(uint32_t tag, uint64_t a, uint32_t b) {
  shape_ret.tag = (uint8_t)tag;
  switch (tag) {
    case CIRCLE: {
      uint32_t bits = (uint32_t)a;
      memcpy(&shape_ret.val.circle, &bits, 4);
      break;
    }
    case RECT: shape_ret.val.rect = (point_t){(int32_t)a, (int32_t)b}; break;
    case BIG: shape_ret.val.big = a; break;
    default: break;
  }
  return &shape_ret;
}

EXPORT("test:types/api#echo-char") uint32_t echo_char(uint32_t c) { return c; }

static struct { float a; double b; } floats_ret;
EXPORT("test:types/api#echo-floats") void* echo_floats(float a, double b) {
  floats_ret.a = a;
  floats_ret.b = b;
  return &floats_ret;
}

static struct { uint8_t is_some; uint32_t val; } option_ret;
EXPORT("test:types/api#echo-option") void* echo_option(uint32_t is_some, uint32_t val) {
  option_ret.is_some = (uint8_t)is_some;
  option_ret.val = val;
  return &option_ret;
}

static struct { uint8_t is_err; union { str_t ok; uint8_t err; } val; } result_ret;
EXPORT("test:types/api#echo-result") void* echo_result(uint32_t is_err, uint32_t a, uint32_t b) {
  result_ret.is_err = (uint8_t)is_err;
  if (is_err) result_ret.val.err = (uint8_t)a;
  else result_ret.val.ok = (str_t){(char*)a, b};
  return &result_ret;
}

EXPORT("test:types/api#echo-flags") uint32_t echo_flags(uint32_t p) { return p; }
EXPORT("test:types/api#echo-color") uint32_t echo_color(uint32_t c) { return c; }

static struct { int8_t a; uint8_t b; int16_t c; uint16_t d; int64_t e; uint64_t f; } ints_ret;
EXPORT("test:types/api#echo-ints") void* echo_ints(int32_t a, int32_t b, int32_t c, int32_t d, int64_t e, uint64_t f) {
  ints_ret.a = (int8_t)a;
  ints_ret.b = (uint8_t)b;
  ints_ret.c = (int16_t)c;
  ints_ret.d = (uint16_t)d;
  ints_ret.e = e;
  ints_ret.f = f;
  return &ints_ret;
}

EXPORT("test:types/api#noisy-nan") float noisy_nan(void) {
  uint32_t bits = 0xffc00001u;  // a negative NaN with a payload
  float f;
  memcpy(&f, &bits, 4);
  return f;
}

EXPORT("test:types/api#sum") uint64_t sum(const uint32_t* xs, uint32_t n) {
  uint64_t s = 0;
  for (uint32_t i = 0; i < n; ++i) s += xs[i];
  return s;
}

EXPORT("test:types/api#count-bytes") uint32_t count_bytes(const char* s, uint32_t n) {
  (void)s;
  return n;
}

static str_t greeting;
static uint32_t post_returns;
EXPORT("test:types/api#make-greeting") str_t* make_greeting(const char* name, uint32_t n) {
  char* out = malloc(n + 7);
  memcpy(out, "hello, ", 7);
  memcpy(out + 7, name, n);
  greeting = (str_t){out, n + 7};
  return &greeting;
}
EXPORT("cabi_post_test:types/api#make-greeting") void post_make_greeting(str_t* r) {
  free(r->ptr);
  ++post_returns;
}
EXPORT("test:types/api#post-returns") uint32_t get_post_returns(void) { return post_returns; }

// --- calling the host ----------------------------------------------------------------

typedef struct { uint8_t is_err; union { struct { uint32_t a; str_t b; } ok; str_t err; } val; } res_pair_t;
_Static_assert(sizeof(res_pair_t) == 16, "canonical size of result<pair, string>");

IMPORT("test:types/host", "log") void host_log(const char* msg, uint32_t n);
IMPORT("test:types/host", "combine")
void host_combine(uint32_t a, const char* b, uint32_t blen, const uint32_t* xs, uint32_t n, res_pair_t* ret);
IMPORT("test:types/host", "[constructor]blob") uint32_t blob_new(uint32_t size);
IMPORT("test:types/host", "[method]blob.size") uint32_t blob_size(uint32_t self);
IMPORT("test:types/host", "[resource-drop]blob") void blob_drop(uint32_t self);

static res_pair_t combine_ret;
EXPORT("test:types/api#call-combine")
res_pair_t* call_combine(uint32_t a, const char* b, uint32_t blen, const uint32_t* xs, uint32_t n) {
  host_log("combining", 9);
  host_combine(a, b, blen, xs, n, &combine_ret);
  return &combine_ret;  // ok(pair{a, b}) has the layout of ok(tuple<u32, string>)
}

EXPORT("test:types/api#use-blob") uint32_t use_blob(uint32_t n) {
  uint32_t h = blob_new(n);
  uint32_t size = blob_size(h);
  blob_drop(h);
  return size;
}

EXPORT("test:types/api#blob-size") uint32_t blob_size_of(uint32_t borrowed) { return blob_size(borrowed); }

// --- an exported resource ---------------------------------------------------------

IMPORT("[export]test:types/api", "[resource-new]counter") uint32_t counter_new(uint32_t rep);
static uint32_t dtor_calls;

EXPORT("test:types/api#[constructor]counter") uint32_t counter_ctor(uint32_t start) {
  uint32_t* c = malloc(4);
  *c = start;
  return counter_new((uint32_t)c);
}
EXPORT("test:types/api#[method]counter.inc") void counter_inc(uint32_t* self) { ++*self; }
EXPORT("test:types/api#[method]counter.get") uint32_t counter_get(uint32_t* self) { return *self; }
EXPORT("test:types/api#[dtor]counter") void counter_dtor(uint32_t* self) {
  free(self);
  ++dtor_calls;
}
EXPORT("test:types/api#dtor-calls") uint32_t get_dtor_calls(void) { return dtor_calls; }

// --- faults ------------------------------------------------------------------------

static str_t bad_str = {"\xff\xfe", 2};
EXPORT("test:types/api#bad-utf8") str_t* bad_utf8(void) { return &bad_str; }
static u32s_t bad_list_ret = {(uint32_t*)0xfffffff0u, 100};
EXPORT("test:types/api#bad-list") u32s_t* bad_list(void) { return &bad_list_ret; }
EXPORT("test:types/api#bad-char") uint32_t bad_char(void) { return 0xD800; }
EXPORT("test:types/api#bad-enum") uint32_t bad_enum(void) { return 7; }
EXPORT("test:types/api#bad-handle") uint32_t bad_handle(void) { return 12345; }
EXPORT("test:types/api#crash") void crash(void) { __builtin_trap(); }

EXPORT("add") int32_t add(int32_t a, int32_t b) { return a + b; }
