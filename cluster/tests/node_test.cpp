// Node: sends, monitors, events and node-down between two process systems.
#include "cluster/node.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "cluster/tests/two_nodes.h"

namespace wippy::cluster {
namespace {

using namespace std::chrono_literals;
using namespace testing;
using procs::Pid;
using procs::StepResult;
using procs::Value;

TEST(NodeName, RejectsBadNamesAndUnreachableServers) {
  procs::System sys;
  for (const char* bad : {"", "a.b", "a@b", "a b", "*", ">"})
    EXPECT_THROW(Node::join(sys, {bad, "nats://127.0.0.1:1", {}}), std::invalid_argument) << bad;
  try {
    Node::join(sys, {"a", "nats://127.0.0.1:1", {}});
    FAIL() << "joined without a server";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot connect to NATS at nats://127.0.0.1:1"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(sys.node(), "");  // a failed join leaves the system local
}

TEST_F(TwoNodes, PidsNameTheirNode) {
  Result r;
  auto s = a_.spawn_process("h", std::make_unique<FnProcess>([](auto&) { return StepResult::done(1); }), r.options());
  ASSERT_TRUE(s.ok()) << s.error;
  EXPECT_EQ(s.pid.host, "a@h");
  EXPECT_EQ(s.pid.node(), "a");
  EXPECT_EQ(s.pid.local_host(), "h");
  EXPECT_TRUE(b_.is_remote(s.pid));
  EXPECT_FALSE(a_.is_remote(s.pid));
  EXPECT_EQ(r.get(), Value(1));
}

TEST_F(TwoNodes, ThousandMessagesArriveInOrderWithTheirValues) {
  Result r;
  auto s = b_.spawn_process("h", collector(1001), r.options());
  ASSERT_TRUE(s.ok());
  Pid from{"a@h", 7};
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(a_.try_send(from, s.pid, "n", Value(i)).ok());
  Value table(Value::Map{{"f", 1.0}, {"i", 1}, {"s", "x"}, {"t", true}, {"n", Value()}, {"pid", from.to_string()}});
  ASSERT_TRUE(a_.try_send(from, s.pid, "t", table).ok());
  Value got = r.get();
  ASSERT_TRUE(got.is_array()) << got.to_string(300);
  ASSERT_EQ(got.as_array().size(), 1001u);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(got.as_array()[i], Value(i)) << "at " << i;
  EXPECT_EQ(got.as_array()[1000], table);
  EXPECT_EQ(node_a_->stats().sent, 1001u);
  // b counts a message once its inbox took it, which may be after the collector (on
  // a worker) already read it and ended.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (node_b_->stats().delivered < 1001u && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_EQ(node_b_->stats().delivered, 1001u);
}

TEST_F(TwoNodes, PingPong) {
  // b echoes each message to its sender, with topic "pong".
  auto echo = b_.spawn_process("h", std::make_unique<FnProcess>([](procs::ProcessContext& ctx) {
    while (auto m = ctx.take_message()) {
      ctx.system().try_send(ctx.pid(), m->from, "pong", m->payload);
      if (m->topic == "last") return StepResult::done();
    }
    return StepResult::waiting();
  }));
  ASSERT_TRUE(echo.ok());
  Result r;
  auto sent = std::make_shared<int>(0);
  auto ping = a_.spawn_process("h", std::make_unique<FnProcess>([sent, to = echo.pid](procs::ProcessContext& ctx) {
    bool answered = *sent == 0;  // the first step starts the exchange
    while (auto m = ctx.take_message()) {
      if (m->from != to || m->topic != "pong" || m->payload != Value(*sent)) return StepResult::fail("bad pong");
      if (*sent == 100) return StepResult::done(*sent);
      answered = true;
    }
    if (answered) {  // one ping in flight at a time (a wake-up without a pong sends nothing)
      ++*sent;
      ctx.system().try_send(ctx.pid(), to, *sent == 100 ? "last" : "ping", Value(*sent));
    }
    return StepResult::waiting();
  }), r.options());
  ASSERT_TRUE(ping.ok());
  EXPECT_EQ(r.get(), Value(100));
}

TEST_F(TwoNodes, HostileEnvelopesAreDroppedAndCounted) {
  RawPeer raw(server_.url());
  Result r;
  auto s = b_.spawn_process("h", collector(1), r.options());
  auto publish = [&](std::string_view bytes) { raw.publish("b", bytes); };
  publish("garbage");
  publish(encode_value(Value::Array{1, "{a@h|1}"}));
  publish(encode_value(Value::Array{1, "{a@h|1}", "not a pid", "t", 1}));
  publish(encode_value(Value::Array{1, "{a@h|1}", "{c@h|1}", "t", 1}));
  publish(encode_value(Value::Array{1, "{a@h|1}", "{b@h|999}", "t", 1}));
  publish(encode_value(Value::Array{1, "{a@h|1}", s.pid.to_string(), "t", "ok"}));
  EXPECT_EQ(r.get(), Value(Value::Array{"ok"}));  // the good one after the bad ones
  EXPECT_EQ(node_b_->stats().dropped, 5u);
  EXPECT_NE(node_b_->last_drop().find("no such process"), std::string::npos) << node_b_->last_drop();
}

TEST_F(TwoNodes, SendErrors) {
  Pid to{"b@h", 1};
  Value deep = Value::Array{};
  for (int i = 0; i < 70; ++i) deep = Value(Value::Array{deep});
  auto r = a_.try_send({}, to, "t", deep);
  EXPECT_NE(r.error.find("too deep"), std::string::npos) << r.error;
  r = a_.try_send({}, to, "t", Value(std::string(2 << 20, 'x')));  // over the server's 1 MiB max_payload
  EXPECT_NE(r.error.find("message too large for NATS"), std::string::npos) << r.error;
  node_a_->leave();
  r = a_.try_send({}, to, "t", 1);
  EXPECT_NE(r.error.find("no route to node b"), std::string::npos) << r.error;
}

TEST_F(TwoNodes, MonitorOfARemoteProcessGetsItsExit) {
  auto target = b_.spawn_process("h", stopper(42));
  ASSERT_TRUE(target.ok());
  Result r;
  // Monitor, then ask it to stop: the monitor request travels first on the same subject.
  auto w = a_.spawn_process("h", watcher(target.pid, [t = target.pid](procs::ProcessContext& ctx) {
    ctx.system().try_send(ctx.pid(), t, "stop", Value());
  }), r.options());
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(r.get(), Value("EXIT {b@h|1} 42"));
}

TEST_F(TwoNodes, MonitorOfADeadRemotePidGetsNoSuchProcess) {
  Result r;
  ASSERT_TRUE(a_.spawn_process("h", watcher(Pid{"b@h", 99}), r.options()).ok());
  EXPECT_EQ(r.get(), Value("EXIT {b@h|99} no such process"));
}

TEST_F(TwoNodes, NodeThatLeavesIsDownForItsWatchers) {
  auto target = b_.spawn_process("h", stopper(1));
  Result r;
  // Whether b's goodbye comes before or after the monitor request, a's watcher gets
  // "node down" (after it: at once; before it: after a's node_timeout).
  auto w = a_.spawn_process("h", watcher(target.pid, [t = target.pid](procs::ProcessContext& ctx) {
    ctx.system().try_send(ctx.pid(), t, "hello", Value());
  }), r.options());
  ASSERT_TRUE(w.ok());
  node_b_->leave();  // a goodbye: no need to wait for the 3 s timeout
  EXPECT_EQ(r.get(), Value("EXIT {b@h|1} node down: b"));
}

TEST_F(TwoNodes, ExitForAPairNotWatchedIsDropped) {
  RawPeer raw(server_.url());
  Result r;
  auto s = a_.spawn_process("h", collector(1), r.options());
  // As if b sent an EXIT after a had reported b down (or after a demonitor).
  raw.publish("a", encode_value(Value::Array{4, s.pid.to_string(), 0, "{b@h|5}", 1, Value()}));
  raw.publish("a", encode_value(Value::Array{1, "{b@h|1}", s.pid.to_string(), "t", "ok"}));
  EXPECT_EQ(r.get(), Value(Value::Array{"ok"}));
  EXPECT_EQ(node_a_->stats().dropped, 1u);
  EXPECT_NE(node_a_->last_drop().find("no longer watches it"), std::string::npos) << node_a_->last_drop();
}

TEST_F(FastHeartbeat, SilentNodeIsDownAfterTheTimeout) {
  auto target = b_.spawn_process("h", stopper(1));
  Result r;
  ASSERT_TRUE(a_.spawn_process("h", watcher(target.pid), r.options()).ok());
  node_b_->vanish();  // as if b's machine died: no goodbye, no heartbeats
  EXPECT_EQ(r.get(), Value("EXIT {b@h|1} node down: b"));
  EXPECT_TRUE(b_.alive(target.pid));  // b's process never ended: a's view is "down"
}

TEST(NoRouter, RemotePidsWithoutARouterFailClearly) {
  procs::System sys;
  sys.set_node("a");
  procs::HostOptions h;
  h.name = "h";
  sys.add_host(h);
  EXPECT_EQ(sys.try_send({}, Pid{"b@h", 1}, "t", 1).error, "no route to node b");
  Result r;
  ASSERT_TRUE(sys.spawn_process("h", watcher(Pid{"b@h", 1}), r.options()).ok());
  EXPECT_EQ(r.get(), Value("EXIT {b@h|1} no route to node b"));
  EXPECT_EQ(sys.spawn("b@h", "e", {}).error, "no route to node b: this process system is not in a cluster");
  EXPECT_FALSE(sys.link(Pid{"a@h", 1}, Pid{"b@h", 1}));
  EXPECT_FALSE(sys.cancel({}, Pid{"b@h", 1}));
  EXPECT_EQ(sys.lookup_name("x"), std::nullopt);
  EXPECT_THROW(sys.set_node("c"), std::logic_error);
}

}  // namespace
}  // namespace wippy::cluster
