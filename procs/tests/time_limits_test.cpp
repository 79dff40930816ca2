// Time limits from configuration may be as large as 2^64-1 ms: they must mean
// "never", not overflow into the past and fire at once.
#include <cstdint>
#include <future>

#include "procs/tests/test_util.h"

namespace wippy::procs::test {
namespace {

TEST(TimeLimits, SaturatingArithmetic) {
  EXPECT_EQ(saturating_ms(1500), std::chrono::milliseconds(1500));
  EXPECT_EQ(saturating_ms(UINT64_MAX), Clock::duration::max());
  EXPECT_EQ(saturating_ms(uint64_t{1} << 63), Clock::duration::max());
  // 2^63 ns is about 9.2 * 10^12 ms: one more millisecond than fits.
  const auto max_ms = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::duration::max()).count());
  EXPECT_EQ(saturating_ms(max_ms - 1), std::chrono::milliseconds(max_ms - 1));
  EXPECT_EQ(saturating_ms(max_ms + 1), Clock::duration::max());

  const Clock::time_point now = Clock::now();
  EXPECT_EQ(saturating_add(now, 1s), now + 1s);
  EXPECT_EQ(saturating_add(now, Clock::duration::max()), Clock::time_point::max());
  EXPECT_EQ(saturating_add(Clock::time_point::max(), 1ms), Clock::time_point::max());
}

TEST(TimeLimits, TimerAfterTheLongestDelayDoesNotFire) {
  // The stop timeout's timer: had `now + delay` overflowed, it would be due at once
  // and fire before the zero-delay timer started after it.
  EventLoop loop;
  std::atomic<bool> never_fired{false};
  TimerHandle never = loop.after(saturating_ms(UINT64_MAX), [&] { never_fired = true; });
  std::promise<void> mark;
  loop.after(0ms, [&] { mark.set_value(); });
  mark.get_future().get();
  EXPECT_FALSE(never_fired.load());
  EXPECT_TRUE(never.pending());
  never.cancel();
}

TEST(TimeLimits, HugeExecutionTimeLimitDoesNotFailAtOnce) {
  for (uint64_t ms : {UINT64_MAX, uint64_t{1} << 63, uint64_t{10'000'000'000'000}}) {
    SCOPED_TRACE(ms);
    WasmLimits l;
    l.max_execution_ms = ms;
    System sys;
    HostOptions o;
    o.name = "wasm";
    o.workers = 1;
    sys.add_host(o);
    ExitCollector c;
    ASSERT_TRUE(sys.spawn_process("wasm", wasm("basic", "count", {1000}, l), c.options()));
    ASSERT_TRUE(c.wait_for(1));
    EXPECT_FALSE(c.only().error) << *c.only().error;
    EXPECT_EQ(c.only().value, Value(0));
  }
}

}  // namespace
}  // namespace wippy::procs::test
