#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
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

// Runs on the loop thread after everything posted before it (posts run in order).
void barrier(EventLoop& loop) {
  std::promise<void> p;
  loop.post([&] { p.set_value(); });
  p.get_future().get();
}

TEST(EventLoop, WatchFiresWhenAPipeBecomesReadableAndLeavesItsFlagsAlone) {
  EventLoop loop;
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  std::promise<void> ready;
  std::atomic<bool> fired{false};
  WatchHandle w = loop.when_ready(p[0], false, [&] {
    fired = true;
    ready.set_value();
  });
  barrier(loop);  // the watch is in place
  EXPECT_FALSE(fired.load());
  EXPECT_EQ(::fcntl(p[0], F_GETFL) & O_NONBLOCK, 0) << "a shared stdin must stay blocking";
  ASSERT_EQ(::write(p[1], "x", 1), 1);
  EXPECT_EQ(ready.get_future().wait_for(20s), std::future_status::ready);
  ::close(p[0]);
  ::close(p[1]);
}

TEST(EventLoop, CancelledWatchNeverFires) {
  EventLoop loop;
  int a[2], b[2];
  ASSERT_EQ(::pipe(a), 0);
  ASSERT_EQ(::pipe(b), 0);
  std::atomic<bool> fired{false};
  WatchHandle w = loop.when_ready(a[0], false, [&] { fired = true; });
  barrier(loop);
  w.cancel();
  barrier(loop);  // closed
  // Both pipes become readable; the watch on b fires, then a later post runs.
  std::promise<void> other;
  loop.when_ready(b[0], false, [&] { other.set_value(); });
  ASSERT_EQ(::write(a[1], "x", 1), 1);
  ASSERT_EQ(::write(b[1], "x", 1), 1);
  EXPECT_EQ(other.get_future().wait_for(20s), std::future_status::ready);
  barrier(loop);
  EXPECT_FALSE(fired.load());
  for (int fd : {a[0], a[1], b[0], b[1]}) ::close(fd);
}

TEST(EventLoop, WatchOnARegularFileFiresAtOnce) {
  EventLoop loop;
  FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  std::promise<void> ready;
  loop.when_ready(fileno(f), false, [&] { ready.set_value(); });
  EXPECT_EQ(ready.get_future().wait_for(20s), std::future_status::ready);
  std::fclose(f);
}

}  // namespace
}  // namespace wippy::procs
