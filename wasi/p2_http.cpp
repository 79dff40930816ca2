// wasi:http/types and wasi:http/outgoing-handler (the client side): fields,
// outgoing-request, request-options, outgoing-body, future-incoming-response,
// incoming-response, incoming-body, future-trailers. The transfers themselves run on
// the network thread of http_client.h; here the guest's resources are mapped onto
// them, the request is checked (method, scheme, authority, headers) and the entry's
// wasi.network policy is applied before anything is sent.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <tuple>

#include "wasi/http_client.h"
#include "wasi/p2_host.h"

namespace wippy::wasi::p2 {

using http::ErrorCode;
using http::HeaderList;
using http::Transfer;
using http::TransferRef;
using Ref = std::shared_ptr<TransferRef>;

namespace {

// header-error cases.
constexpr uint32_t kInvalidSyntax = 0, kForbidden = 1, kImmutable = 2;
// method cases (other = 9) and scheme cases (HTTP, HTTPS, other).
constexpr const char* kMethods[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"};
constexpr uint32_t kMethodOther = 9, kSchemeOther = 2;
// At most this many fields in one fields resource (each call's arguments are bounded
// by guest memory, but repeated appends are not).
constexpr size_t kMaxFields = 1024;

struct Fields {
  HeaderList entries;  // names lower-case
  bool immutable = false;
};

struct OutgoingRequest {
  std::string method = "GET";
  std::optional<std::string> scheme, authority, path;
  HeaderList headers;
  std::shared_ptr<Transfer> body;  // made by body(): the guest may write before handle()
  Ref ref;
  bool body_taken = false;
};

struct RequestOptions {
  std::optional<uint64_t> connect, first_byte, between_bytes;  // ns
};

struct OutgoingBody {
  Ref ref;
  bool stream_taken = false;
  bool finished = false;
};

struct FutureResponse {
  Ref ref;
  bool taken = false;
};

struct IncomingResponse {
  Ref ref;
  bool consumed = false;
};

struct IncomingBody {
  Ref ref;
  bool stream_taken = false;
};

struct FutureTrailers {
  Ref ref;
  bool taken = false;
};

}  // namespace

struct HttpTables {
  HandleTable<Fields> fields{"fields"};
  HandleTable<OutgoingRequest> requests{"outgoing-request"};
  HandleTable<RequestOptions> options{"request-options"};
  HandleTable<OutgoingBody> out_bodies{"outgoing-body"};
  HandleTable<FutureResponse> futures{"future-incoming-response"};
  HandleTable<IncomingResponse> responses{"incoming-response"};
  HandleTable<IncomingBody> in_bodies{"incoming-body"};
  HandleTable<FutureTrailers> trailers{"future-trailers"};
};

namespace {

HttpTables& tables(State& st) {
  if (!st.http) st.http = std::make_shared<HttpTables>();
  return *st.http;
}

// --- adapters: the transfer as streams and pollables ------------------------------------

Value error_value(const ErrorCode& e);

// The transfer's error-code, for http-error-code on a failed body read or write.
std::optional<Value> transfer_error(const Ref& ref) {
  std::optional<ErrorCode> e = ref->t->error();
  return e ? std::optional<Value>(error_value(*e)) : std::nullopt;
}

struct BodyOut : HostStream {
  Ref ref;
  explicit BodyOut(Ref r) : ref(std::move(r)) {}
  bool ready(bool) override { return ref->t->body_room_ready(); }
  int wait_fd(bool) override { return ref->t->wait_fd(Transfer::Wait::Write); }
  bool wait_fd_writes(bool) override { return false; }
  uint64_t write_room(std::optional<std::string>& e) override { return ref->t->write_room(e); }
  std::optional<std::string> write(std::string_view d) override { return ref->t->write(d); }
  bool flushed() override { return ref->t->flushed(); }
  std::optional<Value> error_cause() override { return transfer_error(ref); }
};

struct BodyIn : HostStream {
  Ref ref;
  explicit BodyIn(Ref r) : ref(std::move(r)) {}
  bool ready(bool) override { return ref->t->body_readable(); }
  int wait_fd(bool) override { return ref->t->wait_fd(Transfer::Wait::Read); }
  bool wait_fd_writes(bool) override { return false; }
  HostRead read(size_t max) override { return ref->t->read(max); }
  std::optional<Value> error_cause() override { return transfer_error(ref); }
};

struct HeadWait : HostWaitable {
  Ref ref;
  explicit HeadWait(Ref r) : ref(std::move(r)) {}
  bool ready(bool) override { return ref->t->head_ready(); }
  int wait_fd(bool) override { return ref->t->wait_fd(Transfer::Wait::Head); }
  bool wait_fd_writes(bool) override { return false; }
};

struct TrailersWait : HeadWait {
  using HeadWait::HeadWait;
  bool ready(bool) override { return ref->t->body_done(); }
  int wait_fd(bool) override { return ref->t->wait_fd(Transfer::Wait::Read); }
};

// --- values ---------------------------------------------------------------------------

Value error_value(const ErrorCode& e) {
  switch (e.code) {
    case ErrorCode::DnsError:
      return Value::variant(e.code, Value::record({e.text ? Value::some(Value::string(*e.text)) : Value::none(), Value::none()}));
    case ErrorCode::HttpRequestBodySize:
      return Value::variant(e.code, e.size ? Value::some(u64(*e.size)) : Value::none());
    case ErrorCode::HttpResponseHeaderSectionSize:
    case ErrorCode::HttpResponseTrailerSectionSize: return Value::variant(e.code, Value::none());
    case ErrorCode::InternalError:
      return Value::variant(e.code, e.text ? Value::some(Value::string(*e.text)) : Value::none());
    default: return Value::variant(e.code);
  }
}

Value header_err(uint32_t c) { return Value::err(Value::variant(c)); }

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
  });
}

bool valid_value(std::string_view v) { return v.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos; }

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// Headers the host sets itself (framing, connection management, the destination).
bool forbidden(std::string_view name) {
  static constexpr std::string_view kForbiddenNames[] = {"connection", "keep-alive",  "proxy-connection", "transfer-encoding",
                                                        "upgrade",    "host",        "http2-settings",   "te",
                                                        "proxy-authorization"};
  return std::find(std::begin(kForbiddenNames), std::end(kForbiddenNames), name) != std::end(kForbiddenNames);
}

// The header-error for setting `name` to `values`, if any.
std::optional<uint32_t> check_field(const Fields& f, std::string_view name, const std::vector<std::string>& values) {
  if (f.immutable) return kImmutable;
  if (!is_token(name)) return kInvalidSyntax;
  for (const std::string& v : values) {
    if (!valid_value(v)) return kInvalidSyntax;
  }
  if (forbidden(lower(std::string(name)))) return kForbidden;
  if (f.entries.size() + values.size() > kMaxFields) return kInvalidSyntax;
  return std::nullopt;
}

Value field_entries(const HeaderList& h) {
  std::vector<Value> out;
  for (const auto& [n, v] : h) {
    out.push_back(Value::tuple({Value::string(n), bytes_value(reinterpret_cast<const uint8_t*>(v.data()), v.size())}));
  }
  return Value::list(std::move(out));
}

uint32_t add_fields(State& st, HeaderList h, bool immutable) {
  auto f = std::make_shared<Fields>();
  f->entries = std::move(h);
  f->immutable = immutable;
  return tables(st).fields.add(std::move(f));
}

// Takes an own<T> argument out of its table (the guest gave it to the host).
template <class T>
std::shared_ptr<T> take(HandleTable<T>& table, const Value& handle) {
  std::shared_ptr<T> item = table.get(rep_of(handle));
  table.remove(static_cast<uint32_t>(rep_of(handle)));
  return item;
}

void define_fields(Iface& i) {
  auto fields = [](State& st, const Args& a) { return tables(st).fields.get(rep_of(a.at(0))); };
  i.fn("[constructor]fields", [](State& st, HostContext&, const Args&) -> HostReply { return {{own(add_fields(st, {}, false))}}; });
  i.fn("[static]fields.from-list", [](State& st, HostContext&, const Args& a) -> HostReply {
    Fields f;
    for (const Value& e : a.at(0).items) {
      std::string name = e.items.at(0).str;
      std::string value = value_bytes(e.items.at(1));
      if (std::optional<uint32_t> bad = check_field(f, name, {value})) return {{header_err(*bad)}};
      f.entries.emplace_back(lower(name), std::move(value));
    }
    return {{Value::ok(own(add_fields(st, std::move(f.entries), false)))}};
  });
  i.fn("[method]fields.get", [fields](State& st, HostContext&, const Args& a) -> HostReply {
    std::string name = lower(a.at(1).str);
    std::vector<Value> out;
    for (const auto& [n, v] : fields(st, a)->entries) {
      if (n == name) out.push_back(bytes_value(reinterpret_cast<const uint8_t*>(v.data()), v.size()));
    }
    return {{Value::list(std::move(out))}};
  });
  i.fn("[method]fields.has", [fields](State& st, HostContext&, const Args& a) -> HostReply {
    std::string name = lower(a.at(1).str);
    const HeaderList& h = fields(st, a)->entries;
    return {{Value::boolean(std::any_of(h.begin(), h.end(), [&](const auto& e) { return e.first == name; }))}};
  });
  // set, delete, append: change the fields unless they are immutable or the change is
  // invalid or forbidden.
  auto change = [fields](State& st, const Args& a, bool remove_old, std::vector<std::string> add) -> HostReply {
    std::shared_ptr<Fields> f = fields(st, a);
    std::string name = a.at(1).str;
    if (std::optional<uint32_t> bad = check_field(*f, name, add)) return {{header_err(*bad)}};
    name = lower(name);
    if (remove_old) std::erase_if(f->entries, [&](const auto& e) { return e.first == name; });
    for (std::string& v : add) f->entries.emplace_back(name, std::move(v));
    return {{Value::ok()}};
  };
  i.fn("[method]fields.set", [change](State& st, HostContext&, const Args& a) {
    std::vector<std::string> values;
    for (const Value& v : a.at(2).items) values.push_back(value_bytes(v));
    return change(st, a, true, std::move(values));
  });
  i.fn("[method]fields.delete", [change](State& st, HostContext&, const Args& a) { return change(st, a, true, {}); });
  i.fn("[method]fields.append", [change](State& st, HostContext&, const Args& a) {
    return change(st, a, false, {value_bytes(a.at(2))});
  });
  i.fn("[method]fields.entries", [fields](State& st, HostContext&, const Args& a) -> HostReply {
    return {{field_entries(fields(st, a)->entries)}};
  });
  i.fn("[method]fields.clone", [fields](State& st, HostContext&, const Args& a) -> HostReply {
    return {{own(add_fields(st, fields(st, a)->entries, false))}};
  });
  i.linker.define_resource_drop(i.name, "fields", [st = i.st](uint32_t rep) { tables(*st).fields.remove(rep); });
}

// --- outgoing-request -------------------------------------------------------------------

Value method_value(const std::string& m) {
  for (uint32_t k = 0; k < std::size(kMethods); k++) {
    if (m == kMethods[k]) return Value::variant(k);
  }
  return Value::variant(kMethodOther, Value::string(m));
}

Value optional_string(const std::optional<std::string>& s) { return s ? Value::some(Value::string(*s)) : Value::none(); }

// An authority is host[:port] (no user info, path, query or fragment, no spaces).
bool valid_authority(std::string_view a) {
  return !a.empty() && a.find_first_of("/?#@ \t\r\n") == std::string_view::npos;
}

bool valid_path(std::string_view p) {
  return p.empty() || (p[0] == '/' && std::all_of(p.begin(), p.end(), [](unsigned char c) { return c > 0x20 && c < 0x7f; }));
}

void define_request(Iface& i) {
  auto req = [](State& st, const Args& a) { return tables(st).requests.get(rep_of(a.at(0))); };
  i.fn("[constructor]outgoing-request", [](State& st, HostContext&, const Args& a) -> HostReply {
    std::shared_ptr<Fields> h = take(tables(st).fields, a.at(0));
    auto r = std::make_shared<OutgoingRequest>();
    r->headers = h->entries;
    return {{own(tables(st).requests.add(std::move(r)))}};
  });
  i.fn("[method]outgoing-request.body", [req](State& st, HostContext&, const Args& a) -> HostReply {
    std::shared_ptr<OutgoingRequest> r = req(st, a);
    if (r->body_taken) return {{Value::err()}};
    r->body_taken = true;
    r->body = std::make_shared<Transfer>(http::RequestSpec{});
    r->ref = std::make_shared<TransferRef>(r->body);
    auto b = std::make_shared<OutgoingBody>();
    b->ref = r->ref;
    return {{Value::ok(own(tables(st).out_bodies.add(std::move(b))))}};
  });
  i.fn("[method]outgoing-request.method", [req](State& st, HostContext&, const Args& a) -> HostReply {
    return {{method_value(req(st, a)->method)}};
  });
  i.fn("[method]outgoing-request.set-method", [req](State& st, HostContext&, const Args& a) -> HostReply {
    const Value& m = a.at(1);
    std::string name = m.case_index() == kMethodOther ? m.payload()->str : kMethods[std::min<uint32_t>(m.case_index(), 8)];
    if (!is_token(name)) return {{Value::err()}};
    req(st, a)->method = name;
    return {{Value::ok()}};
  });
  i.fn("[method]outgoing-request.scheme", [req](State& st, HostContext&, const Args& a) -> HostReply {
    const std::optional<std::string>& s = req(st, a)->scheme;
    if (!s) return {{Value::none()}};
    if (*s == "http") return {{Value::some(Value::variant(0))}};
    if (*s == "https") return {{Value::some(Value::variant(1))}};
    return {{Value::some(Value::variant(kSchemeOther, Value::string(*s)))}};
  });
  i.fn("[method]outgoing-request.set-scheme", [req](State& st, HostContext&, const Args& a) -> HostReply {
    const Value& s = a.at(1);
    std::optional<std::string> scheme;
    if (s.case_index() == 1) {
      const Value& v = *s.payload();
      scheme = v.case_index() == 0 ? "http" : v.case_index() == 1 ? "https" : lower(v.payload()->str);
      if (!is_token(*scheme)) return {{Value::err()}};
    }
    req(st, a)->scheme = scheme;
    return {{Value::ok()}};
  });
  // path-with-query and authority: optional strings, checked when set.
  using Text = std::optional<std::string> OutgoingRequest::*;
  const std::tuple<const char*, Text, bool (*)(std::string_view)> kTexts[] = {
      {"path-with-query", &OutgoingRequest::path, &valid_path}, {"authority", &OutgoingRequest::authority, &valid_authority}};
  for (const auto& [name, field, valid] : kTexts) {
    i.fn(std::string("[method]outgoing-request.") + name, [req, field](State& st, HostContext&, const Args& a) -> HostReply {
      return {{optional_string((*req(st, a)).*field)}};
    });
    i.fn(std::string("[method]outgoing-request.set-") + name, [req, field, valid](State& st, HostContext&, const Args& a) -> HostReply {
      const Value& v = a.at(1);
      if (v.case_index() == 1 && !valid(v.payload()->str)) return {{Value::err()}};
      (*req(st, a)).*field = v.case_index() == 1 ? std::optional<std::string>(v.payload()->str) : std::nullopt;
      return {{Value::ok()}};
    });
  }
  i.fn("[method]outgoing-request.headers", [req](State& st, HostContext&, const Args& a) -> HostReply {
    return {{own(add_fields(st, req(st, a)->headers, true))}};
  });
  i.linker.define_resource_drop(i.name, "outgoing-request", [st = i.st](uint32_t rep) { tables(*st).requests.remove(rep); });
}

void define_options(Iface& i) {
  i.fn("[constructor]request-options", [](State& st, HostContext&, const Args&) -> HostReply {
    return {{own(tables(st).options.add(std::make_shared<RequestOptions>()))}};
  });
  using Field = std::optional<uint64_t> RequestOptions::*;
  const std::pair<const char*, Field> kTimeouts[] = {{"connect-timeout", &RequestOptions::connect},
                                                     {"first-byte-timeout", &RequestOptions::first_byte},
                                                     {"between-bytes-timeout", &RequestOptions::between_bytes}};
  for (const auto& [name, field] : kTimeouts) {
    i.fn(std::string("[method]request-options.") + name, [field](State& st, HostContext&, const Args& a) -> HostReply {
      const std::optional<uint64_t>& v = (*tables(st).options.get(rep_of(a.at(0)))).*field;
      return {{v ? Value::some(u64(*v)) : Value::none()}};
    });
    i.fn(std::string("[method]request-options.set-") + name, [field](State& st, HostContext&, const Args& a) -> HostReply {
      const Value& d = a.at(1);
      (*tables(st).options.get(rep_of(a.at(0)))).*field = d.case_index() == 1 ? std::optional<uint64_t>(d.payload()->bits) : std::nullopt;
      return {{Value::ok()}};
    });
  }
  i.linker.define_resource_drop(i.name, "request-options", [st = i.st](uint32_t rep) { tables(*st).options.remove(rep); });
}

void define_bodies(Iface& i) {
  i.fn("[method]outgoing-body.write", [](State& st, HostContext&, const Args& a) -> HostReply {
    std::shared_ptr<OutgoingBody> b = tables(st).out_bodies.get(rep_of(a.at(0)));
    if (b->stream_taken) return {{Value::err()}};
    b->stream_taken = true;
    return {{Value::ok(own(add_host_output(st, std::make_shared<BodyOut>(b->ref))))}};
  });
  // Trailers are accepted and not sent (README: what is left out).
  i.fn("[static]outgoing-body.finish", [](State& st, HostContext&, const Args& a) -> HostReply {
    std::shared_ptr<OutgoingBody> b = take(tables(st).out_bodies, a.at(0));
    if (a.at(1).case_index() == 1) tables(st).fields.remove(static_cast<uint32_t>(rep_of(*a.at(1).payload())));
    b->finished = true;
    std::optional<ErrorCode> e = b->ref->t->finish_body();
    return {{e ? Value::err(error_value(*e)) : Value::ok()}};
  });
  // An outgoing-body dropped without finish: the request is incomplete and fails.
  i.linker.define_resource_drop(i.name, "outgoing-body", [st = i.st](uint32_t rep) {
    HttpTables& t = tables(*st);
    try {
      std::shared_ptr<OutgoingBody> b = t.out_bodies.get(rep);
      if (!b->finished) b->ref->t->cancel();
    } catch (const CallError&) {  // a handle the host never made: nothing to drop
    }
    t.out_bodies.remove(rep);
  });

  i.fn("[method]incoming-body.stream", [](State& st, HostContext&, const Args& a) -> HostReply {
    std::shared_ptr<IncomingBody> b = tables(st).in_bodies.get(rep_of(a.at(0)));
    if (b->stream_taken) return {{Value::err()}};
    b->stream_taken = true;
    return {{Value::ok(own(add_host_input(st, std::make_shared<BodyIn>(b->ref))))}};
  });
  i.fn("[static]incoming-body.finish", [](State& st, HostContext&, const Args& a) -> HostReply {
    std::shared_ptr<IncomingBody> b = take(tables(st).in_bodies, a.at(0));
    auto f = std::make_shared<FutureTrailers>();
    f->ref = b->ref;
    return {{own(tables(st).trailers.add(std::move(f)))}};
  });
  i.linker.define_resource_drop(i.name, "incoming-body", [st = i.st](uint32_t rep) { tables(*st).in_bodies.remove(rep); });

  i.fn("[method]future-trailers.subscribe", [](State& st, HostContext&, const Args& a) -> HostReply {
    return {{own(subscribe_host(st, std::make_shared<TrailersWait>(tables(st).trailers.get(rep_of(a.at(0)))->ref), false))}};
  });
  // The response's trailers (immutable fields) once the body has ended; none when
  // it had none.
  i.fn("[method]future-trailers.get", [](State& st, HostContext&, const Args& a) -> HostReply {
    std::shared_ptr<FutureTrailers> f = tables(st).trailers.get(rep_of(a.at(0)));
    if (!f->ref->t->body_done()) return {{Value::none()}};
    if (f->taken) return {{Value::some(Value::err())}};
    f->taken = true;
    if (std::optional<ErrorCode> e = f->ref->t->error()) return {{Value::some(Value::ok(Value::err(error_value(*e))))}};
    HeaderList trailers = f->ref->t->response_trailers();
    Value got = trailers.empty() ? Value::none() : Value::some(own(add_fields(st, std::move(trailers), true)));
    return {{Value::some(Value::ok(Value::ok(std::move(got))))}};
  });
  i.linker.define_resource_drop(i.name, "future-trailers", [st = i.st](uint32_t rep) { tables(*st).trailers.remove(rep); });
}

void define_responses(Iface& i) {
  i.fn("[method]future-incoming-response.subscribe", [](State& st, HostContext&, const Args& a) -> HostReply {
    return {{own(subscribe_host(st, std::make_shared<HeadWait>(tables(st).futures.get(rep_of(a.at(0)))->ref), false))}};
  });
  i.fn("[method]future-incoming-response.get", [](State& st, HostContext&, const Args& a) -> HostReply {
    std::shared_ptr<FutureResponse> f = tables(st).futures.get(rep_of(a.at(0)));
    Transfer& t = *f->ref->t;
    if (!t.head_ready()) return {{Value::none()}};
    if (f->taken) return {{Value::some(Value::err())}};
    f->taken = true;
    if (std::optional<std::pair<std::string, uint16_t>> d = t.take_denial()) {
      st.ctx.warn(network_denial(st.ctx.entry, d->first, d->second));
    }
    std::optional<ErrorCode> e = t.error();
    if (e && t.status() == 0) return {{Value::some(Value::ok(Value::err(error_value(*e))))}};
    auto r = std::make_shared<IncomingResponse>();
    r->ref = f->ref;
    return {{Value::some(Value::ok(Value::ok(own(tables(st).responses.add(std::move(r))))))}};
  });
  i.linker.define_resource_drop(i.name, "future-incoming-response", [st = i.st](uint32_t rep) { tables(*st).futures.remove(rep); });

  auto resp = [](State& st, const Args& a) { return tables(st).responses.get(rep_of(a.at(0))); };
  i.fn("[method]incoming-response.status", [resp](State& st, HostContext&, const Args& a) -> HostReply {
    return {{Value::u16(resp(st, a)->ref->t->status())}};
  });
  i.fn("[method]incoming-response.headers", [resp](State& st, HostContext&, const Args& a) -> HostReply {
    return {{own(add_fields(st, resp(st, a)->ref->t->response_headers(), true))}};
  });
  i.fn("[method]incoming-response.consume", [resp](State& st, HostContext&, const Args& a) -> HostReply {
    std::shared_ptr<IncomingResponse> r = resp(st, a);
    if (r->consumed) return {{Value::err()}};
    r->consumed = true;
    auto b = std::make_shared<IncomingBody>();
    b->ref = r->ref;
    return {{Value::ok(own(tables(st).in_bodies.add(std::move(b))))}};
  });
  i.linker.define_resource_drop(i.name, "incoming-response", [st = i.st](uint32_t rep) { tables(*st).responses.remove(rep); });
}

// --- outgoing-handler.handle -----------------------------------------------------------

// Splits "host:port", "[v6]:port" or "host" (port from the scheme).
std::optional<std::pair<std::string, uint16_t>> split_authority(std::string_view a, uint16_t default_port) {
  std::string_view host = a, port;
  if (!a.empty() && a[0] == '[') {
    size_t close = a.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = a.substr(1, close - 1);
    if (close + 1 < a.size()) {
      if (a[close + 1] != ':') return std::nullopt;
      port = a.substr(close + 2);
    }
  } else if (size_t colon = a.rfind(':'); colon != std::string_view::npos) {
    host = a.substr(0, colon);
    port = a.substr(colon + 1);
  }
  if (host.empty()) return std::nullopt;
  uint16_t p = default_port;
  if (!port.empty()) {
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
    if (ec != std::errc() || end != port.data() + port.size() || p == 0) return std::nullopt;
  }
  return std::make_pair(lower(std::string(host)), p);
}

Value handle_error(uint32_t code) { return Value::err(Value::variant(code)); }

HostReply handle(State& st, const Args& a) {
  HttpTables& tb = tables(st);
  std::shared_ptr<OutgoingRequest> r = take(tb.requests, a.at(0));
  std::optional<RequestOptions> opts;
  if (a.at(1).case_index() == 1) opts = *take(tb.options, *a.at(1).payload());
  http::RequestSpec spec;
  spec.method = r->method;
  spec.scheme = r->scheme.value_or("https");
  if (spec.scheme != "http" && spec.scheme != "https") return {{handle_error(ErrorCode::HttpRequestUriInvalid)}};
  if (!r->authority) return {{handle_error(ErrorCode::HttpRequestUriInvalid)}};
  auto hp = split_authority(*r->authority, spec.scheme == "https" ? 443 : 80);
  if (!hp) return {{handle_error(ErrorCode::HttpRequestUriInvalid)}};
  spec.authority = *r->authority;
  spec.host = hp->first;
  spec.port = hp->second;
  spec.path_with_query = r->path.value_or("/");
  spec.headers = r->headers;
  for (const auto& [n, v] : spec.headers) {
    if (n != "content-length") continue;
    uint64_t len = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), len);
    if (ec != std::errc() || end != v.data() + v.size()) return {{handle_error(ErrorCode::HttpRequestBodySize)}};
    spec.content_length = len;
  }
  if (opts) {
    auto ns = [](std::optional<uint64_t> v) { return v ? std::optional<std::chrono::nanoseconds>(std::chrono::nanoseconds(*v)) : std::nullopt; };
    spec.connect_timeout = ns(opts->connect);
    spec.first_byte_timeout = ns(opts->first_byte);
    spec.between_bytes_timeout = ns(opts->between_bytes);
  }
  if (!st.ctx.network.may_resolve(spec.host, spec.port)) {
    st.ctx.warn(network_denial(st.ctx.entry, spec.host, spec.port));
    return {{handle_error(ErrorCode::HttpRequestDenied)}};
  }
  spec.policy = st.ctx.network;
  spec.has_body = r->body_taken;
  Ref ref = r->ref;
  if (ref) {
    ref->t->configure(std::move(spec));
  } else {
    ref = std::make_shared<TransferRef>(std::make_shared<Transfer>(std::move(spec)));
  }
  http::start(ref->t);
  auto f = std::make_shared<FutureResponse>();
  f->ref = ref;
  return {{Value::ok(own(tb.futures.add(std::move(f))))}};
}

// The server side of wasi:http/types (incoming-request, outgoing-response,
// response-outparam). Guests built for both sides import it (componentize-js does
// even with its fetch-event feature off), but this host serves no incoming-handler:
// no handle of these resources ever exists, and making one fails the call.
void define_server_side(Iface& i) {
  for (const char* f : {"[method]incoming-request.method", "[method]incoming-request.path-with-query",
                        "[method]incoming-request.scheme", "[method]incoming-request.authority",
                        "[method]incoming-request.headers", "[method]incoming-request.consume",
                        "[constructor]outgoing-response", "[method]outgoing-response.status-code",
                        "[method]outgoing-response.set-status-code", "[method]outgoing-response.headers",
                        "[method]outgoing-response.body", "[static]response-outparam.set"}) {
    i.fn(f, [name = std::string(f)](State&, HostContext&, const Args&) -> HostReply {
      throw CallError("wasi:http: `" + name + "` is not supported: this host serves no incoming requests");
    });
  }
  for (const char* r : {"incoming-request", "outgoing-response", "response-outparam"}) {
    i.linker.define_resource_drop(i.name, r, [](uint32_t) {});
  }
}

}  // namespace

void define_http(Iface& i, std::string_view iface) {
  if (iface == "types") {
    define_fields(i);
    define_request(i);
    define_options(i);
    define_bodies(i);
    define_responses(i);
    define_server_side(i);
    // The error-code behind a failed body read or write; none for other errors.
    i.fn("http-error-code", [](State& st, HostContext&, const Args& a) -> HostReply {
      std::shared_ptr<IoError> e = st.errors.get(rep_of(a.at(0)));
      return {{e->http_error ? Value::some(*e->http_error) : Value::none()}};
    });
  } else if (iface == "outgoing-handler") {
    i.fn("handle", [](State& st, HostContext&, const Args& a) { return handle(st, a); });
  }
}

}  // namespace wippy::wasi::p2
