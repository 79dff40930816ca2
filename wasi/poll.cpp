// poll_oneoff: clock subscriptions (a sleep suspends the guest until the earliest
// deadline; no thread waits) and fd_read / fd_write subscriptions (regular files and
// output streams are always ready; a blocking stdin and pipes or devices are waited
// for by the driver, like the clocks).
#include <poll.h>
#include <sys/stat.h>
#include <time.h>

#include <algorithm>
#include <set>

#include "wasi/host.h"

namespace wippy::wasi::detail {
namespace {

using Kind = Descriptor::Kind;
using SteadyClock = std::chrono::steady_clock;

constexpr uint8_t kEventClock = 0, kEventFdRead = 1, kEventFdWrite = 2;
constexpr uint16_t kSubclockAbstime = 1;
constexpr uint16_t kEventHangup = 1;

// A subscription (48 bytes): userdata u64 @0, tag u8 @8; clock: id u32 @16,
// timeout u64 @24, precision u64 @32, flags u16 @40; fd_read/fd_write: fd u32 @16.
struct Sub {
  uint64_t userdata;
  uint8_t tag;
  uint32_t clock_id;
  uint64_t timeout;
  uint16_t flags;
  uint32_t fd;
};

// An event (32 bytes): userdata u64 @0, error u16 @8, type u8 @10,
// fd_readwrite: nbytes u64 @16, flags u16 @24.
struct Event {
  uint64_t userdata = 0;
  Errno error = Errno::Success;
  uint8_t type = 0;
  uint64_t nbytes = 0;
  uint16_t flags = 0;
};

void store_events(GuestMemory mem, uint32_t out, const std::vector<Event>& evs) {
  for (size_t i = 0; i < evs.size(); i++) {
    uint32_t at = out + static_cast<uint32_t>(32 * i);
    std::memset(mem.span(at, 32), 0, 32);
    mem.store_u64(at, evs[i].userdata);
    mem.store_u16(at + 8, static_cast<uint16_t>(evs[i].error));
    mem.store_u8(at + 10, evs[i].type);
    mem.store_u64(at + 16, evs[i].nbytes);
    mem.store_u16(at + 24, evs[i].flags);
  }
}

uint64_t now_ns(clockid_t id) {
  timespec ts{};
  clock_gettime(id, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

// The steady-clock deadline of a clock subscription; false for an unknown clock.
bool deadline_of(const Sub& s, const WasiContext& ctx, SteadyClock::time_point now, SteadyClock::time_point& out) {
  uint64_t rel;
  if (s.flags & kSubclockAbstime) {
    uint64_t cur;
    if (ctx.clock) {
      auto t = ctx.clock(s.clock_id);
      if (!t) return false;
      cur = *t;
    } else {
      switch (s.clock_id) {
        case 0: cur = now_ns(CLOCK_REALTIME); break;
        case 1: cur = now_ns(CLOCK_MONOTONIC); break;
        default: return false;  // CPU-time clocks cannot be waited on
      }
    }
    rel = s.timeout > cur ? s.timeout - cur : 0;
  } else {
    if (s.clock_id > 1) return false;
    rel = s.timeout;
  }
  // Far-future timeouts saturate (about 292 years).
  constexpr uint64_t kMax = static_cast<uint64_t>(INT64_MAX / 2);
  out = now + std::chrono::nanoseconds(static_cast<int64_t>(std::min(rel, kMax)));
  return true;
}

// poll(2) with no timeout: nullopt if not ready, else whether it hung up.
std::optional<bool> ready_now(int fd, bool write) {
  pollfd p{fd, static_cast<short>(write ? POLLOUT : POLLIN), 0};
  if (::poll(&p, 1, 0) == 0) return std::nullopt;  // errors count as ready: the I/O reports them
  return (p.revents & POLLHUP) != 0;
}

// Readiness of an fd subscription now: an event, or nullopt if it must be waited for
// (then `wait` is the host descriptor to wait on).
std::optional<Event> fd_ready(WasiContext& ctx, const Sub& s, BlockingOp::FdWait* wait = nullptr) {
  Event ev{s.userdata, Errno::Success, s.tag, 0, 0};
  Descriptor* d = ctx.fds.get(s.fd);
  if (!d) {
    ev.error = Errno::Badf;
    return ev;
  }
  bool reading = s.tag == kEventFdRead;
  if (Errno e = need_rights(*d, rights::PollFdReadwrite); e != Errno::Success) {
    ev.error = e;
    return ev;
  }
  switch (d->kind) {
    case Kind::Directory:
      ev.error = Errno::Badf;  // a directory is not a stream
      return ev;
    case Kind::Stdin:
      if (!reading) {
        ev.error = Errno::Badf;
        return ev;
      }
      if (!ctx.stdin_source) {
        ev.flags = kEventHangup;  // at end of input
        return ev;
      }
      if (ctx.stdin_blocks && ctx.stdin_fd >= 0) {
        std::optional<bool> hup = ready_now(ctx.stdin_fd, false);
        if (!hup) {
          if (wait) *wait = {ctx.stdin_fd, false};
          return std::nullopt;
        }
        if (*hup) ev.flags = kEventHangup;
      }
      ev.nbytes = 1;
      return ev;
    case Kind::Stdout:
    case Kind::Stderr:
      if (reading) ev.error = Errno::Badf;
      return ev;
    case Kind::File: {
      if (d->stream) {
        std::optional<bool> hup = ready_now(d->fd(), !reading);
        if (!hup) {
          if (wait) *wait = {d->fd(), !reading};
          return std::nullopt;
        }
        if (*hup) ev.flags = kEventHangup;
        ev.nbytes = 1;
        return ev;
      }
      if (reading) {
        struct stat st {};
        off_t pos = ::lseek(d->fd(), 0, SEEK_CUR);
        if (::fstat(d->fd(), &st) == 0 && pos >= 0 && st.st_size > pos)
          ev.nbytes = static_cast<uint64_t>(st.st_size - pos);
      }
      return ev;
    }
  }
  return ev;
}

// poll_oneoff(in, out, nsubscriptions, nevents_ptr)
Errno poll_oneoff(WasiContext& ctx, engine::HostCall& call, const uint64_t* a, std::unique_ptr<BlockingOp>& op) {
  GuestMemory mem(call);
  uint32_t in = arg_u32(a, 0), out = arg_u32(a, 1), n = arg_u32(a, 2), nevents_ptr = arg_u32(a, 3);
  if (n == 0 || n > kMaxPollSubscriptions) return Errno::Inval;
  if (!mem.in_bounds(in, uint64_t{48} * n) || !mem.in_bounds(out, uint64_t{32} * n) || !mem.in_bounds(nevents_ptr, 4))
    return Errno::Fault;
  if (!charge_bytes(call, (48ull + 32ull) * n)) return kNoFuel;
  std::vector<Sub> subs(n);
  for (uint32_t i = 0; i < n; i++) {
    const uint8_t* p = mem.span(in + 48ull * i, 48);
    Sub& s = subs[i];
    std::memcpy(&s.userdata, p, 8);
    s.tag = p[8];
    std::memcpy(&s.clock_id, p + 16, 4);
    std::memcpy(&s.timeout, p + 24, 8);
    std::memcpy(&s.flags, p + 40, 2);
    std::memcpy(&s.fd, p + 16, 4);
    if (s.tag > kEventFdWrite) return Errno::Inval;
  }

  SteadyClock::time_point now = ctx.now();
  std::vector<Event> ready;
  std::optional<SteadyClock::time_point> earliest;
  std::vector<std::pair<size_t, SteadyClock::time_point>> clocks;
  std::vector<BlockingOp::FdWait> waits;
  std::set<std::pair<int, bool>> waited;
  for (size_t i = 0; i < subs.size(); i++) {
    const Sub& s = subs[i];
    if (s.tag == kEventClock) {
      SteadyClock::time_point dl;
      if (!deadline_of(s, ctx, now, dl)) {
        ready.push_back(Event{s.userdata, Errno::Inval, kEventClock, 0, 0});
        continue;
      }
      clocks.emplace_back(i, dl);
      if (!earliest || dl < *earliest) earliest = dl;
    } else {
      BlockingOp::FdWait w{-1};
      if (std::optional<Event> ev = fd_ready(ctx, s, &w)) {
        ready.push_back(*ev);
      } else if (waited.insert({w.fd, w.write}).second) {
        waits.push_back(w);  // once per descriptor: each wait holds a host descriptor
      }
    }
  }
  // Clocks that already expired are ready too.
  for (auto& [i, dl] : clocks) {
    if (dl <= now) ready.push_back(Event{subs[i].userdata, Errno::Success, kEventClock, 0, 0});
  }
  if (!ready.empty() || (!earliest && waits.empty())) {
    store_events(mem, out, ready);
    mem.store_u32(nevents_ptr, static_cast<uint32_t>(ready.size()));
    return Errno::Success;
  }

  // Nothing is ready: suspend until the earliest clock, or until a descriptor is ready.
  op = std::make_unique<BlockingOp>();
  op->deadline = earliest;
  op->fd_waits = std::move(waits);
  engine::Memory* m = call.memory();
  WasiContext* c = &ctx;
  op->finish = [m, c, subs = std::move(subs), clocks = std::move(clocks), out, nevents_ptr]() -> std::vector<uint64_t> {
    GuestMemory g(m);
    SteadyClock::time_point t = c->now();
    std::vector<Event> evs;
    for (const Sub& s : subs) {
      if (s.tag == kEventClock) continue;
      if (std::optional<Event> ev = fd_ready(*c, s)) evs.push_back(*ev);
    }
    for (const auto& [i, dl] : clocks) {
      if (dl <= t) evs.push_back(Event{subs[i].userdata, Errno::Success, kEventClock, 0, 0});
    }
    // A timer may fire a hair early by the steady clock's reading here; the earliest
    // clock is what the guest waited for.
    if (evs.empty() && !clocks.empty()) {
      auto first = std::min_element(clocks.begin(), clocks.end(),
                                    [](const auto& x, const auto& y) { return x.second < y.second; });
      evs.push_back(Event{subs[first->first].userdata, Errno::Success, kEventClock, 0, 0});
    }
    if (!g.in_bounds(out, 32ull * evs.size()) || !g.in_bounds(nevents_ptr, 4)) return {errno_cell(Errno::Fault)};
    store_events(g, out, evs);
    g.store_u32(nevents_ptr, static_cast<uint32_t>(evs.size()));
    return {errno_cell(Errno::Success)};
  };
  return Errno::Success;
}

}  // namespace

void add_poll(Definer& df, WasiContext& ctx) {
  WasiContext* c = &ctx;
  df.blocking_fn("poll_oneoff", [c](engine::HostCall& call, const uint64_t* a, std::unique_ptr<BlockingOp>& op) {
    return poll_oneoff(*c, call, a, op);
  });
}

}  // namespace wippy::wasi::detail
