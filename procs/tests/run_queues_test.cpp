// RunQueues (procs/run_queues.h): per-worker queues, the injection queue, stealing,
// alternation and sleeping. Worker roles run on threads of their own (bind() marks the
// calling thread as that worker).
#include "procs/run_queues.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

namespace wippy::procs::detail {
namespace {

using Item = std::unique_ptr<int>;
using Queues = RunQueues<Item>;

Item item(int v) { return std::make_unique<int>(v); }

// Runs f on a new thread bound as worker `self`, and waits for it.
template <class F>
void as_worker(Queues& q, unsigned self, F f) {
  std::thread t([&] {
    q.bind(self);
    f();
  });
  t.join();
}

TEST(RunQueues, InjectedItemsComeOutInOrder) {
  Queues q(1);
  for (int i = 0; i < 100; i++) q.push(item(i));  // this thread is no worker: injected
  std::vector<int> got;
  as_worker(q, 0, [&] {
    for (int i = 0; i < 100; i++) got.push_back(*q.next(0));
  });
  ASSERT_EQ(got.size(), 100u);
  for (int i = 0; i < 100; i++) EXPECT_EQ(got[i], i);
}

TEST(RunQueues, AnIdleWorkerStealsTheOlderHalf) {
  Queues q(2);
  as_worker(q, 0, [&] {
    for (int i = 0; i < 10; i++) q.push(item(i));  // worker 0's own queue
  });
  std::vector<int> thief, owner;
  as_worker(q, 1, [&] {
    for (int i = 0; i < 5; i++) thief.push_back(*q.next(1));
  });
  as_worker(q, 0, [&] {
    for (int i = 0; i < 5; i++) owner.push_back(*q.next(0));
  });
  EXPECT_EQ(thief, (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_EQ(owner, (std::vector<int>{5, 6, 7, 8, 9}));
}

// A worker with its own backlog still takes every other item from the injection
// queue: neither starves the other.
TEST(RunQueues, OwnAndInjectedItemsAlternate) {
  Queues q(1);
  as_worker(q, 0, [&] {
    for (int i = 0; i < 4; i++) q.push(item(i));
  });
  for (int i = 100; i < 103; i++) q.push(item(i));
  std::vector<int> got;
  as_worker(q, 0, [&] {
    for (int i = 0; i < 7; i++) got.push_back(*q.next(0));
  });
  EXPECT_EQ(got, (std::vector<int>{100, 0, 101, 1, 102, 2, 3}));
}

// Items that keep being re-queued (processes that never wait) spread over the
// workers: a worker with a shorter queue takes from a longer one now and then.
TEST(RunQueues, BusyWorkersBalance) {
  Queues q(2);
  as_worker(q, 0, [&] {
    for (int i = 0; i < 6; i++) q.push(item(i));
  });
  as_worker(q, 1, [&] {
    q.push(item(100));
    // Worker 1 runs its one item and puts it back, as a process that continues.
    for (uint32_t t = 0; t < Queues::kBalanceTicks; t++) q.push(q.next(1));
  });
  std::vector<int> got0, got1;
  as_worker(q, 1, [&] {
    for (int i = 0; i < 2; i++) got1.push_back(*q.next(1));
  });
  as_worker(q, 0, [&] {
    for (int i = 0; i < 5; i++) got0.push_back(*q.next(0));
  });
  EXPECT_EQ(got1, (std::vector<int>{0, 100}));
  // Worker 0 had 6; one of them moved to worker 1 at its balance tick.
  EXPECT_EQ(got0, (std::vector<int>{1, 2, 3, 4, 5}));
}

TEST(RunQueues, ASleepingWorkerWakesForAPushAndForStop) {
  Queues q(2);
  std::atomic<int> got{-1};
  std::thread w([&] {
    q.bind(0);
    got = *q.next(0);  // sleeps until the push below
    EXPECT_FALSE(q.next(0));  // sleeps until stop
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  q.push(item(7));
  while (got.load() != 7) std::this_thread::yield();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  q.stop();
  w.join();
  EXPECT_EQ(got.load(), 7);
}

// A worker's own push wakes nobody while its queue had nothing else, but an item
// queued behind a step that does not end is still taken by an idle worker (it looks
// every kStealCheck).
TEST(RunQueues, AnItemBehindAStuckStepIsStolen) {
  Queues q(2);
  std::atomic<int> got{-1};
  std::thread thief([&] {
    q.bind(1);
    if (Item it = q.next(1)) got = *it;  // asleep before the push below
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::atomic<bool> release{false};
  std::thread stuck([&] {
    q.bind(0);
    q.push(item(5));
    while (!release.load()) std::this_thread::yield();  // a step that does not end
  });
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (got.load() != 5 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_EQ(got.load(), 5);
  release = true;
  q.stop();
  stuck.join();
  thief.join();
}

}  // namespace
}  // namespace wippy::procs::detail
