#include "wasi/net_policy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <span>

namespace wippy::wasi {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

// A host as the guest gave it, compared as rules are written: lower case, no
// trailing dot, no brackets.
std::string canonical_host(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  return lower(host);
}

// ::ffff:a.b.c.d is a.b.c.d for every check: otherwise it would bypass IPv4 rules.
IpAddress unmapped(const IpAddress& a) {
  static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (!a.v6 || std::memcmp(a.bytes.data(), kMapped, 12) != 0) return a;
  return IpAddress::v4(a.bytes[12], a.bytes[13], a.bytes[14], a.bytes[15]);
}

bool in_prefix(const IpAddress& a, const IpAddress& net, int bits) {
  if (a.v6 != net.v6) return false;
  for (int i = 0; i < bits; ++i) {
    int byte = i / 8, mask = 0x80 >> (i % 8);
    if ((a.bytes[byte] & mask) != (net.bytes[byte] & mask)) return false;
  }
  return true;
}

bool is_loopback(const IpAddress& raw) {
  IpAddress a = unmapped(raw);
  if (!a.v6) return a.bytes[0] == 127;
  static const IpAddress kOne = *IpAddress::parse("::1");
  return a == kOne;
}

bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  size_t label = 0;
  for (char c : name) {
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
      continue;
    }
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok || ++label > 63) return false;
  }
  return label > 0;
}

std::optional<uint16_t> parse_port(std::string_view s) {
  unsigned v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty() || v > 65535) return std::nullopt;
  return static_cast<uint16_t>(v);
}

}  // namespace

IpAddress IpAddress::v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  IpAddress ip;
  ip.bytes[0] = a, ip.bytes[1] = b, ip.bytes[2] = c, ip.bytes[3] = d;
  return ip;
}

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
  if (text.empty() || text.size() > INET6_ADDRSTRLEN) return std::nullopt;
  std::string s(text);
  IpAddress ip;
  if (inet_pton(AF_INET, s.c_str(), ip.bytes.data()) == 1) return ip;
  ip.v6 = true;
  if (inet_pton(AF_INET6, s.c_str(), ip.bytes.data()) == 1) return ip;
  return std::nullopt;
}

std::optional<IpAddress> IpAddress::from_sockaddr(const sockaddr* sa) {
  IpAddress ip;
  if (sa->sa_family == AF_INET) {
    std::memcpy(ip.bytes.data(), &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, 4);
    return ip;
  }
  if (sa->sa_family == AF_INET6) {
    ip.v6 = true;
    std::memcpy(ip.bytes.data(), &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, 16);
    return ip;
  }
  return std::nullopt;
}

std::string IpAddress::to_string() const {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), buf, sizeof buf);
  return buf;
}

bool IpAddress::is_special() const {
  IpAddress a = unmapped(*this);
  struct Block {
    const char* net;
    int bits;
  };
  static const Block kV4[] = {{"0.0.0.0", 8},     {"10.0.0.0", 8},     {"100.64.0.0", 10}, {"127.0.0.0", 8},
                              {"169.254.0.0", 16}, {"172.16.0.0", 12}, {"192.0.0.0", 24}, {"192.168.0.0", 16},
                              {"198.18.0.0", 15},  {"224.0.0.0", 4},   {"240.0.0.0", 4}};
  static const Block kV6[] = {{"::", 128}, {"::1", 128}, {"fc00::", 7}, {"fe80::", 10}, {"ff00::", 8}};
  for (const Block& b : a.v6 ? std::span<const Block>(kV6) : std::span<const Block>(kV4))
    if (in_prefix(a, *parse(b.net), b.bits)) return true;
  return false;
}

std::optional<NetRule> NetRule::parse(std::string_view text, std::string& error) {
  std::string_view host, port;
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    size_t colon = text.rfind(':');
    if (close == std::string_view::npos || colon == std::string_view::npos || colon < close) {
      error = "expected [IPV6]:PORT";
      return std::nullopt;
    }
    host = text.substr(0, colon), port = text.substr(colon + 1);
  } else {
    size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) {
      error = "expected HOST:PORT (PORT a number, a range like 8000-8099, or *)";
      return std::nullopt;
    }
    host = text.substr(0, colon), port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) {
      error = "an IPv6 address needs brackets, as in [::1]:8080";
      return std::nullopt;
    }
  }

  NetRule r;
  if (port != "*") {
    size_t dash = port.find('-');
    auto lo = parse_port(port.substr(0, dash));
    auto hi = dash == std::string_view::npos ? lo : parse_port(port.substr(dash + 1));
    if (!lo || !hi || *lo > *hi) {
      error = "bad port \"" + std::string(port) + "\" (a number 0-65535, a range like 8000-8099, or *)";
      return std::nullopt;
    }
    r.port_lo = *lo, r.port_hi = *hi;
  }

  std::string h = lower(host);
  size_t slash = h.find('/');
  std::string addr_part = h.substr(0, slash);
  if (h == "*") {
    r.host = Host::Any;
  } else if (auto ip = IpAddress::parse(addr_part)) {
    r.host = Host::Cidr, r.address = *ip, r.prefix = ip->v6 ? 128 : 32;
    if (slash != std::string::npos) {
      auto bits = parse_port(std::string_view(h).substr(slash + 1));
      if (!bits || *bits > r.prefix) {
        error = "bad CIDR prefix in \"" + h + "\"";
        return std::nullopt;
      }
      r.prefix = *bits;
    }
    // An IPv4-mapped rule is its IPv4 block: guests' addresses are compared unmapped.
    if (IpAddress plain = unmapped(r.address); !(plain == r.address))
      r.address = plain, r.prefix = std::max(0, r.prefix - 96);
  } else if (slash != std::string::npos || (!h.empty() && h.front() == '[')) {
    error = "bad address \"" + h + "\"";
    return std::nullopt;
  } else if (h.rfind("*.", 0) == 0 && valid_name(h.substr(2))) {
    r.host = Host::NameSuffix, r.name = h.substr(1);
  } else if (valid_name(h)) {
    r.host = Host::Name, r.name = h;
  } else {
    error = "bad host \"" + std::string(host) + "\" (a DNS name, *.name, an IP address, a CIDR block or *)";
    return std::nullopt;
  }
  return r;
}

std::string NetRule::to_string() const {
  std::string h;
  switch (host) {
    case Host::Any: h = "*"; break;
    case Host::Name: h = name; break;
    case Host::NameSuffix: h = std::string("*").append(name); break;
    case Host::Cidr:
      h = address.v6 ? std::string("[").append(address.to_string()).append("]") : address.to_string();
      if (prefix != (address.v6 ? 128 : 32)) h.append("/").append(std::to_string(prefix));
      break;
  }
  std::string p = port_lo == 0 && port_hi == 65535 ? "*"
                  : port_lo == port_hi           ? std::to_string(port_lo)
                                                 : std::to_string(port_lo) + "-" + std::to_string(port_hi);
  return h + ":" + p;
}

bool NetworkPolicy::may_resolve(std::string_view host, std::optional<uint16_t> port) const {
  std::string h = canonical_host(host);
  if (auto ip = IpAddress::parse(h)) {
    for (const NetRule& r : connect)
      if ((!port || r.matches_port(*port)) && may_connect("", *ip, port ? *port : r.port_lo)) return true;
    return false;
  }
  // Names need a name rule: an address rule does not let a guest send arbitrary
  // names to DNS.
  for (const NetRule& r : connect) {
    if (port && !r.matches_port(*port)) continue;
    if (r.host == NetRule::Host::Any || (r.host == NetRule::Host::Name && r.name == h) ||
        (r.host == NetRule::Host::NameSuffix && h.size() > r.name.size() && h.ends_with(r.name)))
      return true;
  }
  return false;
}

bool NetworkPolicy::may_connect(std::string_view host, const IpAddress& raw, uint16_t port) const {
  std::string h = canonical_host(host);
  if (IpAddress::parse(h)) h.clear();  // a literal: only address rules and "*" apply
  IpAddress a = unmapped(raw);
  bool special = a.is_special();
  for (const NetRule& r : connect) {
    if (!r.matches_port(port)) continue;
    switch (r.host) {
      case NetRule::Host::Cidr:
        if (in_prefix(a, r.address, r.prefix)) return true;
        break;
      case NetRule::Host::Any:
        if (!special) return true;
        break;
      case NetRule::Host::Name:
        if (r.name == "localhost") {
          if ((h.empty() || h == "localhost") && is_loopback(a)) return true;
        } else if (r.name == h && !special) {
          return true;
        }
        break;
      case NetRule::Host::NameSuffix:
        if (h.size() > r.name.size() && h.ends_with(r.name) && !special) return true;
        break;
    }
  }
  return false;
}

bool NetworkPolicy::may_bind(const IpAddress& raw, uint16_t port) const {
  IpAddress a = unmapped(raw);
  for (const NetRule& r : bind) {
    if (!r.matches_port(port)) continue;
    if (r.host == NetRule::Host::Any) return true;
    if (r.host == NetRule::Host::Cidr && in_prefix(a, r.address, r.prefix)) return true;
    if (r.host == NetRule::Host::Name && r.name == "localhost" && is_loopback(a)) return true;
  }
  return false;
}

std::string network_denial(std::string_view entry, std::string_view host, std::optional<uint16_t> port,
                           std::string_view list) {
  std::string dest(host);
  if (dest.find(':') != std::string::npos && dest.front() != '[') dest = std::string("[").append(dest).append("]");
  if (port) dest.append(":").append(std::to_string(*port));
  return std::string("entry ").append(entry).append(": network access to ").append(dest).append(" denied (not in ")
      .append(list).append(")");
}

}  // namespace wippy::wasi
