// wasi:sockets: which file defines which interface, network and instance-network,
// and the values and checks the tcp, udp and ip-name-lookup interfaces share.
#include "wasi/p2_sockets.h"

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

namespace wippy::wasi::p2 {

SockError sock_error_from_errno(int e) {
  switch (e) {
    case EACCES: case EPERM: return SockError::AccessDenied;
    case EADDRINUSE: return SockError::AddressInUse;
    case EADDRNOTAVAIL: return SockError::AddressNotBindable;
    case ECONNREFUSED: return SockError::ConnectionRefused;
    case ECONNRESET: case EPIPE: return SockError::ConnectionReset;
    case ECONNABORTED: return SockError::ConnectionAborted;
    case ENETUNREACH: case EHOSTUNREACH: case ENETDOWN: case EHOSTDOWN: return SockError::RemoteUnreachable;
    case ETIMEDOUT: return SockError::Timeout;
    case EINVAL: case EAFNOSUPPORT: case EDESTADDRREQ: return SockError::InvalidArgument;
    case EMFILE: case ENFILE: return SockError::NewSocketLimit;
    case ENOMEM: case ENOBUFS: return SockError::OutOfMemory;
    case EAGAIN: return SockError::WouldBlock;
    case EOPNOTSUPP: case ENOPROTOOPT: return SockError::NotSupported;
    case EISCONN: case EALREADY: case ENOTCONN: return SockError::InvalidState;
    default: return SockError::Unknown;
  }
}

Value ip_address_value(const IpAddress& ip) {
  std::vector<Value> parts;
  if (!ip.v6) {
    for (int k = 0; k < 4; k++) parts.push_back(Value::u8(ip.bytes[k]));
    return Value::variant(0, Value::tuple(std::move(parts)));
  }
  for (int k = 0; k < 8; k++) parts.push_back(Value::u16(static_cast<uint16_t>(ip.bytes[2 * k] << 8 | ip.bytes[2 * k + 1])));
  return Value::variant(1, Value::tuple(std::move(parts)));
}

Value socket_address_value(const SocketAddress& a) {
  Value ip = ip_address_value(a.ip);
  Value parts = ip.items.at(0);
  if (!a.ip.v6) return Value::variant(0, Value::record({Value::u16(a.port), parts}));
  return Value::variant(1, Value::record({Value::u16(a.port), Value::u32(a.flow_info), parts, Value::u32(a.scope_id)}));
}

std::optional<SocketAddress> socket_address_of(const Value& v) {
  const Value* rec = v.payload();
  if (!rec) return std::nullopt;
  SocketAddress a;
  bool v6 = v.case_index() == 1;
  if (rec->items.size() != (v6 ? 4u : 2u)) return std::nullopt;
  a.port = static_cast<uint16_t>(rec->items[0].bits);
  const Value& parts = rec->items[v6 ? 2 : 1];
  if (parts.items.size() != (v6 ? 8u : 4u)) return std::nullopt;
  a.ip.v6 = v6;
  for (size_t k = 0; k < parts.items.size(); k++) {
    if (v6) {
      a.ip.bytes[2 * k] = static_cast<uint8_t>(parts.items[k].bits >> 8);
      a.ip.bytes[2 * k + 1] = static_cast<uint8_t>(parts.items[k].bits);
    } else {
      a.ip.bytes[k] = static_cast<uint8_t>(parts.items[k].bits);
    }
  }
  if (v6) {
    a.flow_info = static_cast<uint32_t>(rec->items[1].bits);
    a.scope_id = static_cast<uint32_t>(rec->items[3].bits);
  }
  return a;
}

socklen_t to_sockaddr(const SocketAddress& a, sockaddr_storage& out) {
  std::memset(&out, 0, sizeof out);
  if (!a.ip.v6) {
    auto* in = reinterpret_cast<sockaddr_in*>(&out);
    in->sin_family = AF_INET;
    in->sin_port = htons(a.port);
    std::memcpy(&in->sin_addr, a.ip.bytes.data(), 4);
    return sizeof(sockaddr_in);
  }
  auto* in6 = reinterpret_cast<sockaddr_in6*>(&out);
  in6->sin6_family = AF_INET6;
  in6->sin6_port = htons(a.port);
  in6->sin6_flowinfo = htonl(a.flow_info);
  in6->sin6_scope_id = a.scope_id;
  std::memcpy(&in6->sin6_addr, a.ip.bytes.data(), 16);
  return sizeof(sockaddr_in6);
}

std::optional<SocketAddress> from_sockaddr(const sockaddr_storage& ss) {
  auto ip = IpAddress::from_sockaddr(reinterpret_cast<const sockaddr*>(&ss));
  if (!ip) return std::nullopt;
  SocketAddress a;
  a.ip = *ip;
  if (ss.ss_family == AF_INET) {
    a.port = ntohs(reinterpret_cast<const sockaddr_in*>(&ss)->sin_port);
  } else {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&ss);
    a.port = ntohs(in6->sin6_port);
    a.flow_info = ntohl(in6->sin6_flowinfo);
    a.scope_id = in6->sin6_scope_id;
  }
  return a;
}

size_t socket_limit(const State& st) { return st.ctx.fds.max_descriptors(); }
size_t open_sockets(const State& st) { return st.tcp_sockets.live() + st.udp_sockets.live(); }

std::shared_ptr<Descriptor> socket_descriptor(int fd) {
  auto d = std::make_shared<Descriptor>();
  d->kind = Descriptor::Kind::File;
  d->host = std::make_shared<HostFd>(fd);
  d->filetype = Filetype::SocketStream;
  d->stream = true;
  return d;
}

Value deny(State& st, const std::string& host, std::optional<uint16_t> port, std::string_view list) {
  if (st.ctx.warn) st.ctx.warn(network_denial(st.ctx.entry, host, port, list));
  return sock_err(SockError::AccessDenied);
}

Value err_from_errno() { return sock_err(sock_error_from_errno(errno)); }

bool is_unspecified(const IpAddress& ip) {
  for (size_t k = 0; k < (ip.v6 ? 16u : 4u); k++) {
    if (ip.bytes[k] != 0) return false;
  }
  return true;
}

std::optional<SocketAddress> address_arg(bool v6, const Value& v) {
  std::optional<SocketAddress> a = socket_address_of(v);
  if (!a || a->ip.v6 != v6) return std::nullopt;
  return a;
}

Value socket_address(const Descriptor& sock, bool peer) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  auto* sa = reinterpret_cast<sockaddr*>(&ss);
  if ((peer ? ::getpeername(sock.fd(), sa, &len) : ::getsockname(sock.fd(), sa, &len)) != 0) return err_from_errno();
  std::optional<SocketAddress> a = from_sockaddr(ss);
  if (!a) return sock_err(SockError::Unknown);
  return Value::ok(socket_address_value(*a));
}

std::optional<Value> bind_checked(State& st, const Descriptor& sock, bool v6, const Value& address) {
  std::optional<SocketAddress> addr = address_arg(v6, address);
  if (!addr) return sock_err(SockError::InvalidArgument);
  if (!st.ctx.network.may_bind(addr->ip, addr->port))
    return deny(st, addr->ip.to_string(), addr->port, "wasi.network.listen");
  sockaddr_storage ss;
  socklen_t len = to_sockaddr(*addr, ss);
  if (::bind(sock.fd(), reinterpret_cast<sockaddr*>(&ss), len) != 0) return err_from_errno();
  return std::nullopt;
}

std::optional<Value> check_connect(State& st, const SocketAddress& to) {
  std::string ip = to.ip.to_string();
  auto named = st.resolved_names.find(ip);
  std::string host = named == st.resolved_names.end() ? "" : named->second;
  if (st.ctx.network.may_connect(host, to.ip, to.port)) return std::nullopt;
  return deny(st, host.empty() ? ip : host, to.port, "wasi.network.allow");
}

namespace {

// An integer socket option as a WIT getter/setter pair: `scale` converts the WIT
// value (nanoseconds for durations) to the host's unit.
struct IntOption {
  const char* name;  // "keep-alive-count"
  int level, opt;    // IPv4 (and both families unless level6 is set)
  int level6 = -1, opt6 = -1;
  uint64_t scale = 1;
  enum class Wit { Bool, U8, U32, U64 } wit = Wit::U64;
};

const IntOption kOptions[] = {
    {"keep-alive-enabled", SOL_SOCKET, SO_KEEPALIVE, -1, -1, 1, IntOption::Wit::Bool},
    {"keep-alive-idle-time", IPPROTO_TCP, TCP_KEEPIDLE, -1, -1, 1000000000, IntOption::Wit::U64},
    {"keep-alive-interval", IPPROTO_TCP, TCP_KEEPINTVL, -1, -1, 1000000000, IntOption::Wit::U64},
    {"keep-alive-count", IPPROTO_TCP, TCP_KEEPCNT, -1, -1, 1, IntOption::Wit::U32},
    {"hop-limit", IPPROTO_IP, IP_TTL, IPPROTO_IPV6, IPV6_UNICAST_HOPS, 1, IntOption::Wit::U8},
    {"unicast-hop-limit", IPPROTO_IP, IP_TTL, IPPROTO_IPV6, IPV6_UNICAST_HOPS, 1, IntOption::Wit::U8},
    {"receive-buffer-size", SOL_SOCKET, SO_RCVBUF, -1, -1, 1, IntOption::Wit::U64},
    {"send-buffer-size", SOL_SOCKET, SO_SNDBUF, -1, -1, 1, IntOption::Wit::U64},
};

Value wit_value(const IntOption& o, uint64_t v) {
  switch (o.wit) {
    case IntOption::Wit::Bool: return Value::boolean(v != 0);
    case IntOption::Wit::U8: return Value::u8(static_cast<uint8_t>(v));
    case IntOption::Wit::U32: return Value::u32(static_cast<uint32_t>(v));
    case IntOption::Wit::U64: return Value::u64(v);
  }
  return Value::u64(v);
}

void define_option(Iface& i, const std::string& resource, const IntOption& o, SocketOf sock) {
  auto where = [o](bool v6) { return v6 && o.level6 >= 0 ? std::pair{o.level6, o.opt6} : std::pair{o.level, o.opt}; };
  i.fn("[method]" + resource + "." + o.name, [o, where, sock](State& st, HostContext&, const Args& a) -> HostReply {
    auto [d, v6] = sock(st, a);
    int v = 0;
    socklen_t len = sizeof v;
    auto [level, opt] = where(v6);
    if (::getsockopt(d->fd(), level, opt, &v, &len) != 0) return {{err_from_errno()}};
    return {{Value::ok(wit_value(o, static_cast<uint64_t>(v) * o.scale))}};
  });
  i.fn("[method]" + resource + ".set-" + o.name, [o, where, sock](State& st, HostContext&, const Args& a) -> HostReply {
    auto [d, v6] = sock(st, a);
    uint64_t wit = a.at(1).bits;
    if (o.wit != IntOption::Wit::Bool && wit == 0) return {{sock_err(SockError::InvalidArgument)}};
    int v = static_cast<int>(std::min<uint64_t>(std::max<uint64_t>(wit / o.scale, 1), INT_MAX));
    if (o.wit == IntOption::Wit::Bool) v = wit != 0;
    auto [level, opt] = where(v6);
    if (::setsockopt(d->fd(), level, opt, &v, sizeof v) != 0) return {{err_from_errno()}};
    return {{Value::ok()}};
  });
}

void define_network(Iface& i) { i.resource("network", &State::networks); }

void define_instance_network(Iface& i) {
  i.fn("instance-network", [](State& st, HostContext&, const Args&) -> HostReply {
    return {{own(st.networks.add(std::make_shared<Network>()))}};
  });
}

}  // namespace

void define_socket_options(Iface& i, const std::string& resource, const std::vector<std::string>& names, SocketOf sock) {
  for (const IntOption& o : kOptions) {
    if (std::find(names.begin(), names.end(), o.name) != names.end()) define_option(i, resource, o, sock);
  }
}

void define_sockets(Iface& i, std::string_view iface) {
  if (iface == "network") define_network(i);
  else if (iface == "instance-network") define_instance_network(i);
  else if (iface == "tcp") define_tcp(i);
  else if (iface == "tcp-create-socket") define_tcp_create_socket(i);
  else if (iface == "udp") define_udp(i);
  else if (iface == "udp-create-socket") define_udp_create_socket(i);
  else if (iface == "ip-name-lookup") define_ip_name_lookup(i);
}

}  // namespace wippy::wasi::p2
