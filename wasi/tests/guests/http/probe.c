// A wasi:http client written against the canonical ABI by hand (probe.wit and
// cmake/guest/wasi_http_client.*): one request per call of `fetch`, the response
// summed up in the returned text (http_test.cpp).
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wasi_http_client.h"

#define EXPORT(name) __attribute__((export_name(name)))

EXPORT("cabi_realloc") void* cabi_realloc(void* old, size_t old_size, size_t align, size_t size) {
  (void)old_size;
  (void)align;
  return realloc(old, size ? size : 1);
}

static _Alignas(8) uint8_t ret[64];
static char out[8192];
static size_t out_len;
static str_t result;

static void say(const char* text, size_t n) {
  if (out_len + n > sizeof out) n = sizeof out - out_len;
  memcpy(out + out_len, text, n);
  out_len += n;
}
// v in `base` (10 or 16) into buf; returns the length (no libc stdio: it would
// import wasi_snapshot_preview1).
static size_t digits(char* buf, uint64_t v, unsigned base) {
  char tmp[24];
  size_t n = 0;
  do {
    tmp[n++] = "0123456789abcdef"[v % base];
    v /= base;
  } while (v);
  for (size_t k = 0; k < n; k++) buf[k] = tmp[n - 1 - k];
  return n;
}
// `prefix`, v (hex if `hex`), `suffix`.
static void sayn(const char* prefix, uint64_t v, int hex, const char* suffix) {
  char buf[24];
  say(prefix, strlen(prefix));
  say(buf, digits(buf, v, hex ? 16 : 10));
  say(suffix, strlen(suffix));
}
static str_t* done(void) {
  result.ptr = out;
  result.len = (uint32_t)out_len;
  return &result;
}

EXPORT("respond") uint32_t respond(void) { return response_new(fields_new()); }

// After a stream call failed with last-operation-failed(error) (in ret): "WHAT error
// CASE" when http-error-code gives the error-code, else "WHAT failed".
static void say_stream_failure(const char* what) {
  uint32_t error = *(uint32_t*)(ret + 8);
  http_error_code(error, ret);
  say(what, strlen(what));
  if (ret[0]) sayn(" error ", ret[8], 0, "\n");
  else say(" failed\n", 8);
  io_error_drop(error);
}

static const char* kMethods[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"};

EXPORT("fetch") str_t* fetch(const char* method, uint32_t method_len, const char* authority, uint32_t authority_len,
                             const char* path, uint32_t path_len, const char* header, uint32_t header_len,
                             const uint8_t* body, uint32_t body_len, uint32_t content_length, uint64_t connect_ms,
                             uint64_t first_byte_ms) {
  out_len = 0;
  uint32_t headers = fields_new();
  if (header_len) {
    const char* colon = memchr(header, ':', header_len);
    uint32_t nlen = colon ? (uint32_t)(colon - header) : header_len;
    const char* value = colon ? colon + 2 : header + header_len;
    fields_append(headers, header, nlen, value, header_len - nlen - (colon ? 2 : 0), ret);
    if (ret[0]) sayn("header-error ", ret[1], 0, "\n");
  }
  if (content_length) {
    char len[24];
    fields_append(headers, "content-length", 14, len, (uint32_t)digits(len, body_len, 10), ret);
  }
  uint32_t req = request_new(headers);
  uint32_t m = 9;
  for (uint32_t k = 0; k < 9; k++) {
    if (strlen(kMethods[k]) == method_len && memcmp(kMethods[k], method, method_len) == 0) m = k;
  }
  if (request_set_method(req, m, method, method_len)) say("bad method\n", 11);
  request_set_scheme(req, 1, 0, 0, 0);
  if (request_set_authority(req, 1, authority, authority_len)) say("bad authority\n", 14);
  if (request_set_path(req, 1, path, path_len)) say("bad path\n", 9);
  uint32_t body_handle = 0;
  if (body_len || strncmp(method, "POST", method_len) == 0) {
    request_body(req, ret);
    body_handle = *(uint32_t*)(ret + 4);
  }
  uint32_t opts = 0, has_opts = connect_ms || first_byte_ms;
  if (has_opts) {
    opts = options_new();
    if (connect_ms) options_connect(opts, 1, connect_ms * 1000000ull);
    if (first_byte_ms) options_first_byte(opts, 1, first_byte_ms * 1000000ull);
  }
  handle(req, has_opts, opts, ret);
  if (ret[0]) {
    sayn("error ", ret[8], 0, "\n");
    return done();
  }
  uint32_t future = *(uint32_t*)(ret + 8);
  if (body_handle) {
    out_body_write(body_handle, ret);
    uint32_t stream = *(uint32_t*)(ret + 4);
    for (uint32_t at = 0; at < body_len; at += 4096) {
      uint32_t n = body_len - at < 4096 ? body_len - at : 4096;
      out_write(stream, body + at, n, ret);
      if (ret[0]) {
        if (ret[4] == 0) say_stream_failure("body write");
        else say("body write failed\n", 18);  // closed
        break;
      }
    }
    out_drop(stream);
    out_body_finish(body_handle, 0, 0, ret);
    if (ret[0]) sayn("finish error ", ret[8], 0, "\n");
  }
  uint32_t pollable = future_subscribe(future);
  pollable_block(pollable);
  pollable_drop(pollable);
  future_get(future, ret);
  future_drop(future);
  if (ret[0] != 1 || ret[8] != 0) return done();
  if (ret[16]) {
    sayn("error ", ret[24], 0, "\n");
    return done();
  }
  uint32_t resp = *(uint32_t*)(ret + 24);
  sayn("status ", response_status(resp), 0, "\n");
  uint32_t h = response_headers(resp);
  fields_entries(h, ret);
  struct { str_t name; str_t value; }* entries = *(void**)ret;
  uint32_t count = *(uint32_t*)(ret + 4);
  for (uint32_t k = 0; k < count; k++) {
    if (entries[k].name.len >= 2 && memcmp(entries[k].name.ptr, "x-", 2) == 0) {
      say(entries[k].name.ptr, entries[k].name.len);
      say(": ", 2);
      say(entries[k].value.ptr, entries[k].value.len);
      say("\n", 1);
    }
  }
  fields_drop(h);
  response_consume(resp, ret);
  uint32_t in_body = *(uint32_t*)(ret + 4);
  in_body_stream(in_body, ret);
  uint32_t stream = *(uint32_t*)(ret + 4);
  uint64_t total = 0, hash = 1469598103934665603ull;
  char start[200];
  size_t start_len = 0;
  for (;;) {
    in_read(stream, 65536, ret);
    if (ret[0]) {
      if (ret[4] == 0) say_stream_failure("body read");  // else closed: the end
      break;
    }
    uint8_t* data = *(uint8_t**)(ret + 4);
    uint32_t n = *(uint32_t*)(ret + 8);
    for (uint32_t k = 0; k < n; k++) {
      hash = (hash ^ data[k]) * 1099511628211ull;
      if (start_len < sizeof start) start[start_len++] = (char)data[k];
    }
    total += n;
    free(data);
  }
  in_drop(stream);
  uint32_t trailers = in_body_finish(in_body);
  uint32_t tp = trailers_subscribe(trailers);
  pollable_block(tp);
  pollable_drop(tp);
  trailers_get(trailers, ret);
  trailers_drop(trailers);
  // some(ok(ok(some(fields)))): one line per trailer
  if (ret[0] == 1 && ret[8] == 0 && ret[16] == 0 && ret[24] == 1) {
    uint32_t t = *(uint32_t*)(ret + 28);
    fields_entries(t, ret);
    struct { str_t name; str_t value; }* entries = *(void**)ret;
    uint32_t count = *(uint32_t*)(ret + 4);
    for (uint32_t k = 0; k < count; k++) {
      say("trailer ", 8);
      say(entries[k].name.ptr, entries[k].name.len);
      say(": ", 2);
      say(entries[k].value.ptr, entries[k].value.len);
      say("\n", 1);
    }
    fields_drop(t);
  } else if (ret[0] == 1 && ret[8] == 0 && ret[16] == 1) {
    sayn("trailers error ", ret[24], 0, "\n");
  }
  response_drop(resp);
  sayn("body ", total, 0, " bytes");
  sayn(" fnv ", hash, 1, "\n");
  if (total <= sizeof start) say(start, start_len);
  return done();
}
