// The disk-write quota (WasiContext::max_write_bytes): what a write would add to a
// regular file's size is counted before it is done, and the write is cut to the room
// that is left.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

#include "wasi/host.h"

namespace wippy::wasi::detail {

Errno admit_write(WasiContext& ctx, int fd, std::optional<uint64_t> offset, uint64_t& len, WriteGrowth& out) {
  out = {};
  if (ctx.max_write_bytes == 0 || len == 0) return Errno::Success;
  struct stat st {};
  if (::fstat(fd, &st) != 0) return errno_from_host(errno);
  if (!S_ISREG(st.st_mode)) return Errno::Success;
  out.size = static_cast<uint64_t>(st.st_size);
  int fl = ::fcntl(fd, F_GETFL);
  if (fl >= 0 && (fl & O_APPEND)) {
    out.pos = out.size;  // Linux appends even for pwrite
  } else if (offset) {
    out.pos = *offset;
  } else {
    off_t cur = ::lseek(fd, 0, SEEK_CUR);
    if (cur < 0) return errno_from_host(errno);
    out.pos = static_cast<uint64_t>(cur);
  }
  if (out.pos > static_cast<uint64_t>(INT64_MAX) - len) return Errno::Inval;  // no such file offset
  uint64_t left = write_quota_left(ctx);
  if (out.grown_by(len) > left) {
    uint64_t end = out.size + left;  // the furthest the file may reach
    if (end <= out.pos) return Errno::NoSpc;
    len = end - out.pos;
  }
  out.counted = out.grown_by(len);
  ctx.written_bytes += out.counted;
  return Errno::Success;
}

}  // namespace wippy::wasi::detail
