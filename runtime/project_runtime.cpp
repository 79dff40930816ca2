// Hosts and the process factory for a loaded project.
#include "runtime/project_runtime.h"

#include <cstdio>
#include <set>
#include <stdexcept>

#include "log/log.h"
#include "lua/lua_process.h"
#include "procs/deterministic_wasi.h"
#include "procs/wasm_funcs.h"
#include "procs/wasm_messages.h"
#include "procs/wasm_process.h"
#include "registry/wasi_imports.h"
#include "wasi/p2.h"
#include "wasi/wasi.h"

namespace wippy::runtime {

namespace {

using registry::Entry;
using registry::ImportGroup;

// A mount resolved to its host directory.
struct MountBinding {
  std::string host_dir;
  std::string guest;
  bool read_only;
};

struct EnvBinding {
  std::string id;
  std::string name;
  bool required;
  registry::EnvVariable var;
};

std::unique_ptr<procs::Process> make_wasm(const registry::Registry& reg,
                                          const std::shared_ptr<const Entry>& entry,
                                          std::vector<procs::Value> args,
                                          const std::set<std::string>& terminal_hosts) {
  const registry::WasmEntry& w = entry->wasm();
  procs::WasmProcessConfig cfg;
  cfg.module = w.module;
  cfg.component = w.component;
  cfg.wit_func = w.wit_func;
  cfg.method = w.method;
  std::vector<std::string> extra_argv;  // a command's spawn arguments, after wasi.args
  if (w.is_wasi_command()) {
    for (const procs::Value& a : args) extra_argv.push_back(a.is_string() ? a.as_string() : a.to_string());
  } else {
    cfg.args = std::move(args);
  }
  cfg.limits.fuel = w.limits.fuel.value_or(0);
  cfg.limits.max_memory_pages = w.limits.max_memory_pages.value_or(0);
  cfg.limits.max_call_depth = w.limits.max_call_depth.value_or(0);
  cfg.limits.max_execution_ms = w.limits.max_execution_ms.value_or(0);
  if (std::optional<wasi::GroupMask> groups = registry::preview1_group_mask(w.imports)) {
    std::vector<EnvBinding> env;
    for (const registry::WasiEnv& e : w.wasi.env) {
      const Entry* var = reg.find(e.id);
      if (!var) throw std::runtime_error(entry->id + ": wasi env " + e.id + " is not defined");
      env.push_back({e.id, e.name, e.required, var->env_variable()});
    }
    std::vector<MountBinding> mounts;
    for (const registry::WasiMount& m : w.wasi.mounts) {
      const Entry* fs = reg.find(m.fs);
      if (!fs || fs->kind != registry::Kind::FsDirectory)
        throw std::runtime_error(entry->id + ": wasi mount " + m.fs + " is not an fs.directory entry");
      mounts.push_back({fs->fs_directory().directory.string(), m.guest, m.read_only});
    }
    std::vector<std::string> argv{entry->id};
    argv.insert(argv.end(), w.wasi.args.begin(), w.wasi.args.end());
    argv.insert(argv.end(), extra_argv.begin(), extra_argv.end());
    // Runs on the process's first step: a missing required variable or a mount that
    // cannot be opened fails the start.
    cfg.imports = [argv = std::move(argv), env = std::move(env), mounts = std::move(mounts), cwd = w.wasi.cwd,
                   mask = *groups, id = entry->id, max_open_files = w.wasi.max_open_files,
                   max_write_bytes = w.wasi.max_write_bytes, network = w.wasi.network, component = w.component,
                   &terminal_hosts](procs::WasmImports& im, procs::ProcessContext& pc) {
      auto ctx = std::make_shared<wasi::WasiContext>();
      ctx->args = argv;
      bool has_pwd = false;
      for (const EnvBinding& b : env) {
        std::optional<std::string> value = b.var.resolve();
        if (!value || value->empty()) {
          if (b.required) {
            throw std::runtime_error(id + ": required wasi env variable not found: " + b.id + " (OS variable " +
                                     b.var.variable + ")");
          }
          continue;
        }
        has_pwd = has_pwd || b.name == "PWD";
        ctx->env.push_back(b.name + "=" + *value);
      }
      // The working directory reaches the guest as PWD too, and (set_cwd below) as a
      // "." preopen that relative paths resolve against.
      if (!cwd.empty() && !has_pwd) ctx->env.push_back("PWD=" + cwd);
      if (max_open_files) ctx->fds.set_max_descriptors(*max_open_files);
      if (max_write_bytes) ctx->max_write_bytes = *max_write_bytes;
      ctx->network = network;
      ctx->entry = id;
      ctx->warn = [](std::string_view line) { log::warn("{}", line); };
      for (const MountBinding& m : mounts) ctx->mount(m.host_dir, m.guest, m.read_only);
      if (!cwd.empty()) ctx->set_cwd(cwd);
      procs::use_deterministic_sources(*ctx, pc);
      ctx->trace_name = id + " " + pc.pid().to_string();  // also what its output lines carry
      if (terminal_hosts.count(pc.host().name())) {
        ctx->stdout_sink = wasi::file_sink(stdout);
        ctx->stderr_sink = wasi::file_sink(stderr);
        ctx->stdin_source = wasi::file_source(stdin);
        ctx->stdin_blocks = true;
        ctx->stdin_fd = fileno(stdin);
      } else {
        ctx->stdout_sink = wasi::line_sink("[" + ctx->trace_name + "] ", log::write_output);
        ctx->stderr_sink = wasi::line_sink("[" + ctx->trace_name + " stderr] ", log::write_output);
      }
      if (component) wasi::add_p2_to_linker(im.components, *component, *ctx, mask);
      else wasi::add_to_linker(im.linker, *ctx, mask);
      im.keep_alive.push_back(ctx);
    };
  }
  if (w.enables(ImportGroup::Process)) {
    cfg.imports = [wasi = std::move(cfg.imports), component = w.component](procs::WasmImports& im,
                                                                           procs::ProcessContext& pc) {
      if (wasi) wasi(im, pc);
      procs::add_process_imports(im, component.get());
    };
  }
  if (w.enables(ImportGroup::Funcs)) {
    // Only function entries may be called (the registry outlives every process).
    procs::FuncsTargetCheck check = [&reg](const std::string& id) -> std::optional<std::string> {
      const Entry* e = reg.find(id);
      if (!e) return "unknown entry: " + id;
      if (e->kind == registry::Kind::FunctionWasm || e->kind == registry::Kind::FunctionLua) return std::nullopt;
      return id + " is a " + std::string(registry::kind_name(e->kind)) + ", not a function entry";
    };
    cfg.imports = [before = std::move(cfg.imports), check = std::move(check),
                   component = w.component](procs::WasmImports& im, procs::ProcessContext& pc) {
      if (before) before(im, pc);
      procs::add_funcs_imports(im, component.get(), check);
    };
  }
  return std::make_unique<procs::WasmProcess>(std::move(cfg));
}

std::unique_ptr<procs::Process> make_lua(const std::shared_ptr<const Entry>& entry,
                                         std::vector<procs::Value> args) {
  const registry::LuaEntry& l = entry->lua();
  lua::LuaProcessConfig cfg;
  cfg.entry_id = entry->id;
  cfg.source = l.source;
  cfg.method = l.method;
  cfg.modules = l.modules;
  cfg.args = std::move(args);
  cfg.limits.max_execution_ms = l.limits.max_execution_ms.value_or(0);
  cfg.limits.fuel = l.limits.fuel.value_or(0);
  cfg.limits.max_memory = l.limits.max_memory.value_or(0);
  return std::make_unique<lua::LuaProcess>(std::move(cfg));
}

}  // namespace

ProjectRuntime::ProjectRuntime(std::shared_ptr<const registry::Registry> reg, const ClusterOptions& cluster,
                               const DeterminismOptions& determinism, StatsRecorder* stats)
    : reg_(std::move(reg)), system_(std::make_unique<procs::System>()), stats_(stats) {
  if (determinism.seed) system_->set_deterministic(*determinism.seed);
  if (determinism.trace) system_->set_trace(determinism.trace);
  if (!cluster.node.empty()) {
    try {
      node_ = cluster::Node::join(*system_, node_options(cluster, reg_));
    } catch (const std::logic_error& e) {  // a bad node name
      throw std::runtime_error(e.what());
    }
  }
  for (const Entry* e : reg_->of_kind(registry::Kind::ProcessHost)) {
    const registry::ProcessHostEntry& h = e->process_host();
    procs::HostOptions opts;
    opts.name = e->id;
    opts.workers = h.workers.value_or(0);
    if (h.stop_timeout_ms) opts.stop_timeout = procs::saturating_ms(*h.stop_timeout_ms);
    opts.max_mailbox_messages = h.max_mailbox_messages.value_or(opts.max_mailbox_messages);
    opts.max_mailbox_bytes = h.max_mailbox_bytes.value_or(opts.max_mailbox_bytes);
    opts.max_timers = h.max_timers.value_or(opts.max_timers);
    opts.message_limits.max_bytes = h.max_message_bytes.value_or(opts.message_limits.max_bytes);
    opts.message_limits.max_depth = h.max_message_depth.value_or(opts.message_limits.max_depth);
    system_->add_host(std::move(opts));
  }
  for (const Entry* e : reg_->of_kind(registry::Kind::TerminalHost)) {
    terminal_hosts_.insert(e->id);
    procs::HostOptions opts;
    opts.name = e->id;
    opts.workers = 1;  // one command process, bound to the terminal
    system_->add_host(std::move(opts));
  }
  system_->set_factory([this](const std::string& id, std::vector<procs::Value> args) {
    return make_process(id, std::move(args));
  });
  std::vector<procs::ServiceConfig> services;
  for (const Entry* e : reg_->of_kind(registry::Kind::ProcessService)) services.push_back(e->service());
  procs::SupervisorOptions sopts;
  sopts.factory = [this](const std::string& id, std::vector<procs::Value> args) {
    return make_process(id, std::move(args));
  };
  sopts.log = [](const std::string& line) { log::info("{}", line); };
  services_ = std::make_unique<procs::Supervisor>(*system_, std::move(services), std::move(sopts));
}

ProjectRuntime::~ProjectRuntime() {
  services_->stop_and_wait();
  system_->shutdown();
  if (node_) node_->leave();
}

std::unique_ptr<procs::Process> ProjectRuntime::make_process(const std::string& id,
                                                             std::vector<procs::Value> args) const {
  std::shared_ptr<const Entry> entry = reg_->share(id);
  if (!entry) throw std::runtime_error("unknown entry: " + id);
  log::debug("new process for {} ({})", id, registry::kind_name(entry->kind));
  std::unique_ptr<procs::Process> process;
  if (entry->is_wasm()) process = make_wasm(*reg_, entry, std::move(args), terminal_hosts_);
  else if (entry->is_lua()) process = make_lua(entry, std::move(args));
  if (process) return stats_ ? stats_->wrap(id, std::move(process)) : std::move(process);
  throw std::runtime_error(id + " is a " + std::string(registry::kind_name(entry->kind)) +
                           ", not a process or function entry");
}

}  // namespace wippy::runtime
