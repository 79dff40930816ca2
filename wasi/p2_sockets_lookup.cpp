// wasi:sockets/ip-name-lookup: resolve-addresses runs getaddrinfo as the `work` of a
// BlockingOp (on the I/O pool under procs, so no worker thread waits for DNS) and
// suspends the guest until it is done; the stream it returns then holds every
// address, so resolve-next-address never says would-block and subscribe is ready.
// Policy: the name must pass may_resolve; each address must be one a connect rule
// could allow for that name (DNS rebinding: a public name's private address is left
// out); with none left the lookup is access-denied.
#include <netdb.h>

#include <algorithm>

#include "wasi/p2_sockets.h"

namespace wippy::wasi::p2 {
namespace {

// Remembered names (resolved address -> name) per instance, for start-connect.
constexpr size_t kMaxResolvedNames = 4096;
constexpr size_t kMaxNameLength = 253;

struct Lookup {
  std::string name;
  int status = 0;  // getaddrinfo's
  std::vector<IpAddress> addresses;
};

bool plausible_name(const std::string& name) {
  if (name.empty() || name.size() > kMaxNameLength + 2) return false;  // + 2: "[::1]"
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
              c == '_' || c == ':' || c == '[' || c == ']' || c == '%';
    if (!ok) return false;
  }
  return true;
}

void resolve(Lookup& l) {
  std::string host = l.name;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;  // one entry per address
  addrinfo* res = nullptr;
  l.status = ::getaddrinfo(host.c_str(), nullptr, &hints, &res);
  if (l.status != 0) return;
  for (addrinfo* p = res; p; p = p->ai_next) {
    std::optional<IpAddress> ip = IpAddress::from_sockaddr(p->ai_addr);
    if (ip && std::find(l.addresses.begin(), l.addresses.end(), *ip) == l.addresses.end()) l.addresses.push_back(*ip);
  }
  ::freeaddrinfo(res);
}

SockError lookup_error(int status) {
  switch (status) {
    case EAI_NONAME: case EAI_NODATA: return SockError::NameUnresolvable;
    case EAI_AGAIN: return SockError::TemporaryResolverFailure;
    case EAI_MEMORY: return SockError::OutOfMemory;
    default: return SockError::PermanentResolverFailure;
  }
}

// Whether some connect rule could let the guest reach `ip` found for `name`.
bool reachable(const NetworkPolicy& policy, const std::string& name, const IpAddress& ip) {
  for (const NetRule& r : policy.connect) {
    if (policy.may_connect(name, ip, r.port_lo)) return true;
  }
  return false;
}

std::vector<Value> finish(State& st, const Lookup& l) {
  if (l.status != 0) return {sock_err(lookup_error(l.status))};
  auto s = std::make_shared<ResolveStream>();
  bool literal = IpAddress::parse(l.name).has_value();
  for (const IpAddress& ip : l.addresses) {
    if (!reachable(st.ctx.network, literal ? "" : l.name, ip)) continue;
    s->addresses.push_back(ip);
    if (literal) continue;
    if (st.resolved_names.size() >= kMaxResolvedNames) st.resolved_names.clear();
    st.resolved_names[ip.to_string()] = l.name;
  }
  if (s->addresses.empty() && !l.addresses.empty()) return {deny(st, l.name, std::nullopt, "wasi.network.allow")};
  return {Value::ok(own(st.resolve_streams.add(std::move(s))))};
}

HostReply resolve_addresses(State& st, const Args& a) {
  st.networks.get(rep_of(a.at(0)));
  std::string name = a.at(1).str;
  if (!plausible_name(name)) return {{sock_err(SockError::InvalidArgument)}};
  if (!st.ctx.network.may_resolve(name)) return {{deny(st, name, std::nullopt, "wasi.network.allow")}};
  auto l = std::make_shared<Lookup>();
  l->name = name;
  auto op = std::make_unique<BlockingOp>();
  op->work = [l] { resolve(*l); };
  return suspend_on(std::move(op), [state = &st, l] { return finish(*state, *l); });
}

}  // namespace

void define_ip_name_lookup(Iface& i) {
  i.resource("resolve-address-stream", &State::resolve_streams);
  i.fn("resolve-addresses", [](State& st, HostContext&, const Args& a) { return resolve_addresses(st, a); });
  i.fn("[method]resolve-address-stream.resolve-next-address", [](State& st, HostContext&, const Args& a) -> HostReply {
    std::shared_ptr<ResolveStream> s = st.resolve_streams.get(rep_of(a.at(0)));
    if (s->next >= s->addresses.size()) return {{Value::ok(Value::none())}};
    return {{Value::ok(Value::some(ip_address_value(s->addresses[s->next++])))}};
  });
  i.fn("[method]resolve-address-stream.subscribe", [](State& st, HostContext&, const Args& a) -> HostReply {
    st.resolve_streams.get(rep_of(a.at(0)));
    return {{own(st.pollables.add(std::make_shared<Pollable>()))}};
  });
}

}  // namespace wippy::wasi::p2
