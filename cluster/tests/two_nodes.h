// Test helpers of the cluster tests: native processes, a result waiter, and two
// process systems joined as nodes "a" and "b" through a nats-server of the test.
#pragma once

#include <gtest/gtest.h>
#include <nats/nats.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "cluster/node.h"
#include "cluster/tests/nats_server.h"
#include "procs/system.h"

namespace wippy::procs {
// gtest shows a Value as its text.
inline void PrintTo(const Value& v, std::ostream* os) { *os << v.to_string(500); }
}  // namespace wippy::procs

namespace wippy::cluster::testing {

using namespace std::chrono_literals;
using procs::Pid;
using procs::StepResult;
using procs::Value;

// A native process whose Step is a function.
class FnProcess : public procs::Process {
 public:
  using Fn = std::function<StepResult(procs::ProcessContext&)>;
  explicit FnProcess(Fn fn) : fn_(std::move(fn)) {}
  StepResult step(procs::ProcessContext& ctx) override { return fn_(ctx); }

 private:
  Fn fn_;
};

// Waits for a process's result from the test thread (event-based).
class Result {
 public:
  procs::SpawnOptions options() {
    procs::SpawnOptions o;
    o.on_exit = [this](const procs::Event& ev) {
      std::lock_guard lk(mu_);
      value_ = ev.value;
      error_ = ev.error.value_or("");
      done_ = true;
      cv_.notify_all();
    };
    return o;
  }
  // Whether the result came within `wait`.
  bool ready(std::chrono::milliseconds wait) {
    std::unique_lock lk(mu_);
    return cv_.wait_for(lk, wait, [&] { return done_; });
  }
  // The result, or "hang" when none came within a generous bound (a failure).
  Value get() {
    std::unique_lock lk(mu_);
    if (!cv_.wait_for(lk, 30s, [&] { return done_; })) return "hang";
    return error_.empty() ? value_ : Value("error: " + error_);
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  Value value_;
  std::string error_;
};

// Two process systems joined to one NATS server as nodes "a" and "b", each with a host "h".
class TwoNodes : public ::testing::Test {
 protected:
  void SetUp() override {
    if (NatsServer::binary().empty()) GTEST_FAIL() << NatsServer::kMissing;
    ASSERT_FALSE(server_.url().empty()) << "nats-server did not start";
    node_a_ = Node::join(a_, opts_a_);
    opts_b_.spawn_check = [](const std::string& id) {
      return id.starts_with("ok:") ? std::string() : "entry " + id + " is not marked meta.remote_spawn: true";
    };
    node_b_ = Node::join(b_, opts_b_);
    procs::HostOptions h;
    h.name = "h";
    h.stop_timeout = 100ms;  // the teardown ends processes left waiting
    a_.add_host(h);
    b_.add_host(h);
    b_.set_factory([](const std::string& id, std::vector<Value> args) { return make(id, std::move(args)); });
  }
  // The processes of b's factory ("ok:..." may be spawned from a): ok:double ends
  // with args[1] * 2; ok:fail fails with "boom"; ok:wait ends with the first event
  // ("CANCEL <reason>", "LINK_DOWN <error>").
  static std::unique_ptr<procs::Process> make(const std::string& id, std::vector<Value> args) {
    if (id == "ok:double" && !args.empty() && args[0].is_int())
      return std::make_unique<FnProcess>([n = args[0].as_int()](auto&) { return StepResult::done(n * 2); });
    if (id == "ok:fail") return std::make_unique<FnProcess>([](auto&) { return StepResult::fail("boom"); });
    if (id == "ok:wait")
      return std::make_unique<FnProcess>([](procs::ProcessContext& ctx) {
        if (auto ev = ctx.take_event())
          return StepResult::done(std::string(procs::event_type_name(ev->kind)) + " " +
                                  (ev->error ? *ev->error : ev->value.to_string()));
        return StepResult::waiting();
      });
    throw std::runtime_error("unknown entry " + id);
  }
  void TearDown() override {
    a_.shutdown();
    b_.shutdown();
    if (node_a_) node_a_->leave();
    if (node_b_) node_b_->leave();
  }
  NatsServer server_;
  NodeOptions opts_a_{"a", server_.url(), {}}, opts_b_{"b", server_.url(), {}};
  procs::System a_, b_;
  std::shared_ptr<Node> node_a_, node_b_;
};

// A plain NATS client posing as a peer node: publishes forged or hostile bytes.
class RawPeer {
 public:
  explicit RawPeer(const std::string& url) { EXPECT_EQ(natsConnection_ConnectTo(&conn_, url.c_str()), NATS_OK); }
  ~RawPeer() { natsConnection_Destroy(conn_); }
  void publish(std::string_view node, std::string_view bytes) {
    std::string subject = Node::subject_of(node);
    ASSERT_EQ(natsConnection_Publish(conn_, subject.c_str(), bytes.data(), static_cast<int>(bytes.size())), NATS_OK);
  }

 private:
  natsConnection* conn_ = nullptr;
};

// Collects `n` messages, then ends with [payloads...].
inline std::unique_ptr<procs::Process> collector(size_t n) {
  auto got = std::make_shared<Value::Array>();
  return std::make_unique<FnProcess>([got, n](procs::ProcessContext& ctx) {
    while (auto m = ctx.take_message()) got->push_back(m->payload);
    if (got->size() >= n) return StepResult::done(Value(*got));
    return StepResult::waiting();
  });
}

// Waits for a message with topic "stop", then ends with `result`.
inline std::unique_ptr<procs::Process> stopper(Value result) {
  return std::make_unique<FnProcess>([result](procs::ProcessContext& ctx) {
    while (auto m = ctx.take_message())
      if (m->topic == "stop") return StepResult::done(result);
    return StepResult::waiting();
  });
}

// Monitors `target`, runs `then` once, and ends with the first event as
// "KIND from error|value".
inline std::unique_ptr<procs::Process> watcher(Pid target, std::function<void(procs::ProcessContext&)> then = {}) {
  auto started = std::make_shared<bool>(false);
  return std::make_unique<FnProcess>([=](procs::ProcessContext& ctx) {
    if (!*started) {
      *started = true;
      ctx.system().monitor(ctx.pid(), target);
      if (then) then(ctx);
    }
    if (auto ev = ctx.take_event())
      return StepResult::done(std::string(procs::event_type_name(ev->kind)) + " " + ev->from.to_string() + " " +
                              (ev->error ? *ev->error : ev->value.to_string()));
    return StepResult::waiting();
  });
}


class FastHeartbeat : public TwoNodes {
 protected:
  FastHeartbeat() {
    opts_a_.heartbeat_interval = 10ms;
    opts_a_.node_timeout = 200ms;
  }
};

}  // namespace wippy::cluster::testing
