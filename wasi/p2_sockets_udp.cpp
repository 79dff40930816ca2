// wasi:sockets/udp and udp-create-socket: UDP sockets as non-blocking host sockets.
// receive and send never wait (no datagrams: an empty list; no room: would-block);
// the guest waits on the streams' pollables, which suspend the process on the
// socket's readiness. Policy: start-bind checks wasi.network.listen; `stream` with a
// remote address and every datagram sent to an address check wasi.network.allow.
#include <netinet/in.h>

#include <cerrno>

#include "wasi/p2_sockets.h"

namespace wippy::wasi::p2 {
namespace {

using Phase = UdpSocket::Phase;

// At most this many datagrams per receive or send (check-send permits as many).
constexpr uint64_t kMaxDatagrams = 64;
// The largest UDP payload (IPv4; IPv6 jumbograms are not supported).
constexpr size_t kMaxDatagramBytes = 65507;

std::shared_ptr<UdpSocket> self(State& st, const Args& a) { return st.udp_sockets.get(rep_of(a.at(0))); }

// stream(remote-address: option<ip-socket-address>): (dis)connects the socket and
// hands out a new pair of datagram streams.
HostReply stream(State& st, const Args& a) {
  std::shared_ptr<UdpSocket> s = self(st, a);
  if (s->phase != Phase::Bound) return {{sock_err(SockError::InvalidState)}};
  std::optional<SocketAddress> remote;
  if (const Value* given = a.at(1).payload()) {
    remote = address_arg(s->v6, *given);
    if (!remote || remote->port == 0 || is_unspecified(remote->ip)) return {{sock_err(SockError::InvalidArgument)}};
    if (std::optional<Value> e = check_connect(st, *remote)) return {{*e}};
    sockaddr_storage ss;
    socklen_t len = to_sockaddr(*remote, ss);
    if (::connect(s->sock->fd(), reinterpret_cast<sockaddr*>(&ss), len) != 0) return {{err_from_errno()}};
  } else {
    sockaddr none{};
    none.sa_family = AF_UNSPEC;
    ::connect(s->sock->fd(), &none, sizeof none);  // drops an earlier remote, if any
  }
  uint32_t in = st.incoming_datagrams.add(std::make_shared<DatagramStream>(DatagramStream{s, remote}));
  uint32_t out = st.outgoing_datagrams.add(std::make_shared<DatagramStream>(DatagramStream{s, remote}));
  return {{Value::ok(Value::tuple({own(in), own(out)}))}};
}

// receive(max-results): the datagrams waiting now, as list<incoming-datagram>.
HostReply receive(State& st, HostContext& ctx, const Args& a) {
  std::shared_ptr<DatagramStream> d = st.incoming_datagrams.get(rep_of(a.at(0)));
  uint64_t max = std::min(a.at(1).bits, kMaxDatagrams);
  std::vector<Value> got;
  std::vector<uint8_t> buf(kMaxDatagramBytes);
  while (got.size() < max) {
    sockaddr_storage from{};
    socklen_t len = sizeof from;
    ssize_t n = ::recvfrom(d->udp->sock->fd(), buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&from), &len);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) break;
      if (got.empty()) return {{err_from_errno()}};
      break;
    }
    if (!charge_bytes(ctx, static_cast<uint64_t>(n))) return no_fuel();
    std::optional<SocketAddress> sender = from_sockaddr(from);
    if (!sender) continue;
    got.push_back(Value::record({bytes_value(buf.data(), static_cast<size_t>(n)), socket_address_value(*sender)}));
  }
  return {{Value::ok(Value::list(std::move(got)))}};
}

// send(datagrams): sends in order; stops at the first that fails (its error if it
// is the first, else the count sent).
HostReply send(State& st, HostContext& ctx, const Args& a) {
  std::shared_ptr<DatagramStream> d = st.outgoing_datagrams.get(rep_of(a.at(0)));
  const std::vector<Value>& datagrams = a.at(1).items;
  if (datagrams.size() > kMaxDatagrams) return {{sock_err(SockError::InvalidArgument)}};
  uint64_t sent = 0;
  auto stop = [&sent](Value e) -> HostReply { return {{sent ? Value::ok(u64(sent)) : e}}; };
  for (const Value& dg : datagrams) {
    std::string data = value_bytes(dg.items.at(0));
    if (!charge_bytes(ctx, data.size())) return no_fuel();
    if (data.size() > kMaxDatagramBytes) return stop(sock_err(SockError::DatagramTooLarge));
    std::optional<SocketAddress> to = d->remote;
    if (const Value* given = dg.items.at(1).payload()) {
      std::optional<SocketAddress> addr = address_arg(d->udp->v6, *given);
      // A stream made with a remote address sends only there.
      if (!addr || addr->port == 0 || (d->remote && (addr->ip != d->remote->ip || addr->port != d->remote->port)))
        return stop(sock_err(SockError::InvalidArgument));
      if (!d->remote) {
        if (std::optional<Value> e = check_connect(st, *addr)) return stop(*e);
      }
      to = addr;
    }
    if (!to) return stop(sock_err(SockError::InvalidArgument));
    ssize_t n;
    if (d->remote) {
      n = ::send(d->udp->sock->fd(), data.data(), data.size(), MSG_NOSIGNAL);
    } else {
      sockaddr_storage ss;
      socklen_t len = to_sockaddr(*to, ss);
      n = ::sendto(d->udp->sock->fd(), data.data(), data.size(), MSG_NOSIGNAL, reinterpret_cast<sockaddr*>(&ss), len);
    }
    if (n < 0) return stop(errno == EMSGSIZE ? sock_err(SockError::DatagramTooLarge) : err_from_errno());
    sent++;
  }
  return {{Value::ok(u64(sent))}};
}

// A pollable on the socket's readiness to read (incoming) or write (outgoing).
uint32_t subscribe(State& st, const DatagramStream& d, bool write) {
  auto p = std::make_shared<Pollable>();
  p->kind = write ? Pollable::Kind::Writable : Pollable::Kind::Readable;
  p->fd = d.udp->sock->fd();
  p->keep = d.udp->sock;
  return st.pollables.add(std::move(p));
}

}  // namespace

void define_udp_create_socket(Iface& i) {
  i.fn("create-udp-socket", [](State& st, HostContext&, const Args& a) -> HostReply {
    bool v6 = a.at(0).bits == 1;
    if (open_sockets(st) >= socket_limit(st)) return {{sock_err(SockError::NewSocketLimit)}};
    int fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return {{err_from_errno()}};
    if (v6) {
      int one = 1;  // WASI: an IPv6 socket takes no IPv4-mapped addresses
      ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    }
    auto s = std::make_shared<UdpSocket>();
    s->v6 = v6;
    s->sock = socket_descriptor(fd);
    s->sock->filetype = Filetype::SocketDgram;
    return {{Value::ok(own(st.udp_sockets.add(std::move(s))))}};
  });
}

void define_udp(Iface& i) {
  i.resource("udp-socket", &State::udp_sockets);
  i.resource("incoming-datagram-stream", &State::incoming_datagrams);
  i.resource("outgoing-datagram-stream", &State::outgoing_datagrams);
  i.fn("[method]udp-socket.start-bind", [](State& st, HostContext&, const Args& a) -> HostReply {
    std::shared_ptr<UdpSocket> s = self(st, a);
    st.networks.get(rep_of(a.at(1)));
    if (s->phase != Phase::Unbound) return {{sock_err(SockError::InvalidState)}};
    if (std::optional<Value> e = bind_checked(st, *s->sock, s->v6, a.at(2))) return {{*e}};
    s->phase = Phase::BindStarted;
    return {{Value::ok()}};
  });
  i.fn("[method]udp-socket.finish-bind", [](State& st, HostContext&, const Args& a) -> HostReply {
    std::shared_ptr<UdpSocket> s = self(st, a);
    if (s->phase != Phase::BindStarted) return {{sock_err(SockError::NotInProgress)}};
    s->phase = Phase::Bound;
    return {{Value::ok()}};
  });
  i.fn("[method]udp-socket.stream", [](State& st, HostContext&, const Args& a) { return stream(st, a); });
  i.fn("[method]udp-socket.local-address", [](State& st, HostContext&, const Args& a) -> HostReply {
    std::shared_ptr<UdpSocket> s = self(st, a);
    if (s->phase != Phase::Bound) return {{sock_err(SockError::InvalidState)}};
    return {{socket_address(*s->sock, false)}};
  });
  i.fn("[method]udp-socket.remote-address", [](State& st, HostContext&, const Args& a) -> HostReply {
    std::shared_ptr<UdpSocket> s = self(st, a);
    if (s->phase != Phase::Bound) return {{sock_err(SockError::InvalidState)}};
    return {{socket_address(*s->sock, true)}};
  });
  i.fn("[method]udp-socket.address-family", [](State& st, HostContext&, const Args& a) -> HostReply {
    return {{Value::enumeration(self(st, a)->v6 ? 1 : 0)}};
  });
  define_socket_options(i, "udp-socket", {"unicast-hop-limit", "receive-buffer-size", "send-buffer-size"},
                        [](State& st, const Args& a) {
                          std::shared_ptr<UdpSocket> s = self(st, a);
                          return std::pair{s->sock, s->v6};
                        });
  // Binding and stream() finish at once: the socket's own pollable is always ready.
  i.fn("[method]udp-socket.subscribe", [](State& st, HostContext&, const Args& a) -> HostReply {
    self(st, a);
    return {{own(st.pollables.add(std::make_shared<Pollable>()))}};
  });
  i.fn("[method]incoming-datagram-stream.receive", [](State& st, HostContext& c, const Args& a) { return receive(st, c, a); });
  i.fn("[method]incoming-datagram-stream.subscribe", [](State& st, HostContext&, const Args& a) -> HostReply {
    return {{own(subscribe(st, *st.incoming_datagrams.get(rep_of(a.at(0))), false))}};
  });
  i.fn("[method]outgoing-datagram-stream.check-send", [](State& st, HostContext&, const Args& a) -> HostReply {
    std::shared_ptr<DatagramStream> d = st.outgoing_datagrams.get(rep_of(a.at(0)));
    return {{Value::ok(u64(fd_ready(d->udp->sock->fd(), true) ? kMaxDatagrams : 0))}};
  });
  i.fn("[method]outgoing-datagram-stream.send", [](State& st, HostContext& c, const Args& a) { return send(st, c, a); });
  i.fn("[method]outgoing-datagram-stream.subscribe", [](State& st, HostContext&, const Args& a) -> HostReply {
    return {{own(subscribe(st, *st.outgoing_datagrams.get(rep_of(a.at(0))), true))}};
  });
}

}  // namespace wippy::wasi::p2
