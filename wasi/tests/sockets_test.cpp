// wasi:sockets (p2_sockets*.cpp) driven by a C component guest (guests/sockets/probe.c)
// against peers this test starts on 127.0.0.1: a TCP echo server, a client of the
// guest's listener, a refusing port; the network policy's denials (with their log
// line), name lookup of localhost, and the per-instance socket limit. Waits suspend
// through BlockingOps (drive() runs them here and counts them).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <thread>

#include <gtest/gtest.h>

#include "component/tests/guest_util.h"
#include "wasi/p2.h"

namespace wippy::wasi::test {
namespace {

using component::Value;

// A blocking TCP socket on 127.0.0.1 owned by the test.
struct TestSocket {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ~TestSocket() { if (fd >= 0) ::close(fd); }
  // Binds 127.0.0.1 on an ephemeral port and returns it.
  uint16_t bind_any() {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    return ntohs(a.sin_port);
  }
  bool connect_to(uint16_t port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    return ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  }
};

// Reads until the peer shuts down its side (or `want` bytes arrived).
std::string read_all(int fd, size_t want = SIZE_MAX) {
  std::string got;
  char buf[4096];
  while (got.size() < want) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    got.append(buf, static_cast<size_t>(n));
  }
  return got;
}

NetRule rule(const std::string& text) {
  std::string error;
  std::optional<NetRule> r = NetRule::parse(text, error);
  EXPECT_TRUE(r) << error;
  return r.value_or(NetRule{});
}

// The guest, instantiated on `ctx` (denials land in `warnings`).
struct Probe {
  WasiContext ctx;
  std::vector<std::string> warnings;
  std::shared_ptr<const component::Component> c = component::test::load_guest("sockets_probe.component.wasm");
  component::Linker linker;
  std::unique_ptr<component::ComponentInstance> inst;
  uint64_t suspensions = 0;

  Probe() {
    ctx.warn = [this](std::string_view line) { warnings.emplace_back(line); };
  }
  // Calls export `name`, which returns a string.
  std::string call(const std::string& name, std::vector<Value> args) {
    if (!inst) {
      add_p2_to_linker(linker, *c, ctx);
      inst = std::make_unique<component::ComponentInstance>(c, linker);
    }
    std::unique_ptr<component::Call> call = inst->prepare(name, std::move(args));
    RunOutcome out = drive(call->execution(), 10000);
    suspensions += out.suspensions;
    if (out.kind != RunOutcome::Kind::Returned) return "trap: " + out.trap.message;
    return call->results().at(0).str;
  }
};

TEST(Sockets, TcpEchoThroughATestServer) {
  TestSocket server;
  uint16_t port = server.bind_any();
  ASSERT_EQ(::listen(server.fd, 1), 0);
  std::string server_got;
  std::thread peer([&] {
    int c = ::accept(server.fd, nullptr, nullptr);
    server_got = read_all(c, 11);
    ::write(c, server_got.data(), server_got.size());
    ::close(c);
  });
  Probe p;
  p.ctx.network.connect.push_back(rule("127.0.0.1:" + std::to_string(port)));
  EXPECT_EQ(p.call("tcp-echo", {Value::u16(port), Value::string("hello there")}), "ok hello there");
  ::shutdown(server.fd, SHUT_RDWR);  // a guest that never connected must not leave accept waiting
  peer.join();
  EXPECT_EQ(server_got, "hello there");
  EXPECT_TRUE(p.warnings.empty());
}

TEST(Sockets, ListenAcceptsATestClient) {
  Probe p;
  p.ctx.network.bind.push_back(rule("127.0.0.1:*"));
  std::string listening = p.call("tcp-listen", {Value::u16(0)});
  ASSERT_EQ(listening.rfind("ok ", 0), 0u) << listening;
  uint16_t port = static_cast<uint16_t>(std::stoi(listening.substr(3)));
  ASSERT_NE(port, 0);
  std::string client_got;
  std::thread client([&] {
    TestSocket c;
    if (!c.connect_to(port)) return;
    ::write(c.fd, "ping", 4);
    ::shutdown(c.fd, SHUT_WR);
    client_got = read_all(c.fd);
  });
  EXPECT_EQ(p.call("tcp-accept-echo", {}), "ok ping");
  client.join();
  EXPECT_EQ(client_got, "PING");
}

TEST(Sockets, ConnectOutsideThePolicyIsDeniedAndLogged) {
  Probe p;
  p.ctx.entry = "app:probe";
  p.ctx.network.connect.push_back(rule("127.0.0.1:1-2"));
  EXPECT_EQ(p.call("tcp-echo", {Value::u16(9), Value::string("x")}), "err connect 1");  // access-denied
  ASSERT_EQ(p.warnings.size(), 1u);
  EXPECT_EQ(p.warnings[0], "entry app:probe: network access to 127.0.0.1:9 denied (not in wasi.network.allow)");
}

TEST(Sockets, BindOutsideThePolicyIsDeniedAndLogged) {
  Probe p;
  p.ctx.network.connect.push_back(rule("127.0.0.1:*"));  // connect rules do not allow binds
  EXPECT_EQ(p.call("tcp-listen", {Value::u16(0)}), "err bind 1");
  ASSERT_EQ(p.warnings.size(), 1u);
  EXPECT_EQ(p.warnings[0], "entry wasm: network access to 127.0.0.1:0 denied (not in wasi.network.listen)");
}

TEST(Sockets, RefusedConnectIsConnectionRefused) {
  TestSocket closed;
  uint16_t port = closed.bind_any();  // bound, never listening: the kernel refuses
  Probe p;
  p.ctx.network.connect.push_back(rule("127.0.0.1:*"));
  EXPECT_EQ(p.call("tcp-echo", {Value::u16(port), Value::string("x")}), "err finish-connect 14");
}

TEST(Sockets, LookupOfLocalhost) {
  Probe p;
  p.ctx.network.connect.push_back(rule("localhost:*"));
  std::string got = p.call("lookup", {Value::string("localhost")});
  EXPECT_EQ(got.rfind("ok", 0), 0u) << got;
  EXPECT_NE((got + " ").find(" 127.0.0.1 "), std::string::npos) << got;
  // The getaddrinfo ran as the work of a BlockingOp.
  EXPECT_GE(p.suspensions, 1u);
  // Names no rule allows are refused before any resolver traffic; bad names at once.
  EXPECT_EQ(p.call("lookup", {Value::string("example.invalid")}), "err lookup 1");
  EXPECT_EQ(p.call("lookup", {Value::string("bad name")}), "err lookup 3");  // invalid-argument
  EXPECT_EQ(p.call("lookup", {Value::string(std::string(300, 'a'))}), "err lookup 3");
}

TEST(Sockets, ConnectToResolvedLocalhostUnderANameRule) {
  TestSocket server;
  uint16_t port = server.bind_any();
  ASSERT_EQ(::listen(server.fd, 1), 0);
  std::thread peer([&] {
    int c = ::accept(server.fd, nullptr, nullptr);
    std::string got = read_all(c, 2);
    ::write(c, got.data(), got.size());
    ::close(c);
  });
  Probe p;
  p.ctx.network.connect.push_back(rule("localhost:" + std::to_string(port)));
  // A rule for the name localhost allows the loopback addresses it resolves to.
  ASSERT_NE(p.call("lookup", {Value::string("localhost")}).find("127.0.0.1"), std::string::npos);
  EXPECT_EQ(p.call("tcp-echo", {Value::u16(port), Value::string("hi")}), "ok hi");
  ::shutdown(server.fd, SHUT_RDWR);
  peer.join();
}

TEST(Sockets, UdpRoundTrip) {
  int peer_fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(peer_fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  socklen_t len = sizeof a;
  ::getsockname(peer_fd, reinterpret_cast<sockaddr*>(&a), &len);
  uint16_t port = ntohs(a.sin_port);
  std::string peer_got;
  std::thread peer([&] {
    char buf[512];
    sockaddr_in from{};
    socklen_t flen = sizeof from;
    ssize_t n = ::recvfrom(peer_fd, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &flen);
    if (n <= 0) return;
    peer_got.assign(buf, static_cast<size_t>(n));
    for (ssize_t k = 0; k < n; k++) buf[k] = static_cast<char>(std::toupper(static_cast<unsigned char>(buf[k])));
    ::sendto(peer_fd, buf, static_cast<size_t>(n), 0, reinterpret_cast<sockaddr*>(&from), flen);
  });
  Probe p;
  p.ctx.network.connect.push_back(rule("127.0.0.1:" + std::to_string(port)));
  p.ctx.network.bind.push_back(rule("127.0.0.1:0"));
  EXPECT_EQ(p.call("udp-echo", {Value::u16(port), Value::string("datagram")}), "ok DATAGRAM");
  ::shutdown(peer_fd, SHUT_RDWR);  // wakes recvfrom if the guest never sent
  peer.join();
  ::close(peer_fd);
  EXPECT_EQ(peer_got, "datagram");
}

TEST(Sockets, UdpSendOutsideThePolicyIsDenied) {
  Probe p;
  p.ctx.network.bind.push_back(rule("127.0.0.1:0"));
  EXPECT_EQ(p.call("udp-echo", {Value::u16(9), Value::string("x")}), "err send 1");
  ASSERT_EQ(p.warnings.size(), 1u);
  EXPECT_EQ(p.warnings[0], "entry wasm: network access to 127.0.0.1:9 denied (not in wasi.network.allow)");
}

TEST(Sockets, OpenSocketsAreCappedPerInstance) {
  Probe p;
  p.ctx.fds.set_max_descriptors(8);
  EXPECT_EQ(p.call("open-many", {Value::u32(100)}), "opened 8 err 10");  // new-socket-limit
  // open-many dropped them: the limit is on open sockets, not on sockets ever made.
  EXPECT_EQ(p.call("open-many", {Value::u32(5)}), "opened 5");
}

TEST(Sockets, AHandleTheGuestNeverHadTraps) {
  Probe p;
  std::string got = p.call("bad-handle", {});
  EXPECT_EQ(got.rfind("trap: ", 0), 0u) << got;
  EXPECT_NE(got.find("4242"), std::string::npos) << got;
}

TEST(Sockets, ImportsNeedTheSocketsGroup) {
  auto c = component::test::load_guest("sockets_probe.component.wasm");
  component::Linker linker;
  WasiContext ctx;
  try {
    add_p2_to_linker(linker, *c, ctx, kAllGroups & ~group_bit(Group::Sockets));
    FAIL() << "accepted";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("needs the import group wasi:sockets"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace wippy::wasi::test
