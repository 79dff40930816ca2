#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <vector>

#include "procs/event_loop.h"

namespace wippy::procs {
namespace {

using namespace std::chrono_literals;

TEST(EventLoop, PostRunsOnLoopThread) {
  EventLoop loop;
  std::promise<bool> p;
  loop.post([&] { p.set_value(loop.in_loop_thread()); });
  EXPECT_TRUE(p.get_future().get());
  EXPECT_FALSE(loop.in_loop_thread());
}

TEST(EventLoop, TimerNeverFiresEarly) {
  EventLoop loop;
  for (int i = 0; i < 5; i++) {
    std::promise<Clock::time_point> p;
    auto t0 = Clock::now();
    TimerHandle h = loop.after(15ms, [&] { p.set_value(Clock::now()); });
    EXPECT_TRUE(h.pending());
    auto fired = p.get_future().get();
    EXPECT_GE(fired - t0, 15ms);
  }
}

// Every timer fires except the cancelled one. The loop thread is held while the
// timers are set and one is cancelled, so the cancel surely comes before that timer
// is due, however slow the machine. (Timers that are due together may fire in any
// order, so only the set is checked.)
TEST(EventLoop, TimersFireAndCancelWorks) {
  EventLoop loop;
  std::mutex mu;
  std::condition_variable cv;
  std::vector<int> fired;
  auto record = [&](int v) {
    return [&, v] {
      std::lock_guard lk(mu);
      fired.push_back(v);
      cv.notify_all();
    };
  };
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  loop.post([released] { released.wait(); });
  TimerHandle c = loop.after(20ms, record(99));
  loop.after(30ms, record(2));
  loop.after(10ms, record(1));
  c.cancel();
  c.cancel();  // idempotent
  EXPECT_FALSE(c.pending());
  release.set_value();
  std::unique_lock lk(mu);
  ASSERT_TRUE(cv.wait_for(lk, 20s, [&] { return fired.size() >= 2; }));
  std::sort(fired.begin(), fired.end());
  EXPECT_EQ(fired, (std::vector<int>{1, 2}));
}

TEST(EventLoop, StopDropsPendingTimersAndIgnoresLatePosts) {
  std::atomic<int> fired{0};
  TimerHandle h;
  {
    EventLoop loop;
    for (int i = 0; i < 1000; i++) loop.after(10s, [&] { fired++; });
    h = loop.after(10s, [&] { fired++; });
    loop.stop();
    loop.post([&] { fired++; });
    loop.after(0ms, [&] { fired++; });
  }
  h.cancel();  // the loop is gone: still safe
  EXPECT_EQ(fired.load(), 0);
}

TEST(EventLoop, ManyCrossThreadPosts) {
  EventLoop loop;
  std::atomic<int> n{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; t++)
    ts.emplace_back([&] {
      for (int i = 0; i < 2500; i++) loop.post([&] { n++; });
    });
  for (auto& t : ts) t.join();
  std::promise<void> p;
  loop.post([&] { p.set_value(); });
  p.get_future().get();
  EXPECT_EQ(n.load(), 10000);
}

}  // namespace
}  // namespace wippy::procs
