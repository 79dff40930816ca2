// Path functions (path_*): everything resolved beneath the directory descriptor the
// guest names (sandbox.h); read-only mounts refuse every change with EROFS.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>

#include "wasi/host.h"
#include "wasi/sandbox.h"

namespace wippy::wasi::detail {
namespace {

using Kind = Descriptor::Kind;

constexpr uint32_t kLookupSymlinkFollow = 1;
// oflags
constexpr uint32_t kOCreat = 1, kODirectory = 2, kOExcl = 4, kOTrunc = 8;

// The directory descriptor `fd` and the guest path at (ptr, len).
struct PathArg {
  Descriptor* dir = nullptr;
  std::string path;
};

// The directory must have the `needed` rights (ENOTCAPABLE). The path's bytes are
// charged (resolving walks them once or twice).
Errno path_arg(WasiContext& ctx, interp::HostCall& call, uint32_t fd, uint32_t ptr, uint32_t len, uint64_t needed,
               PathArg& out) {
  if (Errno e = directory_of(ctx, fd, out.dir); e != Errno::Success) return e;
  if (Errno e = need_rights(*out.dir, needed); e != Errno::Success) return e;
  if (Errno e = read_path(GuestMemory(call), ptr, len, out.path); e != Errno::Success) return e;
  if (!charge_bytes(call, len)) return kNoFuel;
  return sandbox::validate_path(out.path);
}

Errno host(int r) { return r == 0 ? Errno::Success : errno_from_host(errno); }

// path_open(dirfd, dirflags, path, path_len, oflags, rights_base, rights_inheriting,
//           fdflags, fd_ptr)
Errno path_open(WasiContext& ctx, interp::HostCall& call, const uint64_t* a) {
  GuestMemory mem(call);
  uint32_t dirflags = arg_u32(a, 1), oflags = arg_u32(a, 4), fdfl = arg_u32(a, 7), out_ptr = arg_u32(a, 8);
  uint64_t base = a[5], inheriting = a[6];
  uint64_t needed = rights::PathOpen | (oflags & kOCreat ? rights::PathCreateFile : 0) |
                    (oflags & kOTrunc ? rights::PathFilestatSetSize : 0);
  PathArg p;
  if (Errno e = path_arg(ctx, call, arg_u32(a, 0), arg_u32(a, 2), arg_u32(a, 3), needed, p); e != Errno::Success)
    return e;
  // The new descriptor's rights come from what the directory hands down: asking for
  // more is ENOTCAPABLE (bits no right is defined for are ignored).
  if (((base | inheriting) & rights::All) & ~p.dir->rights_inheriting) return Errno::NotCapable;
  if (oflags & ~0xfu) return Errno::Inval;
  if (fdfl & ~uint32_t{fdflags::All}) return Errno::Inval;
  if (!mem.in_bounds(out_ptr, 4)) return Errno::Fault;

  bool dir_wanted = oflags & kODirectory;
  bool write = (base & rights::kWriteIntent) != 0 || (oflags & kOTrunc) || (fdfl & fdflags::Append);
  bool read = (base & (rights::FdRead | rights::FdReaddir)) != 0;
  if (p.dir->read_only && (write || (oflags & kOCreat))) return Errno::Rofs;

  int flags;
  if (dir_wanted) {
    if (oflags & (kOCreat | kOTrunc)) return Errno::Inval;
    flags = O_RDONLY | O_DIRECTORY;
  } else {
    flags = write ? (read ? O_RDWR : O_WRONLY) : O_RDONLY;
    if (oflags & kOCreat) flags |= O_CREAT;
    if (oflags & kOExcl) flags |= O_EXCL;
    if (oflags & kOTrunc) flags |= O_TRUNC;
  }
  if (fdfl & fdflags::Append) flags |= O_APPEND;
  // Always non-blocking: opening a FIFO must not wait for its other end (reading one
  // with no writer gives end of file, writing one with no reader ENXIO). Regular files
  // get their blocking mode back below; pipes and devices keep it (Descriptor::stream).
  flags |= O_NONBLOCK;
  if (fdfl & fdflags::Dsync) flags |= O_DSYNC;
  if (fdfl & fdflags::Sync) flags |= O_SYNC;
  if (fdfl & fdflags::Rsync) flags |= O_RSYNC;
  bool follow = dirflags & kLookupSymlinkFollow;

  int fd;
  Errno e = sandbox::open_beneath(p.dir->fd(), p.path, flags, 0666, follow, fd);
  if (e != Errno::Success) return e;
  auto d = std::make_shared<Descriptor>();
  d->host = std::make_shared<HostFd>(fd);
  struct stat st {};
  if (::fstat(fd, &st) != 0) return errno_from_host(errno);
  d->filetype = filetype_of(st.st_mode);
  d->kind = S_ISDIR(st.st_mode) ? Kind::Directory : Kind::File;
  d->stream = !S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode);
  if (!d->stream && !(fdfl & fdflags::Nonblock)) {
    int fl = ::fcntl(fd, F_GETFL);
    if (fl < 0 || ::fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0) return errno_from_host(errno);
  }
  // What the new descriptor may do: what was asked for, within what its directory
  // hands down, within what its type allows.
  uint64_t allowed = d->kind == Kind::Directory ? rights::kDirectory : rights::kFile;
  d->rights_base = base & p.dir->rights_inheriting & allowed;
  d->rights_inheriting = inheriting & p.dir->rights_inheriting;
  d->flags = static_cast<uint16_t>(fdfl);
  d->read_only = p.dir->read_only;
  uint32_t num;
  if (Errno ie = ctx.fds.insert(std::move(d), num); ie != Errno::Success) return ie;
  mem.store_u32(out_ptr, num);
  return Errno::Success;
}

// The (fd, path, path_len) entry-changing calls: refused on a read-only mount, else
// `op(parent dirfd, last component)` on the entry's parent directory in the sandbox.
template <class Op>
Errno change_entry(WasiContext& ctx, interp::HostCall& call, const uint64_t* a, uint64_t needed, Op op) {
  PathArg p;
  if (Errno e = path_arg(ctx, call, arg_u32(a, 0), arg_u32(a, 1), arg_u32(a, 2), needed, p); e != Errno::Success)
    return e;
  if (p.dir->read_only) return Errno::Rofs;
  sandbox::Parent par;
  if (Errno e = sandbox::open_parent(p.dir->fd(), p.path, par); e != Errno::Success) return e;
  return host(op(par.dir, par.name.c_str()));
}

Errno create_directory(WasiContext& ctx, interp::HostCall& call, const uint64_t* a) {
  return change_entry(ctx, call, a, rights::PathCreateDirectory,
                      [](int dir, const char* name) { return ::mkdirat(dir, name, 0777); });
}

Errno remove_directory(WasiContext& ctx, interp::HostCall& call, const uint64_t* a) {
  return change_entry(ctx, call, a, rights::PathRemoveDirectory,
                      [](int dir, const char* name) { return ::unlinkat(dir, name, AT_REMOVEDIR); });
}

Errno unlink_file(WasiContext& ctx, interp::HostCall& call, const uint64_t* a) {
  return change_entry(ctx, call, a, rights::PathUnlinkFile,
                      [](int dir, const char* name) { return ::unlinkat(dir, name, 0); });
}

// path_filestat_get(fd, flags, path, path_len, buf)
Errno filestat_get(WasiContext& ctx, interp::HostCall& call, const uint64_t* a) {
  GuestMemory mem(call);
  PathArg p;
  if (Errno e = path_arg(ctx, call, arg_u32(a, 0), arg_u32(a, 2), arg_u32(a, 3), rights::PathFilestatGet, p);
      e != Errno::Success)
    return e;
  if (!mem.in_bounds(arg_u32(a, 4), 64)) return Errno::Fault;
  int fd;
  bool follow = arg_u32(a, 1) & kLookupSymlinkFollow;
  if (Errno e = sandbox::open_beneath(p.dir->fd(), p.path, O_PATH, 0, follow, fd); e != Errno::Success) return e;
  HostFd owned(fd);
  struct stat st {};
  if (::fstat(fd, &st) != 0) return errno_from_host(errno);
  return store_filestat(mem, arg_u32(a, 4), st);
}

// path_filestat_set_times(fd, flags, path, path_len, atim, mtim, fst_flags)
Errno filestat_set_times(WasiContext& ctx, interp::HostCall& call, const uint64_t* a) {
  PathArg p;
  if (Errno e = path_arg(ctx, call, arg_u32(a, 0), arg_u32(a, 2), arg_u32(a, 3), rights::PathFilestatSetTimes, p);
      e != Errno::Success)
    return e;
  struct timespec ts[2];
  if (Errno e = times_from_flags(a[4], a[5], static_cast<uint16_t>(a[6]), ts); e != Errno::Success) return e;
  if (p.dir->read_only) return Errno::Rofs;
  bool follow = arg_u32(a, 1) & kLookupSymlinkFollow;
  if (!follow) {
    sandbox::Parent par;
    if (Errno e = sandbox::open_parent(p.dir->fd(), p.path, par); e != Errno::Success) return e;
    if (!par.trailing_slash) return host(::utimensat(par.dir, par.name.c_str(), ts, AT_SYMLINK_NOFOLLOW));
    // "name/" names the directory a symlink points to: resolve it beneath.
  }
  int fd;
  if (Errno e = sandbox::open_beneath(p.dir->fd(), p.path, O_PATH, 0, true, fd); e != Errno::Success) return e;
  HostFd owned(fd);
  std::string proc = "/proc/self/fd/" + std::to_string(fd);
  return host(::utimensat(AT_FDCWD, proc.c_str(), ts, 0));
}

// path_link(old_fd, old_flags, old_path, old_len, new_fd, new_path, new_len)
Errno link(WasiContext& ctx, interp::HostCall& call, const uint64_t* a) {
  GuestMemory mem(call);
  PathArg from, to;
  if (Errno e = path_arg(ctx, call, arg_u32(a, 0), arg_u32(a, 2), arg_u32(a, 3), rights::PathLinkSource, from);
      e != Errno::Success)
    return e;
  if (Errno e = path_arg(ctx, call, arg_u32(a, 4), arg_u32(a, 5), arg_u32(a, 6), rights::PathLinkTarget, to);
      e != Errno::Success)
    return e;
  // A link out of a read-only mount would make its file writable under the new name.
  if (from.dir->read_only || to.dir->read_only) return Errno::Rofs;
  sandbox::Parent dst;
  if (Errno e = sandbox::open_parent(to.dir->fd(), to.path, dst); e != Errno::Success) return e;
  bool follow = arg_u32(a, 1) & kLookupSymlinkFollow;
  sandbox::Parent src;
  if (!follow) {
    if (Errno e = sandbox::open_parent(from.dir->fd(), from.path, src); e != Errno::Success) return e;
    if (!src.trailing_slash) return host(::linkat(src.dir, src.name.c_str(), dst.dir, dst.name.c_str(), 0));
  }
  int fd;
  if (Errno e = sandbox::open_beneath(from.dir->fd(), from.path, O_PATH, 0, true, fd); e != Errno::Success) return e;
  HostFd owned(fd);
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) return Errno::Perm;  // no hard links to directories
  std::string proc = "/proc/self/fd/" + std::to_string(fd);
  return host(::linkat(AT_FDCWD, proc.c_str(), dst.dir, dst.name.c_str(), AT_SYMLINK_FOLLOW));
}

// path_readlink(fd, path, path_len, buf, buf_len, bufused_ptr): the target, cut at
// buf_len (no NUL).
Errno readlink(WasiContext& ctx, interp::HostCall& call, const uint64_t* a) {
  GuestMemory mem(call);
  PathArg p;
  if (Errno e = path_arg(ctx, call, arg_u32(a, 0), arg_u32(a, 1), arg_u32(a, 2), rights::PathReadlink, p);
      e != Errno::Success)
    return e;
  uint32_t buf = arg_u32(a, 3), buf_len = arg_u32(a, 4), used = arg_u32(a, 5);
  if (!mem.in_bounds(buf, buf_len) || !mem.in_bounds(used, 4)) return Errno::Fault;
  sandbox::Parent par;
  if (Errno e = sandbox::open_parent(p.dir->fd(), p.path, par); e != Errno::Success) return e;
  if (par.trailing_slash) {
    // "link/" is whatever the link points to, which is no symlink: check it is beneath.
    int fd;
    if (Errno e = sandbox::open_beneath(p.dir->fd(), p.path, O_PATH, 0, true, fd); e != Errno::Success) return e;
    ::close(fd);
    return Errno::Inval;
  }
  char target[PATH_MAX];
  ssize_t n = ::readlinkat(par.dir, par.name.c_str(), target, sizeof target);
  if (n < 0) return errno_from_host(errno);
  size_t k = std::min<size_t>(static_cast<size_t>(n), buf_len);
  mem.store_bytes(buf, std::string_view(target, k));
  mem.store_u32(used, static_cast<uint32_t>(k));
  return Errno::Success;
}

// path_rename(fd, old_path, old_len, new_fd, new_path, new_len)
Errno rename(WasiContext& ctx, interp::HostCall& call, const uint64_t* a) {
  GuestMemory mem(call);
  PathArg from, to;
  if (Errno e = path_arg(ctx, call, arg_u32(a, 0), arg_u32(a, 1), arg_u32(a, 2), rights::PathRenameSource, from);
      e != Errno::Success)
    return e;
  if (Errno e = path_arg(ctx, call, arg_u32(a, 3), arg_u32(a, 4), arg_u32(a, 5), rights::PathRenameTarget, to);
      e != Errno::Success)
    return e;
  if (from.dir->read_only || to.dir->read_only) return Errno::Rofs;
  sandbox::Parent src, dst;
  if (Errno e = sandbox::open_parent(from.dir->fd(), from.path, src); e != Errno::Success) return e;
  if (Errno e = sandbox::open_parent(to.dir->fd(), to.path, dst); e != Errno::Success) return e;
  return host(::renameat(src.dir, src.name.c_str(), dst.dir, dst.name.c_str()));
}

// path_symlink(old_path, old_len, fd, new_path, new_len): a symlink at new_path with
// target old_path. Absolute targets are refused: nothing could follow them anyway,
// and a host program that did would leave the mount.
Errno symlink(WasiContext& ctx, interp::HostCall& call, const uint64_t* a) {
  GuestMemory mem(call);
  std::string target;
  if (Errno e = read_path(mem, arg_u32(a, 0), arg_u32(a, 1), target); e != Errno::Success) return e;
  if (!charge_bytes(call, target.size())) return kNoFuel;
  if (Errno e = sandbox::validate_path(target); e != Errno::Success) return e;
  PathArg p;
  if (Errno e = path_arg(ctx, call, arg_u32(a, 2), arg_u32(a, 3), arg_u32(a, 4), rights::PathSymlink, p);
      e != Errno::Success)
    return e;
  if (p.dir->read_only) return Errno::Rofs;
  if (!target.empty() && target[0] == '/') return Errno::NotCapable;
  sandbox::Parent par;
  if (Errno e = sandbox::open_parent(p.dir->fd(), p.path, par); e != Errno::Success) return e;
  return host(::symlinkat(target.c_str(), par.dir, par.name.c_str()));
}

}  // namespace

void add_fs_path(Definer& df, WasiContext& ctx) {
  WasiContext* c = &ctx;
  df.errno_fn("path_open", [c](interp::HostCall& call, const uint64_t* a) { return path_open(*c, call, a); });
  df.errno_fn("path_create_directory",
              [c](interp::HostCall& call, const uint64_t* a) { return create_directory(*c, call, a); });
  df.errno_fn("path_remove_directory",
              [c](interp::HostCall& call, const uint64_t* a) { return remove_directory(*c, call, a); });
  df.errno_fn("path_unlink_file", [c](interp::HostCall& call, const uint64_t* a) { return unlink_file(*c, call, a); });
  df.errno_fn("path_filestat_get",
              [c](interp::HostCall& call, const uint64_t* a) { return filestat_get(*c, call, a); });
  df.errno_fn("path_filestat_set_times",
              [c](interp::HostCall& call, const uint64_t* a) { return filestat_set_times(*c, call, a); });
  df.errno_fn("path_link", [c](interp::HostCall& call, const uint64_t* a) { return link(*c, call, a); });
  df.errno_fn("path_readlink", [c](interp::HostCall& call, const uint64_t* a) { return readlink(*c, call, a); });
  df.errno_fn("path_rename", [c](interp::HostCall& call, const uint64_t* a) { return rename(*c, call, a); });
  df.errno_fn("path_symlink", [c](interp::HostCall& call, const uint64_t* a) { return symlink(*c, call, a); });
}

}  // namespace wippy::wasi::detail
