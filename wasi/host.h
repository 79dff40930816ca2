// Internal to wasi/: helpers shared by the files that implement one group of host
// functions each (cli.cpp, fs_fd.cpp, fs_path.cpp, poll.cpp, sock.cpp, clock.cpp,
// random.cpp).
#pragma once

#include <sys/stat.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "engine/engine.h"
#include "wasi/context.h"
#include "wasi/errno.h"
#include "wasi/groups.h"
#include "wasi/memory.h"
#include "wasi/trace.h"
#include "wasi/pending.h"
#include "wasi/wasi.h"

namespace wippy::wasi::detail {

// Host work is charged to the calling run's fuel (HostCall::charge): 1 unit per
// kBytesPerFuelUnit bytes copied, filled, generated or listed, rounded up, on top of
// the 1 unit of the call instruction; the README lists what each function charges for.
inline constexpr uint64_t kBytesPerFuelUnit = 64;
// Fuel units for `bytes` bytes of host work.
inline constexpr uint64_t fuel_for_bytes(uint64_t bytes) { return (bytes + kBytesPerFuelUnit - 1) / kBytesPerFuelUnit; }
// Charges `bytes` of host work; false when the fuel limit refused it.
inline bool charge_bytes(engine::HostCall& call, uint64_t bytes) { return call.charge(fuel_for_bytes(bytes)); }
// What a host function returns after a refused charge: never seen by the guest (the
// call traps with `fuel exhausted`, HostCall::charge), but not Success, so helpers
// that return it stop their callers too.
inline constexpr Errno kNoFuel = Errno::Canceled;

// A function type from a compact signature: 'i' = i32, 'j' = i64, e.g. sig("iji", "i").
engine::FuncType sig(std::string_view params, std::string_view results);

// Where add_to_linker puts the functions: `define` skips functions of groups the
// entry did not enable.
struct Definer {
  engine::Linker& linker;
  GroupMask enabled;
  std::string trace_name;  // non-empty: every call is logged at level trace (wasi/trace.h)

  bool wanted(std::string_view name) const;
  void define(std::string_view name, engine::FuncType type, engine::HostFn fn) {
    if (!trace_name.empty()) fn = traced(trace_name, name, type, std::move(fn));
    linker.define_func(kModuleName, std::string(name), std::move(type), std::move(fn));
  }
  // A preview1 function that returns an errno: `fn(call, args)` computes it.
  template <class F>
  void errno_fn(std::string_view name, F fn) {
    if (!wanted(name)) return;
    const Preview1Func* f = find_preview1(name);
    define(name, sig(f->params, "i"), [fn](engine::HostCall& call, const uint64_t* args, uint64_t* results) {
      results[0] = errno_cell(fn(call, args));
      return engine::HostResult::ok();
    });
  }
  // A preview1 function that may suspend: `fn(call, args, op)` returns an errno, or
  // fills `op` (then the errno is ignored and the call suspends on it).
  template <class F>
  void blocking_fn(std::string_view name, F fn) {
    if (!wanted(name)) return;
    const Preview1Func* f = find_preview1(name);
    define(name, sig(f->params, "i"), [fn](engine::HostCall& call, const uint64_t* args, uint64_t* results) {
      std::unique_ptr<BlockingOp> op;
      Errno e = fn(call, args, op);
      if (op) return engine::HostResult::suspend(std::move(op));
      results[0] = errno_cell(e);
      return engine::HostResult::ok();
    });
  }
  void raw_fn(std::string_view name, std::string_view params, std::string_view results, engine::HostFn fn) {
    if (!wanted(name)) return;
    define(name, sig(params, results), std::move(fn));
  }
};

void add_cli(Definer& d, WasiContext& ctx);
void add_fs_fd(Definer& d, WasiContext& ctx);
void add_fs_path(Definer& d, WasiContext& ctx);
void add_poll(Definer& d, WasiContext& ctx);
void add_sock(Definer& d, WasiContext& ctx);
void add_clock(Definer& d, WasiContext& ctx);
void add_random(Definer& d, WasiContext& ctx);

// An iovec / ciovec: { buf: u32, buf_len: u32 }.
struct IoVec {
  uint32_t buf;
  uint32_t len;
};
// At most this many iovecs per fd_read / fd_write (Linux's IOV_MAX); EINVAL beyond.
inline constexpr uint32_t kMaxIovecs = 1024;
// One fd_read / fd_write moves at most this many bytes (a short read or write, as
// POSIX allows), so the host never holds more for one call, however large the sum of
// the iovecs (which may all point at the same memory).
inline constexpr uint32_t kMaxIoBytes = 1024 * 1024;
// At most this many subscriptions per poll_oneoff (FD_SETSIZE); EINVAL beyond, so the
// host's copy and scan of them stay bounded.
inline constexpr uint32_t kMaxPollSubscriptions = 1024;
// Reads and bounds-checks an iovec array, including every buffer it points to
// (EFAULT), refuses more than kMaxIovecs (EINVAL), and cuts the list to its first
// kMaxIoBytes bytes. `total` is the byte count of the cut list.
Errno read_iovecs(GuestMemory mem, uint32_t iovs, uint32_t count, std::vector<IoVec>& out, uint64_t& total);
// Cuts `iovs` to their first `max` bytes; `total` is the byte count of the cut list.
void cut_iovecs(std::vector<IoVec>& iovs, uint64_t max, uint64_t& total);
// Scatters `bytes` into `iovs` (bounds already checked).
void scatter(GuestMemory mem, const std::vector<IoVec>& iovs, const uint8_t* bytes, size_t n);
// Gathers `iovs` (`total` bytes) into one buffer.
std::string gather(GuestMemory mem, const std::vector<IoVec>& iovs, uint64_t total);

// A write's share of WasiContext::max_write_bytes: a write of `len` bytes at `pos`
// into a file of `size` bytes grows it by what lies past `size`; only that counts.
struct WriteGrowth {
  uint64_t pos = 0, size = 0;
  uint64_t counted = 0;  // already added to ctx.written_bytes
  // The growth had only `n` bytes been written.
  uint64_t grown_by(uint64_t n) const { return pos + n > size ? pos + n - size : 0; }
  // After the write: gives back what was counted but not grown (a failed or short write).
  void settle(WasiContext& ctx, int64_t written) const {
    uint64_t real = written > 0 ? grown_by(static_cast<uint64_t>(written)) : 0;
    if (real < counted) ctx.written_bytes -= counted - real;
  }
};
// What is left of ctx.max_write_bytes (UINT64_MAX without a limit).
inline uint64_t write_quota_left(const WasiContext& ctx) {
  if (ctx.max_write_bytes == 0) return UINT64_MAX;
  return ctx.max_write_bytes - std::min(ctx.written_bytes, ctx.max_write_bytes);
}
// Counts a write of `len` bytes on regular file `fd` (at `offset`, or at its position,
// or at its end with O_APPEND) against ctx.max_write_bytes: cuts `len` to what the
// quota leaves room for, ENOSPC when that is nothing. Streams and devices are free.
Errno admit_write(WasiContext& ctx, int fd, std::optional<uint64_t> offset, uint64_t& len, WriteGrowth& out);

// A guest path from (ptr, len): EFAULT out of bounds.
Errno read_path(GuestMemory mem, uint32_t ptr, uint32_t len, std::string& out);

Filetype filetype_of(mode_t mode);
// Writes a 64-byte filestat at `at`.
Errno store_filestat(GuestMemory mem, uint32_t at, const struct stat& st);

// fstflags -> the two timespecs utimensat takes; EINVAL for contradictory flags.
Errno times_from_flags(uint64_t atim, uint64_t mtim, uint16_t fst_flags, struct timespec ts[2]);

// ENOTCAPABLE unless the descriptor's base rights include all of `needed` (preview1
// rights: each fd_* and path_* function needs the ones the witx names for it).
inline Errno need_rights(const Descriptor& d, uint64_t needed) {
  return (d.rights_base & needed) == needed ? Errno::Success : Errno::NotCapable;
}

// The outcome of a read or write, possibly done by a BlockingOp's work off the
// guest's thread: the buffer, the count (or -1) and the errno.
struct IoResult {
  std::vector<uint8_t> buf;
  int64_t n = 0;
  int err = 0;
};

// read(2) / pread(2) at `offset`, retried on EINTR: the count, or -1 with `err` set.
int64_t host_read(int fd, uint8_t* buf, size_t len, std::optional<uint64_t> offset, int& err);
// write(2) / pwrite(2) of all of `buf` unless the descriptor takes no more (a full
// pipe): the count written, or -1 with `err` set if nothing was.
int64_t host_write(int fd, const uint8_t* buf, size_t len, std::optional<uint64_t> offset, int& err);

// Reads from a blocking stdin `src` once it is ready: no more than is there (FIONREAD
// on its host descriptor `fd`, if >= 0), so the read returns at once. As InputSource.
int64_t read_available(const InputSource& src, int fd, std::span<uint8_t> buf);

// The host's clocks (witx `$clockid` 0-3) or the context's: false for an unknown or
// unsupported clock.
bool clock_now(const WasiContext& ctx, uint32_t id, uint64_t& ns);
bool clock_resolution(const WasiContext& ctx, uint32_t id, uint64_t& ns);
// Fills `buf` from the context's source, or getrandom(2); false on failure.
bool fill_random(const WasiContext& ctx, std::span<uint8_t> buf);

// The descriptor `fd` if it is a directory: EBADF if not open, ENOTDIR otherwise.
Errno directory_of(WasiContext& ctx, uint32_t fd, Descriptor*& out);

}  // namespace wippy::wasi::detail
