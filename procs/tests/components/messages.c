// The `messages` world (messages.wit) against the canonical ABI by hand: results
// that do not fit one value come back through a return area the host fills,
// allocating strings and lists with our cabi_realloc.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT(name) __attribute__((export_name(name)))
#define PROCESS_IMPORT(name) __attribute__((import_module("wippy:runtime/process@0.1.0"), import_name(name)))

typedef struct { char* ptr; uint32_t len; } str_t;
typedef struct { uint8_t is_err; uint8_t error; } send_res_t;  // result<_, send-error>
typedef struct { str_t sender, topic, payload; } message_t;
typedef struct { uint8_t is_err; union { message_t msg; uint8_t error; } val; } receive_res_t;

PROCESS_IMPORT("self") void process_self(str_t* ret);
PROCESS_IMPORT("send") void process_send(const char* to, uint32_t to_len, const char* topic, uint32_t topic_len,
                                         const char* payload, uint32_t payload_len, send_res_t* ret);
PROCESS_IMPORT("receive") void process_receive(int64_t timeout_ns, receive_res_t* ret);
PROCESS_IMPORT("register") uint32_t process_register(const char* name, uint32_t len);

EXPORT("cabi_realloc") void* cabi_realloc(void* old, size_t old_size, size_t align, size_t size) {
  (void)old_size;
  (void)align;  // malloc aligns to 16
  return realloc(old, size ? size : 1);
}

static str_t ret;

static str_t* answer(const char* text, uint32_t n) {
  ret.ptr = malloc(n + 1);
  memcpy(ret.ptr, text, n);
  ret.len = n;
  return &ret;
}

static const char* const send_errors[] = {"no-such-process", "mailbox-full"};
static const char* const receive_errors[] = {"timeout", "cancelled", "too-large"};

EXPORT("serve") str_t* serve(char* name, uint32_t name_len, int64_t timeout_ns) {
  if (name_len) process_register(name, name_len);
  uint32_t answered = 0;
  const char* end = "stopped";
  for (;;) {
    receive_res_t r;
    process_receive(timeout_ns, &r);
    if (r.is_err) {
      end = receive_errors[r.val.error];
      break;
    }
    message_t* m = &r.val.msg;
    if (m->topic.len == 4 && memcmp(m->topic.ptr, "stop", 4) == 0) break;
    for (uint32_t i = 0; i < m->payload.len; ++i) {
      char c = m->payload.ptr[i];
      if (c >= 'a' && c <= 'z') m->payload.ptr[i] = (char)(c - 32);
    }
    send_res_t s;
    process_send(m->sender.ptr, m->sender.len, "echo", 4, m->payload.ptr, m->payload.len, &s);
    if (!s.is_err) answered++;
    free(m->sender.ptr);
    free(m->topic.ptr);
    free(m->payload.ptr);
  }
  // "<answered> <end>", without stdio (it would import WASI).
  char text[64];
  char digits[10];
  uint32_t n = 0, d = 0;
  do digits[d++] = (char)('0' + answered % 10); while ((answered /= 10) != 0);
  while (d) text[n++] = digits[--d];
  text[n++] = ' ';
  for (const char* c = end; *c; ++c) text[n++] = *c;
  return answer(text, n);
}

EXPORT("whoami") str_t* whoami(void) {
  process_self(&ret);
  return &ret;
}

EXPORT("send-to") str_t* send_to(char* to, uint32_t to_len) {
  send_res_t s;
  process_send(to, to_len, "hi", 2, "x", 1, &s);
  const char* text = s.is_err ? send_errors[s.error] : "ok";
  return answer(text, (uint32_t)strlen(text));
}
