// Descriptor functions (fd_*): the standard streams, files and directories.
// Reads and writes of at least ctx.io_suspend_threshold bytes on a file suspend with
// a BlockingOp whose work runs off the guest's thread. A read of a blocking stdin, and
// a read or write of a pipe or device that would block, suspend until the descriptor
// is ready (no thread waits), then do the I/O. One call moves at most kMaxIoBytes.
#include <dirent.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <memory>

#include "wasi/fs_ops.h"
#include "wasi/host.h"

namespace wippy::wasi::detail {
namespace {

using Kind = Descriptor::Kind;

// readv / writev (preadv / pwritev with `offset`) straight on guest memory.
Errno vectored(int fd, GuestMemory mem, const std::vector<IoVec>& iovs, std::optional<uint64_t> offset, bool write,
               uint32_t& n) {
  std::vector<struct iovec> host_iovs;
  for (const IoVec& v : iovs) host_iovs.push_back({mem.span(v.buf, v.len), v.len});
  int cnt = static_cast<int>(host_iovs.size());
  for (;;) {
    ssize_t r;
    if (write)
      r = offset ? ::pwritev(fd, host_iovs.data(), cnt, static_cast<off_t>(*offset)) : ::writev(fd, host_iovs.data(), cnt);
    else
      r = offset ? ::preadv(fd, host_iovs.data(), cnt, static_cast<off_t>(*offset)) : ::readv(fd, host_iovs.data(), cnt);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return errno_from_host(errno);
    n = static_cast<uint32_t>(r);  // at most kMaxIoBytes
    return Errno::Success;
  }
}

// Suspends a read: `fill` runs off the guest's thread (after `waits`) and fills a
// host buffer of `total` bytes (at most kMaxIoBytes); finish() scatters it into the
// iovecs and stores the count.
void suspend_read(engine::HostCall& call, const std::vector<IoVec>& iovs, uint64_t total, uint32_t nread_ptr,
                  std::vector<BlockingOp::FdWait> waits, std::function<void(IoResult&)> fill,
                  std::unique_ptr<BlockingOp>& op) {
  auto res = std::make_shared<IoResult>();
  res->buf.resize(total);
  op = std::make_unique<BlockingOp>();
  op->fd_waits = std::move(waits);
  op->work = [res, fill = std::move(fill)] { fill(*res); };
  engine::Memory* m = call.memory();
  op->finish = [m, iovs, res, nread_ptr]() -> std::vector<uint64_t> {
    GuestMemory g(m);
    if (res->n < 0) return {errno_cell(errno_from_host(res->err))};
    scatter(g, iovs, res->buf.data(), static_cast<size_t>(res->n));
    if (!g.store_u32(nread_ptr, static_cast<uint32_t>(res->n))) return {errno_cell(Errno::Fault)};
    return {errno_cell(Errno::Success)};
  };
}

// Suspends a write of `data`: `drain` runs off the guest's thread (after `waits`);
// `done` gets the count (or -1) on the guest's thread.
void suspend_write(engine::HostCall& call, std::string data, uint32_t nwritten_ptr,
                   std::vector<BlockingOp::FdWait> waits, std::function<void(IoResult&)> drain,
                   std::unique_ptr<BlockingOp>& op, std::function<void(int64_t)> done = {}) {
  auto res = std::make_shared<IoResult>();
  res->buf.assign(data.begin(), data.end());
  op = std::make_unique<BlockingOp>();
  op->fd_waits = std::move(waits);
  op->work = [res, drain = std::move(drain)] { drain(*res); };
  engine::Memory* m = call.memory();
  op->finish = [m, res, nwritten_ptr, done = std::move(done)]() -> std::vector<uint64_t> {
    if (done) done(res->n);
    if (res->n < 0) return {errno_cell(errno_from_host(res->err))};
    if (!GuestMemory(m).store_u32(nwritten_ptr, static_cast<uint32_t>(res->n))) return {errno_cell(Errno::Fault)};
    return {errno_cell(Errno::Success)};
  };
}

// fd_read on stdin.
Errno read_stdin(WasiContext& ctx, engine::HostCall& call, const std::vector<IoVec>& iovs, uint64_t total,
                 uint32_t nread_ptr, std::unique_ptr<BlockingOp>& op) {
  GuestMemory mem(call);
  if (!ctx.stdin_source || total == 0) {
    mem.store_u32(nread_ptr, 0);
    return Errno::Success;
  }
  if (ctx.stdin_blocks) {
    // Wait for input on the driver's side first: a read that may wait for ever never
    // holds a thread, so a process that ends meanwhile leaves nothing behind. Then read
    // no more than is there, so the read itself returns at once.
    std::vector<BlockingOp::FdWait> waits;
    if (ctx.stdin_fd >= 0) waits.push_back({ctx.stdin_fd, false});
    suspend_read(call, iovs, total, nread_ptr, std::move(waits),
                 [src = ctx.stdin_source, fd = ctx.stdin_fd](IoResult& r) {
                   r.n = read_available(src, fd, r.buf);
                   if (r.n < 0) r.err = EIO;
                 },
                 op);
    return Errno::Success;
  }
  uint64_t got = 0;
  for (const IoVec& v : iovs) {
    if (v.len == 0) continue;
    int64_t n = ctx.stdin_source(std::span<uint8_t>(mem.span(v.buf, v.len), v.len));
    if (n < 0) {
      if (got == 0) return Errno::Io;
      break;
    }
    got += static_cast<uint64_t>(n);
    if (static_cast<uint64_t>(n) < v.len) break;  // short read: return what we have
  }
  mem.store_u32(nread_ptr, static_cast<uint32_t>(got));
  return Errno::Success;
}

// fd_read / fd_pread on a file or stdin. `offset` set: pread.
Errno do_read(WasiContext& ctx, engine::HostCall& call, uint32_t fd, uint32_t iovs_ptr, uint32_t iovs_len,
              std::optional<uint64_t> offset, uint32_t nread_ptr, std::unique_ptr<BlockingOp>& op) {
  GuestMemory mem(call);
  std::shared_ptr<Descriptor> d = ctx.fds.share(fd);
  if (!d) return Errno::Badf;
  std::vector<IoVec> iovs;
  uint64_t total;
  if (Errno e = read_iovecs(mem, iovs_ptr, iovs_len, iovs, total); e != Errno::Success) return e;
  if (!charge_bytes(call, total + uint64_t{8} * iovs_len)) return kNoFuel;
  if (!mem.in_bounds(nread_ptr, 4)) return Errno::Fault;

  if (d->kind == Kind::Stdout || d->kind == Kind::Stderr) return Errno::Badf;
  if (d->kind == Kind::Directory) return Errno::IsDir;
  if (d->kind == Kind::Stdin && offset) return Errno::Spipe;
  if (Errno e = need_rights(*d, rights::FdRead | (offset ? rights::FdSeek : 0)); e != Errno::Success) return e;
  if (d->kind == Kind::Stdin) return read_stdin(ctx, call, iovs, total, nread_ptr, op);
  auto read_into = [host = d->host, offset](IoResult& r) {
    r.n = host_read(host->get(), r.buf.data(), r.buf.size(), offset, r.err);
  };
  if (!d->stream && total >= ctx.io_suspend_threshold) {
    suspend_read(call, iovs, total, nread_ptr, {}, read_into, op);
    return Errno::Success;
  }
  uint32_t n;
  Errno e = vectored(d->fd(), mem, iovs, offset, false, n);
  // A pipe or device is non-blocking on the host: with nothing there yet, wait for
  // data unless the guest asked for O_NONBLOCK.
  if (e == Errno::Again && d->stream && !(d->flags & fdflags::Nonblock)) {
    suspend_read(call, iovs, total, nread_ptr, {{d->fd(), false}}, read_into, op);
    return Errno::Success;
  }
  if (e == Errno::Success) mem.store_u32(nread_ptr, n);
  return e;
}

// fd_write / fd_pwrite.
Errno do_write(WasiContext& ctx, engine::HostCall& call, uint32_t fd, uint32_t iovs_ptr, uint32_t iovs_len,
               std::optional<uint64_t> offset, uint32_t nwritten_ptr, std::unique_ptr<BlockingOp>& op) {
  GuestMemory mem(call);
  std::shared_ptr<Descriptor> d = ctx.fds.share(fd);
  if (!d) return Errno::Badf;
  std::vector<IoVec> iovs;
  uint64_t total;
  if (Errno e = read_iovecs(mem, iovs_ptr, iovs_len, iovs, total); e != Errno::Success) return e;
  if (!charge_bytes(call, total + uint64_t{8} * iovs_len)) return kNoFuel;
  if (!mem.in_bounds(nwritten_ptr, 4)) return Errno::Fault;

  if (d->kind == Kind::Stdin) return Errno::Badf;
  if (d->kind == Kind::Directory) return Errno::IsDir;
  if (d->is_stdio() && offset) return Errno::Spipe;
  if (Errno e = need_rights(*d, rights::FdWrite | (offset ? rights::FdSeek : 0)); e != Errno::Success) return e;
  if (d->kind == Kind::Stdout || d->kind == Kind::Stderr) {
    const OutputSink& sink = d->kind == Kind::Stdout ? ctx.stdout_sink : ctx.stderr_sink;
    if (sink && !sink(gather(mem, iovs, total))) return Errno::Io;
    mem.store_u32(nwritten_ptr, static_cast<uint32_t>(total));
    return Errno::Success;
  }
  if (d->read_only) return Errno::Badf;  // never opened for writing
  auto write_from = [host = d->host, offset](IoResult& r) {
    r.n = host_write(host->get(), r.buf.data(), r.buf.size(), offset, r.err);
  };
  WriteGrowth growth;
  if (!d->stream) {
    uint64_t allowed = total;
    if (Errno e = admit_write(ctx, d->fd(), offset, allowed, growth); e != Errno::Success) return e;
    if (allowed < total) cut_iovecs(iovs, allowed, total);
  }
  if (!d->stream && total >= ctx.io_suspend_threshold) {
    suspend_write(call, gather(mem, iovs, total), nwritten_ptr, {}, write_from, op,
                  [&ctx, growth](int64_t n) { growth.settle(ctx, n); });
    return Errno::Success;
  }
  uint32_t n = 0;
  Errno e = vectored(d->fd(), mem, iovs, offset, true, n);
  growth.settle(ctx, e == Errno::Success ? n : -1);
  if (e == Errno::Again && d->stream && !(d->flags & fdflags::Nonblock)) {  // a full pipe
    suspend_write(call, gather(mem, iovs, total), nwritten_ptr, {{d->fd(), true}}, write_from, op);
    return Errno::Success;
  }
  if (e == Errno::Success) mem.store_u32(nwritten_ptr, n);
  return e;
}

// fd_fdstat_get: filetype u8 @0, flags u16 @2, rights_base u64 @8, rights_inheriting u64 @16.
Errno fdstat_get(WasiContext& ctx, engine::HostCall& call, const uint64_t* a) {
  Descriptor* d = ctx.fds.get(arg_u32(a, 0));
  if (!d) return Errno::Badf;
  GuestMemory mem(call);
  uint32_t p = arg_u32(a, 1);
  uint8_t* out = mem.span(p, 24);
  if (!out) return Errno::Fault;
  std::memset(out, 0, 24);
  uint16_t flags = d->flags;
  if (d->kind == Kind::File) {
    int fl = ::fcntl(d->fd(), F_GETFL);
    if (fl >= 0) {
      flags = 0;
      if (fl & O_APPEND) flags |= fdflags::Append;
      // A pipe or device is non-blocking on the host whatever the guest asked for.
      if (d->stream ? (d->flags & fdflags::Nonblock) : (fl & O_NONBLOCK)) flags |= fdflags::Nonblock;
      if ((fl & O_SYNC) == O_SYNC) flags |= fdflags::Sync;
      else if (fl & O_DSYNC) flags |= fdflags::Dsync;
      flags |= d->flags & fdflags::Rsync;
    }
  }
  mem.store_u8(p, static_cast<uint8_t>(d->filetype));
  mem.store_u16(p + 2, flags);
  mem.store_u64(p + 8, d->rights_base);
  mem.store_u64(p + 16, d->rights_inheriting);
  return Errno::Success;
}

Errno fdstat_set_flags(WasiContext& ctx, const uint64_t* a) {
  Descriptor* d = ctx.fds.get(arg_u32(a, 0));
  if (!d) return Errno::Badf;
  if (Errno e = need_rights(*d, rights::FdFdstatSetFlags); e != Errno::Success) return e;
  uint32_t want = arg_u32(a, 1);
  if (want & ~uint32_t{fdflags::All}) return Errno::Inval;
  // Linux cannot switch O_SYNC / O_DSYNC on an open descriptor.
  if (want & (fdflags::Dsync | fdflags::Sync | fdflags::Rsync)) return Errno::NotSup;
  if (d->kind == Kind::File) {
    int fl = ::fcntl(d->fd(), F_GETFL);
    if (fl < 0) return errno_from_host(errno);
    fl &= ~(O_APPEND | O_NONBLOCK);
    if (want & fdflags::Append) fl |= O_APPEND;
    if ((want & fdflags::Nonblock) || d->stream) fl |= O_NONBLOCK;
    if (::fcntl(d->fd(), F_SETFL, fl) != 0) return errno_from_host(errno);
  } else if (d->kind == Kind::Directory) {
    if (want & fdflags::Append) return Errno::Inval;
  }
  d->flags = static_cast<uint16_t>(want);
  return Errno::Success;
}

Errno fdstat_set_rights(WasiContext& ctx, const uint64_t* a) {
  Descriptor* d = ctx.fds.get(arg_u32(a, 0));
  if (!d) return Errno::Badf;
  uint64_t base = a[1], inheriting = a[2];
  // Rights can only be dropped.
  if ((base & ~d->rights_base) || (inheriting & ~d->rights_inheriting)) return Errno::NotCapable;
  d->rights_base = base;
  d->rights_inheriting = inheriting;
  return Errno::Success;
}

Errno filestat_get(WasiContext& ctx, engine::HostCall& call, const uint64_t* a) {
  Descriptor* d = ctx.fds.get(arg_u32(a, 0));
  if (!d) return Errno::Badf;
  if (Errno e = need_rights(*d, rights::FdFilestatGet); e != Errno::Success) return e;
  GuestMemory mem(call);
  uint32_t p = arg_u32(a, 1);
  if (d->is_stdio()) {
    uint8_t* out = mem.span(p, 64);
    if (!out) return Errno::Fault;
    std::memset(out, 0, 64);
    mem.store_u8(p + 16, static_cast<uint8_t>(Filetype::CharacterDevice));
    mem.store_u64(p + 24, 1);  // nlink
    return Errno::Success;
  }
  struct stat st {};
  if (::fstat(d->fd(), &st) != 0) return errno_from_host(errno);
  return store_filestat(mem, p, st);
}

Errno filestat_set_size(WasiContext& ctx, const uint64_t* a) {
  Descriptor* d = ctx.fds.get(arg_u32(a, 0));
  if (!d) return Errno::Badf;
  if (d->kind == Kind::Directory) return Errno::IsDir;
  if (d->kind != Kind::File) return Errno::Inval;
  if (d->read_only) return Errno::Rofs;  // before the rights: say why nothing may change
  if (Errno e = need_rights(*d, rights::FdFilestatSetSize); e != Errno::Success) return e;
  if (a[1] > static_cast<uint64_t>(INT64_MAX)) return Errno::Inval;
  // Growing counts against the write quota as writing zeros would (a later write into
  // the hole takes disk without growing the file).
  struct stat st {};
  if (::fstat(d->fd(), &st) != 0) return errno_from_host(errno);
  uint64_t grow = a[1] > static_cast<uint64_t>(st.st_size) ? a[1] - static_cast<uint64_t>(st.st_size) : 0;
  if (grow > write_quota_left(ctx)) return Errno::NoSpc;
  if (::ftruncate(d->fd(), static_cast<off_t>(a[1])) != 0) return errno_from_host(errno);
  ctx.written_bytes += grow;
  return Errno::Success;
}

Errno filestat_set_times(WasiContext& ctx, const uint64_t* a) {
  Descriptor* d = ctx.fds.get(arg_u32(a, 0));
  if (!d) return Errno::Badf;
  struct timespec ts[2];
  if (Errno e = times_from_flags(a[1], a[2], static_cast<uint16_t>(a[3]), ts); e != Errno::Success) return e;
  if (d->is_stdio()) return Errno::Badf;
  if (d->read_only) return Errno::Rofs;
  if (Errno e = need_rights(*d, rights::FdFilestatSetTimes); e != Errno::Success) return e;
  return fs::set_times_fd(d->fd(), ts);
}

Errno seek(WasiContext& ctx, engine::HostCall& call, const uint64_t* a) {
  Descriptor* d = ctx.fds.get(arg_u32(a, 0));
  if (!d) return Errno::Badf;
  int64_t offset = static_cast<int64_t>(a[1]);
  uint32_t whence = arg_u32(a, 2);
  uint32_t out = arg_u32(a, 3);
  GuestMemory mem(call);
  if (d->is_stdio()) return Errno::Spipe;
  if (d->kind == Kind::Directory) return Errno::Badf;
  int w;
  switch (whence) {
    case 0: w = SEEK_SET; break;
    case 1: w = SEEK_CUR; break;
    case 2: w = SEEK_END; break;
    default: return Errno::Inval;
  }
  // Asking where one is (offset 0 from the current position) is fd_tell's right.
  uint64_t needed = offset == 0 && w == SEEK_CUR ? rights::FdTell : rights::FdSeek;
  if (Errno e = need_rights(*d, needed); e != Errno::Success) return e;
  if (!mem.in_bounds(out, 8)) return Errno::Fault;
  off_t r = ::lseek(d->fd(), static_cast<off_t>(offset), w);
  if (r < 0) return errno_from_host(errno);
  mem.store_u64(out, static_cast<uint64_t>(r));
  return Errno::Success;
}

Errno tell(WasiContext& ctx, engine::HostCall& call, const uint64_t* a) {
  Descriptor* d = ctx.fds.get(arg_u32(a, 0));
  if (!d) return Errno::Badf;
  if (d->is_stdio()) return Errno::Spipe;
  if (d->kind == Kind::Directory) return Errno::Badf;
  if (Errno e = need_rights(*d, rights::FdTell); e != Errno::Success) return e;
  GuestMemory mem(call);
  uint32_t out = arg_u32(a, 1);
  if (!mem.in_bounds(out, 8)) return Errno::Fault;
  off_t r = ::lseek(d->fd(), 0, SEEK_CUR);
  if (r < 0) return errno_from_host(errno);
  mem.store_u64(out, static_cast<uint64_t>(r));
  return Errno::Success;
}

Errno sync(WasiContext& ctx, const uint64_t* a, bool data_only) {
  Descriptor* d = ctx.fds.get(arg_u32(a, 0));
  if (!d) return Errno::Badf;
  if (d->is_stdio()) return Errno::Inval;
  if (Errno e = need_rights(*d, data_only ? rights::FdDatasync : rights::FdSync); e != Errno::Success) return e;
  int fd = d->fd();
  int own = -1;
  if (d->kind == Kind::Directory) {  // O_PATH descriptors cannot fsync: open it for reading
    own = ::openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (own < 0) return errno_from_host(errno);
    fd = own;
  }
  int r = data_only ? ::fdatasync(fd) : ::fsync(fd);
  int err = errno;
  if (own >= 0) ::close(own);
  return r == 0 ? Errno::Success : errno_from_host(err);
}

Errno advise(WasiContext& ctx, const uint64_t* a) {
  Descriptor* d = ctx.fds.get(arg_u32(a, 0));
  if (!d) return Errno::Badf;
  uint32_t advice = arg_u32(a, 3);
  if (advice > 5) return Errno::Inval;
  if (d->is_stdio()) return Errno::Spipe;
  if (d->kind == Kind::Directory) return Errno::Badf;
  if (Errno e = need_rights(*d, rights::FdAdvise); e != Errno::Success) return e;
  // witx `$advice`: normal, sequential, random, willneed, dontneed, noreuse.
  static constexpr int kAdvice[] = {POSIX_FADV_NORMAL,   POSIX_FADV_SEQUENTIAL, POSIX_FADV_RANDOM,
                                    POSIX_FADV_WILLNEED, POSIX_FADV_DONTNEED,   POSIX_FADV_NOREUSE};
  if (static_cast<int64_t>(a[1]) < 0 || static_cast<int64_t>(a[2]) < 0) return Errno::Inval;
  int r = ::posix_fadvise(d->fd(), static_cast<off_t>(a[1]), static_cast<off_t>(a[2]), kAdvice[advice]);
  return errno_from_host(r);
}

// fd_allocate is refused (ENOTSUP), as wasmtime and the WASI 0.2 adapter do: one call
// could otherwise reserve any amount of real disk (issue 15). A guest that needs the
// space writes it.
Errno allocate(WasiContext& ctx, const uint64_t* a) {
  Descriptor* d = ctx.fds.get(arg_u32(a, 0));
  if (!d) return Errno::Badf;
  return Errno::NotSup;
}

Errno prestat_get(WasiContext& ctx, engine::HostCall& call, const uint64_t* a) {
  Descriptor* d = ctx.fds.get(arg_u32(a, 0));
  if (!d || d->preopen.empty()) return Errno::Badf;
  GuestMemory mem(call);
  uint32_t p = arg_u32(a, 1);
  if (!mem.in_bounds(p, 8)) return Errno::Fault;
  mem.store_u32(p, 0);  // tag: dir (u8), then padding
  mem.store_u32(p + 4, static_cast<uint32_t>(d->preopen.size()));
  return Errno::Success;
}

Errno prestat_dir_name(WasiContext& ctx, engine::HostCall& call, const uint64_t* a) {
  Descriptor* d = ctx.fds.get(arg_u32(a, 0));
  if (!d || d->preopen.empty()) return Errno::Badf;
  uint32_t len = arg_u32(a, 2);
  if (len < d->preopen.size()) return Errno::NameTooLong;
  if (!charge_bytes(call, d->preopen.size())) return kNoFuel;
  GuestMemory mem(call);
  return mem.store_bytes(arg_u32(a, 1), d->preopen) ? Errno::Success : Errno::Fault;
}

// fd_readdir(fd, buf, buf_len, cookie, bufused_ptr). Each entry is a 24-byte dirent
// (d_next u64 @0, d_ino u64 @8, d_namlen u32 @16, d_type u8 @20) followed by the name
// (no NUL); the cookie of an entry is its index, d_next the index after it. The last
// entry is cut at buf_len (bufused == buf_len tells the caller to read on).
Errno readdir(WasiContext& ctx, engine::HostCall& call, const uint64_t* a) {
  Descriptor* d = ctx.fds.get(arg_u32(a, 0));
  if (!d) return Errno::Badf;
  if (d->kind != Kind::Directory) return Errno::NotDir;
  if (Errno e = need_rights(*d, rights::FdReaddir); e != Errno::Success) return e;
  GuestMemory mem(call);
  uint32_t buf = arg_u32(a, 1), buf_len = arg_u32(a, 2), used_ptr = arg_u32(a, 4);
  uint64_t cookie = a[3];
  if (!mem.in_bounds(buf, buf_len) || !mem.in_bounds(used_ptr, 4)) return Errno::Fault;
  if (!charge_bytes(call, buf_len)) return kNoFuel;
  if (cookie == 0 || !d->listing_valid) {
    if (Errno e = fs::list_directory(d->fd(), d->listing); e != Errno::Success) return e;
    d->listing_valid = true;
    // Taking the snapshot is charged as the bytes of its dirents (a refusal traps;
    // the listing is bounded by the directory, whose entries were charged to make).
    uint64_t listed = 0;
    for (const DirEntry& e : d->listing) listed += 24 + e.name.size();
    if (!charge_bytes(call, listed)) return kNoFuel;
  }
  uint64_t used = 0;
  for (uint64_t i = cookie; i < d->listing.size() && used < buf_len; i++) {
    const DirEntry& e = d->listing[i];
    uint8_t head[24] = {};
    uint64_t next = i + 1;
    uint32_t namlen = static_cast<uint32_t>(e.name.size());
    std::memcpy(head, &next, 8);
    std::memcpy(head + 8, &e.ino, 8);
    std::memcpy(head + 16, &namlen, 4);
    head[20] = static_cast<uint8_t>(e.type);
    std::string bytes(reinterpret_cast<const char*>(head), 24);
    bytes += e.name;
    size_t k = std::min<uint64_t>(bytes.size(), buf_len - used);
    mem.store_bytes(buf + used, std::string_view(bytes).substr(0, k));
    used += k;
  }
  mem.store_u32(used_ptr, static_cast<uint32_t>(used));
  return Errno::Success;
}

}  // namespace

int64_t host_read(int fd, uint8_t* buf, size_t len, std::optional<uint64_t> offset, int& err) {
  for (;;) {
    ssize_t n = offset ? ::pread(fd, buf, len, static_cast<off_t>(*offset)) : ::read(fd, buf, len);
    if (n >= 0) return n;
    if (errno == EINTR) continue;
    err = errno;
    return -1;
  }
}

int64_t host_write(int fd, const uint8_t* buf, size_t len, std::optional<uint64_t> offset, int& err) {
  size_t done = 0;
  while (done < len) {
    // A socket whose peer has gone gets EPIPE, not SIGPIPE (which would end the host).
    ssize_t n = offset ? ::pwrite(fd, buf + done, len - done, static_cast<off_t>(*offset + done))
                       : ::send(fd, buf + done, len - done, MSG_NOSIGNAL);
    if (n < 0 && !offset && errno == ENOTSOCK) n = ::write(fd, buf + done, len - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (done == 0) {
        err = errno;
        return -1;
      }
      break;  // e.g. a full pipe: a short write
    }
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  return static_cast<int64_t>(done);
}

int64_t read_available(const InputSource& src, int fd, std::span<uint8_t> buf) {
  size_t len = buf.size();
  int avail = 0;
  if (fd >= 0 && ::ioctl(fd, FIONREAD, &avail) == 0 && avail > 0) len = std::min(len, static_cast<size_t>(avail));
  return src(buf.first(len));
}

void add_fs_fd(Definer& df, WasiContext& ctx) {
  WasiContext* c = &ctx;
  df.blocking_fn("fd_read", [c](engine::HostCall& call, const uint64_t* a, std::unique_ptr<BlockingOp>& op) {
    return do_read(*c, call, arg_u32(a, 0), arg_u32(a, 1), arg_u32(a, 2), std::nullopt, arg_u32(a, 3), op);
  });
  df.blocking_fn("fd_pread", [c](engine::HostCall& call, const uint64_t* a, std::unique_ptr<BlockingOp>& op) {
    return do_read(*c, call, arg_u32(a, 0), arg_u32(a, 1), arg_u32(a, 2), a[3], arg_u32(a, 4), op);
  });
  df.blocking_fn("fd_write", [c](engine::HostCall& call, const uint64_t* a, std::unique_ptr<BlockingOp>& op) {
    return do_write(*c, call, arg_u32(a, 0), arg_u32(a, 1), arg_u32(a, 2), std::nullopt, arg_u32(a, 3), op);
  });
  df.blocking_fn("fd_pwrite", [c](engine::HostCall& call, const uint64_t* a, std::unique_ptr<BlockingOp>& op) {
    return do_write(*c, call, arg_u32(a, 0), arg_u32(a, 1), arg_u32(a, 2), a[3], arg_u32(a, 4), op);
  });
  df.errno_fn("fd_fdstat_get", [c](engine::HostCall& call, const uint64_t* a) { return fdstat_get(*c, call, a); });
  df.errno_fn("fd_fdstat_set_flags", [c](engine::HostCall&, const uint64_t* a) { return fdstat_set_flags(*c, a); });
  df.errno_fn("fd_fdstat_set_rights", [c](engine::HostCall&, const uint64_t* a) { return fdstat_set_rights(*c, a); });
  df.errno_fn("fd_filestat_get", [c](engine::HostCall& call, const uint64_t* a) { return filestat_get(*c, call, a); });
  df.errno_fn("fd_filestat_set_size", [c](engine::HostCall&, const uint64_t* a) { return filestat_set_size(*c, a); });
  df.errno_fn("fd_filestat_set_times",
              [c](engine::HostCall&, const uint64_t* a) { return filestat_set_times(*c, a); });
  df.errno_fn("fd_seek", [c](engine::HostCall& call, const uint64_t* a) { return seek(*c, call, a); });
  df.errno_fn("fd_tell", [c](engine::HostCall& call, const uint64_t* a) { return tell(*c, call, a); });
  df.errno_fn("fd_sync", [c](engine::HostCall&, const uint64_t* a) { return sync(*c, a, false); });
  df.errno_fn("fd_datasync", [c](engine::HostCall&, const uint64_t* a) { return sync(*c, a, true); });
  df.errno_fn("fd_advise", [c](engine::HostCall&, const uint64_t* a) { return advise(*c, a); });
  df.errno_fn("fd_allocate", [c](engine::HostCall&, const uint64_t* a) { return allocate(*c, a); });
  df.errno_fn("fd_close", [c](engine::HostCall&, const uint64_t* a) { return c->fds.close(arg_u32(a, 0)); });
  df.errno_fn("fd_renumber",
              [c](engine::HostCall&, const uint64_t* a) { return c->fds.renumber(arg_u32(a, 0), arg_u32(a, 1)); });
  df.errno_fn("fd_prestat_get", [c](engine::HostCall& call, const uint64_t* a) { return prestat_get(*c, call, a); });
  df.errno_fn("fd_prestat_dir_name",
              [c](engine::HostCall& call, const uint64_t* a) { return prestat_dir_name(*c, call, a); });
  df.errno_fn("fd_readdir", [c](engine::HostCall& call, const uint64_t* a) { return readdir(*c, call, a); });
}

}  // namespace wippy::wasi::detail
