// wasi.network rules (wasi/net_policy.h): parsing, and what each kind of rule allows.
#include "wasi/net_policy.h"

#include <gtest/gtest.h>

using namespace wippy::wasi;

namespace {

NetworkPolicy policy(std::vector<std::string> allow, std::vector<std::string> listen = {}) {
  NetworkPolicy p;
  std::string why;
  for (const std::string& r : allow) p.connect.push_back(*NetRule::parse(r, why));
  for (const std::string& r : listen) p.bind.push_back(*NetRule::parse(r, why));
  return p;
}

IpAddress ip(const char* s) { return *IpAddress::parse(s); }

std::string parse_error(const char* text) {
  std::string why;
  EXPECT_FALSE(NetRule::parse(text, why)) << text;
  return why;
}

}  // namespace

TEST(NetPolicy, ParsesEveryRuleForm) {
  std::string why;
  for (const char* text : {"api.example.com:443", "*.example.com:8000-8099", "127.0.0.1:8080", "[::1]:80",
                           "10.0.0.0/8:*", "[fd00::]/8:53", "*:443", "*:*", "localhost:0-65535"}) {
    auto r = NetRule::parse(text, why);
    ASSERT_TRUE(r) << text << ": " << why;
  }
  EXPECT_EQ(NetRule::parse("API.Example.COM:443", why)->to_string(), "api.example.com:443");
  EXPECT_EQ(NetRule::parse("10.0.0.0/8:*", why)->to_string(), "10.0.0.0/8:*");
  EXPECT_EQ(NetRule::parse("[::1]:8000-8099", why)->to_string(), "[::1]:8000-8099");
  EXPECT_EQ(NetRule::parse("[::ffff:10.0.0.0]/104:1", why)->to_string(), "10.0.0.0/8:1");
}

TEST(NetPolicy, RefusesMalformedRulesWithTheReason) {
  EXPECT_NE(parse_error("example.com").find("expected HOST:PORT"), std::string::npos);
  EXPECT_NE(parse_error("example.com:99999").find("bad port \"99999\""), std::string::npos);
  EXPECT_NE(parse_error("example.com:90-80").find("bad port"), std::string::npos);
  EXPECT_NE(parse_error("example.com:").find("bad port"), std::string::npos);
  EXPECT_NE(parse_error("::1:80").find("needs brackets"), std::string::npos);
  EXPECT_NE(parse_error("10.0.0.0/33:80").find("bad CIDR prefix"), std::string::npos);
  EXPECT_NE(parse_error("exa mple.com:80").find("bad host"), std::string::npos);
  EXPECT_NE(parse_error("[::1:80").find("expected [IPV6]:PORT"), std::string::npos);
  EXPECT_NE(parse_error("1.2.3/4.5:80").find("bad address"), std::string::npos);
}

TEST(NetPolicy, NothingIsAllowedByDefault) {
  NetworkPolicy p;
  EXPECT_FALSE(p.may_resolve("example.com", 80));
  EXPECT_FALSE(p.may_connect("", ip("93.184.216.34"), 80));
  EXPECT_FALSE(p.may_bind(ip("127.0.0.1"), 8080));
}

TEST(NetPolicy, NameRulesAllowTheNameOnItsPortsAndOnlyPublicAddresses) {
  NetworkPolicy p = policy({"api.example.com:443", "*.svc.example.org:8000-8099"});
  EXPECT_TRUE(p.may_resolve("API.example.com.", 443));
  EXPECT_FALSE(p.may_resolve("api.example.com", 80));
  EXPECT_FALSE(p.may_resolve("other.example.com", 443));
  EXPECT_TRUE(p.may_resolve("a.svc.example.org", 8050));
  EXPECT_FALSE(p.may_resolve("svc.example.org", 8050)) << "a wildcard needs at least one label";
  EXPECT_TRUE(p.may_resolve("a.svc.example.org")) << "a lookup without a port";
  EXPECT_TRUE(p.may_connect("api.example.com", ip("93.184.216.34"), 443));
  // DNS rebinding: an allowed public name that resolves to a private address.
  EXPECT_FALSE(p.may_connect("api.example.com", ip("127.0.0.1"), 443));
  EXPECT_FALSE(p.may_connect("api.example.com", ip("10.1.2.3"), 443));
  EXPECT_FALSE(p.may_connect("api.example.com", ip("::ffff:192.168.1.1"), 443));
  // The address itself, without the name, is not allowed by a name rule.
  EXPECT_FALSE(p.may_connect("", ip("93.184.216.34"), 443));
  EXPECT_FALSE(p.may_resolve("93.184.216.34", 443));
}

TEST(NetPolicy, WildcardHostNeverCoversSpecialAddresses) {
  NetworkPolicy p = policy({"*:443"});
  EXPECT_TRUE(p.may_resolve("anything.example", 443));
  EXPECT_TRUE(p.may_connect("anything.example", ip("1.1.1.1"), 443));
  EXPECT_TRUE(p.may_connect("", ip("2606:4700::1111"), 443));
  EXPECT_FALSE(p.may_connect("", ip("1.1.1.1"), 80));
  for (const char* special : {"127.0.0.1", "10.0.0.1", "172.16.5.4", "192.168.0.1", "169.254.169.254",
                              "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "::", "fd12::1",
                              "fe80::1", "ff02::1", "::ffff:127.0.0.1"}) {
    EXPECT_TRUE(ip(special).is_special()) << special;
    EXPECT_FALSE(p.may_connect("", ip(special), 443)) << special;
    EXPECT_FALSE(p.may_resolve(special, 443)) << special;
  }
}

TEST(NetPolicy, AddressRulesAllowListedPrivateAddresses) {
  NetworkPolicy p = policy({"127.0.0.1:8080", "10.0.0.0/8:*", "[::1]:9000"});
  EXPECT_TRUE(p.may_connect("", ip("127.0.0.1"), 8080));
  EXPECT_TRUE(p.may_connect("", ip("::ffff:127.0.0.1"), 8080)) << "IPv4-mapped is the IPv4 address";
  EXPECT_FALSE(p.may_connect("", ip("127.0.0.2"), 8080));
  EXPECT_FALSE(p.may_connect("", ip("127.0.0.1"), 8081));
  EXPECT_TRUE(p.may_connect("", ip("10.200.3.4"), 1));
  EXPECT_TRUE(p.may_connect("", ip("::1"), 9000));
  EXPECT_TRUE(p.may_resolve("127.0.0.1", 8080));
  EXPECT_TRUE(p.may_resolve("[::1]", 9000));
  // A name that resolves into an allowed block is allowed, but names need a name rule
  // to be looked up at all.
  EXPECT_FALSE(p.may_resolve("internal.example", 80));
  EXPECT_TRUE(p.may_connect("internal.example", ip("10.0.0.5"), 80));
}

TEST(NetPolicy, LocalhostRuleAllowsLoopbackOnly) {
  NetworkPolicy p = policy({"localhost:8080"}, {"localhost:*"});
  EXPECT_TRUE(p.may_resolve("localhost", 8080));
  EXPECT_TRUE(p.may_connect("localhost", ip("127.0.0.1"), 8080));
  EXPECT_TRUE(p.may_connect("localhost", ip("::1"), 8080));
  EXPECT_TRUE(p.may_connect("", ip("127.0.0.1"), 8080));
  EXPECT_FALSE(p.may_connect("localhost", ip("10.0.0.1"), 8080));
  EXPECT_FALSE(p.may_connect("localhost", ip("1.1.1.1"), 8080));
  EXPECT_TRUE(p.may_bind(ip("127.0.0.1"), 0));
  EXPECT_FALSE(p.may_bind(ip("0.0.0.0"), 8080));
}

TEST(NetPolicy, BindRulesAreSeparateFromConnectRules) {
  NetworkPolicy p = policy({"*:*"}, {"0.0.0.0:9000", "127.0.0.1:0"});
  EXPECT_TRUE(p.may_bind(ip("0.0.0.0"), 9000));
  EXPECT_FALSE(p.may_bind(ip("0.0.0.0"), 9001));
  EXPECT_TRUE(p.may_bind(ip("127.0.0.1"), 0)) << "port 0: any free port, when listed";
  EXPECT_FALSE(p.may_bind(ip("127.0.0.1"), 9000));
  EXPECT_FALSE(policy({"*:*"}).may_bind(ip("127.0.0.1"), 80)) << "allow does not grant listen";
}

TEST(NetPolicy, DenialLineNamesEntryAndDestination) {
  EXPECT_EQ(network_denial("app:worker", "api.example.com", 443),
            "entry app:worker: network access to api.example.com:443 denied (not in wasi.network.allow)");
  EXPECT_EQ(network_denial("app:worker", "::1", 80, "wasi.network.listen"),
            "entry app:worker: network access to [::1]:80 denied (not in wasi.network.listen)");
}
