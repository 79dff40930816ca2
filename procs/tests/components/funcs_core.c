// A core module (no component) that calls function entries through the core
// `wippy:runtime/funcs` imports (procs/wasm_funcs.h); its entry types `call` with
// `wit: call: func(target: string, input: string) -> string;`.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT(name) __attribute__((export_name(name)))
#define FUNCS(name) __attribute__((import_module("wippy:runtime/funcs"), import_name(name)))

typedef struct { char* ptr; uint32_t len; } str_t;

FUNCS("call_string") int32_t call_string(const char* t, uint32_t tn, const char* in, uint32_t inn);
FUNCS("call_bytes") int32_t call_bytes(const char* t, uint32_t tn, const char* in, uint32_t inn);
FUNCS("result") uint32_t result(char* buf, uint32_t cap);

EXPORT("cabi_realloc") void* cabi_realloc(void* old, size_t old_size, size_t align, size_t size) {
  (void)old_size;
  (void)align;
  return realloc(old, size ? size : 1);
}

static str_t out;

// "ok: <result>" / "err: <message>" (call_bytes: an ok result in hex); the result is
// read with no room first, as a guest that does not know its length does.
static str_t* finish(int32_t status, int hex) {
  static const char digits[] = "0123456789abcdef";
  const char* prefix = status == 0 ? "ok: " : "err: ";
  size_t p = strlen(prefix);
  uint32_t n = result(0, 0);
  char* text = malloc(n + 1);
  n = result(text, n);
  hex = hex && status == 0;
  out.len = (uint32_t)p + (hex ? 2 * n : n);
  out.ptr = malloc(out.len + 1);
  memcpy(out.ptr, prefix, p);
  for (uint32_t i = 0; i < n; ++i) {
    if (!hex) {
      out.ptr[p + i] = text[i];
      continue;
    }
    out.ptr[p + 2 * i] = digits[(uint8_t)text[i] >> 4];
    out.ptr[p + 2 * i + 1] = digits[(uint8_t)text[i] & 15];
  }
  free(text);
  return &out;
}

// call: func(target: string, input: string) -> string
EXPORT("call") str_t* call(const char* t, uint32_t tn, const char* in, uint32_t inn) {
  return finish(call_string(t, tn, in, inn), 0);
}

// call-raw: func(target: string, input: string) -> string
EXPORT("call-raw") str_t* call_raw(const char* t, uint32_t tn, const char* in, uint32_t inn) {
  return finish(call_bytes(t, tn, in, inn), 1);
}

// bad-range: func() -> string   passes a target outside memory: the call traps
EXPORT("bad-range") str_t* bad_range(void) { return finish(call_string((const char*)0xfffffff0u, 100, "", 0), 0); }
