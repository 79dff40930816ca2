// The `users` world (users.wit), written against the canonical ABI by hand (no
// bindings generator): C structs with natural alignment have the canonical layout.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT(name) __attribute__((export_name(name)))

typedef struct { char* ptr; uint32_t len; } str_t;
typedef struct { str_t* ptr; uint32_t len; } strs_t;
typedef struct { str_t name; uint32_t age; strs_t tags; } user_t;
typedef struct { user_t* ptr; uint32_t len; } users_t;
typedef struct { uint8_t is_err; union { users_t ok; str_t err; } val; } result_t;
_Static_assert(sizeof(user_t) == 20, "canonical size of `user`");

EXPORT("cabi_realloc") void* cabi_realloc(void* old, size_t old_size, size_t align, size_t size) {
  (void)old_size;
  (void)align;  // malloc aligns to 16
  return realloc(old, size ? size : 1);
}

static str_t concat(const char* a, uint32_t an, const char* b, uint32_t bn) {
  str_t s = {malloc(an + bn + 1), an + bn};
  memcpy(s.ptr, a, an);
  memcpy(s.ptr + an, b, bn);
  return s;
}

static char message[64];

static result_t result;
EXPORT("transform-users") result_t* transform_users(user_t* users, uint32_t n, const char* suffix, uint32_t suffix_len) {
  for (uint32_t i = 0; i < n; ++i) {
    if (users[i].name.len == 0) {
      uint32_t len = 0;
      const char* text = "user ";
      memcpy(message, text, 5);
      len = 5;
      char digits[10];
      int d = 0;
      for (uint32_t k = i + 1; k; k /= 10) digits[d++] = (char)('0' + k % 10);
      while (d) message[len++] = digits[--d];
      memcpy(message + len, " has no name", 12);
      len += 12;
      result.is_err = 1;
      result.val.err = (str_t){message, len};
      return &result;
    }
  }
  // The host lowered the list into memory it allocated with cabi_realloc: the guest
  // owns it and may change it in place.
  for (uint32_t i = 0; i < n; ++i) {
    users[i].name = concat(users[i].name.ptr, users[i].name.len, suffix, suffix_len);
    users[i].age += 1;
  }
  result.is_err = 0;
  result.val.ok = (users_t){users, n};
  return &result;
}

static str_t greeting;
EXPORT("greet") str_t* greet(const char* name, uint32_t n) {
  str_t hello = concat("hello, ", 7, name, n);
  greeting = concat(hello.ptr, hello.len, "!", 1);
  free(hello.ptr);
  return &greeting;
}
