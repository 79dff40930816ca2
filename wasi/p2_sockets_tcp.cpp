// wasi:sockets/tcp and tcp-create-socket: TCP sockets as non-blocking host sockets.
// start-connect starts a non-blocking connect; finish-connect says would-block until
// the socket is writable (the guest waits on `subscribe`, which suspends the process
// through an fd readiness Pollable, never a thread). The connected socket's streams
// are host streams (SocketStream): writes are buffered so that a send the kernel
// takes only part of loses nothing. Policy: start-connect
// checks wasi.network.allow (may_connect), start-bind wasi.network.listen (may_bind).
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "wasi/p2_sockets.h"

namespace wippy::wasi::p2 {
namespace {

using Phase = TcpSocket::Phase;

std::shared_ptr<TcpSocket> self(State& st, const Args& a) { return st.tcp_sockets.get(rep_of(a.at(0))); }

// Both streams of a connected socket. Written bytes wait in `pending` (at most
// kMaxStreamBytes, so check-write reports the room left) until the kernel takes
// them: every check-write, readiness check and flush sends what it can without
// blocking. A send error fails the stream; bytes still pending when the guest drops
// the stream without a blocking-flush are dropped with it.
class SocketStream : public HostStream {
 public:
  explicit SocketStream(std::shared_ptr<Descriptor> sock) : sock_(std::move(sock)) {}

  bool ready(bool write) override {
    if (!write) return fd_ready(sock_->fd(), false);
    send_pending();
    return error_ || pending_.size() < kMaxStreamBytes;
  }
  int wait_fd(bool) override { return sock_->fd(); }

  HostRead read(size_t max) override {
    HostRead r;
    r.bytes.resize(max);
    ssize_t n = ::recv(sock_->fd(), r.bytes.data(), max, MSG_DONTWAIT);
    if (n < 0) {
      r.bytes.clear();
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) r.error = std::strerror(errno);
      return r;
    }
    r.bytes.resize(static_cast<size_t>(n));
    r.closed = n == 0 && max > 0;
    return r;
  }
  uint64_t write_room(std::optional<std::string>& error) override {
    send_pending();
    error = error_;
    return error_ ? 0 : kMaxStreamBytes - std::min<size_t>(pending_.size(), kMaxStreamBytes);
  }
  std::optional<std::string> write(std::string_view data) override {
    if (error_) return error_;
    pending_.append(data);
    send_pending();
    return std::nullopt;
  }
  bool flushed() override {
    send_pending();
    return error_ || pending_.empty();
  }

 private:
  void send_pending() {
    size_t sent = 0;
    while (sent < pending_.size() && !error_) {
      ssize_t n = ::send(sock_->fd(), pending_.data() + sent, pending_.size() - sent, MSG_DONTWAIT | MSG_NOSIGNAL);
      if (n > 0) sent += static_cast<size_t>(n);
      else if (n < 0 && errno == EINTR) continue;
      else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      else error_ = std::strerror(n < 0 ? errno : EPIPE);
    }
    pending_.erase(0, error_ ? pending_.size() : sent);
  }

  std::shared_ptr<Descriptor> sock_;
  std::string pending_;
  std::optional<std::string> error_;
};

// input-stream and output-stream of a connected socket.
std::pair<uint32_t, uint32_t> add_streams(State& st, TcpSocket& s) {
  auto stream = std::make_shared<SocketStream>(s.sock);
  s.streams_given = true;
  uint32_t in = add_host_input(st, stream);
  return {in, add_host_output(st, stream)};
}

HostReply start_bind(State& st, const Args& a) {
  std::shared_ptr<TcpSocket> s = self(st, a);
  st.networks.get(rep_of(a.at(1)));
  if (s->phase != Phase::Unbound) return {{sock_err(SockError::InvalidState)}};
  int one = 1;
  ::setsockopt(s->sock->fd(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);  // as wasmtime: quick rebinds
  if (std::optional<Value> e = bind_checked(st, *s->sock, s->v6, a.at(2))) return {{*e}};
  s->phase = Phase::BindStarted;
  return {{Value::ok()}};
}

HostReply start_connect(State& st, const Args& a) {
  std::shared_ptr<TcpSocket> s = self(st, a);
  st.networks.get(rep_of(a.at(1)));
  if (s->phase != Phase::Unbound && s->phase != Phase::Bound) return {{sock_err(SockError::InvalidState)}};
  std::optional<SocketAddress> addr = address_arg(s->v6, a.at(2));
  if (!addr || addr->port == 0 || is_unspecified(addr->ip)) return {{sock_err(SockError::InvalidArgument)}};
  if (std::optional<Value> e = check_connect(st, *addr)) return {{*e}};
  sockaddr_storage ss;
  socklen_t len = to_sockaddr(*addr, ss);
  if (::connect(s->sock->fd(), reinterpret_cast<sockaddr*>(&ss), len) != 0 && errno != EINPROGRESS) {
    // As WASI says: a bad argument fails here, what the network answered (refused,
    // unreachable...) in finish-connect, however fast it came.
    if (errno == EINVAL || errno == EAFNOSUPPORT || errno == EISCONN || errno == EALREADY) return {{err_from_errno()}};
    s->connect_errno = errno;
  }
  s->phase = Phase::ConnectStarted;
  return {{Value::ok()}};
}

HostReply finish_connect(State& st, const Args& a) {
  std::shared_ptr<TcpSocket> s = self(st, a);
  if (s->phase != Phase::ConnectStarted) return {{sock_err(SockError::NotInProgress)}};
  int err = s->connect_errno;
  if (err == 0) {
    if (!fd_ready(s->sock->fd(), true)) return {{sock_err(SockError::WouldBlock)}};
    socklen_t len = sizeof err;
    if (::getsockopt(s->sock->fd(), SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
  }
  if (err != 0) {
    s->phase = Phase::Closed;
    return {{sock_err(sock_error_from_errno(err))}};
  }
  s->phase = Phase::Connected;
  auto [in, out] = add_streams(st, *s);
  return {{Value::ok(Value::tuple({own(in), own(out)}))}};
}

HostReply start_listen(State& st, const Args& a) {
  std::shared_ptr<TcpSocket> s = self(st, a);
  if (s->phase != Phase::Bound) return {{sock_err(SockError::InvalidState)}};
  if (::listen(s->sock->fd(), static_cast<int>(std::min<uint64_t>(s->backlog, SOMAXCONN))) != 0) return {{err_from_errno()}};
  s->phase = Phase::ListenStarted;
  return {{Value::ok()}};
}

HostReply accept(State& st, const Args& a) {
  std::shared_ptr<TcpSocket> s = self(st, a);
  if (s->phase != Phase::Listening) return {{sock_err(SockError::InvalidState)}};
  if (open_sockets(st) >= socket_limit(st)) return {{sock_err(SockError::NewSocketLimit)}};
  int fd = ::accept4(s->sock->fd(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd < 0) return {{err_from_errno()}};
  auto c = std::make_shared<TcpSocket>();
  c->v6 = s->v6;
  c->sock = socket_descriptor(fd);
  c->phase = Phase::Connected;
  auto [in, out] = add_streams(st, *c);
  uint32_t rep = st.tcp_sockets.add(std::move(c));
  return {{Value::ok(Value::tuple({own(rep), own(in), own(out)}))}};
}

}  // namespace

void define_tcp_create_socket(Iface& i) {
  i.fn("create-tcp-socket", [](State& st, HostContext&, const Args& a) -> HostReply {
    bool v6 = a.at(0).bits == 1;
    if (open_sockets(st) >= socket_limit(st)) return {{sock_err(SockError::NewSocketLimit)}};
    int fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return {{err_from_errno()}};
    if (v6) {
      int one = 1;  // WASI: an IPv6 socket takes no IPv4-mapped addresses
      ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    }
    auto s = std::make_shared<TcpSocket>();
    s->v6 = v6;
    s->sock = socket_descriptor(fd);
    return {{Value::ok(own(st.tcp_sockets.add(std::move(s))))}};
  });
}

void define_tcp(Iface& i) {
  i.resource("tcp-socket", &State::tcp_sockets);
  i.fn("[method]tcp-socket.start-bind", [](State& st, HostContext&, const Args& a) { return start_bind(st, a); });
  i.fn("[method]tcp-socket.finish-bind", [](State& st, HostContext&, const Args& a) -> HostReply {
    std::shared_ptr<TcpSocket> s = self(st, a);
    if (s->phase != Phase::BindStarted) return {{sock_err(SockError::NotInProgress)}};
    s->phase = Phase::Bound;
    return {{Value::ok()}};
  });
  i.fn("[method]tcp-socket.start-connect", [](State& st, HostContext&, const Args& a) { return start_connect(st, a); });
  i.fn("[method]tcp-socket.finish-connect", [](State& st, HostContext&, const Args& a) { return finish_connect(st, a); });
  i.fn("[method]tcp-socket.start-listen", [](State& st, HostContext&, const Args& a) { return start_listen(st, a); });
  i.fn("[method]tcp-socket.finish-listen", [](State& st, HostContext&, const Args& a) -> HostReply {
    std::shared_ptr<TcpSocket> s = self(st, a);
    if (s->phase != Phase::ListenStarted) return {{sock_err(SockError::NotInProgress)}};
    s->phase = Phase::Listening;
    return {{Value::ok()}};
  });
  i.fn("[method]tcp-socket.accept", [](State& st, HostContext&, const Args& a) { return accept(st, a); });
  i.fn("[method]tcp-socket.local-address", [](State& st, HostContext&, const Args& a) -> HostReply {
    std::shared_ptr<TcpSocket> s = self(st, a);
    if (s->phase == Phase::Unbound || s->phase == Phase::Closed) return {{sock_err(SockError::InvalidState)}};
    return {{socket_address(*s->sock, false)}};
  });
  i.fn("[method]tcp-socket.remote-address", [](State& st, HostContext&, const Args& a) -> HostReply {
    std::shared_ptr<TcpSocket> s = self(st, a);
    if (s->phase != Phase::Connected) return {{sock_err(SockError::InvalidState)}};
    return {{socket_address(*s->sock, true)}};
  });
  i.fn("[method]tcp-socket.is-listening", [](State& st, HostContext&, const Args& a) -> HostReply {
    return {{Value::boolean(self(st, a)->phase == Phase::Listening)}};
  });
  i.fn("[method]tcp-socket.address-family", [](State& st, HostContext&, const Args& a) -> HostReply {
    return {{Value::enumeration(self(st, a)->v6 ? 1 : 0)}};
  });
  i.fn("[method]tcp-socket.set-listen-backlog-size", [](State& st, HostContext&, const Args& a) -> HostReply {
    std::shared_ptr<TcpSocket> s = self(st, a);
    if (a.at(1).bits == 0) return {{sock_err(SockError::InvalidArgument)}};
    s->backlog = a.at(1).bits;
    if (s->phase == Phase::Listening || s->phase == Phase::ListenStarted)
      ::listen(s->sock->fd(), static_cast<int>(std::min<uint64_t>(s->backlog, SOMAXCONN)));
    return {{Value::ok()}};
  });
  define_socket_options(i, "tcp-socket",
                        {"keep-alive-enabled", "keep-alive-idle-time", "keep-alive-interval", "keep-alive-count",
                         "hop-limit", "receive-buffer-size", "send-buffer-size"},
                        [](State& st, const Args& a) {
                          std::shared_ptr<TcpSocket> s = self(st, a);
                          return std::pair{s->sock, s->v6};
                        });
  i.fn("[method]tcp-socket.subscribe", [](State& st, HostContext&, const Args& a) -> HostReply {
    std::shared_ptr<TcpSocket> s = self(st, a);
    auto p = std::make_shared<Pollable>();
    bool failed = s->phase == Phase::ConnectStarted && s->connect_errno != 0;  // ready at once
    if ((s->phase == Phase::ConnectStarted && !failed) || s->phase == Phase::Listening) {
      p->kind = s->phase == Phase::Listening ? Pollable::Kind::Readable : Pollable::Kind::Writable;
      p->fd = s->sock->fd();
      p->keep = s->sock;
    }
    return {{own(st.pollables.add(std::move(p)))}};
  });
  i.fn("[method]tcp-socket.shutdown", [](State& st, HostContext&, const Args& a) -> HostReply {
    std::shared_ptr<TcpSocket> s = self(st, a);
    if (s->phase != Phase::Connected) return {{sock_err(SockError::InvalidState)}};
    static constexpr int kHow[] = {SHUT_RD, SHUT_WR, SHUT_RDWR};
    if (::shutdown(s->sock->fd(), kHow[std::min<uint64_t>(a.at(1).bits, 2)]) != 0) return {{err_from_errno()}};
    return {{Value::ok()}};
  });
}

}  // namespace wippy::wasi::p2
