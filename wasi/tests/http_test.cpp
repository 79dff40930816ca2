// wasi:http/outgoing-handler (p2_http.cpp, http_client.cpp) from a real component:
// guests/http/probe.c against the test's own server (http_server.h) on 127.0.0.1.
// The guest waits on pollables and blocking reads, so each request suspends the
// call (drive() counts the suspensions) while the network thread does the work.
#include <gtest/gtest.h>

#include <netdb.h>


#include "component/tests/guest_util.h"
#include "wasi/http_client.h"
#include "wasi/p2.h"
#include "wasi/pending.h"
#include "tests/http_server.h"

namespace wippy::wasi::test {
using wippy::test::TestHttpServer;
namespace {

using component::Value;

// error-code cases the tests expect.
constexpr int kDnsError = 1, kIpProhibited = 4, kConnectionRefused = 6, kRequestDenied = 15, kRequestBodySize = 17,
              kUriInvalid = 19, kResponseIncomplete = 25, kResponseTimeout = 33;

struct Fetch {
  std::string method = "GET";
  std::string authority{};
  std::string path = "/hello";
  std::string header{};
  std::string body{};
  bool content_length = false;
  uint64_t connect_ms = 0, first_byte_ms = 0;
};

struct Outcome {
  std::string text;
  uint64_t suspensions = 0;
  std::vector<std::string> warnings;
};

std::string error_text(int code) { return "error " + std::to_string(code) + "\n"; }

class HttpTest : public ::testing::Test {
 protected:
  void SetUp() override { allow("127.0.0.1:*"); }

  void allow(const std::string& rule) {
    std::string error;
    std::optional<NetRule> r = NetRule::parse(rule, error);
    ASSERT_TRUE(r) << error;
    ctx.network.connect.push_back(*r);
  }

  Outcome fetch(const Fetch& f) {
    Outcome o;
    ctx.entry = "app:fetcher";
    ctx.warn = [&o](std::string_view line) { o.warnings.emplace_back(line); };
    auto c = component::test::load_guest("http_probe.component.wasm");
    component::Linker linker;
    add_p2_to_linker(linker, *c, ctx);
    component::ComponentInstance inst(c, linker);
    std::vector<Value> bytes;
    for (char ch : f.body) bytes.push_back(Value::u8(static_cast<uint8_t>(ch)));
    std::vector<Value> args{Value::string(f.method), Value::string(f.authority),  Value::string(f.path),
                            Value::string(f.header), Value::list(std::move(bytes)), Value::boolean(f.content_length),
                            Value::u64(f.connect_ms), Value::u64(f.first_byte_ms)};
    std::unique_ptr<component::Call> call = inst.prepare("fetch", args);
    RunOutcome r = drive(call->execution(), 100000);
    EXPECT_EQ(r.kind, RunOutcome::Kind::Returned) << r.trap.message;
    if (r.kind == RunOutcome::Kind::Returned) o.text = call->results().at(0).str;
    o.suspensions = r.suspensions;
    return o;
  }

  WasiContext ctx;
  TestHttpServer server;
};

TEST_F(HttpTest, Get) {
  Outcome o = fetch({.authority = server.authority()});
  EXPECT_EQ(o.text, "status 200\nx-test: yes\nbody 11 bytes fnv e1d7a701437f78f9\nhello world");
  EXPECT_GE(o.suspensions, 1u);  // waiting for the response suspended the call
  EXPECT_TRUE(o.warnings.empty());
}

TEST_F(HttpTest, PostWithContentLength) {
  Outcome o = fetch({.method = "POST", .authority = server.authority(), .path = "/echo", .body = "name=wippy", .content_length = true});
  EXPECT_EQ(o.text.substr(0, o.text.find("body")), "status 200\nx-method: POST\nx-length: 10\nx-chunked: no\n");
  EXPECT_NE(o.text.find("name=wippy"), std::string::npos) << o.text;
}

TEST_F(HttpTest, PutChunkedBodyOfManyWrites) {
  std::string body = TestHttpServer::big_body(100000);  // 25 writes of 4 KiB
  Outcome o = fetch({.method = "PUT", .authority = server.authority(), .path = "/echo", .body = body});
  EXPECT_EQ(o.text.substr(0, o.text.find("body")), "status 200\nx-method: PUT\nx-length: 100000\nx-chunked: yes\n");
  Outcome direct = fetch({.authority = server.authority(), .path = "/big?n=100000"});
  // The echoed body is the very bytes sent: same length and hash as the server's own.
  EXPECT_EQ(o.text.substr(o.text.find("body")), direct.text.substr(direct.text.find("body")));
}

TEST_F(HttpTest, LargeStreamedResponse) {
  const size_t n = 8 * 1024 * 1024;
  Outcome o = fetch({.authority = server.authority(), .path = "/big?n=" + std::to_string(n)});
  std::string want = TestHttpServer::big_body(n);
  uint64_t hash = 1469598103934665603ull;
  for (unsigned char ch : want) hash = (hash ^ ch) * 1099511628211ull;
  char hex[32];
  snprintf(hex, sizeof hex, "%llx", static_cast<unsigned long long>(hash));
  EXPECT_EQ(o.text, "status 200\nbody " + std::to_string(n) + " bytes fnv " + hex + "\n");
}

TEST_F(HttpTest, ChunkedResponse) {
  Outcome o = fetch({.authority = server.authority(), .path = "/chunked"});
  EXPECT_EQ(o.text.substr(0, 23), "status 200\nx-test: chun") << o.text;
  EXPECT_NE(o.text.find("body 14 bytes"), std::string::npos) << o.text;
  EXPECT_NE(o.text.find("alphabetagamma"), std::string::npos) << o.text;
}

TEST_F(HttpTest, MoreBodyThanContentLengthIsABodySizeError) {
  // The guest declares 3 bytes and writes 6: the write fails, and http-error-code
  // on its error says HTTP-request-body-size.
  Outcome o = fetch({.method = "POST", .authority = server.authority(), .path = "/echo", .header = "content-length: 3",
                     .body = "abcdef"});
  EXPECT_EQ(o.text.rfind("body write error " + std::to_string(kRequestBodySize) + "\n", 0), 0u) << o.text;
}

TEST_F(HttpTest, ResponseTrailersReachTheGuest) {
  Outcome o = fetch({.authority = server.authority(), .path = "/trailers"});
  EXPECT_EQ(o.text, "status 200\ntrailer x-checksum: 42\ntrailer x-count: 1\nbody 4 bytes fnv 26d1a5afbc64fb8b\nbody") << o.text;
}

TEST_F(HttpTest, ACutBodyIsAnIncompleteResponse) {
  // The read fails with last-operation-failed; http-error-code on that error says
  // why, and the trailers' future reports the same error-code.
  Outcome o = fetch({.authority = server.authority(), .path = "/cut"});
  EXPECT_EQ(o.text.substr(0, o.text.find("body 10")),
            "status 200\nbody read error " + std::to_string(kResponseIncomplete) + "\ntrailers error " +
                std::to_string(kResponseIncomplete) + "\n")
      << o.text;
}

TEST_F(HttpTest, RedirectIsNotFollowed) {
  Outcome o = fetch({.authority = server.authority(), .path = "/redirect"});
  EXPECT_EQ(o.text.substr(0, 11), "status 302\n") << o.text;
}

TEST_F(HttpTest, SlowServerTimesOut) {
  Outcome o = fetch({.authority = server.authority(), .path = "/slow", .first_byte_ms = 200});
  EXPECT_EQ(o.text, error_text(kResponseTimeout));
}

TEST_F(HttpTest, RefusedPort) {
  Outcome o = fetch({.authority = "127.0.0.1:" + std::to_string(TestHttpServer::refused_port())});
  EXPECT_EQ(o.text, error_text(kConnectionRefused));
}

TEST_F(HttpTest, UnknownNameIsADnsError) {
  allow("*.invalid:*");
  Outcome o = fetch({.authority = "no-such-host.invalid:80"});
  EXPECT_EQ(o.text, error_text(kDnsError));
}

TEST_F(HttpTest, DeniedDestination) {
  ctx.network.connect.clear();
  allow("127.0.0.2:*");
  Outcome o = fetch({.authority = server.authority()});
  EXPECT_EQ(o.text, error_text(kRequestDenied));
  ASSERT_EQ(o.warnings.size(), 1u);
  EXPECT_EQ(o.warnings[0], network_denial("app:fetcher", "127.0.0.1", server.port()));
  EXPECT_EQ(server.answered(), 0);
}

TEST_F(HttpTest, NameResolvingToADeniedAddressIsRefusedAtConnect) {
  // The machine's own name may be looked up (the name is allowed) but resolves to a
  // loopback address, which a name rule does not cover: refused when curl connects.
  char name[256] = {};
  ::gethostname(name, sizeof name - 1);
  addrinfo* found = nullptr;
  addrinfo hints{};
  hints.ai_family = AF_INET;
  if (::getaddrinfo(name, nullptr, &hints, &found) != 0) GTEST_SKIP() << "the host name " << name << " does not resolve";
  bool loopback = reinterpret_cast<sockaddr_in*>(found->ai_addr)->sin_addr.s_addr == htonl(INADDR_LOOPBACK);
  ::freeaddrinfo(found);
  if (!loopback) GTEST_SKIP() << "the host name " << name << " does not resolve to 127.0.0.1";
  ctx.network.connect.clear();
  allow(std::string(name) + ":*");
  Outcome o = fetch({.authority = std::string(name) + ":" + std::to_string(server.port())});
  EXPECT_EQ(o.text, error_text(kIpProhibited));
  EXPECT_EQ(o.warnings.size(), 1u);
  EXPECT_EQ(server.answered(), 0);
}

TEST_F(HttpTest, BadMethodAuthorityAndPortAreRefused) {
  EXPECT_EQ(fetch({.method = "BAD METHOD", .authority = server.authority()}).text.substr(0, 11), "bad method\n");
  EXPECT_EQ(fetch({.authority = "user@127.0.0.1"}).text, "bad authority\n" + error_text(kUriInvalid));
  EXPECT_EQ(fetch({.authority = "127.0.0.1:99999"}).text, error_text(kUriInvalid));
  EXPECT_EQ(fetch({.authority = server.authority(), .path = "no-slash"}).text.substr(0, 9), "bad path\n");
  EXPECT_EQ(server.answered(), 2);  // a refused set-method/set-path leaves the old value: sent
}

TEST_F(HttpTest, ServerSideResourcesAreRefused) {
  // Defined (guests built for both sides link) but failing the call.
  auto c = component::test::load_guest("http_probe.component.wasm");
  component::Linker linker;
  add_p2_to_linker(linker, *c, ctx);
  component::ComponentInstance inst(c, linker);
  std::unique_ptr<component::Call> call = inst.prepare("respond", {});
  RunOutcome r = drive(call->execution(), 1000);
  EXPECT_EQ(r.kind, RunOutcome::Kind::Trapped);
  EXPECT_NE(r.trap.message.find("wasi:http: `[constructor]outgoing-response` is not supported: this host serves no "
                                "incoming requests"),
            std::string::npos)
      << r.trap.message;
}

TEST_F(HttpTest, ForbiddenHeaderIsRefused) {
  Outcome o = fetch({.authority = server.authority(), .header = "host: evil.example"});
  EXPECT_EQ(o.text.substr(0, 15), "header-error 1\n") << o.text;  // forbidden
  EXPECT_NE(o.text.find("status 200"), std::string::npos);
}

}  // namespace
}  // namespace wippy::wasi::test

namespace wippy::wasi::test {
namespace {

constexpr auto thread_count = TestHttpServer::thread_count;

// 1,000 requests in flight at once on the network thread: no thread is added for
// them (the waits are on each transfer's descriptor, as a suspended process's are).
TEST(HttpClient, ThousandConcurrentRequestsNeedNoMoreThreads) {
  TestHttpServer server;
  http::RequestSpec spec;
  spec.method = "GET";
  spec.scheme = "http";
  spec.authority = server.authority();
  spec.path_with_query = "/big?n=20000";
  spec.host = "127.0.0.1";
  spec.port = server.port();
  std::string error;
  spec.policy.connect.push_back(*NetRule::parse("127.0.0.1:*", error));
  // Warm up: the network thread exists before counting.
  auto first = std::make_shared<http::Transfer>(spec);
  http::start(first);
  while (!first->head_ready()) wait_for_fds({{first->wait_fd(http::Transfer::Wait::Head), false}}, std::nullopt);
  size_t threads = thread_count();
  auto t0 = std::chrono::steady_clock::now();
  std::vector<std::shared_ptr<http::Transfer>> all;
  for (int k = 0; k < 1000; k++) {
    all.push_back(std::make_shared<http::Transfer>(spec));
    http::start(all.back());
  }
  size_t peak_threads = threads, bytes = 0;
  for (auto& t : all) {
    for (;;) {
      p2::HostRead r = t->read(1 << 20);
      bytes += r.bytes.size();
      ASSERT_FALSE(r.error) << "error-code " << t->error()->code;
      if (r.closed) break;
      if (r.bytes.empty() && !t->body_readable()) wait_for_fds({{t->wait_fd(http::Transfer::Wait::Read), false}}, std::nullopt);
      peak_threads = std::max(peak_threads, thread_count());
    }
    EXPECT_EQ(t->status(), 200);
  }
  EXPECT_EQ(bytes, 1000u * 20000u);
  EXPECT_EQ(peak_threads, threads);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  std::printf("1000 concurrent requests: %lld ms, threads %zu\n", static_cast<long long>(ms), peak_threads);
}

}  // namespace
}  // namespace wippy::wasi::test
