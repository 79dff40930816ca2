// Deterministic mode at the procs level: virtual time jumps to the next timer when
// every process waits (an hour's sleep is exact and immediate), a timer at "never"
// does not run, the order of steps follows the run queue, and the seeds per process.
#include "procs/tests/test_util.h"

namespace wippy::procs::test {
namespace {

TEST(Deterministic, VirtualTimeJumpsToTheNextTimer) {
  System sys;
  sys.set_deterministic(1);
  EXPECT_THROW(sys.set_deterministic(2), std::logic_error);  // set once
  HostOptions h;
  h.name = "h";
  h.workers = 4;  // deterministic mode runs them on its one thread all the same
  sys.add_host(h);
  EXPECT_THROW(sys.set_deterministic(1), std::logic_error);
  auto log = std::make_shared<std::vector<std::string>>();  // one thread runs them all: no lock needed
  ExitCollector done;
  // Held, or time could move on once the first one waits, before the test spawned the
  // others: outside code acts while nothing runs.
  sys.hold();
  for (int i = 0; i < 3; ++i) {
    auto start = std::make_shared<std::optional<Clock::time_point>>();
    sys.spawn_process("h", fn_process([=](ProcessContext& ctx) -> StepResult {
                        if (!*start) {
                          *start = ctx.now();
                          ctx.wake_after(std::chrono::hours(1) - std::chrono::seconds(i));
                          ctx.loop().at(Clock::time_point::max(), [] { ADD_FAILURE() << "a timer at never ran"; });
                          log->push_back("start " + std::to_string(i));
                          return StepResult::waiting();
                        }
                        log->push_back("end " + std::to_string(i));
                        return StepResult::done(Value(static_cast<int64_t>((ctx.now() - **start).count())));
                      }),
                      done.options());
  }
  sys.release();
  ASSERT_TRUE(done.wait_for(3));
  EXPECT_EQ(*log, (std::vector<std::string>{"start 0", "start 1", "start 2", "end 2", "end 1", "end 0"}));
  std::vector<Event> evs = done.events();
  EXPECT_EQ(evs[0].value, Value(static_cast<int64_t>(std::chrono::nanoseconds(std::chrono::hours(1) - std::chrono::seconds(2)).count())));
  EXPECT_EQ(evs[2].value, Value(static_cast<int64_t>(std::chrono::nanoseconds(std::chrono::hours(1)).count())));
  EXPECT_EQ(sys.loop().now() - EventLoop::kVirtualStart, std::chrono::hours(1));
}

TEST(Deterministic, SeedsDifferByPidAndSeed) {
  Pid a{"h", 1}, b{"h", 2};
  EXPECT_EQ(process_seed(7, a), process_seed(7, a));
  EXPECT_NE(process_seed(7, a), process_seed(7, b));
  EXPECT_NE(process_seed(7, a), process_seed(8, a));
}

}  // namespace
}  // namespace wippy::procs::test
