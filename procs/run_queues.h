// Internal to procs/: where runnable processes wait for a host's workers.
//
// Each worker has a queue of its own. What a worker's process spawns or wakes, and a
// process that used its slice, go to the back of that worker's queue: the process
// runs on the core whose cache holds it (the spawner's writes, the blocks recycled
// there), and the queue's lock is one no other thread takes unless it steals. Other
// threads (the event loop, the I/O pool, an embedder's thread) push to a shared
// injection queue.
//
// A worker alternates: after a process from its own queue it takes one from the
// injection queue if there is one, so a process woken by a timer or I/O waits at most
// one slice once a worker is free, and the two queues cannot starve each other. A
// worker with nothing to do takes from the injection queue, then steals half of the
// longest other queue, then sleeps. Every kBalanceTicks picks, a worker whose
// queue is two or more shorter than another's takes one from it, so processes that
// never wait do not stay piled on one worker.
//
// Sleeping: a worker registers in sleepers_, then checks every queue once more (the
// injection queue under its lock); a push to the injection queue reads sleepers_
// under that lock, so one of the two sees the other, with no fence on the push. One
// wake-up is in flight at a time (wake_pending_, cleared by a worker that registers
// or wakes): the worker it wakes passes it on when it finds more work than it takes.
// A push to a worker's own queue need not wake anyone (that worker runs it); it
// wakes a sleeper only once a backlog forms, so that it can steal: two processes of
// one worker that answer each other's messages stay on that worker's core. A process
// queued behind a step that does not end (a Lua process stuck in a C function until
// someone terminates it) would wait forever, so an idle worker wakes every
// kStealCheck to steal what is queued.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "procs/prefetch.h"
#include "procs/spin_lock.h"
#include "procs/wake_word.h"

namespace wippy::procs::detail {

template <class Item>
class RunQueues {
 public:
  static constexpr uint32_t kBalanceTicks = 61;
  // How long an idle worker sleeps before it looks for work to steal unasked (see
  // above: a process queued behind a step that never ends).
  static constexpr std::chrono::milliseconds kStealCheck{10};

  explicit RunQueues(unsigned workers) : n_(workers), locals_(std::make_unique<Local[]>(workers)) {}
  RunQueues(const RunQueues&) = delete;
  RunQueues& operator=(const RunQueues&) = delete;

  // Called first on worker thread `self`: its pushes go to its own queue from now on.
  void bind(unsigned self) {
    t_owner = this;
    t_self = self;
  }

  // From any thread.
  void push(Item item) {
    if (t_owner == this) {
      size_t queued = locals_[t_self].put(std::move(item));
      // A sleeper is woken only to steal a backlog: the first item queued runs here
      // after the current step (a message answered by a process of this worker stays
      // on this core), and a sleeper missed here costs parallelism, never progress.
      if (queued > 1 && sleepers_.load(std::memory_order_relaxed) > 0) wake_one_sleeper();
      return;
    }
    unsigned sleepers = 0;
    inject_.put(std::move(item), [&] { sleepers = sleepers_.load(std::memory_order_relaxed); });
    if (sleepers > 0) wake_one_sleeper();
  }

  // Worker `self`'s next item; sleeps while there is none (calling before_sleep()
  // first); empty once stopped.
  template <class F = void (*)()>
  Item next(unsigned self, F&& before_sleep = [] {}) {
    Local& me = locals_[self];
    for (;;) {
      if (stop_.load(std::memory_order_acquire)) return Item{};
      me.ticks++;
      if (me.ticks % kBalanceTicks == 0) balance(self);
      if (!me.last_injected) {
        if (Item item = take_injected()) {
          me.last_injected = true;
          pass_on_wake_up(me);
          return item;
        }
      }
      me.last_injected = false;
      if (Item item = me.take()) return item;
      if (Item item = take_injected()) {
        me.last_injected = true;
        pass_on_wake_up(me);
        return item;
      }
      if (Item item = steal_half(self)) {
        pass_on_wake_up(me);
        return item;
      }
      before_sleep();
      sleep();
    }
  }

  // Every next() returns empty from now on; sleeping workers wake.
  void stop() {
    stop_.store(true, std::memory_order_release);
    wake_.wake_all();
  }

  // Drops every queued item (after the workers stopped).
  void clear() {
    for (unsigned i = 0; i < n_; i++) locals_[i].clear();
    inject_.clear();
  }

 private:
  static constexpr size_t kLine = 64;
  // A FIFO under a lock, with its size readable without the lock (to choose where
  // to look).
  struct Queue {
    SpinLock mu;
    std::atomic<size_t> size{0};  // q.size(), written under mu
    std::deque<Item> q;

    // Appends; runs under_lock() before unlocking; returns the new size.
    template <class F = void (*)()>
    size_t put(Item item, F under_lock = [] {}) {
      std::lock_guard lk(mu);
      q.push_back(std::move(item));
      size.store(q.size(), std::memory_order_relaxed);
      under_lock();
      return q.size();
    }
    // `count` items (0: half, rounded up) from the front, oldest first.
    std::vector<Item> take_front(size_t count) {
      std::lock_guard lk(mu);
      size_t n = count ? std::min(count, q.size()) : (q.size() + 1) / 2;
      std::vector<Item> taken;
      taken.reserve(n);
      for (size_t i = 0; i < n; i++) {
        taken.push_back(std::move(q.front()));
        q.pop_front();
      }
      size.store(q.size(), std::memory_order_relaxed);
      return taken;
    }
    void put_all(std::vector<Item>& items) {
      std::lock_guard lk(mu);
      for (Item& item : items) q.push_back(std::move(item));
      size.store(q.size(), std::memory_order_relaxed);
    }
    // The oldest item, or empty. The next one's lines are prefetched: while the item
    // taken runs, they come over from the core that made or queued it.
    Item take() {
      if (size.load(std::memory_order_relaxed) == 0) return Item{};
      std::lock_guard lk(mu);
      if (q.empty()) return Item{};
      Item item = std::move(q.front());
      q.pop_front();
      size.store(q.size(), std::memory_order_relaxed);
      if constexpr (requires { *item.get(); }) {
        if (!q.empty()) prefetch_for_write(q.front().get(), sizeof(*q.front().get()));
      }
      return item;
    }
    void clear() {
      std::lock_guard lk(mu);
      q.clear();
      size.store(0, std::memory_order_relaxed);
    }
  };
  // A worker's queue: taken by its worker, and by another only to steal.
  struct alignas(kLine) Local : Queue {
    // Its worker's own.
    uint32_t ticks = 0;
    bool last_injected = false;
  };

  // One at a time from the injection queue: what other threads queue runs in the
  // order they queued it.
  Item take_injected() { return inject_.take(); }

  // Half (rounded up) of the longest other queue, oldest first: the first returned,
  // the rest queued here.
  Item steal_half(unsigned self) {
    unsigned victim = longest_other(self);
    if (victim == n_ || !steal(self, victim, 0)) return Item{};
    return locals_[self].take();
  }

  // One item from a queue at least two longer than this worker's.
  void balance(unsigned self) {
    unsigned victim = longest_other(self);
    if (victim == n_) return;
    size_t mine = locals_[self].size.load(std::memory_order_relaxed);
    if (locals_[victim].size.load(std::memory_order_relaxed) >= mine + 2) steal(self, victim, 1);
  }

  unsigned longest_other(unsigned self) const {
    unsigned best = n_;
    size_t best_size = 0;
    for (unsigned i = 0; i < n_; i++) {
      if (i == self) continue;
      size_t s = locals_[i].size.load(std::memory_order_relaxed);
      if (s > best_size) best = i, best_size = s;
    }
    return best;
  }

  // Moves `count` items (0: half, rounded up) from the front of victim's queue to the
  // back of self's (one lock at a time); false if there were none.
  bool steal(unsigned self, unsigned victim, size_t count) {
    std::vector<Item> taken = locals_[victim].take_front(count);
    if (taken.empty()) return false;
    locals_[self].put_all(taken);
    return true;
  }

  // The injection queue is read under its lock: see the top of the file.
  bool any_queued() {
    for (unsigned i = 0; i < n_; i++)
      if (locals_[i].size.load(std::memory_order_relaxed) > 0) return true;
    std::lock_guard lk(inject_.mu);
    return !inject_.q.empty();
  }

  void sleep() {
    uint32_t seen = wake_.value();
    sleepers_.fetch_add(1, std::memory_order_seq_cst);
    // Cleared after registering: a wake-up marked pending from now on comes after this
    // worker's `seen`, so it ends this wait.
    wake_pending_.store(false, std::memory_order_relaxed);
    if (!stop_.load(std::memory_order_acquire) && !any_queued()) wake_.wait_for(seen, kStealCheck);
    sleepers_.fetch_sub(1, std::memory_order_relaxed);
    // Awake: later pushes may wake another sleeper (this one passes the wake-up on if
    // it finds more than it takes). Clearing is always safe; a stale `true` with every
    // worker asleep would not be.
    wake_pending_.store(false, std::memory_order_relaxed);
  }

  void wake_one_sleeper() {
    // Read first: while a wake-up is in flight, pushes leave the line shared.
    if (wake_pending_.load(std::memory_order_relaxed)) return;
    if (!wake_pending_.exchange(true, std::memory_order_acq_rel)) wake_.wake_one();
  }

  // This worker took work and more is queued where a sleeper could take it.
  void pass_on_wake_up(const Local& me) {
    if (sleepers_.load(std::memory_order_relaxed) == 0) return;
    if (me.size.load(std::memory_order_relaxed) > 0 || inject_.size.load(std::memory_order_relaxed) > 0)
      wake_one_sleeper();
  }

  static inline thread_local const RunQueues* t_owner = nullptr;
  static inline thread_local unsigned t_self = 0;

  const unsigned n_;
  std::unique_ptr<Local[]> locals_;
  alignas(kLine) Queue inject_;
  alignas(kLine) std::atomic<unsigned> sleepers_{0};
  std::atomic<bool> wake_pending_{false};
  std::atomic<bool> stop_{false};
  WakeWord wake_;
};

}  // namespace wippy::procs::detail
