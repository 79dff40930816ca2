// The wasi:sockets test guest (world `probe` in probe.wit), written against the
// canonical ABI by hand (no wit-bindgen): each import is declared with its flat core
// signature; results of more than one flat value come back through a return area
// laid out as the canonical ABI says (offsets noted at each struct).
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT(name) __attribute__((export_name(name)))
#define IMPORT(module, name) __attribute__((import_module(module), import_name(name)))
#define TCP(name) IMPORT("wasi:sockets/tcp@0.2.0", name)
#define STREAMS(name) IMPORT("wasi:io/streams@0.2.0", name)

typedef struct { char* ptr; uint32_t len; } str_t;

EXPORT("cabi_realloc") void* cabi_realloc(void* old, size_t old_size, size_t align, size_t size) {
  (void)old_size;
  (void)align;  // malloc aligns to 16
  return realloc(old, size ? size : 1);
}

// result<_, error-code>: tag at 0, the code at 1.
typedef struct { uint8_t is_err; uint8_t code; } res_unit_t;
// result<own<T>, error-code>: tag at 0, handle or code at 4.
typedef struct { uint8_t is_err; uint32_t val; } res_handle_t;
// result<tuple<input-stream, output-stream>, error-code>
typedef struct { uint8_t is_err; uint32_t a, b; } res_pair_t;
// result<tuple<tcp-socket, input-stream, output-stream>, error-code>
typedef struct { uint8_t is_err; uint32_t a, b, c; } res_triple_t;
// result<ip-socket-address, error-code>: ip-socket-address at 4 (case at 4, record
// at 8: port at 8, ipv4 octets at 10).
typedef struct { uint8_t is_err; uint8_t pad[3]; uint8_t addr_case; uint8_t pad2[3]; uint16_t port; uint8_t rest[26]; } res_addr_t;
// result<list<u8>, stream-error>: list (ptr, len) or stream-error (case, error) at 4.
typedef struct { uint8_t is_err; uint32_t a, b; } res_read_t;
// result<option<ip-address>, error-code>: option tag at 2, ip-address case at 4, its
// parts at 6 (u8 x4 or u16 x8).
typedef struct { uint8_t is_err; uint8_t pad; uint8_t is_some; uint8_t pad2; uint8_t addr_case; uint8_t pad3; uint8_t parts[16]; } res_next_t;

IMPORT("wasi:sockets/instance-network@0.2.0", "instance-network") uint32_t instance_network(void);
IMPORT("wasi:sockets/network@0.2.0", "[resource-drop]network") void drop_network(uint32_t);
IMPORT("wasi:sockets/tcp-create-socket@0.2.0", "create-tcp-socket") void create_tcp_socket(uint32_t family, res_handle_t* ret);
// ip-socket-address flattens to a case and 11 i32 (the IPv6 shape; IPv4 uses 5).
#define ADDR_PARAMS uint32_t, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t
TCP("[method]tcp-socket.start-bind") void start_bind(uint32_t self, uint32_t net, ADDR_PARAMS, res_unit_t* ret);
TCP("[method]tcp-socket.finish-bind") void finish_bind(uint32_t self, res_unit_t* ret);
TCP("[method]tcp-socket.start-connect") void start_connect(uint32_t self, uint32_t net, ADDR_PARAMS, res_unit_t* ret);
TCP("[method]tcp-socket.finish-connect") void finish_connect(uint32_t self, res_pair_t* ret);
TCP("[method]tcp-socket.start-listen") void start_listen(uint32_t self, res_unit_t* ret);
TCP("[method]tcp-socket.finish-listen") void finish_listen(uint32_t self, res_unit_t* ret);
TCP("[method]tcp-socket.accept") void tcp_accept(uint32_t self, res_triple_t* ret);
TCP("[method]tcp-socket.local-address") void local_address(uint32_t self, res_addr_t* ret);
TCP("[method]tcp-socket.subscribe") uint32_t tcp_subscribe(uint32_t self);
TCP("[method]tcp-socket.shutdown") void tcp_shutdown(uint32_t self, uint32_t how, res_unit_t* ret);
TCP("[resource-drop]tcp-socket") void drop_tcp(uint32_t);
IMPORT("wasi:io/poll@0.2.0", "[method]pollable.block") void pollable_block(uint32_t);
IMPORT("wasi:io/poll@0.2.0", "[resource-drop]pollable") void drop_pollable(uint32_t);
STREAMS("[method]input-stream.blocking-read") void blocking_read(uint32_t self, uint64_t len, res_read_t* ret);
STREAMS("[method]output-stream.blocking-write-and-flush") void blocking_write(uint32_t self, const void* p, uint32_t n, res_read_t* ret);
STREAMS("[resource-drop]input-stream") void drop_input(uint32_t);
STREAMS("[resource-drop]output-stream") void drop_output(uint32_t);
IMPORT("wasi:sockets/ip-name-lookup@0.2.0", "resolve-addresses") void resolve_addresses(uint32_t net, const char* p, uint32_t n, res_handle_t* ret);
IMPORT("wasi:sockets/ip-name-lookup@0.2.0", "[method]resolve-address-stream.resolve-next-address") void resolve_next(uint32_t self, res_next_t* ret);
IMPORT("wasi:sockets/ip-name-lookup@0.2.0", "[resource-drop]resolve-address-stream") void drop_resolve(uint32_t);

#define UDP(name) IMPORT("wasi:sockets/udp@0.2.0", name)
// result<u64, error-code>: the count (or the code) at 8.
typedef struct { uint8_t is_err; uint64_t val; } res_u64_t;
// outgoing-datagram: data at 0, option<ip-socket-address> at 8 (its case at 12, the
// IPv4 record at 16: port at 16, octets at 18).
typedef struct { uint8_t* data; uint32_t len; uint8_t some; uint8_t pad[3]; uint8_t addr_case; uint8_t pad2[3]; uint16_t port; uint8_t octets[4]; uint8_t rest[22]; } outgoing_t;
_Static_assert(sizeof(outgoing_t) == 44, "canonical size of outgoing-datagram");
// incoming-datagram: data at 0, ip-socket-address at 8.
typedef struct { uint8_t* data; uint32_t len; uint8_t addr[32]; } incoming_t;
IMPORT("wasi:sockets/udp-create-socket@0.2.0", "create-udp-socket") void create_udp_socket(uint32_t family, res_handle_t* ret);
UDP("[method]udp-socket.start-bind") void udp_start_bind(uint32_t self, uint32_t net, ADDR_PARAMS, res_unit_t* ret);
UDP("[method]udp-socket.finish-bind") void udp_finish_bind(uint32_t self, res_unit_t* ret);
UDP("[method]udp-socket.stream") void udp_stream(uint32_t self, uint32_t some, ADDR_PARAMS, res_pair_t* ret);
UDP("[method]incoming-datagram-stream.receive") void udp_receive(uint32_t self, uint64_t max, res_read_t* ret);
UDP("[method]incoming-datagram-stream.subscribe") uint32_t udp_in_subscribe(uint32_t self);
UDP("[method]outgoing-datagram-stream.check-send") void udp_check_send(uint32_t self, res_u64_t* ret);
UDP("[method]outgoing-datagram-stream.send") void udp_send(uint32_t self, const outgoing_t* p, uint32_t n, res_u64_t* ret);
UDP("[resource-drop]udp-socket") void drop_udp(uint32_t);
UDP("[resource-drop]incoming-datagram-stream") void drop_incoming(uint32_t);
UDP("[resource-drop]outgoing-datagram-stream") void drop_outgoing(uint32_t);

enum { WOULD_BLOCK = 8 };

static char out_buf[4096];
static size_t out_len;
static str_t out_str;

// The reply is built with these (no stdio: it would import wasi_snapshot_preview1).
static void put(const char* s, size_t n) {
  if (n > sizeof out_buf - out_len) n = sizeof out_buf - out_len;
  memcpy(out_buf + out_len, s, n);
  out_len += n;
}
static void puts_(const char* s) { put(s, strlen(s)); }
static void put_num(uint32_t v, uint32_t base) {
  char tmp[16];
  int n = 0;
  do {
    tmp[n++] = "0123456789abcdef"[v % base];
    v /= base;
  } while (v);
  while (n) put(&tmp[--n], 1);
}

static str_t* reply(void) {
  out_str = (str_t){out_buf, (uint32_t)out_len};
  out_len = 0;
  return &out_str;
}
static str_t* fail(const char* step, uint32_t code) {
  puts_("err ");
  puts_(step);
  puts_(" ");
  put_num(code, 10);
  return reply();
}

// Waits until the socket's pollable is ready (the host suspends the process).
static void wait_socket(uint32_t sock) {
  uint32_t p = tcp_subscribe(sock);
  pollable_block(p);
  drop_pollable(p);
}

// Writes all of `data`; false on a stream error.
static bool write_all(uint32_t out, const char* data, uint32_t n) {
  res_read_t r;
  blocking_write(out, data, n, &r);
  return !r.is_err;
}

// Appends what one blocking read gives to buf; -1 when the stream closed or failed.
static int read_some(uint32_t in, char* buf, size_t* len, size_t cap) {
  res_read_t r;
  blocking_read(in, cap - *len, &r);
  if (r.is_err) return -1;
  memcpy(buf + *len, (void*)(uintptr_t)r.a, r.b);
  *len += r.b;
  free((void*)(uintptr_t)r.a);
  return (int)r.b;
}

EXPORT("tcp-echo") str_t* tcp_echo(uint32_t port, const char* msg, uint32_t msg_len) {
  uint32_t net = instance_network();
  res_handle_t s;
  create_tcp_socket(0, &s);
  if (s.is_err) return fail("create", (uint8_t)s.val);
  res_unit_t r;
  start_connect(s.val, net, 0, port, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, &r);
  if (r.is_err) return fail("connect", r.code);
  res_pair_t io;
  for (;;) {
    finish_connect(s.val, &io);
    if (!io.is_err || (uint8_t)io.a != WOULD_BLOCK) break;
    wait_socket(s.val);
  }
  if (io.is_err) return fail("finish-connect", (uint8_t)io.a);
  if (!write_all(io.b, msg, msg_len)) return fail("write", 0);
  static char got[2048];
  size_t len = 0;
  while (len < msg_len && len < sizeof got) {
    if (read_some(io.a, got, &len, sizeof got) < 0) break;
  }
  puts_("ok ");
  put(got, len);
  drop_input(io.a);
  drop_output(io.b);
  drop_tcp(s.val);
  drop_network(net);
  return reply();
}

static uint32_t listener;

EXPORT("tcp-listen") str_t* tcp_listen(uint32_t port) {
  uint32_t net = instance_network();
  res_handle_t s;
  create_tcp_socket(0, &s);
  if (s.is_err) return fail("create", (uint8_t)s.val);
  res_unit_t r;
  start_bind(s.val, net, 0, port, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, &r);
  if (r.is_err) return fail("bind", r.code);
  finish_bind(s.val, &r);
  if (r.is_err) return fail("finish-bind", r.code);
  start_listen(s.val, &r);
  if (r.is_err) return fail("listen", r.code);
  finish_listen(s.val, &r);
  if (r.is_err) return fail("finish-listen", r.code);
  res_addr_t a;
  local_address(s.val, &a);
  if (a.is_err) return fail("local-address", a.addr_case);
  listener = s.val;
  drop_network(net);
  puts_("ok ");
  put_num(a.port, 10);
  return reply();
}

EXPORT("tcp-accept-echo") str_t* tcp_accept_echo(void) {
  res_triple_t c;
  for (;;) {
    tcp_accept(listener, &c);
    if (!c.is_err || (uint8_t)c.a != WOULD_BLOCK) break;
    wait_socket(listener);
  }
  if (c.is_err) return fail("accept", (uint8_t)c.a);
  static char got[2048];
  size_t len = 0;
  while (len < sizeof got && read_some(c.b, got, &len, sizeof got) >= 0) {
  }
  char upper[2048];
  for (size_t k = 0; k < len; k++) upper[k] = (char)(got[k] >= 'a' && got[k] <= 'z' ? got[k] - 32 : got[k]);
  if (!write_all(c.c, upper, (uint32_t)len)) return fail("write", 0);
  res_unit_t r;
  tcp_shutdown(c.a, 2, &r);
  puts_("ok ");
  put(got, len);
  drop_input(c.b);
  drop_output(c.c);
  drop_tcp(c.a);
  drop_tcp(listener);
  return reply();
}

EXPORT("lookup") str_t* lookup(const char* name, uint32_t name_len) {
  uint32_t net = instance_network();
  res_handle_t s;
  resolve_addresses(net, name, name_len, &s);
  if (s.is_err) return fail("lookup", (uint8_t)s.val);
  puts_("ok");
  for (;;) {
    res_next_t n;
    resolve_next(s.val, &n);
    if (n.is_err) return fail("next", n.is_some);
    if (!n.is_some) break;
    bool v4 = n.addr_case == 0;
    uint16_t* w = (uint16_t*)n.parts;
    for (int k = 0; k < (v4 ? 4 : 8); k++) {
      puts_(k == 0 ? " " : v4 ? "." : ":");
      put_num(v4 ? n.parts[k] : w[k], v4 ? 10 : 16);
    }
  }
  drop_resolve(s.val);
  drop_network(net);
  return reply();
}

EXPORT("udp-echo") str_t* udp_echo(uint32_t port, const char* msg, uint32_t msg_len) {
  uint32_t net = instance_network();
  res_handle_t s;
  create_udp_socket(0, &s);
  if (s.is_err) return fail("create", (uint8_t)s.val);
  res_unit_t r;
  udp_start_bind(s.val, net, 0, 0, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, &r);
  if (r.is_err) return fail("bind", r.code);
  udp_finish_bind(s.val, &r);
  res_pair_t io;
  udp_stream(s.val, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, &io);
  if (io.is_err) return fail("stream", (uint8_t)io.a);
  res_u64_t n;
  udp_check_send(io.b, &n);
  if (n.is_err || n.val == 0) return fail("check-send", (uint8_t)n.val);
  outgoing_t d = {.data = (uint8_t*)msg, .len = msg_len, .some = 1, .addr_case = 0, .port = (uint16_t)port,
                  .octets = {127, 0, 0, 1}};
  udp_send(io.b, &d, 1, &n);
  if (n.is_err) return fail("send", (uint8_t)n.val);
  res_read_t got;
  for (;;) {
    udp_receive(io.a, 1, &got);
    if (got.is_err || got.b > 0) break;
    uint32_t p = udp_in_subscribe(io.a);
    pollable_block(p);
    drop_pollable(p);
  }
  if (got.is_err) return fail("receive", (uint8_t)got.a);
  incoming_t* in = (incoming_t*)(uintptr_t)got.a;
  puts_("ok ");
  put((const char*)in[0].data, in[0].len);
  drop_incoming(io.a);
  drop_outgoing(io.b);
  drop_udp(s.val);
  drop_network(net);
  return reply();
}

EXPORT("bad-handle") str_t* bad_handle(void) {
  tcp_subscribe(4242);
  puts_("not trapped");
  return reply();
}

EXPORT("open-many") str_t* open_many(uint32_t n) {
  static uint32_t socks[100000];
  uint32_t k = 0;
  res_handle_t s = {0, 0};
  while (k < n && k < sizeof socks / sizeof socks[0]) {
    create_tcp_socket(0, &s);
    if (s.is_err) break;
    socks[k++] = s.val;
  }
  puts_("opened ");
  put_num(k, 10);
  if (s.is_err) {
    puts_(" err ");
    put_num((uint8_t)s.val, 10);
  }
  for (uint32_t j = 0; j < k; j++) drop_tcp(socks[j]);
  return reply();
}
