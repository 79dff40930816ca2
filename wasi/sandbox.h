// Path resolution that never leaves a directory: every guest path is resolved
// relative to a directory descriptor (a preopened mount or a directory opened beneath
// one), and no `..`, absolute path, absolute symlink or symlink that climbs out can
// reach anything above it. Check and open are one step (no race between them):
//   * openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS) when the kernel has it (Linux
//     5.6+; checked once at run time);
//   * otherwise a walk, one component at a time, with openat(O_NOFOLLOW) on every
//     component, symlinks expanded by hand (relative ones only) and `..` handled on
//     the stack of directories already opened, never by the host.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "wasi/errno.h"

namespace wippy::wasi::sandbox {

// A guest path must be valid UTF-8 (EILSEQ otherwise), contain no NUL byte (EINVAL)
// and be shorter than PATH_MAX (ENAMETOOLONG).
Errno validate_path(std::string_view path);

// Opens `path` beneath `dirfd` with host open(2) `flags` and `mode`. `follow`: follow
// a symlink in the last component (inner ones are always followed, and must stay
// beneath). An attempt to leave the directory gives Errno::NotCapable. On success
// `out` is a new descriptor (O_CLOEXEC) the caller owns.
Errno open_beneath(int dirfd, std::string_view path, int flags, mode_t mode, bool follow, int& out);

// The directory that holds the last component of `path` (opened beneath `dirfd`,
// O_PATH) and that component, for operations on a name (mkdir, unlink, rename,
// symlink, link, readlink). A trailing slash is kept on `name` ("dir/" must be a
// directory); `name` is "." or ".." only after the whole path was checked to stay
// beneath `dirfd`.
struct Parent {
  int dir = -1;  // owned (closed by the destructor)
  std::string name;
  bool trailing_slash = false;
  ~Parent();
  Parent() = default;
  Parent(const Parent&) = delete;
  Parent& operator=(const Parent&) = delete;
};
Errno open_parent(int dirfd, std::string_view path, Parent& out);

// Whether openat2 is used (the kernel has it and it was not turned off).
bool using_openat2();
// Tests: force the component walk (false) or go back to detection (true).
void set_openat2_allowed(bool allowed);

}  // namespace wippy::wasi::sandbox
