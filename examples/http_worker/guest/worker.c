// The http_worker example's component (worker.wit): reads API_URL from its
// environment (the entry's required wasi.env), GETs API_URL + path and POSTs a note
// to API_URL/echo through wasi:http. Waiting for a response or for body bytes
// suspends the process; its worker thread serves other processes meanwhile.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wasi_http_client.h"

#define EXPORT(name) __attribute__((export_name(name)))

WASI_IMPORT("wasi:cli/environment@0.2.0", "get-environment") void get_environment(void* ret);

EXPORT("cabi_realloc") void* cabi_realloc(void* old, size_t old_size, size_t align, size_t size) {
  (void)old_size;
  (void)align;
  return realloc(old, size ? size : 1);
}

enum { kGet = 0, kPost = 2, kBodyReadFailed = -2, kOk = -1 };

// The cases of wasi:http/types error-code, in WIT order.
static const char* const kErrorCodes[] = {
    "DNS-timeout", "DNS-error", "destination-not-found", "destination-unavailable", "destination-IP-prohibited",
    "destination-IP-unroutable", "connection-refused", "connection-terminated", "connection-timeout",
    "connection-read-timeout", "connection-write-timeout", "connection-limit-reached", "TLS-protocol-error",
    "TLS-certificate-error", "TLS-alert-received", "HTTP-request-denied", "HTTP-request-length-required",
    "HTTP-request-body-size", "HTTP-request-method-invalid", "HTTP-request-URI-invalid", "HTTP-request-URI-too-long",
    "HTTP-request-header-section-size", "HTTP-request-header-size", "HTTP-request-trailer-section-size",
    "HTTP-request-trailer-size", "HTTP-response-incomplete", "HTTP-response-header-section-size",
    "HTTP-response-header-size", "HTTP-response-body-size", "HTTP-response-trailer-section-size",
    "HTTP-response-trailer-size", "HTTP-response-transfer-coding", "HTTP-response-content-coding",
    "HTTP-response-timeout", "HTTP-upgrade-failed", "HTTP-protocol-error", "loop-detected", "configuration-error",
    "internal-error"};

static _Alignas(8) uint8_t ret[64];

// The text `run` returns, built up by say*.
static char out[2048];
static size_t out_len;
static void say(const char* text, size_t n) {
  if (out_len + n > sizeof out) n = sizeof out - out_len;
  memcpy(out + out_len, text, n);
  out_len += n;
}
static void says(const char* text) { say(text, strlen(text)); }
// v in decimal into buf; returns the length (no stdio: it would import preview1).
static size_t format_number(char buf[12], uint32_t v) {
  char tmp[12];
  size_t n = 0;
  do {
    tmp[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  for (size_t k = 0; k < n; k++) buf[k] = tmp[n - 1 - k];
  return n;
}
static void say_number(uint32_t v) {
  char buf[12];
  say(buf, format_number(buf, v));
}

// API_URL split up: http or https, the authority, and a base path without a
// trailing slash.
static struct {
  uint32_t scheme;  // the wasi:http scheme case: 0 HTTP, 1 HTTPS
  str_t authority, base;
} api;

static int starts_with(const char* s, uint32_t n, const char* prefix) {
  size_t p = strlen(prefix);
  return n >= p && memcmp(s, prefix, p) == 0;
}

// Finds API_URL and splits it; 0 (with the reason in `out`) when it cannot.
static int read_api_url(void) {
  get_environment(ret);
  str_t(*vars)[2] = *(void**)ret;
  uint32_t count = *(uint32_t*)(ret + 4);
  for (uint32_t k = 0; k < count; k++) {
    if (vars[k][0].len != 7 || memcmp(vars[k][0].ptr, "API_URL", 7) != 0) continue;
    char* url = vars[k][1].ptr;
    uint32_t len = vars[k][1].len, at;
    if (starts_with(url, len, "http://")) {
      api.scheme = 0;
      at = 7;
    } else if (starts_with(url, len, "https://")) {
      api.scheme = 1;
      at = 8;
    } else {
      says("API_URL is not an http:// or https:// URL: ");
      say(url, len);
      return 0;
    }
    uint32_t slash = at;
    while (slash < len && url[slash] != '/') slash++;
    api.authority = (str_t){url + at, slash - at};
    while (len > slash && url[len - 1] == '/') len--;
    api.base = (str_t){url + slash, len - slash};
    return 1;
  }
  says("API_URL is not set");
  return 0;
}

// The response of one request: its status and the start of its body.
static uint32_t status;
static char got[256];
static uint32_t got_len;

// METHOD API_URL+path, sending `body` (none when body_len is 0). Returns kOk, the
// error-code case that ended it, or kBodyReadFailed.
static int request(uint32_t method, const char* path, uint32_t path_len, const char* body, uint32_t body_len) {
  char target[1024];
  if (api.base.len + path_len > sizeof target) return 20;  // HTTP-request-URI-too-long
  memcpy(target, api.base.ptr, api.base.len);
  memcpy(target + api.base.len, path, path_len);
  uint32_t target_len = api.base.len + path_len;

  uint32_t headers = fields_new();
  if (body_len) {
    char len[12];
    fields_append(headers, "content-length", 14, len, (uint32_t)format_number(len, body_len), ret);
  }
  uint32_t req = request_new(headers);
  request_set_method(req, method, 0, 0);
  request_set_scheme(req, 1, api.scheme, 0, 0);
  request_set_authority(req, 1, api.authority.ptr, api.authority.len);
  request_set_path(req, 1, target, target_len);
  uint32_t out_body = 0;
  if (body_len) {
    request_body(req, ret);
    out_body = *(uint32_t*)(ret + 4);
  }
  handle(req, 0, 0, ret);
  if (ret[0]) return ret[8];
  uint32_t future = *(uint32_t*)(ret + 8);
  if (out_body) {
    out_body_write(out_body, ret);
    uint32_t stream = *(uint32_t*)(ret + 4);
    out_write(stream, body, body_len, ret);
    out_drop(stream);
    out_body_finish(out_body, 0, 0, ret);
    if (ret[0]) {
      future_drop(future);
      return ret[8];
    }
  }
  uint32_t ready = future_subscribe(future);
  pollable_block(ready);
  pollable_drop(ready);
  future_get(future, ret);
  future_drop(future);
  if (ret[16]) return ret[24];
  uint32_t response = *(uint32_t*)(ret + 24);
  status = response_status(response);
  response_consume(response, ret);
  uint32_t in_body = *(uint32_t*)(ret + 4);
  in_body_stream(in_body, ret);
  uint32_t stream = *(uint32_t*)(ret + 4);
  int outcome = kOk;
  got_len = 0;
  for (;;) {
    in_read(stream, 65536, ret);
    if (ret[0]) {
      if (ret[4] == 0) outcome = kBodyReadFailed;  // last-operation-failed; else closed: the end
      break;
    }
    uint8_t* data = *(uint8_t**)(ret + 4);
    uint32_t n = *(uint32_t*)(ret + 8);
    for (uint32_t k = 0; k < n && got_len < sizeof got; k++) got[got_len++] = (char)data[k];
    free(data);
  }
  in_drop(stream);
  trailers_drop(in_body_finish(in_body));
  response_drop(response);
  return outcome;
}

// "METHOD PATH -> STATUS "BODY"", or the failure: "METHOD API_URL+PATH: CASE".
static int report(const char* method, const char* path, uint32_t path_len, int outcome) {
  says(method);
  says(" ");
  if (outcome != kOk) {
    says(api.scheme ? "https://" : "http://");
    say(api.authority.ptr, api.authority.len);
    say(api.base.ptr, api.base.len);
    say(path, path_len);
    says(": ");
    int known = outcome >= 0 && outcome < (int)(sizeof kErrorCodes / sizeof *kErrorCodes);
    says(known ? kErrorCodes[outcome] : "reading the body failed");
    return 0;
  }
  say(path, path_len);
  says(" -> ");
  say_number(status);
  says(" \"");
  say(got, got_len);
  says("\"");
  return 1;
}

static struct {
  uint32_t is_err;
  char* ptr;
  uint32_t len;
} result;

EXPORT("run") void* run(const char* path, uint32_t path_len, const char* note, uint32_t note_len) {
  out_len = 0;
  int ok = read_api_url();
  if (ok) ok = report("GET", path, path_len, request(kGet, path, path_len, 0, 0));
  if (ok) {
    says("; ");
    ok = report("POST", "/echo", 5, request(kPost, "/echo", 5, note, note_len));
  }
  result.is_err = !ok;
  result.ptr = out;
  result.len = (uint32_t)out_len;
  return &result;
}
