// Hosts and the process factory for a loaded project.
#include "cli/project_runtime.h"

#include <stdexcept>

#include "lua/lua_process.h"
#include "procs/wasm_process.h"
#include "wasi/wasi.h"

namespace wippy::cli {

namespace {

using registry::Entry;
using registry::ImportGroup;

// True when the entry enables any group served by wasi_snapshot_preview1.
bool needs_wasi(const registry::WasmEntry& w) {
  for (ImportGroup g : {ImportGroup::Cli, ImportGroup::Io, ImportGroup::Poll, ImportGroup::Clocks,
                        ImportGroup::Filesystem, ImportGroup::Random}) {
    if (w.enables(g)) return true;
  }
  return false;
}

struct EnvBinding {
  std::string id;
  std::string name;
  bool required;
  registry::EnvVariable var;
};

std::unique_ptr<procs::Process> make_wasm(const registry::Registry& reg,
                                          const std::shared_ptr<const Entry>& entry,
                                          std::vector<procs::Value> args) {
  const registry::WasmEntry& w = entry->wasm();
  procs::WasmProcessConfig cfg;
  cfg.module = w.module;
  cfg.method = w.method;
  cfg.args = std::move(args);
  cfg.limits.fuel = w.limits.fuel.value_or(0);
  cfg.limits.max_memory_pages = w.limits.max_memory_pages.value_or(0);
  cfg.limits.max_call_depth = w.limits.max_call_depth.value_or(0);
  cfg.limits.max_execution_ms = w.limits.max_execution_ms.value_or(0);
  if (needs_wasi(w)) {
    std::vector<EnvBinding> env;
    for (const registry::WasiEnv& e : w.wasi.env) {
      const Entry* var = reg.find(e.id);
      if (!var) throw std::runtime_error(entry->id + ": wasi env " + e.id + " is not defined");
      env.push_back({e.id, e.name, e.required, var->env_variable()});
    }
    std::vector<std::string> argv{entry->id};
    argv.insert(argv.end(), w.wasi.args.begin(), w.wasi.args.end());
    // Runs on the process's first step: a missing required variable fails the start.
    cfg.imports = [argv = std::move(argv), env = std::move(env)](procs::WasmImports& im,
                                                                 procs::ProcessContext&) {
      auto ctx = std::make_shared<wasi::WasiContext>();
      ctx->args = argv;
      for (const EnvBinding& b : env) {
        std::optional<std::string> value = b.var.resolve();
        if (!value || value->empty()) {
          if (b.required) throw std::runtime_error("required wasi env variable not found: " + b.id);
          continue;
        }
        ctx->env.push_back(b.name + "=" + *value);
      }
      wasi::add_to_linker(im.linker, *ctx);
      im.keep_alive.push_back(ctx);
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
  return std::make_unique<lua::LuaProcess>(std::move(cfg));
}

}  // namespace

ProjectRuntime::ProjectRuntime(std::shared_ptr<const registry::Registry> reg)
    : reg_(std::move(reg)), system_(std::make_unique<procs::System>()) {
  for (const Entry* e : reg_->of_kind(registry::Kind::ProcessHost)) {
    const registry::ProcessHostEntry& h = e->process_host();
    procs::HostOptions opts;
    opts.name = e->id;
    opts.workers = h.workers.value_or(0);
    if (h.stop_timeout_ms) opts.stop_timeout = std::chrono::milliseconds(*h.stop_timeout_ms);
    system_->add_host(std::move(opts));
  }
  for (const Entry* e : reg_->of_kind(registry::Kind::TerminalHost)) {
    procs::HostOptions opts;
    opts.name = e->id;
    opts.workers = 1;  // one command process, bound to the terminal
    system_->add_host(std::move(opts));
  }
  system_->set_factory([this](const std::string& id, std::vector<procs::Value> args) {
    return make_process(id, std::move(args));
  });
}

ProjectRuntime::~ProjectRuntime() { system_->shutdown(); }

std::unique_ptr<procs::Process> ProjectRuntime::make_process(const std::string& id,
                                                             std::vector<procs::Value> args) const {
  std::shared_ptr<const Entry> entry = reg_->share(id);
  if (!entry) throw std::runtime_error("unknown entry: " + id);
  if (entry->is_wasm()) return make_wasm(*reg_, entry, std::move(args));
  if (entry->is_lua()) return make_lua(entry, std::move(args));
  throw std::runtime_error(id + " is a " + std::string(registry::kind_name(entry->kind)) +
                           ", not a process or function entry");
}

}  // namespace wippy::cli
