// The preview1 function table.
#include "wasi/groups.h"

namespace wippy::wasi {

namespace {

constexpr GroupMask kCli = group_bit(Group::Cli);
constexpr GroupMask kIo = group_bit(Group::Io);
constexpr GroupMask kPoll = group_bit(Group::Poll);
constexpr GroupMask kClocks = group_bit(Group::Clocks);
constexpr GroupMask kFs = group_bit(Group::Filesystem);
constexpr GroupMask kRandom = group_bit(Group::Random);
// Stream functions serve stdio (wasi:cli), streams (wasi:io) and files (wasi:filesystem).
constexpr GroupMask kStream = kCli | kIo | kFs;

constexpr Preview1Func kFuncs[] = {
    {"args_get", "ii", kCli},
    {"args_sizes_get", "ii", kCli},
    {"environ_get", "ii", kCli},
    {"environ_sizes_get", "ii", kCli},
    {"clock_res_get", "ii", kClocks},
    {"clock_time_get", "iji", kClocks},
    {"fd_advise", "ijji", kFs},
    {"fd_allocate", "ijj", kFs},
    {"fd_close", "i", kStream},
    {"fd_datasync", "i", kFs},
    {"fd_fdstat_get", "ii", kStream},
    {"fd_fdstat_set_flags", "ii", kStream},
    {"fd_fdstat_set_rights", "ijj", kFs},
    {"fd_filestat_get", "ii", kStream},
    {"fd_filestat_set_size", "ij", kFs},
    {"fd_filestat_set_times", "ijji", kFs},
    {"fd_pread", "iiiji", kFs},
    {"fd_prestat_get", "ii", kFs},
    {"fd_prestat_dir_name", "iii", kFs},
    {"fd_pwrite", "iiiji", kFs},
    {"fd_read", "iiii", kStream},
    {"fd_readdir", "iiiji", kFs},
    {"fd_renumber", "ii", kFs},
    {"fd_seek", "ijii", kStream},
    {"fd_sync", "i", kFs},
    {"fd_tell", "ii", kStream},
    {"fd_write", "iiii", kStream},
    {"path_create_directory", "iii", kFs},
    {"path_filestat_get", "iiiii", kFs},
    {"path_filestat_set_times", "iiiijji", kFs},
    {"path_link", "iiiiiii", kFs},
    {"path_open", "iiiiijjii", kFs},
    {"path_readlink", "iiiiii", kFs},
    {"path_remove_directory", "iii", kFs},
    {"path_rename", "iiiiii", kFs},
    {"path_symlink", "iiiii", kFs},
    {"path_unlink_file", "iii", kFs},
    {"poll_oneoff", "iiii", kPoll},
    {"proc_exit", "i", kCli},
    {"proc_raise", "i", kCli},
    {"sched_yield", "", kPoll},
    {"random_get", "ii", kRandom},
    {"sock_accept", "iii", kIo},
    {"sock_recv", "iiiiii", kIo},
    {"sock_send", "iiiii", kIo},
    {"sock_shutdown", "ii", kIo},
};

}  // namespace

std::string_view group_name(Group g) {
  switch (g) {
    case Group::Cli: return "wasi:cli";
    case Group::Io: return "wasi:io";
    case Group::Poll: return "wasi:poll";
    case Group::Clocks: return "wasi:clocks";
    case Group::Filesystem: return "wasi:filesystem";
    case Group::Random: return "wasi:random";
    case Group::Sockets: return "wasi:sockets";
    case Group::Http: return "wasi:http";
  }
  return "?";
}

std::span<const Preview1Func> preview1_functions() { return kFuncs; }

const Preview1Func* find_preview1(std::string_view name) {
  for (const Preview1Func& f : kFuncs) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::vector<Group> groups_for(std::string_view name) {
  std::vector<Group> out;
  const Preview1Func* f = find_preview1(name);
  if (!f) return out;
  for (Group g : kAllGroupList) {
    if (f->groups & group_bit(g)) out.push_back(g);
  }
  return out;
}

}  // namespace wippy::wasi
