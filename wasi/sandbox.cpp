// openat2(RESOLVE_BENEATH) or a careful component walk; see sandbox.h.
#include "wasi/sandbox.h"

#include "engine/types.h"  // is_valid_utf8

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <span>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <deque>
#include <vector>

namespace wippy::wasi::sandbox {

namespace {

constexpr int kMaxSymlinks = 40;  // as Linux's MAXSYMLINKS

// -1: not yet detected; 0: absent; 1: present.
std::atomic<int> g_openat2{-1};
std::atomic<bool> g_allowed{true};

long sys_openat2(int dirfd, const char* path, int flags, mode_t mode, uint64_t resolve) {
  open_how how{};
  how.flags = static_cast<uint64_t>(flags);
  how.mode = ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) ? mode : 0;
  how.resolve = resolve;
  return syscall(SYS_openat2, dirfd, path, &how, sizeof how);
}

bool detect_openat2() {
  if (const char* v = std::getenv("WIPPY_WASI_NO_OPENAT2"); v && *v && *v != '0') return false;
  long fd = sys_openat2(AT_FDCWD, ".", O_PATH | O_CLOEXEC, 0, RESOLVE_BENEATH);
  if (fd < 0) return false;  // ENOSYS (before Linux 5.6), or refused by a seccomp filter
  ::close(static_cast<int>(fd));
  return true;
}

// Owns the directories a walk entered.
struct DirStack {
  int base;
  std::vector<int> fds;
  explicit DirStack(int b) : base(b) {}
  ~DirStack() {
    for (int fd : fds) ::close(fd);
  }
  int top() const { return fds.empty() ? base : fds.back(); }
};

// Splits at '/', dropping empty components; true if the path ends with '/'.
bool split(std::string_view path, std::deque<std::string>& out, bool front = false) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (j > i) parts.emplace_back(path.substr(i, j - i));
    i = j + 1;
  }
  if (front) {
    out.insert(out.begin(), parts.begin(), parts.end());
  } else {
    out.insert(out.end(), parts.begin(), parts.end());
  }
  return !path.empty() && path.back() == '/';
}

bool read_link(int dirfd, const std::string& name, std::string& target) {
  char buf[PATH_MAX];
  ssize_t n = ::readlinkat(dirfd, name.c_str(), buf, sizeof buf);
  if (n < 0 || static_cast<size_t>(n) >= sizeof buf) return false;
  target.assign(buf, static_cast<size_t>(n));
  return true;
}

// Replaces a symlink by its target in the components still to walk.
Errno expand(const std::string& target, std::deque<std::string>& comps, int& links) {
  if (++links > kMaxSymlinks) return Errno::Loop;
  if (target.empty()) return Errno::NoEnt;
  if (target[0] == '/') return Errno::NotCapable;  // absolute symlinks never resolve
  split(target, comps, /*front=*/true);
  return Errno::Success;
}

Errno walk(int base, std::string_view path, int flags, mode_t mode, bool follow, int& out) {
  std::deque<std::string> comps;
  if (split(path, comps)) {  // "dir/": must be a directory, symlink followed
    if (flags & O_CREAT) return Errno::IsDir;
    flags |= O_DIRECTORY;
    follow = true;
  }
  flags &= ~O_NOFOLLOW;
  if (comps.empty()) comps.emplace_back(".");
  DirStack st(base);
  int links = 0;
  while (!comps.empty()) {
    std::string c = std::move(comps.front());
    comps.pop_front();
    bool last = comps.empty();
    if (c == "..") {
      if (st.fds.empty()) return Errno::NotCapable;
      ::close(st.fds.back());
      st.fds.pop_back();
      if (!last) continue;
      c.clear();
      c.push_back('.');
    }
    if (c == ".") {
      if (!last) continue;
      int fd = ::openat(st.top(), ".", flags | O_CLOEXEC, mode);
      if (fd < 0) return errno_from_host(errno);
      out = fd;
      return Errno::Success;
    }
    if (!last) {
      int fd = ::openat(st.top(), c.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (fd >= 0) {
        st.fds.push_back(fd);
        continue;
      }
      int err = errno;
      std::string target;
      if ((err == ENOTDIR || err == ELOOP) && read_link(st.top(), c, target)) {
        if (Errno e = expand(target, comps, links); e != Errno::Success) return e;
        continue;
      }
      return errno_from_host(err);
    }
    // The last component: never let the host follow a symlink here.
    int fd = ::openat(st.top(), c.c_str(), flags | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd >= 0) {
      struct stat sb {};
      if (follow && (flags & O_PATH) && ::fstat(fd, &sb) == 0 && S_ISLNK(sb.st_mode)) {
        ::close(fd);
        std::string target;
        if (!read_link(st.top(), c, target)) return errno_from_host(errno);
        if (Errno e = expand(target, comps, links); e != Errno::Success) return e;
        continue;
      }
      out = fd;
      return Errno::Success;
    }
    int err = errno;
    std::string target;
    if (follow && (err == ELOOP || err == ENOTDIR) && read_link(st.top(), c, target)) {
      if (Errno e = expand(target, comps, links); e != Errno::Success) return e;
      continue;
    }
    return errno_from_host(err);
  }
  return Errno::NoEnt;
}

}  // namespace

Parent::~Parent() {
  if (dir >= 0) ::close(dir);
}

bool using_openat2() {
  if (!g_allowed.load()) return false;
  int s = g_openat2.load();
  if (s < 0) {
    s = detect_openat2() ? 1 : 0;
    g_openat2.store(s);
  }
  return s == 1;
}

void set_openat2_allowed(bool allowed) { g_allowed.store(allowed); }

Errno validate_path(std::string_view path) {
  if (path.size() >= PATH_MAX) return Errno::NameTooLong;
  if (path.find('\0') != std::string_view::npos) return Errno::Inval;
  auto bytes = std::span(reinterpret_cast<const uint8_t*>(path.data()), path.size());
  return engine::is_valid_utf8(bytes) ? Errno::Success : Errno::Ilseq;
}

Errno open_beneath(int dirfd, std::string_view path, int flags, mode_t mode, bool follow, int& out) {
  if (Errno e = validate_path(path); e != Errno::Success) return e;
  if (path.empty()) return Errno::NoEnt;
  if (path[0] == '/') return Errno::NotCapable;
  if (using_openat2()) {
    std::string p(path);
    int f = flags | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW);
    for (int attempt = 0; attempt < 16; attempt++) {
      long fd = sys_openat2(dirfd, p.c_str(), f, mode, RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS);
      if (fd >= 0) {
        out = static_cast<int>(fd);
        return Errno::Success;
      }
      if (errno == EAGAIN || errno == EINTR) continue;  // a concurrent rename: try again
      if (errno == EXDEV) return Errno::NotCapable;    // the path leads out
      return errno_from_host(errno);
    }
    // Still racing: the walk below is just as safe.
  }
  return walk(dirfd, path, flags, mode, follow, out);
}

Errno open_parent(int dirfd, std::string_view path, Parent& out) {
  if (Errno e = validate_path(path); e != Errno::Success) return e;
  if (path.empty()) return Errno::NoEnt;
  if (path[0] == '/') return Errno::NotCapable;
  size_t end = path.size();
  while (end > 0 && path[end - 1] == '/') end--;
  bool trailing = end < path.size();
  std::string_view trimmed = path.substr(0, end);
  size_t slash = trimmed.rfind('/');
  std::string_view dir = slash == std::string_view::npos ? std::string_view(".") : trimmed.substr(0, slash + 1);
  std::string_view name = slash == std::string_view::npos ? trimmed : trimmed.substr(slash + 1);
  if (name == "." || name == "..") {
    // The host never changes "." or "..", but stat-like uses must not see above dirfd.
    int fd;
    if (Errno e = open_beneath(dirfd, path, O_PATH | O_DIRECTORY, 0, true, fd); e != Errno::Success) return e;
    ::close(fd);
  }
  int pfd;
  if (Errno e = open_beneath(dirfd, dir, O_PATH | O_DIRECTORY, 0, true, pfd); e != Errno::Success) return e;
  out.dir = pfd;
  out.name = std::string(name);
  if (trailing) out.name += '/';
  out.trailing_slash = trailing;
  return Errno::Success;
}

}  // namespace wippy::wasi::sandbox
