// The string-encoding test guest (strings.wit). ENCODING_utf8, ENCODING_utf16 or
// ENCODING_compact_utf16 says how its strings look in memory.
#include <stdint.h>
#include <stdlib.h>

#define EXPORT(name) __attribute__((export_name(name)))

typedef struct { const void* ptr; uint32_t len; } str_t;
static str_t ret;

EXPORT("cabi_realloc") void* cabi_realloc(void* old, size_t old_size, size_t align, size_t size) {
  (void)old_size;
  (void)align;
  return realloc(old, size ? size : 1);
}

EXPORT("echo") str_t* echo(const void* p, uint32_t len) {
  ret = (str_t){p, len};
  return &ret;
}

// The argument was allocated with cabi_realloc for this call: free it afterwards.
EXPORT("cabi_post_echo") void post_echo(str_t* r) { free((void*)r->ptr); }

EXPORT("units") uint32_t units(const void* p, uint32_t len) {
  (void)p;
  return len;
}

#if defined(ENCODING_utf8)
static const char made[] = "h\xc3\xa9llo \xe2\x82\xac\xf0\x9d\x84\x9e";
static const char broken[] = "ok\xc0\xaf";  // an overlong '/'
#define MADE_UNITS (sizeof made - 1)
#define BROKEN_UNITS (sizeof broken - 1)
#elif defined(ENCODING_utf16)
static const uint16_t made[] = {'h', 0xe9, 'l', 'l', 'o', ' ', 0x20ac, 0xd834, 0xdd1e};
static const uint16_t broken[] = {'o', 'k', 0xd834};  // a lone high surrogate
#define MADE_UNITS 9
#define BROKEN_UNITS 3
#else
static const uint8_t made[] = {'h', 0xe9, 'l', 'l', 'o'};  // latin-1
static const uint16_t broken[] = {'o', 'k', 0xdd1e};  // a lone low surrogate, tagged UTF-16
#define MADE_UNITS 5
#define BROKEN_UNITS (3u | 0x80000000u)
#endif

EXPORT("make") str_t* make(void) {
  ret = (str_t){made, MADE_UNITS};
  return &ret;
}

EXPORT("bad") str_t* bad(void) {
  ret = (str_t){broken, BROKEN_UNITS};
  return &ret;
}
