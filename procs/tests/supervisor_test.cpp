// Supervisor on a virtual clock: dependency order, exact backoff delays, the reset
// after a stable run, max_attempts, no restart after cancel/terminate/normal exit,
// required and optional startup, start and stop timeouts. Time only moves when the
// test advances it; everything else waits on events.
#include "procs/supervisor.h"

#include <map>
#include <set>

#include "procs/duration.h"
#include "procs/tests/test_util.h"

namespace wippy::procs::test {
namespace {

using State = Supervisor::State;

class VirtualClock : public SupervisorClock {
 public:
  Clock::time_point now() override {
    std::lock_guard lk(mu_);
    return now_;
  }
  uint64_t at(Clock::time_point when, std::function<void()> fn) override {
    std::lock_guard lk(mu_);
    timers_[next_] = {when, std::move(fn)};
    return next_++;
  }
  void cancel(uint64_t id) override {
    std::lock_guard lk(mu_);
    timers_.erase(id);
  }
  // Moves time forward by `d`, running each timer that falls due, in time order.
  void advance(Clock::duration d) {
    Clock::time_point target;
    {
      std::lock_guard lk(mu_);
      target = now_ + d;
    }
    for (;;) {
      std::function<void()> fn;
      {
        std::lock_guard lk(mu_);
        auto due = timers_.end();
        for (auto it = timers_.begin(); it != timers_.end(); ++it)
          if (it->second.first <= target && (due == timers_.end() || it->second.first < due->second.first)) due = it;
        if (due == timers_.end()) {
          now_ = target;
          return;
        }
        now_ = std::max(now_, due->second.first);
        fn = std::move(due->second.second);
        timers_.erase(due);
      }
      fn();
    }
  }

 private:
  std::mutex mu_;
  Clock::time_point now_{};
  std::map<uint64_t, std::pair<Clock::time_point, std::function<void()>>> timers_;
  uint64_t next_ = 1;
};

// A service process: its first step suspends it; then a "crash" message fails it,
// "exit" ends it normally, CANCEL ends it normally (unless `stubborn`). The journal
// records "start NAME" and "end NAME".
struct Journal {
  std::mutex mu;
  std::vector<std::string> lines;
  void add(std::string s) {
    std::lock_guard lk(mu);
    lines.push_back(std::move(s));
  }
  std::vector<std::string> get() {
    std::lock_guard lk(mu);
    return lines;
  }
};

std::unique_ptr<Process> service_process(const std::string& name, Journal& j, bool stubborn, bool fail_at_once) {
  j.add("start " + name);
  auto first = std::make_shared<bool>(true);
  return std::make_unique<FnProcess>(
      [name, &j, stubborn, fail_at_once, first](ProcessContext& ctx) -> StepResult {
        if (fail_at_once) return StepResult::fail("boom");
        if (*first) {
          *first = false;
          return StepResult::waiting();
        }
        while (auto ev = ctx.take_event())
          if (ev->kind == EventKind::Cancel && !stubborn) return StepResult::done(Value("cancelled"));
        while (auto m = ctx.take_message()) {
          if (m->topic == "crash") return StepResult::fail("crashed");
          if (m->topic == "exit") return StepResult::done();
        }
        return StepResult::waiting();
      },
      [name, &j] { j.add("end " + name); });
}

ServiceConfig svc(const std::string& id, std::vector<std::string> requires_ = {}) {
  ServiceConfig c;
  c.id = id;
  c.process = id;
  c.host = "h";
  c.auto_start = true;
  c.depends_on = std::move(requires_);
  c.restart.jitter = 0;
  return c;
}

class SupervisorTest : public ::testing::Test {
 protected:
  SupervisorTest() {
    HostOptions h;
    h.name = "h";
    h.workers = 2;
    sys.add_host(h);
  }
  ~SupervisorTest() override { sys.shutdown(); }

  std::unique_ptr<Supervisor> make(std::vector<ServiceConfig> cfgs) {
    SupervisorOptions o;
    o.clock = clock;
    o.factory = [this](const std::string& id, std::vector<Value>) -> std::unique_ptr<Process> {
      if (id == "missing") throw std::runtime_error("unknown entry: missing");
      return service_process(id, journal, stubborn.count(id) > 0, failing.count(id) > 0);
    };
    o.log = [this](const std::string& line) { log.add(line); };
    return std::make_unique<Supervisor>(sys, std::move(cfgs), std::move(o));
  }
  static const Supervisor::Status& of(const std::vector<Supervisor::Status>& all, const std::string& id) {
    for (const auto& s : all)
      if (s.id == id) return s;
    throw std::runtime_error("no service " + id);
  }
  bool wait_state(Supervisor& s, const std::string& id, State st, uint32_t starts = 0) {
    return s.wait_until([&](const auto& all) {
      const auto& x = of(all, id);
      return x.state == st && x.starts >= starts;
    });
  }

  System sys;
  std::shared_ptr<VirtualClock> clock = std::make_shared<VirtualClock>();
  Journal journal, log;
  std::set<std::string> stubborn, failing;
};

TEST_F(SupervisorTest, StartsInDependencyOrderAndStopsInReverse) {
  // Declared dependents first: the order comes from `requires` alone. "db" is not
  // auto_start but is started because "api" requires it.
  std::vector<ServiceConfig> cfgs{svc("web", {"api"}), svc("api", {"db", "cache"}), svc("cache"), svc("db"),
                                  svc("idle")};
  cfgs[3].auto_start = false;
  cfgs[4].auto_start = false;
  auto s = make(cfgs);
  EXPECT_EQ(s->start_and_wait(), "");
  EXPECT_EQ(journal.get(), (std::vector<std::string>{"start db", "start cache", "start api", "start web"}));
  for (const char* id : {"web", "api", "cache", "db"}) EXPECT_EQ(of(s->status(), id).state, State::Running) << id;
  EXPECT_EQ(of(s->status(), "idle").state, State::Idle);
  s->stop_and_wait();
  std::vector<std::string> j = journal.get();
  EXPECT_EQ(std::vector<std::string>(j.begin() + 4, j.end()),
            (std::vector<std::string>{"end web", "end api", "end cache", "end db"}));
  for (const char* id : {"web", "api", "cache", "db"}) EXPECT_EQ(of(s->status(), id).state, State::Stopped) << id;
}

TEST_F(SupervisorTest, BadConfigurationIsRefusedByName) {
  try {
    make({svc("a", {"b"}), svc("b", {"c"}), svc("c", {"a"})});
    FAIL() << "a cycle was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "service a: requires forms a cycle: a -> b -> c -> a");
  }
  try {
    make({svc("a", {"nope"})});
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "service a: requires nope, which is not a service");
  }
  EXPECT_THROW(make({svc("a"), svc("a")}), std::invalid_argument);
}

TEST_F(SupervisorTest, RestartsWithExactBackoffCappedAtMaxDelay) {
  ServiceConfig c = svc("w");
  c.restart.initial_delay = std::chrono::seconds(1);
  c.restart.backoff_factor = 2.0;
  c.restart.max_delay = std::chrono::seconds(5);
  c.stable_threshold = std::chrono::hours(1);
  auto s = make({c});
  ASSERT_EQ(s->start_and_wait(), "");
  const std::vector<int> expected_s{1, 2, 4, 5, 5};
  for (size_t k = 0; k < expected_s.size(); ++k) {
    Pid pid = of(s->status(), "w").pid;
    ASSERT_TRUE(sys.send({}, pid, "crash", {}));
    ASSERT_TRUE(wait_state(*s, "w", State::Backoff));
    Supervisor::Status st = of(s->status(), "w");
    EXPECT_EQ(st.failures, k + 1);
    EXPECT_EQ(st.last_error, "crashed");
    Clock::duration delay = std::chrono::seconds(expected_s[k]);
    EXPECT_EQ(st.last_delay, delay) << "restart " << k + 1;
    EXPECT_EQ(st.restart_at, clock->now() + delay);
    clock->advance(delay - std::chrono::nanoseconds(1));
    EXPECT_EQ(of(s->status(), "w").state, State::Backoff);  // not a nanosecond early
    clock->advance(std::chrono::nanoseconds(1));
    ASSERT_TRUE(wait_state(*s, "w", State::Running, static_cast<uint32_t>(k + 2)));
  }
  EXPECT_EQ(of(s->status(), "w").starts, 6u);
  s->stop_and_wait();
}

TEST_F(SupervisorTest, DelayResetsAfterAStableRun) {
  ServiceConfig c = svc("w");
  c.stable_threshold = std::chrono::seconds(5);
  auto s = make({c});
  ASSERT_EQ(s->start_and_wait(), "");
  auto crash_and_restart = [&](Clock::duration run_for) {
    clock->advance(run_for);
    uint32_t starts = of(s->status(), "w").starts;
    ASSERT_TRUE(sys.send({}, of(s->status(), "w").pid, "crash", {}));
    ASSERT_TRUE(wait_state(*s, "w", State::Backoff));
    Clock::duration d = of(s->status(), "w").last_delay;
    clock->advance(d);
    ASSERT_TRUE(wait_state(*s, "w", State::Running, starts + 1));
  };
  crash_and_restart(std::chrono::seconds(1));
  crash_and_restart(std::chrono::seconds(1));
  EXPECT_EQ(of(s->status(), "w").last_delay, std::chrono::seconds(2));
  EXPECT_EQ(of(s->status(), "w").failures, 2u);
  // Ran 5 s (the threshold): the next failure counts as the first again.
  crash_and_restart(std::chrono::seconds(5));
  EXPECT_EQ(of(s->status(), "w").failures, 1u);
  EXPECT_EQ(of(s->status(), "w").last_delay, std::chrono::seconds(1));
  // 4.999999999 s is not stable.
  crash_and_restart(std::chrono::seconds(5) - std::chrono::nanoseconds(1));
  EXPECT_EQ(of(s->status(), "w").failures, 2u);
  s->stop_and_wait();
}

TEST_F(SupervisorTest, JitterVariesTheDelayWithinItsFraction) {
  ServiceConfig c = svc("w");
  c.restart.jitter = 0.1;
  c.restart.initial_delay = std::chrono::seconds(10);
  c.restart.max_delay = std::chrono::seconds(10);
  SupervisorOptions o;
  o.clock = clock;
  o.random = [] { return 0.0; };  // the lowest draw: -10%
  o.factory = [this](const std::string& id, std::vector<Value>) { return service_process(id, journal, false, false); };
  Supervisor s(sys, {c}, o);
  ASSERT_EQ(s.start_and_wait(), "");
  ASSERT_TRUE(sys.send({}, of(s.status(), "w").pid, "crash", {}));
  ASSERT_TRUE(wait_state(s, "w", State::Backoff));
  EXPECT_EQ(of(s.status(), "w").last_delay, std::chrono::seconds(9));
  s.stop_and_wait();
  EXPECT_EQ(of(s.status(), "w").state, State::Stopped);  // stop ends a backoff
}

TEST_F(SupervisorTest, GivesUpAfterMaxAttempts) {
  ServiceConfig c = svc("w");
  c.restart.max_attempts = 2;
  auto s = make({c});
  ASSERT_EQ(s->start_and_wait(), "");
  for (uint32_t k = 1; k <= 2; ++k) {
    ASSERT_TRUE(sys.send({}, of(s->status(), "w").pid, "crash", {}));
    ASSERT_TRUE(wait_state(*s, "w", State::Backoff));
    clock->advance(of(s->status(), "w").last_delay);
    ASSERT_TRUE(wait_state(*s, "w", State::Running, k + 1));
  }
  ASSERT_TRUE(sys.send({}, of(s->status(), "w").pid, "crash", {}));
  ASSERT_TRUE(wait_state(*s, "w", State::Failed));
  EXPECT_EQ(of(s->status(), "w").starts, 3u);
  clock->advance(std::chrono::hours(1));
  EXPECT_EQ(of(s->status(), "w").starts, 3u);
  std::vector<std::string> lines = log.get();
  EXPECT_EQ(lines.back(), "service w failed: crashed; giving up after 2 restarts (max_attempts)");
}

TEST_F(SupervisorTest, NoRestartAfterNormalExitCancelOrTerminate) {
  auto s = make({svc("a"), svc("b"), svc("c")});
  ASSERT_EQ(s->start_and_wait(), "");
  ASSERT_TRUE(sys.send({}, of(s->status(), "a").pid, "exit", {}));
  ASSERT_TRUE(sys.cancel({}, of(s->status(), "b").pid));
  ASSERT_TRUE(sys.terminate(of(s->status(), "c").pid));
  for (const char* id : {"a", "b", "c"}) ASSERT_TRUE(wait_state(*s, id, State::Stopped)) << id;
  clock->advance(std::chrono::hours(1));
  for (const char* id : {"a", "b", "c"}) EXPECT_EQ(of(s->status(), id).starts, 1u) << id;
  std::vector<std::string> lines = log.get();
  EXPECT_NE(std::find(lines.begin(), lines.end(), "service a ended normally; not restarted"), lines.end());
  EXPECT_NE(std::find(lines.begin(), lines.end(), "service b ended after a cancel; not restarted"), lines.end());
  EXPECT_NE(std::find(lines.begin(), lines.end(), "service c was terminated; not restarted"), lines.end());
}

TEST_F(SupervisorTest, RequiredServiceThatCannotStartFailsTheBoot) {
  failing.insert("db");
  auto s = make({svc("api", {"db"}), svc("db")});
  EXPECT_EQ(s->start_and_wait(), "service db did not start: boom");
  EXPECT_EQ(journal.get(), (std::vector<std::string>{"start db", "end db"}));  // api never started
  EXPECT_EQ(of(s->status(), "db").state, State::Failed);
  EXPECT_EQ(of(s->status(), "api").state, State::Idle);

  auto s2 = make({svc("x", {"missing"}), svc("missing")});
  EXPECT_EQ(s2->start_and_wait(), "service missing did not start: cannot start missing: unknown entry: missing");
}

TEST_F(SupervisorTest, OptionalServiceThatCannotStartIsRetried) {
  failing.insert("metrics");
  ServiceConfig m = svc("metrics");
  m.required = false;
  auto s = make({svc("api", {"metrics"}), m});
  EXPECT_EQ(s->start_and_wait(), "");
  EXPECT_EQ(of(s->status(), "api").state, State::Running);
  EXPECT_EQ(of(s->status(), "metrics").state, State::Backoff);
  clock->advance(std::chrono::seconds(1));
  ASSERT_TRUE(s->wait_until([](const auto& all) { return of(all, "metrics").starts == 2 && of(all, "metrics").state == State::Backoff; }));
  EXPECT_EQ(of(s->status(), "metrics").last_delay, std::chrono::seconds(2));
  s->stop_and_wait();
}

TEST_F(SupervisorTest, StopTimeoutTerminatesAStubbornService) {
  stubborn.insert("w");
  ServiceConfig c = svc("w");
  c.stop_timeout = std::chrono::seconds(3);
  auto s = make({c});
  ASSERT_EQ(s->start_and_wait(), "");
  std::mutex mu;
  std::condition_variable cv;
  bool stopped = false;
  s->stop([&] {
    std::lock_guard lk(mu);
    stopped = true;
    cv.notify_all();
  });
  ASSERT_TRUE(wait_state(*s, "w", State::Stopping));
  clock->advance(std::chrono::seconds(3) - std::chrono::nanoseconds(1));
  EXPECT_EQ(of(s->status(), "w").state, State::Stopping);  // CANCEL ignored, not yet terminated
  clock->advance(std::chrono::nanoseconds(1));
  std::unique_lock lk(mu);
  ASSERT_TRUE(cv.wait_for(lk, std::chrono::seconds(20), [&] { return stopped; }));
  EXPECT_EQ(of(s->status(), "w").state, State::Stopped);
  std::vector<std::string> lines = log.get();
  EXPECT_NE(std::find(lines.begin(), lines.end(), "service w did not stop within 3s: terminating it"), lines.end());
}

// A WASM service is supervised like any other: it runs out of fuel (a trap) in a
// later slice, and is restarted after the backoff delay.
TEST_F(SupervisorTest, WasmServiceRestartedAfterATrap) {
  SupervisorOptions o;
  o.clock = clock;
  o.factory = [](const std::string&, std::vector<Value>) {
    WasmLimits limits;
    limits.fuel = 50000;  // five slices of 10,000
    return wasm("basic", "spin", {}, limits);
  };
  Supervisor s(sys, {svc("w")}, o);
  ASSERT_EQ(s.start_and_wait(), "");
  ASSERT_TRUE(wait_state(s, "w", State::Backoff));
  EXPECT_EQ(of(s.status(), "w").last_error, "trap: fuel exhausted");
  EXPECT_EQ(of(s.status(), "w").last_delay, std::chrono::seconds(1));
  clock->advance(std::chrono::seconds(1));
  ASSERT_TRUE(s.wait_until([](const auto& all) { return of(all, "w").starts == 2 && of(all, "w").state == State::Backoff; }));
  EXPECT_EQ(of(s.status(), "w").last_delay, std::chrono::seconds(2));
  s.stop_and_wait();
}

TEST(Duration, GoSyntax) {
  EXPECT_EQ(parse_duration("10s"), 10'000'000'000);
  EXPECT_EQ(parse_duration("250ms"), 250'000'000);
  EXPECT_EQ(parse_duration("1m30s"), 90'000'000'000);
  EXPECT_EQ(parse_duration("1.5h"), 5'400'000'000'000);
  EXPECT_EQ(parse_duration("2h45m0.5s"), 9'900'500'000'000);
  EXPECT_EQ(parse_duration("-1.5us"), -1500);
  EXPECT_EQ(parse_duration("0"), 0);
  EXPECT_EQ(parse_duration(".5s"), 500'000'000);
  EXPECT_EQ(parse_duration("1\xC2\xB5s"), 1000);
  std::string err;
  EXPECT_FALSE(parse_duration("10 s", &err));
  EXPECT_EQ(err, "invalid duration \"10 s\": unknown unit \" s\" (expected numbers with units (ns, us, ms, s, m, h) such as 250ms, 10s or 1m30s)");
  EXPECT_FALSE(parse_duration("10", &err));
  EXPECT_EQ(err.rfind("invalid duration \"10\": missing unit after 10", 0), 0u) << err;
  for (const char* bad : {"", "s", "1x", "1.5", "ms10", "--1s", "1s ", "."}) EXPECT_FALSE(parse_duration(bad)) << bad;
  EXPECT_EQ(parse_duration("2562047h47m16.854775807s"), INT64_MAX);
  EXPECT_FALSE(parse_duration("2562048h", &err));
  EXPECT_NE(err.find("overflows"), std::string::npos);
  EXPECT_EQ(parse_duration("-2562047h47m16.854775808s"), INT64_MIN);
  EXPECT_EQ(format_duration(90'000'000'000), "1m30s");
  EXPECT_EQ(format_duration(250'000'000), "250ms");
  EXPECT_EQ(format_duration(1'500'000'000), "1.5s");
  EXPECT_EQ(format_duration(3'600'000'000'000), "1h0m0s");
}

}  // namespace
}  // namespace wippy::procs::test
