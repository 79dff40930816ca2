// The libuv loop thread: an async handle for cross-thread posts, one uv timer per
// pending TimerHandle and one uv poll per pending WatchHandle.
#include "procs/event_loop.h"

#include <fcntl.h>
#include <unistd.h>
#include <uv.h>

#include <atomic>
#include <map>
#include <stdexcept>
#include <utility>

namespace wippy::procs {
namespace detail {

struct TimerState {
  uv_timer_t timer;
  Clock::time_point when;
  std::function<void()> fn;
  std::atomic<bool> cancelled{false};
  std::atomic<bool> fired{false};
  // Loop thread only:
  bool started = false;
  std::weak_ptr<LoopState> loop;
  std::shared_ptr<TimerState> self;  // keeps the state alive while the uv handle is open
};

// Deterministic mode's timers, by deadline then by the order they were added.
struct VirtualTimers {
  std::mutex mu;
  std::atomic<Clock::rep> now{EventLoop::kVirtualStart.time_since_epoch().count()};
  uint64_t seq = 0;
  std::map<std::pair<Clock::time_point, uint64_t>, std::shared_ptr<TimerState>> pending;
  std::function<void()> on_timer;
};

struct LoopState {
  std::unique_ptr<VirtualTimers> virt;  // set before any timer, then constant
  uv_loop_t loop;
  uv_async_t async;
  std::mutex mu;  // posted, stopping
  std::vector<std::function<void()>> posted;
  bool stopping = false;
  std::thread thread;
  std::atomic<std::thread::id> tid;
};

// A one-shot readiness wait on a duplicate of the caller's descriptor (libuv allows
// one poll handle per descriptor number; the duplicate also survives the caller's close).
struct WatchState {
  uv_poll_t poll;
  int fd = -1;  // owned: closed when the handle is closed (or never started)
  std::function<void()> fn;
  std::atomic<bool> cancelled{false};
  std::atomic<bool> fired{false};
  // Loop thread only:
  bool started = false;
  std::weak_ptr<LoopState> loop;
  std::shared_ptr<WatchState> self;  // keeps the state alive while the uv handle is open
  ~WatchState() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace detail

Clock::duration saturating_ms(uint64_t ms) {
  using std::chrono::milliseconds;
  constexpr auto kMaxMs = static_cast<uint64_t>(std::chrono::duration_cast<milliseconds>(Clock::duration::max()).count());
  if (ms >= kMaxMs) return Clock::duration::max();
  return milliseconds(static_cast<milliseconds::rep>(ms));
}

Clock::time_point saturating_add(Clock::time_point from, Clock::duration delay) {
  if (delay > Clock::time_point::max() - from) return Clock::time_point::max();
  return from + delay;
}

namespace {

using detail::LoopState;
using detail::TimerState;
using detail::WatchState;

// Milliseconds to wait for `when`, rounded up, plus one for the loop's clock granularity.
uint64_t ms_until(Clock::time_point when) {
  auto d = when - Clock::now();
  if (d <= Clock::duration::zero()) return 0;
  auto ms = std::chrono::ceil<std::chrono::milliseconds>(d).count();
  return static_cast<uint64_t>(ms) + 1;
}

// A timer's or watch's uv handle is closed: drop its callback and its self-reference.
template <class State>
void on_closed(uv_handle_t* h) {
  auto* st = static_cast<State*>(h->data);
  std::function<void()> fn = std::move(st->fn);
  std::shared_ptr<State> keep = std::move(st->self);  // may free st at scope end
}

template <class State, class Handle>
void close_handle(Handle& handle) {
  auto* h = reinterpret_cast<uv_handle_t*>(&handle);
  if (!uv_is_closing(h)) uv_close(h, on_closed<State>);
}
void close_timer(TimerState* st) { close_handle<TimerState>(st->timer); }
void close_watch(WatchState* st) { close_handle<WatchState>(st->poll); }

void on_timer(uv_timer_t* t) {
  auto* st = static_cast<TimerState*>(t->data);
  if (!st->cancelled.load()) {
    // libuv's clock may be coarse: never fire before the requested time.
    uint64_t ms = ms_until(st->when);
    if (ms > 0) {
      uv_timer_start(t, on_timer, ms, 0);
      return;
    }
    st->fired.store(true);
    if (!st->cancelled.load() && st->fn) st->fn();
  }
  close_timer(st);
}

void on_ready(uv_poll_t* p, int, int) {
  auto* st = static_cast<WatchState*>(p->data);
  st->fired.store(true);
  if (!st->cancelled.load() && st->fn) st->fn();
  close_watch(st);
}

void on_walk_close(uv_handle_t* h, void*) {
  if (uv_is_closing(h)) return;
  if (h->type == UV_TIMER)
    uv_close(h, on_closed<TimerState>);
  else if (h->type == UV_POLL)
    uv_close(h, on_closed<WatchState>);
  else
    uv_close(h, nullptr);
}

void on_async(uv_async_t* a) {
  auto* s = static_cast<LoopState*>(a->data);
  std::vector<std::function<void()>> batch;
  bool stopping;
  {
    std::lock_guard lk(s->mu);
    batch.swap(s->posted);
    stopping = s->stopping;
  }
  if (stopping) {
    batch.clear();
    uv_walk(&s->loop, on_walk_close, nullptr);
    return;
  }
  for (auto& fn : batch) fn();
}

// Cancels a timer or watch: its uv handle is closed on the loop thread (which
// releases the callback and its captures).
template <class State>
void cancel_on_loop(const std::shared_ptr<State>& st, void (*close)(State*)) {
  if (!st || st->cancelled.exchange(true)) return;
  if (st->fired.load()) return;
  if (std::shared_ptr<LoopState> ls = st->loop.lock()) {
    std::lock_guard lk(ls->mu);
    if (ls->stopping) return;
    ls->posted.push_back([st, close] {
      if (st->started) close(st.get());
    });
    uv_async_send(&ls->async);  // under the lock: the handle stays open until stopping
  }
}

}  // namespace

void TimerHandle::cancel() { cancel_on_loop(state_, close_timer); }

void WatchHandle::cancel() { cancel_on_loop(state_, close_watch); }

bool TimerHandle::pending() const {
  return state_ && !state_->cancelled.load() && !state_->fired.load();
}

EventLoop::EventLoop() : s_(std::make_shared<LoopState>()) {
  if (uv_loop_init(&s_->loop) != 0) throw std::runtime_error("uv_loop_init failed");
  s_->async.data = s_.get();
  uv_async_init(&s_->loop, &s_->async, on_async);
  s_->thread = std::thread([s = s_.get()] {
    s->tid.store(std::this_thread::get_id());
    uv_run(&s->loop, UV_RUN_DEFAULT);
  });
}

EventLoop::~EventLoop() { stop(); }

void EventLoop::post(std::function<void()> fn) {
  {
    std::lock_guard lk(s_->mu);
    if (s_->stopping) return;
    s_->posted.push_back(std::move(fn));
    uv_async_send(&s_->async);  // under the lock: the handle stays open until stopping
  }
}

TimerHandle EventLoop::at(Clock::time_point when, std::function<void()> fn) {
  auto st = std::make_shared<TimerState>();
  st->when = when;
  st->fn = std::move(fn);
  if (detail::VirtualTimers* v = s_->virt.get()) {
    if (when != Clock::time_point::max()) {
      std::lock_guard lk(v->mu);
      if (++v->seq % 1024 == 0)  // cancelled timers hold their callbacks' captures: drop them now and then
        std::erase_if(v->pending, [](const auto& e) { return e.second->cancelled.load(); });
      v->pending.emplace(std::make_pair(when, v->seq), st);
    }
    if (v->on_timer) v->on_timer();
    return TimerHandle(st);
  }
  st->loop = s_;
  post([st, loop = &s_->loop] {
    if (st->cancelled.load()) return;
    uv_timer_init(loop, &st->timer);
    st->timer.data = st.get();
    st->self = st;
    st->started = true;
    uv_update_time(loop);
    uv_timer_start(&st->timer, on_timer, ms_until(st->when), 0);
  });
  return TimerHandle(st);
}

WatchHandle EventLoop::when_ready(int fd, bool write, std::function<void()> fn) {
  auto st = std::make_shared<WatchState>();
  st->fd = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
  st->fn = std::move(fn);
  st->loop = s_;
  post([st, loop = &s_->loop, write] {
    if (st->cancelled.load()) return;
    // uv_poll_init makes the descriptor non-blocking, and the duplicate shares its
    // flags with the original: put them back.
    int flags = st->fd >= 0 ? ::fcntl(st->fd, F_GETFL) : -1;
    if (flags < 0 || uv_poll_init(loop, &st->poll, st->fd) != 0) {
      // No duplicate, or not pollable (a regular file never blocks): ready now; the
      // I/O that follows reports any error.
      if (flags >= 0) ::fcntl(st->fd, F_SETFL, flags);
      st->fired.store(true);
      if (!st->cancelled.load() && st->fn) std::exchange(st->fn, nullptr)();
      return;
    }
    ::fcntl(st->fd, F_SETFL, flags);
    st->poll.data = st.get();
    st->self = st;
    st->started = true;
    if (uv_poll_start(&st->poll, write ? UV_WRITABLE : UV_READABLE, on_ready) != 0) on_ready(&st->poll, UV_EBADF, 0);
  });
  return WatchHandle(st);
}

TimerHandle EventLoop::after(Clock::duration delay, std::function<void()> fn) {
  return at(saturating_add(now(), delay), std::move(fn));
}

void EventLoop::use_virtual_time(std::function<void()> on_timer) {
  s_->virt = std::make_unique<detail::VirtualTimers>();
  s_->virt->on_timer = std::move(on_timer);
}

bool EventLoop::virtual_time() const { return s_->virt != nullptr; }

Clock::time_point EventLoop::now() const {
  if (!s_->virt) return Clock::now();
  return Clock::time_point(Clock::duration(s_->virt->now.load()));
}

std::chrono::system_clock::time_point EventLoop::wall_now() const {
  if (!s_->virt) return std::chrono::system_clock::now();
  return kVirtualEpoch + std::chrono::duration_cast<std::chrono::system_clock::duration>(now() - kVirtualStart);
}

bool EventLoop::run_next_timer() {
  detail::VirtualTimers* v = s_->virt.get();
  if (!v) return false;
  std::shared_ptr<TimerState> st;
  {
    std::lock_guard lk(v->mu);
    while (!v->pending.empty() && !st) {
      auto first = v->pending.begin();
      if (!first->second->cancelled.load()) st = first->second;
      v->pending.erase(first);
    }
    if (!st) return false;
    v->now.store(std::max(v->now.load(), st->when.time_since_epoch().count()));
  }
  st->fired.store(true);
  if (!st->cancelled.load() && st->fn) std::exchange(st->fn, nullptr)();
  return true;
}

void EventLoop::stop() {
  {
    std::lock_guard lk(s_->mu);
    if (s_->stopping) return;
    if (in_loop_thread()) throw std::logic_error("EventLoop::stop() called on the loop thread");
    s_->stopping = true;
    uv_async_send(&s_->async);
  }
  if (s_->thread.joinable()) s_->thread.join();
  uv_loop_close(&s_->loop);
  s_->posted.clear();
}

bool EventLoop::in_loop_thread() const { return s_->tid.load() == std::this_thread::get_id(); }

uv_loop_s* EventLoop::raw() { return &s_->loop; }

}  // namespace wippy::procs
