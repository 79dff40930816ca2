// C declarations of the imports in wasi_http_client.wit (canonical ABI, by hand; no
// bindings generator), for wasi/tests/guests/http/probe.c and
// examples/http_worker/guest/worker.c. Results go to a return area `ret`
// (8-aligned): a result's case byte at 0 and its payload at 4 (handles, lists) or 8
// (an error-code, whose case byte is then at 8).
#pragma once

#include <stdint.h>

#define WASI_IMPORT(module, name) __attribute__((import_module(module), import_name(name)))
#define WASI_HTTP_TYPES "wasi:http/types@0.2.0"

typedef struct { char* ptr; uint32_t len; } str_t;

WASI_IMPORT(WASI_HTTP_TYPES, "[constructor]fields") uint32_t fields_new(void);
WASI_IMPORT(WASI_HTTP_TYPES, "[method]fields.append") void fields_append(uint32_t, const char*, uint32_t, const char*, uint32_t, void* ret);
WASI_IMPORT(WASI_HTTP_TYPES, "[method]fields.entries") void fields_entries(uint32_t, void* ret);
WASI_IMPORT(WASI_HTTP_TYPES, "[resource-drop]fields") void fields_drop(uint32_t);
WASI_IMPORT(WASI_HTTP_TYPES, "[constructor]outgoing-request") uint32_t request_new(uint32_t headers);
WASI_IMPORT(WASI_HTTP_TYPES, "[method]outgoing-request.body") void request_body(uint32_t, void* ret);
WASI_IMPORT(WASI_HTTP_TYPES, "[method]outgoing-request.set-method") uint32_t request_set_method(uint32_t, uint32_t, const char*, uint32_t);
WASI_IMPORT(WASI_HTTP_TYPES, "[method]outgoing-request.set-path-with-query") uint32_t request_set_path(uint32_t, uint32_t, const char*, uint32_t);
WASI_IMPORT(WASI_HTTP_TYPES, "[method]outgoing-request.set-scheme") uint32_t request_set_scheme(uint32_t, uint32_t, uint32_t, const char*, uint32_t);
WASI_IMPORT(WASI_HTTP_TYPES, "[method]outgoing-request.set-authority") uint32_t request_set_authority(uint32_t, uint32_t, const char*, uint32_t);
WASI_IMPORT(WASI_HTTP_TYPES, "[constructor]request-options") uint32_t options_new(void);
WASI_IMPORT(WASI_HTTP_TYPES, "[method]request-options.set-connect-timeout") uint32_t options_connect(uint32_t, uint32_t, uint64_t);
WASI_IMPORT(WASI_HTTP_TYPES, "[method]request-options.set-first-byte-timeout") uint32_t options_first_byte(uint32_t, uint32_t, uint64_t);
WASI_IMPORT(WASI_HTTP_TYPES, "[method]outgoing-body.write") void out_body_write(uint32_t, void* ret);
WASI_IMPORT(WASI_HTTP_TYPES, "[static]outgoing-body.finish") void out_body_finish(uint32_t, uint32_t, uint32_t, void* ret);
WASI_IMPORT(WASI_HTTP_TYPES, "[method]future-incoming-response.subscribe") uint32_t future_subscribe(uint32_t);
WASI_IMPORT(WASI_HTTP_TYPES, "[method]future-incoming-response.get") void future_get(uint32_t, void* ret);
WASI_IMPORT(WASI_HTTP_TYPES, "[resource-drop]future-incoming-response") void future_drop(uint32_t);
WASI_IMPORT(WASI_HTTP_TYPES, "[method]incoming-response.status") uint32_t response_status(uint32_t);
WASI_IMPORT(WASI_HTTP_TYPES, "[method]incoming-response.headers") uint32_t response_headers(uint32_t);
WASI_IMPORT(WASI_HTTP_TYPES, "[method]incoming-response.consume") void response_consume(uint32_t, void* ret);
WASI_IMPORT(WASI_HTTP_TYPES, "[resource-drop]incoming-response") void response_drop(uint32_t);
WASI_IMPORT(WASI_HTTP_TYPES, "[method]incoming-body.stream") void in_body_stream(uint32_t, void* ret);
WASI_IMPORT(WASI_HTTP_TYPES, "[static]incoming-body.finish") uint32_t in_body_finish(uint32_t);
WASI_IMPORT(WASI_HTTP_TYPES, "[method]future-trailers.subscribe") uint32_t trailers_subscribe(uint32_t);
WASI_IMPORT(WASI_HTTP_TYPES, "[method]future-trailers.get") void trailers_get(uint32_t, void* ret);
WASI_IMPORT(WASI_HTTP_TYPES, "[resource-drop]future-trailers") void trailers_drop(uint32_t);
WASI_IMPORT(WASI_HTTP_TYPES, "[constructor]outgoing-response") uint32_t response_new(uint32_t headers);
WASI_IMPORT(WASI_HTTP_TYPES, "http-error-code") void http_error_code(uint32_t io_error, void* ret);
WASI_IMPORT("wasi:http/outgoing-handler@0.2.0", "handle") void handle(uint32_t, uint32_t, uint32_t, void* ret);
WASI_IMPORT("wasi:io/poll@0.2.0", "[method]pollable.block") void pollable_block(uint32_t);
WASI_IMPORT("wasi:io/poll@0.2.0", "[resource-drop]pollable") void pollable_drop(uint32_t);
WASI_IMPORT("wasi:io/error@0.2.0", "[resource-drop]error") void io_error_drop(uint32_t);
WASI_IMPORT("wasi:io/streams@0.2.0", "[method]input-stream.blocking-read") void in_read(uint32_t, uint64_t, void* ret);
WASI_IMPORT("wasi:io/streams@0.2.0", "[resource-drop]input-stream") void in_drop(uint32_t);
WASI_IMPORT("wasi:io/streams@0.2.0", "[method]output-stream.blocking-write-and-flush") void out_write(uint32_t, const void*, uint32_t, void* ret);
WASI_IMPORT("wasi:io/streams@0.2.0", "[resource-drop]output-stream") void out_drop(uint32_t);
