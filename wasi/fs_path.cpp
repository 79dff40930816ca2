// Path functions (path_*): everything resolved beneath the directory descriptor the
// guest names (sandbox.h); read-only mounts refuse every change with EROFS. The
// operations themselves are fs_ops.h; this file decodes arguments and checks rights.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>

#include "wasi/fs_ops.h"
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
Errno path_arg(WasiContext& ctx, engine::HostCall& call, uint32_t fd, uint32_t ptr, uint32_t len, uint64_t needed,
               PathArg& out) {
  if (Errno e = directory_of(ctx, fd, out.dir); e != Errno::Success) return e;
  if (Errno e = need_rights(*out.dir, needed); e != Errno::Success) return e;
  if (Errno e = read_path(GuestMemory(call), ptr, len, out.path); e != Errno::Success) return e;
  if (!charge_bytes(call, len)) return kNoFuel;
  return sandbox::validate_path(out.path);
}

// path_open(dirfd, dirflags, path, path_len, oflags, rights_base, rights_inheriting,
//           fdflags, fd_ptr)
Errno path_open(WasiContext& ctx, engine::HostCall& call, const uint64_t* a) {
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

  fs::OpenRequest r;
  r.directory = oflags & kODirectory;
  r.write = (base & rights::kWriteIntent) != 0 || (oflags & kOTrunc) || (fdfl & fdflags::Append);
  r.read = (base & (rights::FdRead | rights::FdReaddir)) != 0;
  r.create = oflags & kOCreat;
  r.exclusive = oflags & kOExcl;
  r.truncate = oflags & kOTrunc;
  r.append = fdfl & fdflags::Append;
  r.follow = dirflags & kLookupSymlinkFollow;
  r.nonblock = fdfl & fdflags::Nonblock;
  r.sync_flags = (fdfl & fdflags::Dsync ? O_DSYNC : 0) | (fdfl & fdflags::Sync ? O_SYNC : 0) |
                 (fdfl & fdflags::Rsync ? O_RSYNC : 0);
  std::shared_ptr<Descriptor> d;
  if (Errno e = fs::open_at(*p.dir, p.path, r, d); e != Errno::Success) return e;
  // What the new descriptor may do: what was asked for, within what its directory
  // hands down, within what its type allows.
  uint64_t allowed = d->kind == Kind::Directory ? rights::kDirectory : rights::kFile;
  d->rights_base = base & p.dir->rights_inheriting & allowed;
  d->rights_inheriting = inheriting & p.dir->rights_inheriting;
  d->flags = static_cast<uint16_t>(fdfl);
  uint32_t num;
  if (Errno ie = ctx.fds.insert(std::move(d), num); ie != Errno::Success) return ie;
  mem.store_u32(out_ptr, num);
  return Errno::Success;
}

// The (fd, path, path_len) calls that take only a path: `op(dir, path)`.
template <class Op>
Errno on_path(WasiContext& ctx, engine::HostCall& call, const uint64_t* a, uint64_t needed, Op op) {
  PathArg p;
  if (Errno e = path_arg(ctx, call, arg_u32(a, 0), arg_u32(a, 1), arg_u32(a, 2), needed, p); e != Errno::Success)
    return e;
  return op(*p.dir, p.path);
}

// path_filestat_get(fd, flags, path, path_len, buf)
Errno filestat_get(WasiContext& ctx, engine::HostCall& call, const uint64_t* a) {
  GuestMemory mem(call);
  PathArg p;
  if (Errno e = path_arg(ctx, call, arg_u32(a, 0), arg_u32(a, 2), arg_u32(a, 3), rights::PathFilestatGet, p);
      e != Errno::Success)
    return e;
  if (!mem.in_bounds(arg_u32(a, 4), 64)) return Errno::Fault;
  struct stat st {};
  if (Errno e = fs::stat_at(*p.dir, p.path, arg_u32(a, 1) & kLookupSymlinkFollow, st); e != Errno::Success) return e;
  return store_filestat(mem, arg_u32(a, 4), st);
}

// path_filestat_set_times(fd, flags, path, path_len, atim, mtim, fst_flags)
Errno filestat_set_times(WasiContext& ctx, engine::HostCall& call, const uint64_t* a) {
  PathArg p;
  if (Errno e = path_arg(ctx, call, arg_u32(a, 0), arg_u32(a, 2), arg_u32(a, 3), rights::PathFilestatSetTimes, p);
      e != Errno::Success)
    return e;
  struct timespec ts[2];
  if (Errno e = times_from_flags(a[4], a[5], static_cast<uint16_t>(a[6]), ts); e != Errno::Success) return e;
  return fs::set_times_at(*p.dir, p.path, arg_u32(a, 1) & kLookupSymlinkFollow, ts);
}

// path_link(old_fd, old_flags, old_path, old_len, new_fd, new_path, new_len)
Errno link(WasiContext& ctx, engine::HostCall& call, const uint64_t* a) {
  PathArg from, to;
  if (Errno e = path_arg(ctx, call, arg_u32(a, 0), arg_u32(a, 2), arg_u32(a, 3), rights::PathLinkSource, from);
      e != Errno::Success)
    return e;
  if (Errno e = path_arg(ctx, call, arg_u32(a, 4), arg_u32(a, 5), arg_u32(a, 6), rights::PathLinkTarget, to);
      e != Errno::Success)
    return e;
  return fs::link_at(*from.dir, from.path, arg_u32(a, 1) & kLookupSymlinkFollow, *to.dir, to.path);
}

// path_readlink(fd, path, path_len, buf, buf_len, bufused_ptr): the target, cut at
// buf_len (no NUL).
Errno readlink(WasiContext& ctx, engine::HostCall& call, const uint64_t* a) {
  GuestMemory mem(call);
  PathArg p;
  if (Errno e = path_arg(ctx, call, arg_u32(a, 0), arg_u32(a, 1), arg_u32(a, 2), rights::PathReadlink, p);
      e != Errno::Success)
    return e;
  uint32_t buf = arg_u32(a, 3), buf_len = arg_u32(a, 4), used = arg_u32(a, 5);
  if (!mem.in_bounds(buf, buf_len) || !mem.in_bounds(used, 4)) return Errno::Fault;
  std::string target;
  if (Errno e = fs::readlink_at(*p.dir, p.path, target); e != Errno::Success) return e;
  size_t k = std::min<size_t>(target.size(), buf_len);
  mem.store_bytes(buf, std::string_view(target).substr(0, k));
  mem.store_u32(used, static_cast<uint32_t>(k));
  return Errno::Success;
}

// path_rename(fd, old_path, old_len, new_fd, new_path, new_len)
Errno rename(WasiContext& ctx, engine::HostCall& call, const uint64_t* a) {
  PathArg from, to;
  if (Errno e = path_arg(ctx, call, arg_u32(a, 0), arg_u32(a, 1), arg_u32(a, 2), rights::PathRenameSource, from);
      e != Errno::Success)
    return e;
  if (Errno e = path_arg(ctx, call, arg_u32(a, 3), arg_u32(a, 4), arg_u32(a, 5), rights::PathRenameTarget, to);
      e != Errno::Success)
    return e;
  return fs::rename_at(*from.dir, from.path, *to.dir, to.path);
}

// path_symlink(old_path, old_len, fd, new_path, new_len): a symlink at new_path with
// target old_path.
Errno symlink(WasiContext& ctx, engine::HostCall& call, const uint64_t* a) {
  GuestMemory mem(call);
  std::string target;
  if (Errno e = read_path(mem, arg_u32(a, 0), arg_u32(a, 1), target); e != Errno::Success) return e;
  if (!charge_bytes(call, target.size())) return kNoFuel;
  if (Errno e = sandbox::validate_path(target); e != Errno::Success) return e;
  PathArg p;
  if (Errno e = path_arg(ctx, call, arg_u32(a, 2), arg_u32(a, 3), arg_u32(a, 4), rights::PathSymlink, p);
      e != Errno::Success)
    return e;
  return fs::symlink_at(target, *p.dir, p.path);
}

}  // namespace

void add_fs_path(Definer& df, WasiContext& ctx) {
  WasiContext* c = &ctx;
  df.errno_fn("path_open", [c](engine::HostCall& call, const uint64_t* a) { return path_open(*c, call, a); });
  df.errno_fn("path_create_directory", [c](engine::HostCall& call, const uint64_t* a) {
    return on_path(*c, call, a, rights::PathCreateDirectory, fs::create_directory_at);
  });
  df.errno_fn("path_remove_directory", [c](engine::HostCall& call, const uint64_t* a) {
    return on_path(*c, call, a, rights::PathRemoveDirectory, fs::remove_directory_at);
  });
  df.errno_fn("path_unlink_file", [c](engine::HostCall& call, const uint64_t* a) {
    return on_path(*c, call, a, rights::PathUnlinkFile, fs::unlink_file_at);
  });
  df.errno_fn("path_filestat_get",
              [c](engine::HostCall& call, const uint64_t* a) { return filestat_get(*c, call, a); });
  df.errno_fn("path_filestat_set_times",
              [c](engine::HostCall& call, const uint64_t* a) { return filestat_set_times(*c, call, a); });
  df.errno_fn("path_link", [c](engine::HostCall& call, const uint64_t* a) { return link(*c, call, a); });
  df.errno_fn("path_readlink", [c](engine::HostCall& call, const uint64_t* a) { return readlink(*c, call, a); });
  df.errno_fn("path_rename", [c](engine::HostCall& call, const uint64_t* a) { return rename(*c, call, a); });
  df.errno_fn("path_symlink", [c](engine::HostCall& call, const uint64_t* a) { return symlink(*c, call, a); });
}

}  // namespace wippy::wasi::detail
