// File descriptors. For now only the standard streams 0 (stdin), 1 (stdout) and
// 2 (stderr) exist, all character devices; there are no preopened directories, so
// fd_prestat_get answers EBADF and wasi-libc's preopen scan ends at descriptor 3.
#include <string>

#include "wasi/host.h"

namespace wippy::wasi::detail {
namespace {

constexpr uint8_t kFiletypeCharacterDevice = 2;

// Rights bits (witx `$rights`).
constexpr uint64_t kRightFdRead = 1ull << 1;
constexpr uint64_t kRightFdWrite = 1ull << 6;
constexpr uint64_t kRightFdFilestatGet = 1ull << 21;
constexpr uint64_t kRightPollFdReadwrite = 1ull << 27;

bool is_stdio(uint32_t fd) { return fd <= 2; }

// An iovec / ciovec: { buf: u32, buf_len: u32 }.
struct IoVec {
  uint32_t buf;
  uint32_t len;
};

// Reads and bounds-checks an iovec array, including every buffer it points to.
Errno read_iovecs(GuestMemory mem, uint32_t iovs, uint32_t count, std::vector<IoVec>& out) {
  if (!mem.in_bounds(iovs, uint64_t{8} * count)) return Errno::Fault;
  out.resize(count);
  for (uint32_t i = 0; i < count; i++) {
    mem.load_u32(iovs + 8ull * i, out[i].buf);
    mem.load_u32(iovs + 8ull * i + 4, out[i].len);
    if (!mem.in_bounds(out[i].buf, out[i].len)) return Errno::Fault;
  }
  return Errno::Success;
}

// fd_write(fd, iovs, iovs_len, nwritten_ptr)
Errno fd_write(WasiContext& ctx, interp::HostCall& call, const uint64_t* a) {
  uint32_t fd = arg_u32(a, 0);
  GuestMemory mem(call);
  if (fd != 1 && fd != 2) return Errno::Badf;
  std::vector<IoVec> iovs;
  if (Errno e = read_iovecs(mem, arg_u32(a, 1), arg_u32(a, 2), iovs); e != Errno::Success) return e;
  uint32_t nwritten_ptr = arg_u32(a, 3);
  if (!mem.in_bounds(nwritten_ptr, 4)) return Errno::Fault;
  std::string bytes;
  uint64_t total = 0;
  for (const IoVec& v : iovs) total += v.len;
  if (total > UINT32_MAX) return Errno::Inval;
  bytes.reserve(total);
  for (const IoVec& v : iovs) bytes.append(reinterpret_cast<const char*>(mem.span(v.buf, v.len)), v.len);
  const OutputSink& sink = fd == 1 ? ctx.stdout_sink : ctx.stderr_sink;
  if (sink && !sink(bytes)) return Errno::Io;
  mem.store_u32(nwritten_ptr, static_cast<uint32_t>(total));
  return Errno::Success;
}

// fd_read(fd, iovs, iovs_len, nread_ptr)
Errno fd_read(WasiContext& ctx, interp::HostCall& call, const uint64_t* a) {
  uint32_t fd = arg_u32(a, 0);
  GuestMemory mem(call);
  if (fd != 0) return Errno::Badf;
  std::vector<IoVec> iovs;
  if (Errno e = read_iovecs(mem, arg_u32(a, 1), arg_u32(a, 2), iovs); e != Errno::Success) return e;
  uint32_t nread_ptr = arg_u32(a, 3);
  if (!mem.in_bounds(nread_ptr, 4)) return Errno::Fault;
  uint64_t total = 0;
  if (ctx.stdin_source) {
    for (const IoVec& v : iovs) {
      if (v.len == 0) continue;
      int64_t n = ctx.stdin_source(std::span<uint8_t>(mem.span(v.buf, v.len), v.len));
      if (n < 0) {
        if (total == 0) return Errno::Io;
        break;
      }
      total += static_cast<uint64_t>(n);
      if (static_cast<uint64_t>(n) < v.len) break;  // short read: return what we have
    }
  }
  mem.store_u32(nread_ptr, static_cast<uint32_t>(total));
  return Errno::Success;
}

// fd_fdstat_get(fd, fdstat_ptr): fdstat is 24 bytes: filetype u8 @0, flags u16 @2,
// rights_base u64 @8, rights_inheriting u64 @16.
Errno fd_fdstat_get(interp::HostCall& call, const uint64_t* a) {
  uint32_t fd = arg_u32(a, 0);
  GuestMemory mem(call);
  if (!is_stdio(fd)) return Errno::Badf;
  uint32_t p = arg_u32(a, 1);
  uint8_t* out = mem.span(p, 24);
  if (!out) return Errno::Fault;
  std::memset(out, 0, 24);
  uint64_t rights = kRightFdFilestatGet | kRightPollFdReadwrite | (fd == 0 ? kRightFdRead : kRightFdWrite);
  mem.store_u8(p, kFiletypeCharacterDevice);
  mem.store_u64(p + 8, rights);
  return Errno::Success;
}

// fd_filestat_get(fd, filestat_ptr): filestat is 64 bytes; filetype u8 @16.
Errno fd_filestat_get(interp::HostCall& call, const uint64_t* a) {
  uint32_t fd = arg_u32(a, 0);
  GuestMemory mem(call);
  if (!is_stdio(fd)) return Errno::Badf;
  uint32_t p = arg_u32(a, 1);
  uint8_t* out = mem.span(p, 64);
  if (!out) return Errno::Fault;
  std::memset(out, 0, 64);
  mem.store_u8(p + 16, kFiletypeCharacterDevice);
  mem.store_u64(p + 24, 1);  // nlink
  return Errno::Success;
}

}  // namespace

void add_fd(engine::Linker& linker, WasiContext& ctx) {
  WasiContext* c = &ctx;
  define_errno_fn(linker, "fd_write", "iiii",
                  [c](interp::HostCall& call, const uint64_t* a) { return fd_write(*c, call, a); });
  define_errno_fn(linker, "fd_read", "iiii",
                  [c](interp::HostCall& call, const uint64_t* a) { return fd_read(*c, call, a); });
  define_errno_fn(linker, "fd_fdstat_get", "ii", fd_fdstat_get);
  define_errno_fn(linker, "fd_filestat_get", "ii", fd_filestat_get);
  // fd_seek(fd, offset: i64, whence, newoffset_ptr): streams cannot seek.
  define_errno_fn(linker, "fd_seek", "ijii", [](interp::HostCall&, const uint64_t* a) {
    return is_stdio(arg_u32(a, 0)) ? Errno::Spipe : Errno::Badf;
  });
  define_errno_fn(linker, "fd_tell", "ii", [](interp::HostCall&, const uint64_t* a) {
    return is_stdio(arg_u32(a, 0)) ? Errno::Spipe : Errno::Badf;
  });
  // Closing a standard stream is accepted (the host keeps its own descriptor).
  define_errno_fn(linker, "fd_close", "i", [](interp::HostCall&, const uint64_t* a) {
    return is_stdio(arg_u32(a, 0)) ? Errno::Success : Errno::Badf;
  });
  define_errno_fn(linker, "fd_sync", "i", [](interp::HostCall&, const uint64_t* a) {
    return is_stdio(arg_u32(a, 0)) ? Errno::Inval : Errno::Badf;
  });
  define_errno_fn(linker, "fd_datasync", "i", [](interp::HostCall&, const uint64_t* a) {
    return is_stdio(arg_u32(a, 0)) ? Errno::Inval : Errno::Badf;
  });
  // No preopened directories yet.
  define_errno_fn(linker, "fd_prestat_get", "ii",
                  [](interp::HostCall&, const uint64_t*) { return Errno::Badf; });
  define_errno_fn(linker, "fd_prestat_dir_name", "iii",
                  [](interp::HostCall&, const uint64_t*) { return Errno::Badf; });
}

}  // namespace wippy::wasi::detail
