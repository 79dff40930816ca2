// `wippy run --node NAME --nats URL`: two wippy processes, nodes "a" and "b", joined
// through a nats-server on 127.0.0.1 started by the test; a Lua process on each.
#include <gtest/gtest.h>
#include <nats/nats.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

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
          " meta: { command: { name: pong } } }\n"
          "  - { name: watch, kind: process.lua, source: file://watch.lua, method: main,"
          " meta: { command: { name: watch } } }\n"
          "  - { name: victim, kind: process.lua, source: file://victim.lua, method: main,"
          " meta: { command: { name: victim } } }\n");
  // Node a: monitors b's process, tells b and the test (a NATS subscriber posing as
  // node t), then reports the EXIT it gets.
  p.write("src/watch.lua", R"(
    return { main = function()
      local hello = process.receive()
      process.monitor(hello.from)
      process.send(hello.from, "watching", true)
      process.send("{t@x|1}", "watching", hello.from)
      local ev
      repeat ev = process.receive() until ev.type == "EXIT"
      return ev.type .. " " .. ev.from .. " " .. tostring(ev.error)
    end })");
  // Node b: says hello until a watches it, then waits forever (until killed).
  p.write("src/victim.lua", R"(
    return { main = function(a)
      local m
      repeat
        process.send(a, "hello", "hi")
        m = process.receive(time.milliseconds(50))
      until m and m.topic == "watching"
      process.receive()
    end })");
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
  if (NatsServer::binary().empty()) GTEST_FAIL() << NatsServer::kMissing;
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

TEST(ClusterProject, MonitorGetsNodeDownWhenItsNodeIsKilled) {
  if (NatsServer::binary().empty()) GTEST_FAIL() << NatsServer::kMissing;
  NatsServer server;
  ASSERT_FALSE(server.url().empty()) << "nats-server did not start";
  Project p;
  write_project(p);
  // The test listens as node "t" to learn when a's monitor is in place.
  natsConnection* nc = nullptr;
  natsSubscription* sub = nullptr;
  ASSERT_EQ(natsConnection_ConnectTo(&nc, server.url().c_str()), NATS_OK);
  ASSERT_EQ(natsConnection_SubscribeSync(&sub, nc, "wippy.node.t"), NATS_OK);
  ASSERT_EQ(natsConnection_Flush(nc), NATS_OK);
  pid_t b = fork();
  if (b == 0) {
    std::string cmd = "cd '" + p.root().string() + "' && WIPPY_NODE=b WIPPY_NATS=" + server.url() + " exec " +
                      WIPPY_CLI + " run victim '{a@app:terminal|1}' >/dev/null 2>&1";
    execl("/bin/sh", "/bin/sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  wippy::test::ProcessResult a;
  std::thread node_a([&] { a = run_wippy(p, "", {"run", "--node", "a", "--nats", server.url(), "watch"}); });
  natsMsg* msg = nullptr;
  EXPECT_EQ(natsSubscription_NextMsg(&msg, sub, 60000), NATS_OK) << "a never reported its monitor";
  natsMsg_Destroy(msg);
  kill(b, SIGKILL);  // no goodbye: a learns from the missing heartbeats
  waitpid(b, nullptr, 0);
  node_a.join();
  EXPECT_EQ(a.code, 0) << a.err;
  EXPECT_EQ(a.out, "EXIT {b@app:terminal|1} node down: b\n");
  natsSubscription_Destroy(sub);
  natsConnection_Destroy(nc);
}

// Node b serves: registers "svc.b" cluster-wide and waits for "stop". Node a finds it
// by name, spawns on b (an allowed entry with a result, a refused one, a linked one
// that fails), cancels a remote process, and stops b.
void write_remote_project(const Project& p) {
  p.write("wippy.lock", "directories:\n  src: ./src\n");
  p.write("src/_index.yaml",
          "version: \"1.0\"\nnamespace: app\nentries:\n"
          "  - { name: terminal, kind: terminal.host }\n"
          "  - { name: workers, kind: process.host }\n"
          "  - { name: serve, kind: process.lua, source: file://serve.lua, method: main,"
          " meta: { command: { name: serve } } }\n"
          "  - { name: drive, kind: process.lua, source: file://drive.lua, method: main,"
          " meta: { command: { name: drive } } }\n"
          "  - { name: double, kind: process.lua, source: file://double.lua, method: main,"
          " meta: { remote_spawn: true } }\n"
          "  - { name: secret, kind: process.lua, source: file://double.lua, method: main }\n");
  p.write("src/serve.lua", R"(
    return { main = function()
      assert(process.registry.register("svc.b"))
      local m
      repeat m = process.receive() until m.topic == "stop"
      return "b stopped"
    end })");
  // Doubles its argument; "fail" fails; "wait" waits for CANCEL and returns its reason.
  p.write("src/double.lua", R"(
    return { main = function(x)
      if x == "fail" then error("asked to fail") end
      if x == "wait" then
        local ev
        repeat ev = process.receive() until ev.type == "CANCEL"
        return "cancelled: " .. tostring(ev.reason)
      end
      return x * 2
    end })");
  p.write("src/drive.lua", R"(
    local function exit_of(pid)
      local ev
      repeat ev = process.receive() until ev.type == "EXIT" and ev.from == pid
      return ev
    end
    return { main = function()
      local b
      repeat
        b = process.registry.lookup("svc.b")
        if not b then process.receive(time.milliseconds(20)) end
      until b
      local out = {}
      local pid = assert(process.spawn_monitored("app:double", "b@app:workers", 21))
      out[#out + 1] = pid:match("^{b@app:workers|") and "remote pid" or ("pid " .. pid)
      out[#out + 1] = "result " .. tostring(exit_of(pid).value)
      local _, err = process.spawn("app:secret", "b@app:workers", 1)
      out[#out + 1] = err
      local _, err2 = process.spawn("app:double", "z@app:workers", 1)
      out[#out + 1] = err2
      process.set_options({ trap_links = true })
      local linked = assert(process.spawn_linked("app:double", "b@app:workers", "fail"))
      local ev
      repeat ev = process.receive() until ev.type == "LINK_DOWN"
      out[#out + 1] = "LINK_DOWN " .. tostring(ev.from == linked)
      local waiting = assert(process.spawn_monitored("app:double", "b@app:workers", "wait"))
      process.cancel(waiting, "enough")
      out[#out + 1] = tostring(exit_of(waiting).value)
      local named, nerr = process.with_options({ name = "remote.child" }):spawn("app:double", "b@app:workers", "wait")
      out[#out + 1] = tostring(named) .. " " .. tostring(nerr)
      process.send("svc.b", "stop", true)
      return table.concat(out, "; ")
    end })");
}

TEST(ClusterProject, RemoteSpawnNamesLinksAndCancelBetweenWippyProcessesWithAuth) {
  if (NatsServer::binary().empty()) GTEST_FAIL() << NatsServer::kMissing;
  NatsServer server({"--user", "wippy", "--pass", "s3cret"});
  ASSERT_FALSE(server.url().empty()) << "nats-server did not start";
  Project p;
  write_remote_project(p);
  const std::string auth = "WIPPY_NATS_USER=wippy WIPPY_NATS_PASSWORD=s3cret ";
  wippy::test::ProcessResult b;
  std::thread node_b([&] { b = run_wippy(p, auth + "WIPPY_NODE=b WIPPY_NATS=" + server.url(), {"run", "serve"}); });
  auto a = run_wippy(p, auth, {"run", "--node", "a", "--nats", server.url(), "drive"});
  node_b.join();
  EXPECT_EQ(a.code, 0) << a.err;
  EXPECT_EQ(a.out,
            "remote pid; result 42; spawn on node b: entry app:secret is not marked meta.remote_spawn: true there; "
            "no route to node z: it is not in the cluster; LINK_DOWN true; cancelled: enough; "
            "nil a name can only be registered on the node of its process\n");
  EXPECT_EQ(b.code, 0) << b.err;
  EXPECT_EQ(b.out, "b stopped\n");
  // Without the password the server refuses the node.
  auto refused = run_wippy(p, "", {"run", "--node", "a", "--nats", server.url(), "drive"});
  EXPECT_EQ(refused.code, 1);
  EXPECT_NE(refused.err.find("Authorization Violation"), std::string::npos) << refused.err;
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
