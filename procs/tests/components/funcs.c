// The `funcs-caller` world (funcs.wit) against the canonical ABI by hand: the import
// returns its result<_, string> through a return area the host fills, allocating
// the strings with our cabi_realloc.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT(name) __attribute__((export_name(name)))
#define FUNCS_IMPORT(name) __attribute__((import_module("wippy:runtime/funcs@0.1.0"), import_name(name)))

typedef struct { char* ptr; uint32_t len; } str_t;
typedef struct { uint8_t is_err; str_t val; } res_t;  // result<string, string> and result<list<u8>, string>

FUNCS_IMPORT("call-string") void call_string(const char* t, uint32_t tn, const char* in, uint32_t inn, res_t* ret);
FUNCS_IMPORT("call-bytes") void call_bytes(const char* t, uint32_t tn, const char* in, uint32_t inn, res_t* ret);

EXPORT("cabi_realloc") void* cabi_realloc(void* old, size_t old_size, size_t align, size_t size) {
  (void)old_size;
  (void)align;  // malloc aligns to 16
  return realloc(old, size ? size : 1);
}

static str_t ret;

// "<prefix><text>" into ret.
static str_t* answer(const char* prefix, const char* text, uint32_t n) {
  size_t p = strlen(prefix);
  ret.ptr = malloc(p + n + 1);
  memcpy(ret.ptr, prefix, p);
  memcpy(ret.ptr + p, text, n);
  ret.len = (uint32_t)(p + n);
  return &ret;
}

EXPORT("call") str_t* call(char* t, uint32_t tn, char* in, uint32_t inn) {
  res_t r;
  call_string(t, tn, in, inn, &r);
  return answer(r.is_err ? "err: " : "ok: ", r.val.ptr, r.val.len);
}

// "<prefix><bytes as hex>" into ret.
static str_t* answer_hex(const char* prefix, const uint8_t* b, uint32_t n) {
  static const char digits[] = "0123456789abcdef";
  char* hex = malloc(2 * (size_t)n + 1);
  for (uint32_t i = 0; i < n; ++i) {
    hex[2 * i] = digits[b[i] >> 4];
    hex[2 * i + 1] = digits[b[i] & 15];
  }
  return answer(prefix, hex, 2 * n);
}

EXPORT("call-raw") str_t* call_raw(char* t, uint32_t tn, char* in, uint32_t inn) {
  res_t r;
  call_bytes(t, tn, in, inn, &r);
  if (r.is_err) return answer("err: ", r.val.ptr, r.val.len);
  return answer_hex("ok: ", (const uint8_t*)r.val.ptr, r.val.len);
}

EXPORT("relay") str_t* relay(char* s, uint32_t n) {
  uint32_t space = 0;
  while (space < n && s[space] != ' ') ++space;
  uint32_t rest = space < n ? space + 1 : n;
  return call(s, space, s + rest, n - rest);
}

EXPORT("shout") str_t* shout(char* s, uint32_t n) {
  for (uint32_t i = 0; i < n; ++i) {
    if (s[i] >= 'a' && s[i] <= 'z') s[i] = (char)(s[i] - 'a' + 'A');
  }
  ret = (str_t){s, n};
  return &ret;
}
