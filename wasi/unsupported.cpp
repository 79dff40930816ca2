// Every other wasi_snapshot_preview1 function, with its exact core signature, answering
// ENOSYS. Defining them lets any module built against wasi-libc link; the groups that
// implement them (filesystem, poll, sockets) replace entries here as they arrive.
#include "wasi/host.h"

namespace wippy::wasi::detail {
namespace {

struct Sig {
  const char* name;
  const char* params;  // 'i' = i32, 'j' = i64; every one returns an errno (i32)
};

constexpr Sig kPreview1[] = {
    {"args_get", "ii"},
    {"args_sizes_get", "ii"},
    {"environ_get", "ii"},
    {"environ_sizes_get", "ii"},
    {"clock_res_get", "ii"},
    {"clock_time_get", "iji"},
    {"fd_advise", "ijji"},
    {"fd_allocate", "ijj"},
    {"fd_close", "i"},
    {"fd_datasync", "i"},
    {"fd_fdstat_get", "ii"},
    {"fd_fdstat_set_flags", "ii"},
    {"fd_fdstat_set_rights", "ijj"},
    {"fd_filestat_get", "ii"},
    {"fd_filestat_set_size", "ij"},
    {"fd_filestat_set_times", "ijji"},
    {"fd_pread", "iiiji"},
    {"fd_prestat_get", "ii"},
    {"fd_prestat_dir_name", "iii"},
    {"fd_pwrite", "iiiji"},
    {"fd_read", "iiii"},
    {"fd_readdir", "iiiji"},
    {"fd_renumber", "ii"},
    {"fd_seek", "ijii"},
    {"fd_sync", "i"},
    {"fd_tell", "ii"},
    {"fd_write", "iiii"},
    {"path_create_directory", "iii"},
    {"path_filestat_get", "iiiii"},
    {"path_filestat_set_times", "iiiijji"},
    {"path_link", "iiiiiii"},
    {"path_open", "iiiiijjii"},
    {"path_readlink", "iiiiii"},
    {"path_remove_directory", "iii"},
    {"path_rename", "iiiiii"},
    {"path_symlink", "iiiii"},
    {"path_unlink_file", "iii"},
    {"poll_oneoff", "iiii"},
    {"proc_raise", "i"},
    {"sched_yield", ""},
    {"random_get", "ii"},
    {"sock_accept", "iii"},
    {"sock_recv", "iiiiii"},
    {"sock_send", "iiiii"},
    {"sock_shutdown", "ii"},
};

}  // namespace

void add_unsupported(engine::Linker& linker) {
  for (const Sig& s : kPreview1) {
    if (linker.has(kModuleName, s.name)) continue;
    define_errno_fn(linker, s.name, s.params,
                    [](interp::HostCall&, const uint64_t*) { return Errno::NoSys; });
  }
}

}  // namespace wippy::wasi::detail
