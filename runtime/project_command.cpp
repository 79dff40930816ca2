// Choosing, preparing and running a project's command.
#include "runtime/project_command.h"

#include <charconv>

#include "component/loader.h"
#include "component/value_text.h"
#include "procs/component_values.h"
#include "runtime/project_runtime.h"

namespace wippy::runtime {

namespace {

// A numeric word -> a number (for the parameters of a WASM entry); else the string.
procs::Value wasm_arg(const std::string& s) {
  int64_t i = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), i);
  if (ec == std::errc() && p == s.data() + s.size()) return procs::Value(i);
  double d = 0;
  auto [p2, ec2] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (ec2 == std::errc() && p2 == s.data() + s.size()) return procs::Value(d);
  return procs::Value(s);
}

// The WIT signature of a WASM entry's method: a component's export, or a core
// module's from `wit:`; null for a WASI command or an untyped core export.
const component::Type* typed_signature(const registry::WasmEntry& w) {
  if (w.is_wasi_command()) return nullptr;
  if (w.component) return component::find_export_func(*w.component, w.method);
  return w.wit_func.get();
}

// One word per parameter: a string parameter takes the word as it is, another type
// reads it as WAVE text (component/value_text.h). Extra or missing words are left
// for the process to report (parameter count mismatch).
std::vector<procs::Value> typed_args(const component::Type& func, std::span<const std::string> words) {
  std::vector<procs::Value> args;
  const auto& params = func.params();
  for (size_t i = 0; i < words.size(); ++i) {
    if (i >= params.size()) {
      args.emplace_back(words[i]);
      continue;
    }
    const component::Type& t = *params[i].type;
    try {
      args.push_back(procs::from_component_value(component::parse_value_text(words[i], t), t, params[i].name));
    } catch (const std::exception& e) {
      throw std::runtime_error("argument " + std::to_string(i + 1) + " (" + params[i].name + ": " +
                               component::type_name(t) + "): " + e.what());
    }
  }
  return args;
}

std::vector<procs::Value> command_args(const registry::Entry& entry, std::span<const std::string> words) {
  if (const component::Type* func = entry.is_wasm() ? typed_signature(entry.wasm()) : nullptr) {
    try {
      return typed_args(*func, words);
    } catch (const std::exception& e) {
      throw CommandError(entry.id + ": " + e.what(), /*usage=*/true);
    }
  }
  const bool numeric = entry.is_wasm() && !entry.wasm().is_wasi_command();
  std::vector<procs::Value> args;
  for (const std::string& w : words) args.push_back(numeric ? wasm_arg(w) : procs::Value(w));
  return args;
}

// The terminal.host to run on: the one named by `wanted`, else the only one.
const registry::Entry* pick_terminal(const registry::Registry& reg, const std::string& wanted) {
  std::vector<const registry::Entry*> terminals = reg.of_kind(registry::Kind::TerminalHost);
  if (!wanted.empty()) {
    for (const registry::Entry* t : terminals) {
      if (t->id == wanted) return t;
    }
    throw CommandError("--host " + wanted + ": no terminal.host entry with this ID");
  }
  if (terminals.empty()) {
    throw CommandError(
        "this project has no terminal.host entry, which commands run on: add "
        "'- {name: terminal, kind: terminal.host}' to the entries of a YAML file in " +
        reg.src_dir().lexically_relative(reg.project_dir()).string());
  }
  if (terminals.size() > 1) {
    std::string ids;
    for (const registry::Entry* t : terminals) ids += (ids.empty() ? "" : ", ") + t->id;
    throw CommandError("this project has " + std::to_string(terminals.size()) + " terminal.host entries (" + ids +
                       "): choose one with --host <id>");
  }
  return terminals.front();
}

}  // namespace

std::shared_ptr<registry::Registry> load_project(const std::filesystem::path& dir, engine::Engine& engine,
                                                 bool entries_only) {
  registry::LoadOptions opts;
  opts.verify_wasm = !entries_only;
  opts.init_directories = !entries_only;
  return std::make_shared<registry::Registry>(registry::Registry::load(dir, engine, opts));
}

Command resolve_command(const registry::Registry& reg, std::span<const std::string> words,
                        const std::string& host_id) {
  if (words.empty()) throw CommandError("missing the command to run (wippy run list shows them)", true);
  Command cmd;
  size_t first_arg = 1;
  if (words[0] == "-x") {
    if (words.size() < 2) throw CommandError("-x needs an entry ID: wippy run -x <namespace:name> [args...]", true);
    cmd.entry = reg.find(words[1]);
    if (!cmd.entry) throw CommandError("no entry " + words[1] + " in this project (IDs are namespace:name)");
    if (!cmd.entry->is_process() && !cmd.entry->is_function()) {
      throw CommandError(cmd.entry->id + " is a " + std::string(registry::kind_name(cmd.entry->kind)) +
                         "; wippy run -x needs a process.lua or process.wasm entry");
    }
    first_arg = 2;
  } else {
    cmd.entry = reg.find_command(words[0]);
    if (!cmd.entry) {
      throw CommandError("unknown command \"" + words[0] + "\": run 'wippy run list' to see this project's commands");
    }
  }
  cmd.terminal = pick_terminal(reg, host_id);
  cmd.args = command_args(*cmd.entry, words.subspan(first_arg));
  return cmd;
}

std::optional<uint64_t> deterministic_seed(const registry::Registry& reg, bool deterministic,
                                           std::optional<uint64_t> seed) {
  const registry::Entry* seeded_host = nullptr;
  for (const registry::Entry* e : reg.of_kind(registry::Kind::ProcessHost)) {
    const registry::ProcessHostEntry& h = e->process_host();
    deterministic = deterministic || h.deterministic;
    if (!h.seed) continue;
    if (seeded_host && *seeded_host->process_host().seed != *h.seed) {
      throw CommandError("process.host entries " + seeded_host->id + " and " + e->id +
                         " ask for different seeds; give one, or --seed");
    }
    seeded_host = e;
  }
  if (!deterministic) return std::nullopt;
  if (seed) return seed;
  return seeded_host ? *seeded_host->process_host().seed : 0;
}

void CommandControl::interrupt(const procs::Value& reason) {
  std::lock_guard lk(mu_);
  const bool first = interrupts_++ == 0;
  if (!live_ || result_) return;
  if (first) live_->cancel(procs::Pid{}, command_, reason);
  else live_->terminate(command_);
}

bool CommandControl::interrupted() const {
  std::lock_guard lk(mu_);
  return interrupts_ > 0;
}

std::optional<procs::Event> ProjectRuntime::run_command(const Command& cmd, CommandControl& control) {
  std::string boot_error = services().start_and_wait();
  if (!boot_error.empty()) throw CommandError(boot_error);
  procs::SpawnOptions opts;
  opts.on_exit = [this, &control](const procs::Event& ev) {
    system().hold();  // deterministic mode: the stop starts from this point of the run
    std::lock_guard lk(control.mu_);
    control.result_ = ev;
    control.cv_.notify_all();
  };
  std::unique_lock lk(control.mu_);
  if (control.interrupts_ > 0) return std::nullopt;
  procs::SpawnResult r = system().spawn(cmd.terminal->id, cmd.entry->id, cmd.args, std::move(opts));
  if (!r) throw CommandError("cannot start " + cmd.entry->id + ": " + r.error);
  control.command_ = r.pid;
  control.live_ = &system();
  system().release();  // held since the services started (deterministic mode)
  control.cv_.wait(lk, [&] { return control.result_.has_value(); });
  system().wait_held();
  control.live_ = nullptr;
  return control.result_;
}

}  // namespace wippy::runtime
