// The path operations beneath a directory descriptor (fs_ops.h), for preview1 and
// WASI 0.2 alike.
#include "wasi/fs_ops.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <climits>

#include "wasi/host.h"
#include "wasi/sandbox.h"

namespace wippy::wasi::fs {
namespace {

using Kind = Descriptor::Kind;

Errno host(int r) { return r == 0 ? Errno::Success : errno_from_host(errno); }

// `op(parent dirfd, last component)` on the parent directory of `path`, refused on a
// read-only mount.
template <class Op>
Errno change_entry(const Descriptor& dir, std::string_view path, Op op) {
  if (dir.read_only) return Errno::Rofs;
  sandbox::Parent par;
  if (Errno e = sandbox::open_parent(dir.fd(), path, par); e != Errno::Success) return e;
  return host(op(par.dir, par.name.c_str()));
}

}  // namespace

Errno open_at(const Descriptor& dir, std::string_view path, const OpenRequest& r, std::shared_ptr<Descriptor>& out) {
  if (dir.read_only && (r.write || r.create || r.truncate || r.append)) return Errno::Rofs;
  int flags;
  if (r.directory) {
    if (r.create || r.truncate) return Errno::Inval;
    flags = O_RDONLY | O_DIRECTORY;
  } else {
    flags = r.write ? (r.read ? O_RDWR : O_WRONLY) : O_RDONLY;
    if (r.create) flags |= O_CREAT;
    if (r.exclusive) flags |= O_EXCL;
    if (r.truncate) flags |= O_TRUNC;
  }
  if (r.append) flags |= O_APPEND;
  // Always non-blocking: opening a FIFO must not wait for its other end (reading one
  // with no writer gives end of file, writing one with no reader ENXIO). Regular files
  // get their blocking mode back below; pipes and devices keep it (Descriptor::stream).
  flags |= O_NONBLOCK | r.sync_flags;
  int fd;
  if (Errno e = sandbox::open_beneath(dir.fd(), path, flags, 0666, r.follow, fd); e != Errno::Success) return e;
  auto d = std::make_shared<Descriptor>();
  d->host = std::make_shared<HostFd>(fd);
  struct stat st {};
  if (::fstat(fd, &st) != 0) return errno_from_host(errno);
  d->filetype = detail::filetype_of(st.st_mode);
  d->kind = S_ISDIR(st.st_mode) ? Kind::Directory : Kind::File;
  d->stream = !S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode);
  if (!d->stream && !r.nonblock) {
    int fl = ::fcntl(fd, F_GETFL);
    if (fl < 0 || ::fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0) return errno_from_host(errno);
  }
  d->read_only = dir.read_only;
  out = std::move(d);
  return Errno::Success;
}

Errno create_directory_at(const Descriptor& dir, std::string_view path) {
  return change_entry(dir, path, [](int parent, const char* name) { return ::mkdirat(parent, name, 0777); });
}

Errno remove_directory_at(const Descriptor& dir, std::string_view path) {
  return change_entry(dir, path, [](int parent, const char* name) { return ::unlinkat(parent, name, AT_REMOVEDIR); });
}

Errno unlink_file_at(const Descriptor& dir, std::string_view path) {
  return change_entry(dir, path, [](int parent, const char* name) { return ::unlinkat(parent, name, 0); });
}

Errno stat_at(const Descriptor& dir, std::string_view path, bool follow, struct stat& st) {
  int fd;
  if (Errno e = sandbox::open_beneath(dir.fd(), path, O_PATH, 0, follow, fd); e != Errno::Success) return e;
  HostFd owned(fd);
  return host(::fstat(fd, &st));
}

Errno set_times_at(const Descriptor& dir, std::string_view path, bool follow, const struct timespec ts[2]) {
  if (dir.read_only) return Errno::Rofs;
  if (!follow) {
    sandbox::Parent par;
    if (Errno e = sandbox::open_parent(dir.fd(), path, par); e != Errno::Success) return e;
    if (!par.trailing_slash) return host(::utimensat(par.dir, par.name.c_str(), ts, AT_SYMLINK_NOFOLLOW));
    // "name/" names the directory a symlink points to: resolve it beneath.
  }
  int fd;
  if (Errno e = sandbox::open_beneath(dir.fd(), path, O_PATH, 0, true, fd); e != Errno::Success) return e;
  HostFd owned(fd);
  std::string proc = "/proc/self/fd/" + std::to_string(fd);
  return host(::utimensat(AT_FDCWD, proc.c_str(), ts, 0));
}

Errno link_at(const Descriptor& from_dir, std::string_view from, bool follow, const Descriptor& to_dir,
              std::string_view to) {
  // A link out of a read-only mount would make its file writable under the new name.
  if (from_dir.read_only || to_dir.read_only) return Errno::Rofs;
  sandbox::Parent dst;
  if (Errno e = sandbox::open_parent(to_dir.fd(), to, dst); e != Errno::Success) return e;
  sandbox::Parent src;
  if (!follow) {
    if (Errno e = sandbox::open_parent(from_dir.fd(), from, src); e != Errno::Success) return e;
    if (!src.trailing_slash) return host(::linkat(src.dir, src.name.c_str(), dst.dir, dst.name.c_str(), 0));
  }
  int fd;
  if (Errno e = sandbox::open_beneath(from_dir.fd(), from, O_PATH, 0, true, fd); e != Errno::Success) return e;
  HostFd owned(fd);
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) return Errno::Perm;  // no hard links to directories
  std::string proc = "/proc/self/fd/" + std::to_string(fd);
  return host(::linkat(AT_FDCWD, proc.c_str(), dst.dir, dst.name.c_str(), AT_SYMLINK_FOLLOW));
}

Errno readlink_at(const Descriptor& dir, std::string_view path, std::string& target) {
  sandbox::Parent par;
  if (Errno e = sandbox::open_parent(dir.fd(), path, par); e != Errno::Success) return e;
  if (par.trailing_slash) {
    // "link/" is whatever the link points to, which is no symlink: check it is beneath.
    int fd;
    if (Errno e = sandbox::open_beneath(dir.fd(), path, O_PATH, 0, true, fd); e != Errno::Success) return e;
    ::close(fd);
    return Errno::Inval;
  }
  char buf[PATH_MAX];
  ssize_t n = ::readlinkat(par.dir, par.name.c_str(), buf, sizeof buf);
  if (n < 0) return errno_from_host(errno);
  target.assign(buf, static_cast<size_t>(n));
  return Errno::Success;
}

Errno rename_at(const Descriptor& from_dir, std::string_view from, const Descriptor& to_dir, std::string_view to) {
  if (from_dir.read_only || to_dir.read_only) return Errno::Rofs;
  sandbox::Parent src, dst;
  if (Errno e = sandbox::open_parent(from_dir.fd(), from, src); e != Errno::Success) return e;
  if (Errno e = sandbox::open_parent(to_dir.fd(), to, dst); e != Errno::Success) return e;
  return host(::renameat(src.dir, src.name.c_str(), dst.dir, dst.name.c_str()));
}

// Absolute targets are refused: nothing could follow them anyway, and a host program
// that did would leave the mount.
Errno symlink_at(std::string_view target, const Descriptor& dir, std::string_view path) {
  if (dir.read_only) return Errno::Rofs;
  if (!target.empty() && target[0] == '/') return Errno::NotCapable;
  sandbox::Parent par;
  if (Errno e = sandbox::open_parent(dir.fd(), path, par); e != Errno::Success) return e;
  return host(::symlinkat(std::string(target).c_str(), par.dir, par.name.c_str()));
}

Errno list_directory(int dirfd, std::vector<DirEntry>& out) {
  int fd = ::openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno_from_host(errno);
  DIR* dir = ::fdopendir(fd);
  if (!dir) {
    int err = errno;
    ::close(fd);
    return errno_from_host(err);
  }
  out.clear();
  errno = 0;
  while (struct dirent* e = ::readdir(dir)) {
    DirEntry de;
    de.name = e->d_name;
    de.ino = e->d_ino;
    switch (e->d_type) {
      case DT_REG: de.type = Filetype::RegularFile; break;
      case DT_DIR: de.type = Filetype::Directory; break;
      case DT_LNK: de.type = Filetype::SymbolicLink; break;
      case DT_CHR: de.type = Filetype::CharacterDevice; break;
      case DT_BLK: de.type = Filetype::BlockDevice; break;
      case DT_SOCK: de.type = Filetype::SocketStream; break;
      default: {
        struct stat st {};
        if (::fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0) de.type = detail::filetype_of(st.st_mode);
      }
    }
    out.push_back(std::move(de));
  }
  int err = errno;
  ::closedir(dir);
  return err ? errno_from_host(err) : Errno::Success;
}

Errno set_times_fd(int fd, const struct timespec ts[2]) {
  if (::futimens(fd, ts) == 0) return Errno::Success;
  if (errno != EBADF) return errno_from_host(errno);
  std::string proc = "/proc/self/fd/" + std::to_string(fd);
  if (::utimensat(AT_FDCWD, proc.c_str(), ts, 0) == 0) return Errno::Success;
  return errno_from_host(errno);
}

}  // namespace wippy::wasi::fs
