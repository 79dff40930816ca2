// wasi:io: error, streams (input-stream, output-stream) and poll. Streams are stdin,
// stdout, stderr, files (descriptor.read-via-stream and friends) and host streams
// (p2_host_stream.h: HTTP bodies, sockets), which never block. A read that
// would wait (a blocking stdin with no input, an empty pipe) returns no bytes, or,
// for the blocking-* functions, suspends until the descriptor is ready; file reads
// and writes of at least WasiContext::io_suspend_threshold bytes suspend and run off
// the guest's thread, as preview1's do.
#include <sys/stat.h>

#include <cstring>

#include "wasi/host.h"
#include "wasi/p2_host.h"

namespace wippy::wasi::p2 {
namespace {

using Clock = BlockingOp::Clock;

using IoJob = detail::IoResult;

bool is_regular(const std::shared_ptr<Descriptor>& d) { return d && !d->stream; }

// --- input-stream ---------------------------------------------------------------------

// result<list<u8>, stream-error> of a read that is done.
Value read_result(State& st, InputStream& s, const IoJob& j, uint64_t asked) {
  if (j.n < 0) return Value::err(stream_failed(st, std::strerror(j.err), errno_from_host(j.err)));
  if (j.n == 0 && asked > 0) {
    s.closed = true;
    return Value::err(stream_closed());
  }
  if (s.kind == InputStream::Kind::File && is_regular(s.file)) s.offset += static_cast<uint64_t>(j.n);
  return Value::ok(bytes_value(j.buf.data(), static_cast<size_t>(j.n)));
}

// Reads into `j.buf` (sized) from the stream's source; may block (stdin without
// readiness, a blocking device): only called where that is allowed.
void read_now(const WasiContext& ctx, const InputStream& s, IoJob& j) {
  if (s.kind == InputStream::Kind::Stdin) {
    j.n = ctx.stdin_blocks ? detail::read_available(ctx.stdin_source, ctx.stdin_fd, j.buf)
                           : ctx.stdin_source(j.buf);
    if (j.n < 0) j.err = EIO;
    return;
  }
  std::optional<uint64_t> at;
  if (is_regular(s.file)) at = s.offset;
  j.n = detail::host_read(s.file->fd(), j.buf.data(), j.buf.size(), at, j.err);
}

// A BlockingOp that ends when `w` may be ready to read (or write).
std::unique_ptr<BlockingOp> wait_host(HostWaitable& w, bool write) {
  auto op = std::make_unique<BlockingOp>();
  int fd = w.wait_fd(write);
  if (fd >= 0) op->fd_waits.push_back({fd, w.wait_fd_writes(write)});
  return op;
}

// read / blocking-read of a host stream: what is there; blocking-read with nothing
// there waits for it first.
HostReply read_host(State& st, const std::shared_ptr<InputStream>& s, uint64_t len, bool blocking) {
  auto result = [state = &st, s, len] {
    HostRead r = s->host->read(len);
    if (r.error) return Value::err(stream_failed(*state, *r.error, std::nullopt, s->host->error_cause()));
    if (r.bytes.empty() && r.closed) {
      s->closed = true;
      return Value::err(stream_closed());
    }
    return Value::ok(bytes_value(reinterpret_cast<const uint8_t*>(r.bytes.data()), r.bytes.size()));
  };
  if (!blocking || len == 0 || s->host->ready(false)) return {{result()}};
  return suspend_on(wait_host(*s->host, false), [result] { return std::vector<Value>{result()}; });
}

// read / blocking-read: at most `len` bytes (kMaxStreamBytes).
HostReply read(State& st, HostContext& ctx, const Args& a, bool blocking) {
  std::shared_ptr<InputStream> s = st.inputs.get(rep_of(a.at(0)));
  uint64_t len = std::min<uint64_t>(a.at(1).bits, kMaxStreamBytes);
  if (!charge_bytes(ctx, len)) return no_fuel();
  if (s->closed || (s->kind == InputStream::Kind::Stdin && !st.ctx.stdin_source)) {
    s->closed = true;
    return {{Value::err(stream_closed())}};
  }
  if (s->kind == InputStream::Kind::Host) return read_host(st, s, len, blocking);
  auto j = std::make_shared<IoJob>();
  j->buf.resize(len);
  if (len == 0) return {{read_result(st, *s, *j, 0)}};
  State* state = &st;
  auto done = [state, s, j, len] { return std::vector<Value>{read_result(*state, *s, *j, len)}; };
  // What the read waits for first, if it could block; -1: nothing (a regular file).
  int wait_fd = -1;
  bool may_block = false;
  if (s->kind == InputStream::Kind::Stdin) {
    may_block = st.ctx.stdin_blocks;
    wait_fd = st.ctx.stdin_fd;
  } else if (!is_regular(s->file)) {
    may_block = true;
    wait_fd = s->file->fd();
  }
  if (may_block && !(wait_fd >= 0 && fd_ready(wait_fd, false))) {
    // Without a descriptor to poll, readiness is unknown: even `read` waits (else a
    // guest polling it would spin, its pollable being always ready).
    if (!blocking && wait_fd >= 0) return {{Value::ok(Value::list({}))}};
    // Wait for input on the driver's side (no thread waits), then read what is there.
    auto op = std::make_unique<BlockingOp>();
    if (wait_fd >= 0) op->fd_waits.push_back({wait_fd, false});
    op->work = [ctx = &st.ctx, s, j] { read_now(*ctx, *s, *j); };
    return suspend_on(std::move(op), done);
  }
  if (s->kind == InputStream::Kind::File && is_regular(s->file) && len >= st.ctx.io_suspend_threshold) {
    auto op = std::make_unique<BlockingOp>();
    InputStream copy = *s;  // the work must not touch what the guest's thread changes
    op->work = [copy, j] {
      std::optional<uint64_t> at = copy.offset;
      j->n = detail::host_read(copy.file->fd(), j->buf.data(), j->buf.size(), at, j->err);
    };
    return suspend_on(std::move(op), done);
  }
  read_now(st.ctx, *s, *j);
  if (j->n < 0 && j->err == EAGAIN) j->n = 0, j->err = 0, len = 0;  // a pipe emptied meanwhile
  return {{read_result(st, *s, *j, len)}};
}

// skip / blocking-skip: a read whose bytes are counted, not returned.
HostReply skip(State& st, HostContext& ctx, const Args& a, bool blocking) {
  HostReply r = read(st, ctx, a, blocking);
  auto count = [](std::vector<Value> v) {
    Value& res = v.at(0);
    if (res.case_index() == 0) res = Value::ok(u64(res.payload()->items.size()));
    return v;
  };
  if (!r.suspend) {
    if (!r.values.empty()) r.values = count(std::move(r.values));
    return r;
  }
  return HostReply::suspended([inner = std::move(r.suspend), count](component::LowerResults lower) {
    return inner([lower, count](const std::vector<Value>& v) { return lower(count(v)); });
  });
}

Pollable input_pollable(const State& st, const InputStream& s) {
  Pollable p;
  if (s.kind == InputStream::Kind::Host) {
    p.kind = Pollable::Kind::Host;
    p.host = s.host;
    return p;
  }
  if (s.kind == InputStream::Kind::Stdin && st.ctx.stdin_blocks && st.ctx.stdin_fd >= 0) {
    p.kind = Pollable::Kind::Readable;
    p.fd = st.ctx.stdin_fd;
  } else if (s.kind == InputStream::Kind::File && !is_regular(s.file)) {
    p.kind = Pollable::Kind::Readable;
    p.fd = s.file->fd();
    p.keep = s.file;
  }
  return p;
}

// --- output-stream ----------------------------------------------------------------------

Value write_result(State& st, OutputStream& s, const IoJob& j) {
  if (j.n < 0) return Value::err(stream_failed(st, std::strerror(j.err), errno_from_host(j.err)));
  if (!s.append) s.offset += static_cast<uint64_t>(j.n);
  return Value::ok();
}

// A write larger than check-write permits fails (the stream stays usable).
HostReply too_large(State& st, uint64_t n) {
  return {{Value::err(stream_failed(
      st, "write of " + std::to_string(n) + " bytes is more than the check-write permit of " + std::to_string(kMaxStreamBytes)))}};
}

// The check-write permit of a host stream, or its failure.
std::optional<uint64_t> host_room(State& st, HostStream& h, Value& failure) {
  std::optional<std::string> error;
  uint64_t room = std::min(h.write_room(error), kMaxStreamBytes);
  if (!error) return room;
  failure = Value::err(stream_failed(st, *error, std::nullopt, h.error_cause()));
  return std::nullopt;
}

// write / blocking-write-and-flush of a host stream. `write` takes at most the
// check-write permit; the blocking one waits for room, then hands over all of `data`
// (the owner's buffer may exceed its bound by this one write, at most
// kMaxStreamBytes), then waits until it is flushed.
HostReply write_host(State& st, const std::shared_ptr<OutputStream>& s, std::string data, bool blocking) {
  HostStream& h = *s->host;
  Value failure;
  std::optional<uint64_t> room = host_room(st, h, failure);
  if (!room) return {{failure}};
  auto put = [state = &st, s](const std::string& bytes) {
    std::optional<std::string> error = s->host->write(bytes);
    return error ? Value::err(stream_failed(*state, *error, std::nullopt, s->host->error_cause())) : Value::ok();
  };
  if (!blocking) {
    if (data.size() > *room) {
      return {{Value::err(stream_failed(st, "write of " + std::to_string(data.size()) +
                                                " bytes is more than the check-write permit of " + std::to_string(*room)))}};
    }
    return {{put(data)}};
  }
  if (*room > 0 || data.empty()) {
    Value v = put(data);
    if (v.case_index() != 0 || h.flushed()) return {{v}};
    return suspend_on(wait_host(h, true), [v] { return std::vector<Value>{v}; });
  }
  return suspend_on(wait_host(h, true), [state = &st, s, data, put] {
    Value failed;
    if (!host_room(*state, *s->host, failed)) return std::vector<Value>{failed};
    return std::vector<Value>{put(data)};
  });
}

// write, blocking-write-and-flush, write-zeroes...: all of `data` (at most the
// check-write permit).
HostReply write(State& st, HostContext& ctx, const Value& stream, std::string data, bool blocking) {
  std::shared_ptr<OutputStream> s = st.outputs.get(rep_of(stream));
  if (!charge_bytes(ctx, data.size())) return no_fuel();
  if (data.size() > kMaxStreamBytes) return too_large(st, data.size());
  if (s->kind == OutputStream::Kind::Host) return write_host(st, s, std::move(data), blocking);
  if (s->kind != OutputStream::Kind::File) {
    const OutputSink& sink = s->kind == OutputStream::Kind::Stdout ? st.ctx.stdout_sink : st.ctx.stderr_sink;
    if (sink && !data.empty() && !sink(data)) return {{Value::err(stream_failed(st, "write to stdio failed", Errno::Io))}};
    return {{Value::ok()}};
  }
  if (s->file->read_only) return {{Value::err(stream_failed(st, "read-only file system", Errno::Rofs))}};
  auto j = std::make_shared<IoJob>();
  j->buf.assign(data.begin(), data.end());
  std::optional<uint64_t> at;
  if (is_regular(s->file) && !s->append) at = s->offset;
  State* state = &st;
  auto done = [state, s, j] { return std::vector<Value>{write_result(*state, *s, *j)}; };
  // An append stream writes at the end of the file as it is when the write runs (the
  // host descriptor has no O_APPEND: preview1 and other streams share it).
  bool append_file = s->append && is_regular(s->file);
  auto work = [host = s->file->host, j, at, append_file] {
    std::optional<uint64_t> where = at;
    struct stat info {};
    if (append_file && ::fstat(host->get(), &info) == 0) where = static_cast<uint64_t>(info.st_size);
    j->n = detail::host_write(host->get(), j->buf.data(), j->buf.size(), where, j->err);
  };
  bool regular = is_regular(s->file);
  if ((regular && data.size() >= st.ctx.io_suspend_threshold) || (!regular && !fd_ready(s->file->fd(), true))) {
    auto op = std::make_unique<BlockingOp>();
    if (!regular) op->fd_waits.push_back({s->file->fd(), true});  // a full pipe: wait for room
    op->work = work;
    return suspend_on(std::move(op), done);
  }
  work();
  return {{write_result(st, *s, *j)}};
}

// --- pollables ------------------------------------------------------------------------

bool is_ready(const WasiContext& ctx, const Pollable& p) {
  switch (p.kind) {
    case Pollable::Kind::Ready: return true;
    case Pollable::Kind::Deadline: return monotonic_now(ctx) >= p.deadline_ns;
    case Pollable::Kind::Readable: return fd_ready(p.fd, false);
    case Pollable::Kind::Writable: return fd_ready(p.fd, true);
    case Pollable::Kind::Host: return p.host->ready(p.host_write);
  }
  return true;
}

// A BlockingOp that ends when one of `ps` (none of them ready) may be: the earliest
// deadline, or any descriptor.
std::unique_ptr<BlockingOp> wait_for(const WasiContext& ctx, const std::vector<std::shared_ptr<Pollable>>& ps) {
  auto op = std::make_unique<BlockingOp>();
  uint64_t now = monotonic_now(ctx);
  for (const auto& p : ps) {
    if (p->kind == Pollable::Kind::Deadline) {
      Clock::time_point at = ctx.now() + std::chrono::nanoseconds(p->deadline_ns > now ? p->deadline_ns - now : 0);
      if (!op->deadline || at < *op->deadline) op->deadline = at;
    } else if (p->kind == Pollable::Kind::Host) {
      int fd = p->host->wait_fd(p->host_write);
      if (fd >= 0) op->fd_waits.push_back({fd, p->host->wait_fd_writes(p->host_write)});
    } else if (p->kind != Pollable::Kind::Ready) {
      op->fd_waits.push_back({p->fd, p->kind == Pollable::Kind::Writable});
    }
  }
  return op;
}

// At most this many pollables in one poll (FD_SETSIZE, as poll_oneoff's subscriptions).
constexpr size_t kMaxPollables = 1024;

// The indices of the ready ones; after a wait that ended, every descriptor the wait
// may have ended on counts, so poll never returns an empty list.
std::vector<Value> ready_indices(const WasiContext& ctx, const std::vector<std::shared_ptr<Pollable>>& ps, bool after_wait) {
  std::vector<Value> out;
  for (size_t k = 0; k < ps.size(); k++) {
    if (is_ready(ctx, *ps[k])) out.push_back(Value::u32(static_cast<uint32_t>(k)));
  }
  if (out.empty() && after_wait) {
    for (size_t k = 0; k < ps.size(); k++) {
      if (ps[k]->kind != Pollable::Kind::Ready && ps[k]->kind != Pollable::Kind::Deadline) out.push_back(Value::u32(static_cast<uint32_t>(k)));
    }
  }
  return out;
}

void define_streams(Iface& i) {
  i.resource("input-stream", &State::inputs);
  i.resource("output-stream", &State::outputs);
  i.fn("[method]input-stream.read", [](State& st, HostContext& c, const Args& a) { return read(st, c, a, false); });
  i.fn("[method]input-stream.blocking-read", [](State& st, HostContext& c, const Args& a) { return read(st, c, a, true); });
  i.fn("[method]input-stream.skip", [](State& st, HostContext& c, const Args& a) { return skip(st, c, a, false); });
  i.fn("[method]input-stream.blocking-skip", [](State& st, HostContext& c, const Args& a) { return skip(st, c, a, true); });
  i.fn("[method]input-stream.subscribe", [](State& st, HostContext&, const Args& a) -> HostReply {
    auto p = std::make_shared<Pollable>(input_pollable(st, *st.inputs.get(rep_of(a.at(0)))));
    return {{own(st.pollables.add(std::move(p)))}};
  });
  i.fn("[method]output-stream.check-write", [](State& st, HostContext&, const Args& a) -> HostReply {
    std::shared_ptr<OutputStream> s = st.outputs.get(rep_of(a.at(0)));
    if (s->kind == OutputStream::Kind::Host) {
      Value failure;
      std::optional<uint64_t> room = host_room(st, *s->host, failure);
      return {{room ? Value::ok(u64(*room)) : failure}};
    }
    bool room = s->kind != OutputStream::Kind::File || is_regular(s->file) || fd_ready(s->file->fd(), true);
    return {{Value::ok(u64(room ? kMaxStreamBytes : 0))}};
  });
  for (bool blocking : {false, true}) {
    i.fn(blocking ? "[method]output-stream.blocking-write-and-flush" : "[method]output-stream.write",
         [blocking](State& st, HostContext& c, const Args& a) { return write(st, c, a.at(0), value_bytes(a.at(1)), blocking); });
    i.fn(blocking ? "[method]output-stream.blocking-write-zeroes-and-flush" : "[method]output-stream.write-zeroes",
         [blocking](State& st, HostContext& c, const Args& a) {
           if (a.at(1).bits > kMaxStreamBytes) return too_large(st, a.at(1).bits);
           return write(st, c, a.at(0), std::string(a.at(1).bits, '\0'), blocking);
         });
  }
  // Writes go straight to the sink or file: there is nothing to flush. A host
  // stream's blocking-flush waits until its owner sent what it buffered.
  i.fn("[method]output-stream.flush", [](State& st, HostContext&, const Args& a) -> HostReply {
    st.outputs.get(rep_of(a.at(0)));
    return {{Value::ok()}};
  });
  i.fn("[method]output-stream.blocking-flush", [](State& st, HostContext&, const Args& a) -> HostReply {
    std::shared_ptr<OutputStream> s = st.outputs.get(rep_of(a.at(0)));
    if (s->kind != OutputStream::Kind::Host || s->host->flushed()) return {{Value::ok()}};
    return suspend_on(wait_host(*s->host, true), [] { return std::vector<Value>{Value::ok()}; });
  });
  i.fn("[method]output-stream.subscribe", [](State& st, HostContext&, const Args& a) -> HostReply {
    std::shared_ptr<OutputStream> s = st.outputs.get(rep_of(a.at(0)));
    auto p = std::make_shared<Pollable>();
    if (s->kind == OutputStream::Kind::Host) {
      p->kind = Pollable::Kind::Host;
      p->host = s->host;
      p->host_write = true;
    } else if (s->kind == OutputStream::Kind::File && !is_regular(s->file)) {
      p->kind = Pollable::Kind::Writable;
      p->fd = s->file->fd();
      p->keep = s->file;
    }
    return {{own(st.pollables.add(std::move(p)))}};
  });
  // splice: what a read gives at once, written on (no suspension on either side).
  auto splice = [](State& st, HostContext& c, const Args& a) -> HostReply {
    HostReply r = read(st, c, {a.at(1), a.at(2)}, false);
    if (r.suspend || r.values.empty()) return {{Value::ok(u64(0))}};
    const Value& got = r.values[0];
    if (got.case_index() != 0) return {{got}};
    HostReply w = write(st, c, a.at(0), value_bytes(*got.payload()), false);
    if (w.suspend || w.values.empty()) return w;
    if (w.values[0].case_index() != 0) return w;
    return {{Value::ok(u64(got.payload()->items.size()))}};
  };
  i.fn("[method]output-stream.splice", splice);
  i.fn("[method]output-stream.blocking-splice", splice);
}

void define_poll(Iface& i) {
  i.resource("pollable", &State::pollables);
  i.fn("[method]pollable.ready", [](State& st, HostContext&, const Args& a) -> HostReply {
    return {{Value::boolean(is_ready(st.ctx, *st.pollables.get(rep_of(a.at(0)))))}};
  });
  i.fn("[method]pollable.block", [](State& st, HostContext&, const Args& a) -> HostReply {
    std::shared_ptr<Pollable> p = st.pollables.get(rep_of(a.at(0)));
    if (is_ready(st.ctx, *p)) return {};
    return suspend_on(wait_for(st.ctx, {p}), [] { return std::vector<Value>{}; });
  });
  i.fn("poll", [](State& st, HostContext& c, const Args& a) -> HostReply {
    const std::vector<Value>& in = a.at(0).items;
    if (in.empty()) throw CallError("poll of an empty list");
    if (in.size() > kMaxPollables) throw CallError("poll of " + std::to_string(in.size()) + " pollables (at most " + std::to_string(kMaxPollables) + ")");
    if (!charge_bytes(c, 8 * in.size())) return no_fuel();
    std::vector<std::shared_ptr<Pollable>> ps;
    for (const Value& h : in) ps.push_back(st.pollables.get(rep_of(h)));
    std::vector<Value> ready = ready_indices(st.ctx, ps, false);
    if (!ready.empty()) return {{Value::list(std::move(ready))}};
    return suspend_on(wait_for(st.ctx, ps), [ctx = &st.ctx, ps] {
      return std::vector<Value>{Value::list(ready_indices(*ctx, ps, true))};
    });
  });
}

}  // namespace

// A pollable ready at the monotonic-clock instant `at` (wasi:clocks).
uint32_t subscribe_instant(State& st, uint64_t at) {
  auto p = std::make_shared<Pollable>();
  p->kind = Pollable::Kind::Deadline;
  p->deadline_ns = at;
  return st.pollables.add(std::move(p));
}

uint32_t add_host_input(State& st, std::shared_ptr<HostStream> s) {
  auto in = std::make_shared<InputStream>();
  in->kind = InputStream::Kind::Host;
  in->host = std::move(s);
  return st.inputs.add(std::move(in));
}

uint32_t add_host_output(State& st, std::shared_ptr<HostStream> s) {
  auto out = std::make_shared<OutputStream>();
  out->kind = OutputStream::Kind::Host;
  out->host = std::move(s);
  return st.outputs.add(std::move(out));
}

uint32_t subscribe_host(State& st, std::shared_ptr<HostWaitable> w, bool write) {
  auto p = std::make_shared<Pollable>();
  p->kind = Pollable::Kind::Host;
  p->host = std::move(w);
  p->host_write = write;
  return st.pollables.add(std::move(p));
}

void define_io(Iface& i, std::string_view iface) {
  if (iface == "error") {
    i.resource("error", &State::errors);
    i.fn("[method]error.to-debug-string", [](State& st, HostContext&, const Args& a) -> HostReply {
      return {{Value::string(st.errors.get(rep_of(a.at(0)))->message)}};
    });
  } else if (iface == "streams") {
    define_streams(i);
  } else if (iface == "poll") {
    define_poll(i);
  }
}

}  // namespace wippy::wasi::p2
