// cluster_bench: what crossing nodes costs against local delivery (issue 16). Two
// process systems in this program join a nats-server on 127.0.0.1 (started here) as
// nodes a and b; each measure runs once within a, and once from a to b:
//   round trip     a ping-pong of one message each way, averaged over N exchanges
//   messages/s     one sender, one receiver counting N messages
//   spawn-to-EXIT  a process spawns a monitored trivial child and waits for its EXIT, N times
// A program, not a timed test: it prints the figures and the remote/local ratios.
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>

#include "cluster/node.h"
#include "cluster/tests/nats_server.h"
#include "procs/system.h"

namespace {

using namespace wippy;
using Clock = std::chrono::steady_clock;
using procs::Pid;
using procs::StepResult;
using procs::Value;

class Fn : public procs::Process {
 public:
  explicit Fn(std::function<StepResult(procs::ProcessContext&)> f) : f_(std::move(f)) {}
  StepResult step(procs::ProcessContext& ctx) override { return f_(ctx); }

 private:
  std::function<StepResult(procs::ProcessContext&)> f_;
};

// Runs `make()` as a process on `sys` and returns the seconds until it ends.
double timed(procs::System& sys, std::function<StepResult(procs::ProcessContext&)> body) {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  std::string error;
  procs::SpawnOptions o;
  o.on_exit = [&](const procs::Event& ev) {
    std::lock_guard lk(mu);
    done = true;
    error = ev.error.value_or("");
    cv.notify_all();
  };
  auto start = Clock::now();
  auto r = sys.spawn_process("h", std::make_unique<Fn>(std::move(body)), std::move(o));
  if (!r) throw std::runtime_error(r.error);
  std::unique_lock lk(mu);
  cv.wait(lk, [&] { return done; });
  if (!error.empty()) throw std::runtime_error(error);
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Echoes every message to its sender until topic "last".
Pid start_echo(procs::System& sys) {
  return sys.spawn_process("h", std::make_unique<Fn>([](procs::ProcessContext& ctx) {
                             while (auto m = ctx.take_message()) {
                               ctx.system().try_send(ctx.pid(), m->from, "pong", m->payload);
                               if (m->topic == "last") return StepResult::done();
                             }
                             return StepResult::waiting();
                           }))
      .pid;
}

double round_trip_us(procs::System& a, procs::System& echo_sys, int n) {
  Pid echo = start_echo(echo_sys);
  auto sent = std::make_shared<int>(0);
  double s = timed(a, [=](procs::ProcessContext& ctx) {
    bool answered = *sent == 0;
    while (ctx.take_message()) answered = true;
    if (!answered) return StepResult::waiting();
    if (*sent == n) return StepResult::done();
    ++*sent;
    ctx.system().try_send(ctx.pid(), echo, *sent == n ? "last" : "ping", Value(*sent));
    return StepResult::waiting();
  });
  return s / n * 1e6;
}

double messages_per_s(procs::System& a, procs::System& to_sys, int n) {
  auto got = std::make_shared<int>(0);
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  procs::SpawnOptions o;
  o.on_exit = [&](const procs::Event&) {
    std::lock_guard lk(mu);
    done = true;
    cv.notify_all();
  };
  Pid counter = to_sys.spawn_process("h", std::make_unique<Fn>([=](procs::ProcessContext& ctx) {
                                       while (ctx.take_message()) ++*got;
                                       return *got >= n ? StepResult::done() : StepResult::waiting();
                                     }), std::move(o)).pid;
  auto start = Clock::now();
  timed(a, [=](procs::ProcessContext& ctx) {
    for (int i = 0; i < n; ++i) ctx.system().try_send(ctx.pid(), counter, "n", Value(i));
    return StepResult::done();
  });
  std::unique_lock lk(mu);
  cv.wait(lk, [&] { return done; });
  return n / std::chrono::duration<double>(Clock::now() - start).count();
}

double spawn_to_exit_us(procs::System& a, const std::string& host, int n) {
  auto left = std::make_shared<int>(n);
  auto waiting = std::make_shared<bool>(false);
  double s = timed(a, [=](procs::ProcessContext& ctx) {
    if (*waiting) {
      auto ev = ctx.take_event();
      if (!ev) return StepResult::waiting();
      if (ev->error) return StepResult::fail("child failed: " + *ev->error);
      if (--*left == 0) return StepResult::done();
    }
    procs::SpawnOptions o;
    o.parent = ctx.pid();
    o.monitor = true;
    auto r = ctx.system().spawn(host, "bench:trivial", {}, o);
    if (!r) return StepResult::fail(r.error);
    *waiting = true;
    return StepResult::waiting();
  });
  return s / n * 1e6;
}

void set_up(procs::System& sys) {
  procs::HostOptions h;
  h.name = "h";
  sys.add_host(h);
  sys.set_factory([](const std::string&, std::vector<Value>) {
    return std::make_unique<Fn>([](auto&) { return StepResult::done(1); });
  });
}

}  // namespace

int main() {
  cluster::testing::NatsServer server;
  if (server.url().empty()) {
    std::fprintf(stderr, "cluster_bench: nats-server did not start (%s)\n", cluster::testing::NatsServer::kMissing);
    return 1;
  }
  try {
    procs::System a, b;
    cluster::NodeOptions oa{"a", server.url(), {}}, ob{"b", server.url(), {}};
    ob.spawn_check = [](const std::string&) { return std::string(); };
    auto na = cluster::Node::join(a, oa), nb = cluster::Node::join(b, ob);
    set_up(a);
    set_up(b);
    const int kRounds = 2000, kMessages = 50000, kSpawns = 1000;
    double rl = round_trip_us(a, a, kRounds), rr = round_trip_us(a, b, kRounds);
    double ml = messages_per_s(a, a, kMessages), mr = messages_per_s(a, b, kMessages);
    double sl = spawn_to_exit_us(a, "h", kSpawns), sr = spawn_to_exit_us(a, "b@h", kSpawns);
    std::printf("%-16s %14s %14s %8s\n", "measure", "local", "remote (a->b)", "ratio");
    std::printf("%-16s %11.1f us %11.1f us %7.1fx\n", "round trip", rl, rr, rr / rl);
    std::printf("%-16s %12.0f/s %12.0f/s %7.2fx\n", "messages", ml, mr, mr / ml);
    std::printf("%-16s %11.1f us %11.1f us %7.1fx\n", "spawn-to-EXIT", sl, sr, sr / sl);
    a.shutdown();
    b.shutdown();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cluster_bench: %s\n", e.what());
    return 1;
  }
  cluster::close_nats_library();
  return 0;
}
