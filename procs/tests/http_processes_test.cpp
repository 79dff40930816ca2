// wasi:http from many processes at once (issue 14): 1,000 component processes on a
// host of 2 workers each send one request to a server that holds every answer until
// all 1,000 requests have arrived. They can only all arrive if a process waiting for
// its response holds no worker thread; and no thread is added for them (the network
// thread runs every transfer).
#include <sys/resource.h>

#include <fstream>
#include <iterator>

#include "component/loader.h"
#include "procs/io_pool.h"
#include "procs/tests/test_util.h"
#include "tests/http_server.h"
#include "wasi/net_policy.h"
#include "wasi/p2.h"

namespace wippy::procs::test {
namespace {

constexpr auto thread_count = wippy::test::TestHttpServer::thread_count;

std::shared_ptr<const component::Component> http_probe() {
  std::ifstream in(std::string(WIPPY_GUEST_DIR) + "/http_probe.component.wasm", std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return component::load_component(bytes);
}

// A process running the probe's `fetch` of GET http://AUTHORITY/PATH (http_test.cpp),
// allowed to reach 127.0.0.1 only.
std::unique_ptr<Process> fetcher(const std::shared_ptr<const component::Component>& probe, const std::string& authority,
                                 const std::string& path) {
  WasmProcessConfig cfg;
  cfg.component = probe;
  cfg.method = "fetch";
  // method, authority, path, header, body, content-length, connect and first-byte timeouts
  cfg.args = {Value("GET"), Value(authority), Value(path), Value(""), Value(""), Value(false), Value(0), Value(0)};
  cfg.imports = [probe](WasmImports& im, ProcessContext&) {
    auto ctx = std::make_shared<wasi::WasiContext>();
    ctx->entry = "test:fetcher";
    std::string error;
    ctx->network.connect.push_back(*wasi::NetRule::parse("127.0.0.1:*", error));
    wasi::add_p2_to_linker(im.components, *probe, *ctx);
    im.keep_alive.push_back(ctx);
  };
  return std::make_unique<WasmProcess>(std::move(cfg));
}

TEST(HttpOnProcs, ThousandProcessesWithARequestEachAllInFlightAtOnce) {
  constexpr int kProcesses = 1000;
  constexpr unsigned kWorkers = 2;
  wippy::test::TestHttpServer server;
  System sys;
  HostOptions o;
  o.name = "wasm";
  o.workers = kWorkers;
  sys.add_host(o);
  auto probe = http_probe();

  // One request first, so that the network thread (and the event loop) exist
  // before counting.
  ExitCollector warm;
  ASSERT_TRUE(sys.spawn_process("wasm", fetcher(probe, server.authority(), "/hello"), warm.options()));
  ASSERT_TRUE(warm.wait_for(1));
  ASSERT_FALSE(warm.only().error) << *warm.only().error;
  size_t threads_before = thread_count();

  std::atomic<size_t> threads_at_gate{0};
  server.on_gate_full([&] { threads_at_gate = thread_count(); });
  auto t0 = std::chrono::steady_clock::now();
  ExitCollector c;
  std::string path = "/gate?n=" + std::to_string(kProcesses);
  for (int k = 0; k < kProcesses; k++) {
    SpawnResult r = sys.spawn_process("wasm", fetcher(probe, server.authority(), path), c.options());
    ASSERT_TRUE(r) << r.error;
  }
  bool all = c.wait_for(kProcesses, 120000ms);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_TRUE(all) << c.size() << " of " << kProcesses << " ended; " << server.gate_arrivals() << " requests arrived";

  std::string want_end = "gate " + std::to_string(kProcesses);
  int ok = 0;
  for (const Event& ev : c.events()) {
    ASSERT_FALSE(ev.error) << *ev.error;
    const std::string& text = ev.value.as_string();
    ok += text.rfind("status 200\n", 0) == 0 && text.ends_with(want_end);
  }
  EXPECT_EQ(ok, kProcesses);
  EXPECT_EQ(server.gate_arrivals(), kProcesses);
  // While all 1,000 were waiting: not one thread more than before them. The bound:
  // the test's own thread and its server's, the workers, the event loop, the
  // network thread and the I/O pool (started on first use; a request never uses it).
  EXPECT_EQ(threads_at_gate.load(), threads_before);
  EXPECT_LE(threads_at_gate.load(), 2 + kWorkers + 1 + 1 + IoPool::kThreads);
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  std::printf("%d processes, one request each, all in flight at once: %lld ms, %zu threads (%u workers), peak RSS %ld MB\n",
              kProcesses, static_cast<long long>(ms), threads_at_gate.load(), kWorkers, u.ru_maxrss / 1024);
}

}  // namespace
}  // namespace wippy::procs::test
