// The preview1 function -> import group table.
#include "registry/wasi_imports.h"

#include <array>
#include <utility>

namespace wippy::registry {

namespace {

using G = ImportGroup;

// Functions of one group only.
constexpr std::array<std::pair<std::string_view, G>, 38> kSingle{{
    {"args_get", G::Cli},
    {"args_sizes_get", G::Cli},
    {"environ_get", G::Cli},
    {"environ_sizes_get", G::Cli},
    {"proc_exit", G::Cli},
    {"proc_raise", G::Cli},
    {"clock_time_get", G::Clocks},
    {"clock_res_get", G::Clocks},
    {"random_get", G::Random},
    {"poll_oneoff", G::Poll},
    {"sched_yield", G::Poll},
    {"sock_accept", G::Io},
    {"sock_recv", G::Io},
    {"sock_send", G::Io},
    {"sock_shutdown", G::Io},
    {"fd_prestat_get", G::Filesystem},
    {"fd_prestat_dir_name", G::Filesystem},
    {"fd_readdir", G::Filesystem},
    {"fd_filestat_set_size", G::Filesystem},
    {"fd_filestat_set_times", G::Filesystem},
    {"fd_allocate", G::Filesystem},
    {"fd_advise", G::Filesystem},
    {"fd_sync", G::Filesystem},
    {"fd_datasync", G::Filesystem},
    {"fd_renumber", G::Filesystem},
    {"fd_pread", G::Filesystem},
    {"fd_pwrite", G::Filesystem},
    {"fd_fdstat_set_rights", G::Filesystem},
    {"path_create_directory", G::Filesystem},
    {"path_filestat_get", G::Filesystem},
    {"path_filestat_set_times", G::Filesystem},
    {"path_link", G::Filesystem},
    {"path_open", G::Filesystem},
    {"path_readlink", G::Filesystem},
    {"path_remove_directory", G::Filesystem},
    {"path_rename", G::Filesystem},
    {"path_symlink", G::Filesystem},
    {"path_unlink_file", G::Filesystem},
}};

// Stream functions: on stdio (wasi:cli), streams (wasi:io) or files (wasi:filesystem).
constexpr std::array<std::string_view, 8> kStream{
    "fd_read", "fd_write", "fd_close", "fd_seek", "fd_tell",
    "fd_fdstat_get", "fd_fdstat_set_flags", "fd_filestat_get",
};

}  // namespace

std::vector<ImportGroup> groups_for_preview1(std::string_view name) {
  for (const auto& [n, g] : kSingle) {
    if (n == name) return {g};
  }
  for (std::string_view n : kStream) {
    if (n == name) return {G::Cli, G::Io, G::Filesystem};
  }
  return {};
}

bool is_preview1_module(std::string_view module) {
  return module == "wasi_snapshot_preview1" || module == "wasi_unstable";
}

std::vector<std::string> check_import_groups(const interp::Module& module,
                                             const std::set<ImportGroup>& enabled) {
  std::vector<std::string> problems;
  for (const interp::Import& imp : module.imports) {
    if (imp.kind != interp::ExternKind::Func || !is_preview1_module(imp.module)) continue;
    std::vector<ImportGroup> groups = groups_for_preview1(imp.name);
    if (groups.empty()) continue;  // not a preview1 function: linking reports it
    bool ok = false;
    for (ImportGroup g : groups) ok = ok || enabled.count(g) != 0;
    if (ok) continue;
    std::string names(import_group_name(groups[0]));
    if (groups.size() > 1) {
      names += " (or";
      for (size_t i = 1; i < groups.size(); ++i) {
        names += (i == 1 ? " " : ", ");
        names += import_group_name(groups[i]);
      }
      names += ")";
    }
    problems.push_back("the module imports " + imp.module + "." + imp.name +
                       ", which needs import group " + names + "; add it to imports");
  }
  return problems;
}

}  // namespace wippy::registry
