// wasi:filesystem: types (descriptor, directory-entry-stream, filesystem-error-code)
// and preopens (the context's mounts). Paths go through the same operations and
// sandbox as preview1 (fs_ops.h): a path that leaves its mount is `not-permitted`,
// any change beneath a read-only mount `read-only`. Path bytes and listed entries
// are charged as preview1 charges them.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "wasi/fs_ops.h"
#include "wasi/host.h"
#include "wasi/p2_host.h"
#include "wasi/sandbox.h"

namespace wippy::wasi::p2 {
namespace {

using DKind = Descriptor::Kind;

// descriptor-type cases.
enum : uint32_t { kUnknown, kBlockDevice, kCharacterDevice, kDirectory, kFifo, kSymbolicLink, kRegularFile, kSocket };
// open-flags and path-flags bits.
constexpr uint32_t kOpenCreate = 1, kOpenDirectory = 2, kOpenExclusive = 4, kOpenTruncate = 8;
constexpr uint32_t kSymlinkFollow = 1;

uint32_t type_of_mode(mode_t m) {
  switch (m & S_IFMT) {
    case S_IFREG: return kRegularFile;
    case S_IFDIR: return kDirectory;
    case S_IFLNK: return kSymbolicLink;
    case S_IFCHR: return kCharacterDevice;
    case S_IFBLK: return kBlockDevice;
    case S_IFIFO: return kFifo;
    case S_IFSOCK: return kSocket;
    default: return kUnknown;
  }
}

uint32_t type_of_entry(Filetype t) {
  switch (t) {
    case Filetype::BlockDevice: return kBlockDevice;
    case Filetype::CharacterDevice: return kCharacterDevice;
    case Filetype::Directory: return kDirectory;
    case Filetype::RegularFile: return kRegularFile;
    case Filetype::SocketDgram: case Filetype::SocketStream: return kSocket;
    case Filetype::SymbolicLink: return kSymbolicLink;
    default: return kUnknown;
  }
}

Value timestamp(const struct timespec& ts) {
  return Value::some(Value::record({u64(static_cast<uint64_t>(ts.tv_sec)), Value::u32(static_cast<uint32_t>(ts.tv_nsec))}));
}

// descriptor-stat
Value stat_value(const struct stat& st) {
  return Value::record({Value::enumeration(type_of_mode(st.st_mode)), u64(st.st_nlink), u64(static_cast<uint64_t>(st.st_size)),
                        timestamp(st.st_atim), timestamp(st.st_mtim), timestamp(st.st_ctim)});
}

// metadata-hash-value: the file's identity (device, inode), mixed.
Value hash_value(const struct stat& st) {
  auto mix = [](uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    return x ^ (x >> 33);
  };
  uint64_t dev = static_cast<uint64_t>(st.st_dev), ino = static_cast<uint64_t>(st.st_ino);
  return Value::record({u64(mix(dev ^ mix(ino))), u64(mix(ino + 0x9e3779b97f4a7c15ull * (dev + 1)))});
}

HostReply reply(Errno e) { return {{e == Errno::Success ? Value::ok() : fs_err(e)}}; }

std::shared_ptr<FsDescriptor> self(State& st, const Args& a) { return st.descriptors.get(rep_of(a.at(0))); }

// A path argument: its bytes are charged; NUL, invalid UTF-8 and overlong paths are
// refused (sandbox::validate_path).
Errno path_arg(HostContext& ctx, const Value& v, bool& fuel) {
  fuel = charge_bytes(ctx, v.str.size());
  return sandbox::validate_path(v.str);
}

// The descriptor as a directory whose entries may change: `not-permitted` without
// mutate-directory (but `read-only` on a read-only mount: say why).
Errno mutable_dir(const FsDescriptor& f) {
  if (f.d->kind != DKind::Directory) return Errno::NotDir;
  if (f.d->read_only) return Errno::Rofs;
  if (!(f.flags & kFlagMutateDirectory)) return Errno::NotCapable;
  return Errno::Success;
}

Errno as_dir(const FsDescriptor& f) { return f.d->kind == DKind::Directory ? Errno::Success : Errno::NotDir; }

// A method taking one path and changing an entry: `op(dir, path)`.
template <class Op>
HostReply change_at(State& st, HostContext& ctx, const Args& a, Op op) {
  std::shared_ptr<FsDescriptor> f = self(st, a);
  bool fuel;
  Errno e = path_arg(ctx, a.at(1), fuel);
  if (!fuel) return no_fuel();
  if (e == Errno::Success) e = mutable_dir(*f);
  if (e == Errno::Success) e = op(*f->d, a.at(1).str);
  return reply(e);
}

// A method taking (path-flags, path) that inspects an entry: `op(dir, path, follow)`.
template <class Op>
HostReply inspect_at(State& st, HostContext& ctx, const Args& a, Op op) {
  std::shared_ptr<FsDescriptor> f = self(st, a);
  bool fuel;
  Errno e = path_arg(ctx, a.at(2), fuel);
  if (!fuel) return no_fuel();
  if (e == Errno::Success) e = as_dir(*f);
  if (e != Errno::Success) return {{fs_err(e)}};
  return {{op(*f->d, a.at(2).str, (a.at(1).bits & kSymlinkFollow) != 0)}};
}

Value stat_at_value(const Descriptor& dir, const std::string& path, bool follow, Value (*make)(const struct stat&)) {
  struct stat s {};
  Errno e = fs::stat_at(dir, path, follow, s);
  return e == Errno::Success ? Value::ok(make(s)) : fs_err(e);
}

// new-timestamp (no-change, now, timestamp(datetime)) -> a utimensat timespec.
struct timespec new_timestamp(const Value& v) {
  struct timespec ts {};
  switch (v.case_index()) {
    case 0: ts.tv_nsec = UTIME_OMIT; break;
    case 1: ts.tv_nsec = UTIME_NOW; break;
    default: {
      const Value& dt = *v.payload();
      if (dt.items.at(1).bits >= 1000000000u) throw CallError("datetime nanoseconds out of range");
      ts.tv_sec = static_cast<time_t>(std::min<uint64_t>(dt.items.at(0).bits, INT64_MAX));
      ts.tv_nsec = static_cast<long>(dt.items.at(1).bits);
    }
  }
  return ts;
}

HostReply open_at(State& st, HostContext& ctx, const Args& a) {
  std::shared_ptr<FsDescriptor> dir = self(st, a);
  bool fuel;
  Errno e = path_arg(ctx, a.at(2), fuel);
  if (!fuel) return no_fuel();
  if (e == Errno::Success) e = as_dir(*dir);
  if (e != Errno::Success) return reply(e);
  uint32_t open_flags = static_cast<uint32_t>(a.at(3).bits), flags = static_cast<uint32_t>(a.at(4).bits);
  fs::OpenRequest r;
  r.follow = a.at(1).bits & kSymlinkFollow;
  r.create = open_flags & kOpenCreate;
  r.directory = open_flags & kOpenDirectory;
  r.exclusive = open_flags & kOpenExclusive;
  r.truncate = open_flags & kOpenTruncate;
  r.write = flags & kFlagWrite;
  r.read = (flags & kFlagRead) || !r.write;
  r.sync_flags = (flags & 4 ? O_SYNC : 0) | (flags & 8 ? O_DSYNC : 0) | (flags & 16 ? O_RSYNC : 0);
  // Creating, truncating or writing changes what is beneath the directory.
  if (r.create || r.truncate || r.write || (flags & kFlagMutateDirectory)) {
    if (dir->d->read_only) return reply(Errno::Rofs);
    if (!(dir->flags & kFlagMutateDirectory)) return reply(Errno::NotCapable);
  }
  if (st.descriptors.live() >= st.ctx.fds.max_descriptors()) return reply(Errno::Mfile);
  if (host_descriptors_in_use() >= host_descriptor_budget()) return reply(Errno::Nfile);
  auto f = std::make_shared<FsDescriptor>();
  if (Errno oe = fs::open_at(*dir->d, a.at(2).str, r, f->d); oe != Errno::Success) return reply(oe);
  f->flags = flags & (kFlagRead | kFlagWrite | kFlagMutateDirectory | 4 | 8 | 16);
  if (f->d->kind != DKind::Directory) f->flags &= ~kFlagMutateDirectory;
  if (f->d->read_only) f->flags &= ~(kFlagWrite | kFlagMutateDirectory);
  if (r.read) f->flags |= kFlagRead;
  return {{Value::ok(own(st.descriptors.add(std::move(f))))}};
}

// read(length, offset) -> result<tuple<list<u8>, bool>>: at most kMaxStreamBytes;
// reads of io_suspend_threshold bytes or more run off the guest's thread.
HostReply read_at(State& st, HostContext& ctx, const Args& a) {
  std::shared_ptr<FsDescriptor> f = self(st, a);
  uint64_t len = std::min<uint64_t>(a.at(1).bits, kMaxStreamBytes), offset = a.at(2).bits;
  if (!charge_bytes(ctx, len)) return no_fuel();
  if (f->d->kind == DKind::Directory) return reply(Errno::IsDir);
  if (!(f->flags & kFlagRead)) return reply(Errno::Badf);
  auto j = std::make_shared<detail::IoResult>();
  j->buf.resize(len);
  auto work = [host = f->d->host, j, offset] { j->n = detail::host_read(host->get(), j->buf.data(), j->buf.size(), offset, j->err); };
  auto done = [j, len] {
    if (j->n < 0) return std::vector<Value>{fs_err(errno_from_host(j->err))};
    Value bytes = bytes_value(j->buf.data(), static_cast<size_t>(j->n));
    return std::vector<Value>{Value::ok(Value::tuple({std::move(bytes), Value::boolean(static_cast<uint64_t>(j->n) < len)}))};
  };
  if (len >= st.ctx.io_suspend_threshold && !f->d->stream) {
    auto op = std::make_unique<BlockingOp>();
    op->work = work;
    return suspend_on(std::move(op), done);
  }
  work();
  return {done()};
}

HostReply write_at(State& st, HostContext& ctx, const Args& a) {
  std::shared_ptr<FsDescriptor> f = self(st, a);
  const Value& buffer = a.at(1);
  uint64_t offset = a.at(2).bits;
  if (!charge_bytes(ctx, buffer.items.size())) return no_fuel();
  if (f->d->kind == DKind::Directory) return reply(Errno::IsDir);
  if (f->d->read_only) return reply(Errno::Rofs);
  if (!(f->flags & kFlagWrite)) return reply(Errno::Badf);
  auto j = std::make_shared<detail::IoResult>();
  std::string data = value_bytes(buffer);
  j->buf.assign(data.begin(), data.end());
  auto work = [host = f->d->host, j, offset] { j->n = detail::host_write(host->get(), j->buf.data(), j->buf.size(), offset, j->err); };
  auto done = [j] {
    if (j->n < 0) return std::vector<Value>{fs_err(errno_from_host(j->err))};
    return std::vector<Value>{Value::ok(u64(static_cast<uint64_t>(j->n)))};
  };
  if (j->buf.size() >= st.ctx.io_suspend_threshold && !f->d->stream) {
    auto op = std::make_unique<BlockingOp>();
    op->work = work;
    return suspend_on(std::move(op), done);
  }
  work();
  return {done()};
}

HostReply read_directory(State& st, HostContext& ctx, const Args& a) {
  std::shared_ptr<FsDescriptor> f = self(st, a);
  if (Errno e = as_dir(*f); e != Errno::Success) return reply(e);
  auto s = std::make_shared<DirectoryEntryStream>();
  if (Errno e = fs::list_directory(f->d->fd(), s->entries); e != Errno::Success) return reply(e);
  std::erase_if(s->entries, [](const DirEntry& d) { return d.name == "." || d.name == ".."; });
  uint64_t bytes = 0;
  for (const DirEntry& d : s->entries) bytes += 24 + d.name.size();
  if (!charge_bytes(ctx, bytes)) return no_fuel();
  return {{Value::ok(own(st.dir_streams.add(std::move(s))))}};
}

Errno fstat_of(const FsDescriptor& f, struct stat& s) { return ::fstat(f.d->fd(), &s) == 0 ? Errno::Success : errno_from_host(errno); }

void define_types(Iface& i) {
  i.resource("descriptor", &State::descriptors);
  i.resource("directory-entry-stream", &State::dir_streams);
  const std::string m = "[method]descriptor.";
  i.fn(m + "read-via-stream", [](State& st, HostContext&, const Args& a) -> HostReply {
    std::shared_ptr<FsDescriptor> f = self(st, a);
    if (f->d->kind == DKind::Directory) return reply(Errno::IsDir);
    if (!(f->flags & kFlagRead)) return reply(Errno::Badf);
    auto s = std::make_shared<InputStream>();
    s->kind = InputStream::Kind::File;
    s->file = f->d;
    s->offset = a.at(1).bits;
    return {{Value::ok(own(st.inputs.add(std::move(s))))}};
  });
  auto output = [](bool append) {
    return [append](State& st, HostContext&, const Args& a) -> HostReply {
      std::shared_ptr<FsDescriptor> f = self(st, a);
      if (f->d->kind == DKind::Directory) return reply(Errno::IsDir);
      if (!(f->flags & kFlagWrite)) return reply(Errno::Badf);  // as preview1: not opened for writing
      if (f->d->read_only) return reply(Errno::Rofs);
      auto s = std::make_shared<OutputStream>();
      s->kind = OutputStream::Kind::File;
      s->file = f->d;
      s->append = append;
      if (!append) s->offset = a.at(1).bits;
      return {{Value::ok(own(st.outputs.add(std::move(s))))}};
    };
  };
  i.fn(m + "write-via-stream", output(false));
  i.fn(m + "append-via-stream", output(true));
  i.fn(m + "advise", [](State& st, HostContext&, const Args& a) -> HostReply {
    self(st, a);
    return reply(Errno::Success);  // advice only
  });
  auto sync = [](bool data_only) {
    return [data_only](State& st, HostContext&, const Args& a) -> HostReply {
      std::shared_ptr<FsDescriptor> f = self(st, a);
      if (f->d->kind == DKind::Directory) return reply(Errno::Success);  // O_PATH: nothing buffered here
      int r = data_only ? ::fdatasync(f->d->fd()) : ::fsync(f->d->fd());
      return reply(r == 0 ? Errno::Success : errno_from_host(errno));
    };
  };
  i.fn(m + "sync-data", sync(true));
  i.fn(m + "sync", sync(false));
  i.fn(m + "get-flags", [](State& st, HostContext&, const Args& a) -> HostReply { return {{Value::ok(Value::flags(self(st, a)->flags))}}; });
  i.fn(m + "get-type", [](State& st, HostContext&, const Args& a) -> HostReply {
    struct stat s {};
    Errno e = fstat_of(*self(st, a), s);
    return {{e == Errno::Success ? Value::ok(Value::enumeration(type_of_mode(s.st_mode))) : fs_err(e)}};
  });
  i.fn(m + "set-size", [](State& st, HostContext&, const Args& a) -> HostReply {
    std::shared_ptr<FsDescriptor> f = self(st, a);
    if (f->d->kind == DKind::Directory) return reply(Errno::IsDir);
    if (f->d->read_only) return reply(Errno::Rofs);
    if (!(f->flags & kFlagWrite)) return reply(Errno::Badf);
    if (a.at(1).bits > static_cast<uint64_t>(INT64_MAX)) return reply(Errno::Inval);
    return reply(::ftruncate(f->d->fd(), static_cast<off_t>(a.at(1).bits)) == 0 ? Errno::Success : errno_from_host(errno));
  });
  i.fn(m + "set-times", [](State& st, HostContext&, const Args& a) -> HostReply {
    std::shared_ptr<FsDescriptor> f = self(st, a);
    if (f->d->read_only) return reply(Errno::Rofs);
    struct timespec ts[2] = {new_timestamp(a.at(1)), new_timestamp(a.at(2))};
    return reply(fs::set_times_fd(f->d->fd(), ts));
  });
  i.fn(m + "read", read_at);
  i.fn(m + "write", write_at);
  i.fn(m + "read-directory", read_directory);
  i.fn(m + "create-directory-at", [](State& st, HostContext& c, const Args& a) { return change_at(st, c, a, fs::create_directory_at); });
  i.fn(m + "remove-directory-at", [](State& st, HostContext& c, const Args& a) { return change_at(st, c, a, fs::remove_directory_at); });
  i.fn(m + "unlink-file-at", [](State& st, HostContext& c, const Args& a) { return change_at(st, c, a, fs::unlink_file_at); });
  i.fn(m + "stat", [](State& st, HostContext&, const Args& a) -> HostReply {
    struct stat s {};
    Errno e = fstat_of(*self(st, a), s);
    return {{e == Errno::Success ? Value::ok(stat_value(s)) : fs_err(e)}};
  });
  i.fn(m + "stat-at", [](State& st, HostContext& c, const Args& a) {
    return inspect_at(st, c, a, [](const Descriptor& d, const std::string& p, bool follow) { return stat_at_value(d, p, follow, stat_value); });
  });
  i.fn(m + "metadata-hash", [](State& st, HostContext&, const Args& a) -> HostReply {
    struct stat s {};
    Errno e = fstat_of(*self(st, a), s);
    return {{e == Errno::Success ? Value::ok(hash_value(s)) : fs_err(e)}};
  });
  i.fn(m + "metadata-hash-at", [](State& st, HostContext& c, const Args& a) {
    return inspect_at(st, c, a, [](const Descriptor& d, const std::string& p, bool follow) { return stat_at_value(d, p, follow, hash_value); });
  });
  i.fn(m + "set-times-at", [](State& st, HostContext& c, const Args& a) {
    struct timespec ts[2] = {new_timestamp(a.at(3)), new_timestamp(a.at(4))};
    return inspect_at(st, c, a, [&ts](const Descriptor& d, const std::string& p, bool follow) {
      Errno e = fs::set_times_at(d, p, follow, ts);
      return e == Errno::Success ? Value::ok() : fs_err(e);
    });
  });
  i.fn(m + "open-at", open_at);
  i.fn(m + "readlink-at", [](State& st, HostContext& c, const Args& a) -> HostReply {
    std::shared_ptr<FsDescriptor> f = self(st, a);
    bool fuel;
    Errno e = path_arg(c, a.at(1), fuel);
    if (!fuel) return no_fuel();
    if (e == Errno::Success) e = as_dir(*f);
    std::string target;
    if (e == Errno::Success) e = fs::readlink_at(*f->d, a.at(1).str, target);
    return {{e == Errno::Success ? Value::ok(Value::string(std::move(target))) : fs_err(e)}};
  });
  // (old-path, new-descriptor, new-path) with an optional leading path-flags.
  auto two_paths = [](size_t first) {
    return [first](State& st, HostContext& c, const Args& a) -> HostReply {
      std::shared_ptr<FsDescriptor> from = self(st, a);
      std::shared_ptr<FsDescriptor> to = st.descriptors.get(rep_of(a.at(first + 1)));
      bool fuel1, fuel2;
      Errno e1 = path_arg(c, a.at(first), fuel1), e2 = path_arg(c, a.at(first + 2), fuel2);
      if (!fuel1 || !fuel2) return no_fuel();
      Errno e = e1 != Errno::Success ? e1 : e2;
      if (e == Errno::Success) e = mutable_dir(*from);
      if (e == Errno::Success) e = mutable_dir(*to);
      if (e != Errno::Success) return reply(e);
      if (first == 1) return reply(fs::rename_at(*from->d, a.at(1).str, *to->d, a.at(3).str));
      return reply(fs::link_at(*from->d, a.at(2).str, a.at(1).bits & kSymlinkFollow, *to->d, a.at(4).str));
    };
  };
  i.fn(m + "rename-at", two_paths(1));
  i.fn(m + "link-at", two_paths(2));
  i.fn(m + "symlink-at", [](State& st, HostContext& c, const Args& a) -> HostReply {
    std::shared_ptr<FsDescriptor> f = self(st, a);
    bool fuel1, fuel2;
    Errno e1 = path_arg(c, a.at(1), fuel1), e2 = path_arg(c, a.at(2), fuel2);
    if (!fuel1 || !fuel2) return no_fuel();
    Errno e = e1 != Errno::Success ? e1 : e2;
    if (e == Errno::Success) e = mutable_dir(*f);
    if (e == Errno::Success) e = fs::symlink_at(a.at(1).str, *f->d, a.at(2).str);
    return reply(e);
  });
  i.fn(m + "is-same-object", [](State& st, HostContext&, const Args& a) -> HostReply {
    struct stat x {}, y {};
    bool same = fstat_of(*self(st, a), x) == Errno::Success &&
                fstat_of(*st.descriptors.get(rep_of(a.at(1))), y) == Errno::Success && x.st_dev == y.st_dev && x.st_ino == y.st_ino;
    return {{Value::boolean(same)}};
  });
  i.fn("[method]directory-entry-stream.read-directory-entry", [](State& st, HostContext&, const Args& a) -> HostReply {
    std::shared_ptr<DirectoryEntryStream> s = st.dir_streams.get(rep_of(a.at(0)));
    if (s->next >= s->entries.size()) return {{Value::ok(Value::none())}};
    const DirEntry& d = s->entries[s->next++];
    return {{Value::ok(Value::some(Value::record({Value::enumeration(type_of_entry(d.type)), Value::string(d.name)})))}};
  });
  i.fn("filesystem-error-code", [](State& st, HostContext&, const Args& a) -> HostReply {
    std::shared_ptr<IoError> e = st.errors.get(rep_of(a.at(0)));
    if (!e->code) return {{Value::none()}};
    return {{Value::some(Value::enumeration(error_code(*e->code)))}};
  });
}

}  // namespace

void define_filesystem(Iface& i, std::string_view iface) {
  if (iface == "types") {
    define_types(i);
  } else if (iface == "preopens") {
    i.fn("get-directories", [](State& st, HostContext& ctx, const Args&) -> HostReply {
      std::vector<Value> list;
      uint64_t bytes = 0;
      for (uint32_t fd = 0; fd < st.ctx.fds.slots(); fd++) {
        std::shared_ptr<Descriptor> d = st.ctx.fds.share(fd);
        if (!d || d->preopen.empty()) continue;
        auto f = std::make_shared<FsDescriptor>();
        f->d = d;
        f->flags = kFlagRead | (d->read_only ? 0 : kFlagMutateDirectory);
        bytes += d->preopen.size();
        list.push_back(Value::tuple({own(st.descriptors.add(std::move(f))), Value::string(d->preopen)}));
      }
      if (!charge_bytes(ctx, bytes)) return no_fuel();
      return {{Value::list(std::move(list))}};
    });
  }
}

}  // namespace wippy::wasi::p2
