// Which network destinations an entry may reach (`wasi.network` in the registry):
// outgoing connections and HTTP requests check `connect` rules, binds and listens
// check `bind` rules. Nothing is allowed by default.
//
// A rule is HOST:PORT. HOST is a DNS name ("api.example.com"), a name wildcard
// ("*.example.com", one or more labels), an IP address ("127.0.0.1", "[::1]"), a
// CIDR block ("10.0.0.0/8", "[fd00::]/8") or "*" (any host). PORT is a number, a
// range ("8000-8099") or "*".
//
// Private, loopback, link-local, unspecified and multicast addresses are special:
// only an address or CIDR rule that contains them, or a rule for the name
// "localhost" (loopback only), allows them. A name rule or "*" never does, so a
// public name that resolves to 127.0.0.1 (DNS rebinding) is denied.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct sockaddr;

namespace wippy::wasi {

struct IpAddress {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};  // v4 uses the first 4

  static std::optional<IpAddress> parse(std::string_view text);  // "1.2.3.4", "::1", "[::1]"
  static std::optional<IpAddress> from_sockaddr(const sockaddr* sa);
  static IpAddress v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d);
  std::string to_string() const;  // IPv6 without brackets
  // Loopback, private (RFC 1918, fc00::/7), shared (100.64/10), link-local,
  // unspecified, multicast, broadcast; an IPv4-mapped IPv6 address as its IPv4.
  bool is_special() const;
  bool operator==(const IpAddress&) const = default;
};

struct NetRule {
  enum class Host { Any, Name, NameSuffix, Cidr };
  Host host = Host::Any;
  std::string name;  // Name: lower-case name; NameSuffix: ".example.com"
  IpAddress address;  // Cidr
  int prefix = 0;     // Cidr: leading bits that must match
  uint16_t port_lo = 0, port_hi = 65535;

  // Parses "HOST:PORT"; on failure returns nullopt and sets `error` to why.
  static std::optional<NetRule> parse(std::string_view text, std::string& error);
  bool matches_port(uint16_t port) const { return port >= port_lo && port <= port_hi; }
  std::string to_string() const;
};

class NetworkPolicy {
 public:
  std::vector<NetRule> connect;  // wasi.network.allow
  std::vector<NetRule> bind;     // wasi.network.listen

  bool empty() const { return connect.empty() && bind.empty(); }

  // May the guest look up / connect to `host` (a name or an address literal) on
  // `port` (nullopt: any port, for name lookups)? Checked before resolving.
  bool may_resolve(std::string_view host, std::optional<uint16_t> port = std::nullopt) const;
  // May the guest connect to `address`:`port`, reached by resolving `host` (empty
  // when the guest gave the address itself)? Checked for every resolved address.
  bool may_connect(std::string_view host, const IpAddress& address, uint16_t port) const;
  // May the guest bind (and listen on) `address`:`port`? Port 0 (any free port)
  // needs a rule whose range includes 0 or is "*".
  bool may_bind(const IpAddress& address, uint16_t port) const;
};

// The one log line for a refused destination: "entry NAME: network access to
// HOST:PORT denied (not in wasi.network.allow)".
std::string network_denial(std::string_view entry, std::string_view host, std::optional<uint16_t> port,
                           std::string_view list = "wasi.network.allow");

}  // namespace wippy::wasi
