// Internal to the wasi:sockets host (p2_sockets.cpp, p2_sockets_tcp.cpp,
// p2_sockets_lookup.cpp): the socket resources, wasi:sockets/network values
// (error-code, ip-address, ip-socket-address) and the checks every socket call shares.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "wasi/net_policy.h"
#include "wasi/p2_host.h"

namespace wippy::wasi::p2 {

// wasi:sockets/network error-code, in WIT order.
enum class SockError : uint32_t {
  Unknown, AccessDenied, NotSupported, InvalidArgument, OutOfMemory, Timeout, ConcurrencyConflict,
  NotInProgress, WouldBlock, InvalidState, NewSocketLimit, AddressNotBindable, AddressInUse,
  RemoteUnreachable, ConnectionRefused, ConnectionReset, ConnectionAborted, DatagramTooLarge,
  NameUnresolvable, TemporaryResolverFailure, PermanentResolverFailure,
};

SockError sock_error_from_errno(int e);
// result<_, error-code>::err(e)
inline Value sock_err(SockError e) { return Value::err(Value::enumeration(static_cast<uint32_t>(e))); }

// An ip-socket-address (or an ip-address with port 0) on the host side.
struct SocketAddress {
  IpAddress ip;
  uint16_t port = 0;
  uint32_t flow_info = 0, scope_id = 0;  // IPv6 only
};

// The WIT variant ip-address / ip-socket-address <-> host values; nullopt for a
// malformed value (the component layer already checked the shape).
Value ip_address_value(const IpAddress& ip);
Value socket_address_value(const SocketAddress& a);
std::optional<SocketAddress> socket_address_of(const Value& v);
// sockaddr_in / sockaddr_in6 for `a`; returns its length.
socklen_t to_sockaddr(const SocketAddress& a, sockaddr_storage& out);
std::optional<SocketAddress> from_sockaddr(const sockaddr_storage& ss);

// wasi:sockets/tcp tcp-socket.
struct TcpSocket {
  enum class Phase { Unbound, BindStarted, Bound, ListenStarted, Listening, ConnectStarted, Connected, Closed };
  Phase phase = Phase::Unbound;
  bool v6 = false;
  std::shared_ptr<Descriptor> sock;  // a non-blocking stream Descriptor
  uint64_t backlog = 128;
  int connect_errno = 0;  // a connect that failed at once: finish-connect reports it
  bool streams_given = false;  // finish-connect / accept handed out the streams
};

// wasi:sockets/udp udp-socket.
struct UdpSocket {
  enum class Phase { Unbound, BindStarted, Bound } phase = Phase::Unbound;
  bool v6 = false;
  std::shared_ptr<Descriptor> sock;
};

// incoming- or outgoing-datagram-stream of a udp-socket: `remote` is the address
// `stream` connected it to, if any.
struct DatagramStream {
  std::shared_ptr<UdpSocket> udp;
  std::optional<SocketAddress> remote;
};

// wasi:sockets/ip-name-lookup resolve-address-stream: the addresses the policy lets
// the guest see, or the error the lookup ended with.
struct ResolveStream {
  std::vector<IpAddress> addresses;
  size_t next = 0;
};

// The sockets one instance may have open at once: its descriptor limit
// (wasi.max_open_files, FdTable::kDefaultMaxDescriptors unless set).
size_t socket_limit(const State& st);
size_t open_sockets(const State& st);

// A non-blocking, close-on-exec socket wrapped as a stream Descriptor, so that
// wasi:io streams and pollables treat it like a pipe (p2_io.cpp).
std::shared_ptr<Descriptor> socket_descriptor(int fd);

// The denial: logs network_denial() and gives access-denied.
Value deny(State& st, const std::string& host, std::optional<uint16_t> port, std::string_view list);

// error-code of the errno the last call left.
Value err_from_errno();
bool is_unspecified(const IpAddress& ip);
// A guest-given ip-socket-address of the socket's family, or nullopt.
std::optional<SocketAddress> address_arg(bool v6, const Value& v);
// result<ip-socket-address, error-code>: the socket's own address, or its peer's.
Value socket_address(const Descriptor& sock, bool peer);
// start-bind's common part: the address of the socket's family, wasi.network.listen,
// bind(2). The error result, or nullopt once bound.
std::optional<Value> bind_checked(State& st, const Descriptor& sock, bool v6, const Value& address);
// wasi.network.allow for a remote address: an address this instance resolved from a
// name is checked as reached through that name, any other as a literal. The denial,
// or nullopt.
std::optional<Value> check_connect(State& st, const SocketAddress& to);

// A socket's descriptor and family (v6), for its option getters and setters.
using SocketOf = std::function<std::pair<std::shared_ptr<Descriptor>, bool>(State& st, const Args& a)>;
// Defines [method]RESOURCE.NAME and [method]RESOURCE.set-NAME for each of `names`
// ("hop-limit", "receive-buffer-size", ...: the table in p2_sockets.cpp).
void define_socket_options(Iface& i, const std::string& resource, const std::vector<std::string>& names, SocketOf sock);

void define_tcp(Iface& i);
void define_tcp_create_socket(Iface& i);
void define_udp(Iface& i);
void define_udp_create_socket(Iface& i);
void define_ip_name_lookup(Iface& i);

}  // namespace wippy::wasi::p2
