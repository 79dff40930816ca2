// Helpers shared by the descriptor, path and poll functions: iovecs, guest paths,
// filestat, timestamps.
#include <fcntl.h>
#include <time.h>

#include "wasi/host.h"

namespace wippy::wasi::detail {

Errno read_iovecs(GuestMemory mem, uint32_t iovs, uint32_t count, std::vector<IoVec>& out, uint64_t& total) {
  if (!mem.in_bounds(iovs, uint64_t{8} * count)) return Errno::Fault;
  if (count > kMaxIovecs) return Errno::Inval;
  out.resize(count);
  for (uint32_t i = 0; i < count; i++) {
    mem.load_u32(iovs + 8ull * i, out[i].buf);
    mem.load_u32(iovs + 8ull * i + 4, out[i].len);
    if (!mem.in_bounds(out[i].buf, out[i].len)) return Errno::Fault;
  }
  cut_iovecs(out, kMaxIoBytes, total);
  return Errno::Success;
}

void cut_iovecs(std::vector<IoVec>& iovs, uint64_t max, uint64_t& total) {
  total = 0;
  for (size_t i = 0; i < iovs.size(); i++) {
    if (iovs[i].len >= max - total) {
      iovs[i].len = static_cast<uint32_t>(max - total);
      iovs.resize(i + 1);
      total = max;
      return;
    }
    total += iovs[i].len;
  }
}

void scatter(GuestMemory mem, const std::vector<IoVec>& iovs, const uint8_t* bytes, size_t n) {
  size_t done = 0;
  for (const IoVec& v : iovs) {
    if (done >= n) break;
    size_t k = std::min<size_t>(v.len, n - done);
    uint8_t* p = mem.span(v.buf, k);
    if (p && k) std::memcpy(p, bytes + done, k);
    done += k;
  }
}

std::string gather(GuestMemory mem, const std::vector<IoVec>& iovs, uint64_t total) {
  std::string out;
  out.reserve(total);
  for (const IoVec& v : iovs) {
    if (v.len) out.append(reinterpret_cast<const char*>(mem.span(v.buf, v.len)), v.len);
  }
  return out;
}

Errno read_path(GuestMemory mem, uint32_t ptr, uint32_t len, std::string& out) {
  const uint8_t* p = mem.span(ptr, len);
  if (!p) return Errno::Fault;
  out.assign(reinterpret_cast<const char*>(p), len);
  return Errno::Success;
}

Filetype filetype_of(mode_t mode) {
  switch (mode & S_IFMT) {
    case S_IFREG: return Filetype::RegularFile;
    case S_IFDIR: return Filetype::Directory;
    case S_IFLNK: return Filetype::SymbolicLink;
    case S_IFCHR: return Filetype::CharacterDevice;
    case S_IFBLK: return Filetype::BlockDevice;
    case S_IFSOCK: return Filetype::SocketStream;
    default: return Filetype::Unknown;
  }
}

namespace {
uint64_t ns(const struct timespec& ts) {
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}
}  // namespace

// filestat: dev u64 @0, ino u64 @8, filetype u8 @16, nlink u64 @24, size u64 @32,
// atim u64 @40, mtim u64 @48, ctim u64 @56.
Errno store_filestat(GuestMemory mem, uint32_t at, const struct stat& st) {
  uint8_t* p = mem.span(at, 64);
  if (!p) return Errno::Fault;
  std::memset(p, 0, 64);
  mem.store_u64(at, static_cast<uint64_t>(st.st_dev));
  mem.store_u64(at + 8, static_cast<uint64_t>(st.st_ino));
  mem.store_u8(at + 16, static_cast<uint8_t>(filetype_of(st.st_mode)));
  mem.store_u64(at + 24, static_cast<uint64_t>(st.st_nlink));
  mem.store_u64(at + 32, static_cast<uint64_t>(st.st_size));
  mem.store_u64(at + 40, ns(st.st_atim));
  mem.store_u64(at + 48, ns(st.st_mtim));
  mem.store_u64(at + 56, ns(st.st_ctim));
  return Errno::Success;
}

// fstflags: ATIM = 1, ATIM_NOW = 2, MTIM = 4, MTIM_NOW = 8.
Errno times_from_flags(uint64_t atim, uint64_t mtim, uint16_t f, struct timespec ts[2]) {
  if (f & ~0xfu) return Errno::Inval;
  if ((f & 1) && (f & 2)) return Errno::Inval;
  if ((f & 4) && (f & 8)) return Errno::Inval;
  auto set = [](struct timespec& t, bool given, bool now, uint64_t v) {
    if (now) {
      t.tv_sec = 0;
      t.tv_nsec = UTIME_NOW;
    } else if (given) {
      t.tv_sec = static_cast<time_t>(v / 1000000000ull);
      t.tv_nsec = static_cast<long>(v % 1000000000ull);
    } else {
      t.tv_sec = 0;
      t.tv_nsec = UTIME_OMIT;
    }
  };
  set(ts[0], f & 1, f & 2, atim);
  set(ts[1], f & 4, f & 8, mtim);
  return Errno::Success;
}

Errno directory_of(WasiContext& ctx, uint32_t fd, Descriptor*& out) {
  Descriptor* d = ctx.fds.get(fd);
  if (!d) return Errno::Badf;
  if (d->kind != Descriptor::Kind::Directory) return Errno::NotDir;
  out = d;
  return Errno::Success;
}

}  // namespace wippy::wasi::detail
