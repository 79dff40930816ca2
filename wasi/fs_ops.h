// Internal to wasi/: the file system operations on a path beneath a directory
// descriptor, shared by preview1 (fs_path.cpp decodes their arguments from guest
// memory and checks rights) and WASI 0.2 (p2_filesystem.cpp). Every path is resolved
// in the sandbox (sandbox.h: leaving the directory is Errno::NotCapable), and a
// descriptor beneath a read-only mount refuses every change with Errno::Rofs.
#pragma once

#include <sys/stat.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "wasi/fd_table.h"

namespace wippy::wasi::fs {

struct OpenRequest {
  bool read = true;
  bool write = false;
  bool create = false;
  bool exclusive = false;
  bool truncate = false;
  bool directory = false;  // must be a directory
  bool append = false;
  bool follow = false;     // follow a symlink in the last component
  bool nonblock = false;   // keep O_NONBLOCK on a regular file
  int sync_flags = 0;      // O_DSYNC, O_SYNC, O_RSYNC
};

// Opens `path` beneath `dir` (a Directory). The new descriptor's kind, filetype,
// `stream` and `read_only` are set; rights and flags are the caller's.
Errno open_at(const Descriptor& dir, std::string_view path, const OpenRequest& r, std::shared_ptr<Descriptor>& out);
Errno create_directory_at(const Descriptor& dir, std::string_view path);
Errno remove_directory_at(const Descriptor& dir, std::string_view path);
Errno unlink_file_at(const Descriptor& dir, std::string_view path);
Errno stat_at(const Descriptor& dir, std::string_view path, bool follow, struct stat& st);
Errno set_times_at(const Descriptor& dir, std::string_view path, bool follow, const struct timespec ts[2]);
Errno link_at(const Descriptor& from_dir, std::string_view from, bool follow, const Descriptor& to_dir,
              std::string_view to);
// The symlink's target text, whole.
Errno readlink_at(const Descriptor& dir, std::string_view path, std::string& target);
Errno rename_at(const Descriptor& from_dir, std::string_view from, const Descriptor& to_dir, std::string_view to);
// A symlink at `path` pointing to `target` (absolute targets are refused: NotCapable).
Errno symlink_at(std::string_view target, const Descriptor& dir, std::string_view path);

// Reads the whole directory (with "." and ".."), in the host's order.
Errno list_directory(int dirfd, std::vector<DirEntry>& out);
// utimensat on a descriptor: futimens, or through /proc for O_PATH descriptors.
Errno set_times_fd(int fd, const struct timespec ts[2]);

}  // namespace wippy::wasi::fs
