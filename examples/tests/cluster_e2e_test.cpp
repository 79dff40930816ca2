// The cluster example: three `wippy` processes (nodes a, b and c) joined through a
// nats-server started here; a fans 1,000 WASM computations out to b and c.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "cluster/tests/nats_server.h"
#include "tests/subprocess.h"

namespace {

using wippy::cluster::testing::NatsServer;

// `wippy run --node NODE --nats URL args...` in the example, with a guard against a
// hang (not a timing assertion).
wippy::test::ProcessResult run_node(const std::string& node, const std::string& url,
                                    const std::vector<std::string>& args) {
  std::vector<std::string> argv{"/usr/bin/timeout", "120", WIPPY_CLI, "run", "--node", node, "--nats", url};
  argv.insert(argv.end(), args.begin(), args.end());
  return wippy::test::run_process(argv, "/dev/null",
                                  (std::filesystem::path(WIPPY_EXAMPLES_DIR) / "cluster").string());
}

TEST(ClusterExample, FansAThousandWasmComputationsOutToTwoNodes) {
  if (NatsServer::binary().empty()) GTEST_FAIL() << NatsServer::kMissing;
  NatsServer server;
  ASSERT_FALSE(server.url().empty()) << "nats-server did not start";
  wippy::test::ProcessResult b, c;
  std::thread node_b([&] { b = run_node("b", server.url(), {"serve"}); });
  std::thread node_c([&] { c = run_node("c", server.url(), {"serve"}); });
  auto a = run_node("a", server.url(), {"fanout", "1000"});
  node_b.join();
  node_c.join();
  EXPECT_EQ(a.code, 0) << a.err;
  EXPECT_EQ(a.out, "exits=1000 sum=1001000 b=500 c=500\n");  // sum of i * 2 for i = 1..1000
  EXPECT_EQ(b.out, "node b served\n") << b.err;
  EXPECT_EQ(c.out, "node c served\n") << c.err;
}

}  // namespace
