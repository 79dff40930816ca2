// `wippy run --node NAME --nats URL`: two wippy processes, nodes "a" and "b", joined
// through a nats-server on 127.0.0.1 started by the test; a Lua process on each.
#include <gtest/gtest.h>

#include <string>
#include <thread>

#include "cli/tests/project.h"
#include "cluster/tests/nats_server.h"

namespace {

using wippy::cluster::testing::NatsServer;
using wippy::test::Project;

void write_project(const Project& p) {
  p.write("wippy.lock", "directories:\n  src: ./src\n");
  p.write("src/_index.yaml",
          "version: \"1.0\"\nnamespace: app\nentries:\n"
          "  - { name: terminal, kind: terminal.host }\n"
          "  - { name: ping, kind: process.lua, source: file://ping.lua, method: main,"
          " meta: { command: { name: ping } } }\n"
          "  - { name: pong, kind: process.lua, source: file://pong.lua, method: main,"
          " meta: { command: { name: pong } } }\n");
  // Node a: waits for b's hello, ping-pongs a table, sends 1,000 numbers, waits for b's count.
  p.write("src/ping.lua", R"(
    return { main = function()
      local hello = process.receive()
      local b = hello.from
      process.send(b, "ping", { n = 1, f = 2.5, s = "x", list = { 1, 2, 3 }, yes = true, me = process.pid() })
      local pong
      repeat pong = process.receive() until pong.topic == "pong"
      for i = 1, 1000 do process.send(b, "n", i) end
      local done
      repeat done = process.receive() until done.topic == "done"
      local t = pong.payload
      return string.format("a=%s b=%s pong: %s %s %s %s %d %s; b counted %s", process.pid(), b,
        math.type(t.n), math.type(t.f), t.s, tostring(t.yes), #t.list, tostring(t.me == process.pid()),
        done.payload)
    end })");
  // Node b: says hello to a's command process until a answers (a message to a node
  // that has not joined yet is lost: at most once), echoes the ping, checks the order.
  p.write("src/pong.lua", R"(
    return { main = function(a)
      local m
      repeat
        process.send(a, "hello", "hi")
        m = process.receive(time.milliseconds(50))
      until m and m.topic == "ping"
      process.send(m.from, "pong", m.payload)
      local want = 1
      while want <= 1000 do
        local n = process.receive()
        if n.topic == "n" then
          if n.payload ~= want then error("out of order: got " .. tostring(n.payload) .. ", want " .. want) end
          want = want + 1
        end
      end
      process.send(m.from, "done", want - 1)
      return "b done"
    end })");
}

// `wippy args...` in the project, with a guard against a hang (not a timing assertion).
wippy::test::ProcessResult run_wippy(const Project& p, const std::string& env, const std::vector<std::string>& args) {
  std::string cmd = "cd '" + p.root().string() + "' && " + env + " exec timeout 120 " + WIPPY_CLI;
  for (const std::string& a : args) cmd += " '" + a + "'";
  return wippy::test::run_process({"/bin/sh", "-c", cmd});
}

TEST(ClusterProject, PingPongAndOrderedThousandAcrossTwoWippyProcesses) {
  if (NatsServer::binary().empty()) GTEST_SKIP() << NatsServer::kMissing;
  NatsServer server;
  ASSERT_FALSE(server.url().empty()) << "nats-server did not start";
  Project p;
  write_project(p);
  // b joins through the environment, a through the flags.
  wippy::test::ProcessResult b;
  std::thread node_b([&] {
    b = run_wippy(p, "WIPPY_NODE=b WIPPY_NATS=" + server.url(), {"run", "pong", "{a@app:terminal|1}"});
  });
  auto a = run_wippy(p, "", {"run", "--node", "a", "--nats", server.url(), "ping"});
  node_b.join();
  EXPECT_EQ(a.code, 0) << a.err;
  EXPECT_EQ(a.out,
            "a={a@app:terminal|1} b={b@app:terminal|1} pong: integer float x true 3 true; b counted 1000\n");
  EXPECT_EQ(b.code, 0) << b.err;
  EXPECT_EQ(b.out, "b done\n");
}

TEST(ClusterProject, BadClusterOptionsAreClearErrors) {
  Project p;
  write_project(p);
  auto r = run_wippy(p, "", {"run", "--node", "a", "ping"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("needs both a node name and a NATS URL"), std::string::npos) << r.err;
  r = run_wippy(p, "", {"run", "--node", "a.b", "--nats", "nats://127.0.0.1:1", "ping"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("bad node name 'a.b'"), std::string::npos) << r.err;
  r = run_wippy(p, "", {"run", "--node", "a", "--nats", "nats://127.0.0.1:1", "ping"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("cannot connect to NATS at nats://127.0.0.1:1"), std::string::npos) << r.err;
}

}  // namespace
