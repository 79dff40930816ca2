// `wippy run`: load the project, pick the entry, run it on the terminal host, map
// its result to output and an exit code.
#include "cli/run_command.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>

#include <CLI/CLI.hpp>

#include "cli/main_command.h"
#include "component/loader.h"
#include "component/value_text.h"
#include "procs/component_values.h"
#include "cli/signals.h"
#include "runtime/project_runtime.h"
#include "runtime/process_stats.h"
#include "registry/registry.h"

namespace wippy::cli {

const char* const kRunUsage =
    "usage: wippy run [OPTIONS] <command> [args...]      run a command of the project in this directory\n"
    "       wippy run list                               list the project's commands\n"
    "       wippy run [OPTIONS] -x <entry-id> [args...]  run a process entry that has no command\n"
    "  --host <id>  the terminal.host entry to run on (needed when the project has several)\n"
    "  --stats      when the run ends, print per process: fuel, wall time, peak memory (stderr)\n"
    "  --deterministic [--seed N]  one thread, virtual time, random numbers from seed N\n"
    "               (default 0): the same run every time (README: Deterministic mode)\n"
    "  --trace FILE write an event trace (spawns, steps, messages, events, exits) to FILE\n"
    "  -h, --help   show this message\n"
    "\n"
    "Exit codes: the command's result (a number is the code, true/nil/a string 0, false 1);\n"
    "1 if it failed (an error or a trap: message on stderr) or the project did not load;\n"
    "its proc_exit code; 2 for a bad command line; 128+N after signal N (SIGINT, SIGTERM).\n"
    "Environment: WIPPY_LOG=trace|debug|info|warn|error|off (default info).\n";

namespace {

// A command whose module would not load is listed with the reason, e.g. "(module missing)".
std::string list_note(const registry::Entry& e) {
  if (!e.is_wasm()) return "";
  std::string problem = registry::module_file_problem(e.wasm());
  return problem.empty() ? "" : "  (" + problem + ")";
}

void print_list(const registry::Registry& reg) {
  std::vector<const registry::Entry*> cmds = reg.commands();
  if (cmds.empty()) {
    std::printf("no commands: add meta.command {name, short} to a process entry\n");
    return;
  }
  size_t name_w = 4, short_w = 11;
  for (const auto* e : cmds) {
    name_w = std::max(name_w, e->command->name.size());
    short_w = std::max(short_w, e->command->short_description.size());
  }
  std::printf("%-*s  %-*s  %s\n", static_cast<int>(name_w), "NAME", static_cast<int>(short_w),
              "DESCRIPTION", "ENTRY");
  for (const auto* e : cmds) {
    std::printf("%-*s  %-*s  %s%s\n", static_cast<int>(name_w), e->command->name.c_str(),
                static_cast<int>(short_w), e->command->short_description.c_str(), e->id.c_str(),
                list_note(*e).c_str());
  }
}

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

// The terminal.host to run on: the one named by --host, else the only one. Prints why
// not and returns null.
const registry::Entry* pick_terminal(const registry::Registry& reg, const std::string& wanted) {
  std::vector<const registry::Entry*> terminals = reg.of_kind(registry::Kind::TerminalHost);
  if (!wanted.empty()) {
    for (const registry::Entry* t : terminals) {
      if (t->id == wanted) return t;
    }
    std::fprintf(stderr, "wippy: --host %s: no terminal.host entry with this ID\n", wanted.c_str());
    return nullptr;
  }
  if (terminals.empty()) {
    std::fprintf(stderr,
                 "wippy: this project has no terminal.host entry, which commands run on: "
                 "add '- {name: terminal, kind: terminal.host}' to the entries of a YAML file in %s\n",
                 reg.src_dir().lexically_relative(reg.project_dir()).c_str());
    return nullptr;
  }
  if (terminals.size() > 1) {
    std::string ids;
    for (const registry::Entry* t : terminals) ids += (ids.empty() ? "" : ", ") + t->id;
    std::fprintf(stderr, "wippy: this project has %zu terminal.host entries (%s): choose one with --host <id>\n",
                 terminals.size(), ids.c_str());
    return nullptr;
  }
  return terminals.front();
}

// Prints why the entry failed: the message, or the trap and its backtrace.
void print_failure(const registry::Entry& entry, const procs::Event& ev) {
  std::fflush(stdout);
  if (!ev.backtrace.empty()) {
    std::fprintf(stderr, "error: %s: trap: %s\n%s", entry.id.c_str(), ev.error->c_str(), ev.backtrace.c_str());
  } else {
    std::fprintf(stderr, "error: %s: %s\n", entry.id.c_str(), ev.error->c_str());
  }
}

}  // namespace

int exit_code_for(const procs::Value& value, bool failed) {
  if (failed) return kExitError;
  auto clamp = [](double n) {
    if (n == 0) return 0;
    if (n >= 1 && n <= 255) return static_cast<int>(n);
    return 255;
  };
  switch (value.type()) {
    case procs::Value::Type::Bool: return value.as_bool() ? 0 : 1;
    case procs::Value::Type::Int: return clamp(static_cast<double>(value.as_int()));
    case procs::Value::Type::Double: return clamp(std::trunc(value.as_double()));
    default: return 0;
  }
}

int run_command(std::span<const std::string> all_words) {
  std::string host_id;
  runtime::ClusterOptions cluster;
  runtime::read_cluster_env(cluster);
  bool help = false, stats = false, deterministic = false;
  std::optional<uint64_t> seed;
  std::string trace_path;
  // CLI11 reads the options up to the command word (or -x); the rest is the command's.
  CLI::App app{"", "wippy run"};
  app.set_help_flag();
  app.prefix_command();
  app.add_flag("-h,--help", help);
  app.add_flag("--stats", stats);
  constexpr auto kLast = CLI::MultiOptionPolicy::TakeLast;
  app.add_option("--host", host_id)->multi_option_policy(kLast);
  app.add_flag("--deterministic", deterministic);
  app.add_option("--seed", seed)->multi_option_policy(kLast);
  app.add_option("--trace", trace_path)->multi_option_policy(kLast);
  for (const char* flag : runtime::cluster_flags())
    app.add_option_function<std::string>(
           flag, [&cluster, flag](const std::string& v) { runtime::take_cluster_flag(flag, v, cluster); })
        ->multi_option_policy(kLast);
  std::vector<std::string> reversed(all_words.rbegin(), all_words.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::ConversionError&) {
    return usage_error("run", "--seed needs a number from 0 to 2^64-1");
  } catch (const CLI::ArgumentMismatch& e) {
    std::string what = e.what();
    return usage_error("run", "option " + what.substr(0, what.find(':')) + " needs a value");
  } catch (const CLI::ParseError& e) {
    return usage_error("run", e.what());
  }
  if (help) {
    std::fputs(kRunUsage, stdout);
    std::fputs(runtime::kClusterUsage, stdout);
    return 0;
  }
  const std::vector<std::string> rest = app.remaining();
  std::span<const std::string> words(rest);
  if (words.empty()) return usage_error("run", "missing the command to run (wippy run list shows them)");
  if (words[0].size() > 1 && words[0][0] == '-' && words[0] != "-x")
    return usage_error("run", "unknown option " + words[0]);
  if (seed && !deterministic) return usage_error("run", "--seed needs --deterministic");
  if (cluster.node.empty() != cluster.nats_url.empty()) {
    std::fprintf(stderr, "wippy: joining a cluster needs both a node name and a NATS URL "
                         "(--node NAME --nats nats://HOST:PORT, or WIPPY_NODE and WIPPY_NATS)\n");
    return kExitUsage;
  }
  const bool listing = words[0] == "list";

  engine::Engine engine;
  std::shared_ptr<registry::Registry> reg;
  try {
    // Listing reads the entries only: a module that is not built yet, or changed since
    // its hash was written, is marked in the list instead of hiding every command.
    registry::LoadOptions load_opts;
    load_opts.verify_wasm = !listing;
    load_opts.init_directories = !listing;
    reg = std::make_shared<registry::Registry>(
        registry::Registry::load(std::filesystem::current_path(), engine, load_opts));
  } catch (const registry::LoadError& e) {
    for (const std::string& line : e.errors()) std::fprintf(stderr, "wippy: %s\n", line.c_str());
    if (e.errors().size() > 1) {
      std::fprintf(stderr, "wippy: the project did not load (%zu errors)\n", e.errors().size());
    }
    return kExitError;
  }

  if (listing) {
    print_list(*reg);
    return 0;
  }

  const registry::Entry* entry = nullptr;
  size_t first_arg = 1;
  if (words[0] == "-x") {
    if (words.size() < 2) {
      std::fprintf(stderr, "wippy: -x needs an entry ID: wippy run -x <namespace:name> [args...]\n");
      return kExitUsage;
    }
    entry = reg->find(words[1]);
    if (!entry) {
      std::fprintf(stderr, "wippy: no entry %s in this project (IDs are namespace:name)\n", words[1].c_str());
      return kExitError;
    }
    if (!entry->is_process() && !entry->is_function()) {
      std::fprintf(stderr, "wippy: %s is a %s; wippy run -x needs a process.lua or process.wasm entry\n",
                   entry->id.c_str(), std::string(registry::kind_name(entry->kind)).c_str());
      return kExitError;
    }
    first_arg = 2;
  } else {
    entry = reg->find_command(words[0]);
    if (!entry) {
      std::fprintf(stderr, "wippy: unknown command \"%s\": run 'wippy run list' to see this project's commands\n",
                   words[0].c_str());
      return kExitError;
    }
  }

  const registry::Entry* terminal = pick_terminal(*reg, host_id);
  if (!terminal) return kExitError;

  // A WASI command takes its arguments as argv strings; a component's (or a wit-typed)
  // export one word per parameter; another WASM export numbers.
  std::vector<procs::Value> args;
  std::span<const std::string> arg_words = words.subspan(std::min(first_arg, words.size()));
  if (const component::Type* func = entry->is_wasm() ? typed_signature(entry->wasm()) : nullptr) {
    try {
      args = typed_args(*func, arg_words);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "wippy: %s: %s\n", entry->id.c_str(), e.what());
      return kExitUsage;
    }
  } else {
    const bool numeric_args = entry->is_wasm() && !entry->wasm().is_wasi_command();
    for (const std::string& w : arg_words) args.push_back(numeric_args ? wasm_arg(w) : procs::Value(w));
  }

  std::optional<procs::Event> result;
  std::mutex mu;
  std::condition_variable cv;
  runtime::ProjectRuntime* live = nullptr;  // while the command may be signalled
  procs::Pid command;
  int signalled = 0;
  // SIGINT/SIGTERM: CANCEL to the command (a second one terminates it); once it
  // ended, the runtime stops the services in reverse order and shuts down.
  SignalWatch signals([&](int sig) {
    std::lock_guard lk(mu);
    bool first = signalled == 0;
    if (first) signalled = sig;
    if (!live || !command.valid() || result) return;
    if (first) live->system().cancel(procs::Pid{}, command, procs::Value(sig == SIGINT ? "interrupt" : "terminate"));
    else live->system().terminate(command);
  });
  runtime::DeterminismOptions determinism;
  const registry::Entry* seeded_host = nullptr;  // a deterministic process.host's seed, unless --seed
  for (const registry::Entry* e : reg->of_kind(registry::Kind::ProcessHost)) {
    const registry::ProcessHostEntry& h = e->process_host();
    deterministic = deterministic || h.deterministic;
    if (!h.seed) continue;
    if (seeded_host && *seeded_host->process_host().seed != *h.seed) {
      std::fprintf(stderr, "wippy: process.host entries %s and %s ask for different seeds; give one, or --seed\n",
                   seeded_host->id.c_str(), e->id.c_str());
      return kExitError;
    }
    seeded_host = e;
  }
  if (!seed && seeded_host) seed = seeded_host->process_host().seed;
  if (deterministic) determinism.seed = seed.value_or(0);
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> trace_file(nullptr, std::fclose);
  if (!trace_path.empty()) {
    trace_file.reset(std::fopen(trace_path.c_str(), "w"));
    if (!trace_file) {
      std::fprintf(stderr, "wippy: --trace %s: %s\n", trace_path.c_str(), std::strerror(errno));
      return kExitError;
    }
    determinism.trace = [f = trace_file.get()](const std::string& line) {
      std::fwrite(line.data(), 1, line.size(), f);
      std::fputc('\n', f);
    };
  }
  runtime::StatsRecorder recorder;  // --stats: outlives the runtime, whose processes it measures
  {
    std::unique_ptr<runtime::ProjectRuntime> runtime_holder;
    try {
      runtime_holder = std::make_unique<runtime::ProjectRuntime>(reg, cluster, determinism, stats ? &recorder : nullptr);
    } catch (const std::runtime_error& e) {  // a host or the cluster could not be set up
      std::fprintf(stderr, "wippy: %s\n", e.what());
      return kExitError;
    }
    runtime::ProjectRuntime& runtime = *runtime_holder;
    std::string boot_error = runtime.services().start_and_wait();
    if (!boot_error.empty()) {
      std::fprintf(stderr, "wippy: %s\n", boot_error.c_str());
      return kExitError;
    }
    procs::SpawnOptions opts;
    opts.on_exit = [&](const procs::Event& ev) {
      runtime.system().hold();  // deterministic mode: the stop starts from this point of the run
      std::lock_guard lk(mu);
      result = ev;
      cv.notify_all();
    };
    std::unique_lock lk(mu);
    if (signalled == 0) {
      procs::SpawnResult r = runtime.system().spawn(terminal->id, entry->id, std::move(args), std::move(opts));
      if (!r) {
        std::fprintf(stderr, "wippy: cannot start %s: %s\n", entry->id.c_str(), r.error.c_str());
        return kExitError;
      }
      command = r.pid;
      live = &runtime;
      runtime.system().release();  // held since the services started (deterministic mode)
      cv.wait(lk, [&] { return result.has_value(); });
      runtime.system().wait_held();
      live = nullptr;
    }
  }  // the services stop in reverse order, then CANCEL to what is left, terminate after the stop timeout
  if (stats) {
    std::fflush(stdout);
    std::fputs(runtime::format_stats(recorder.closed()).c_str(), stderr);
  }
  if (signalled != 0) {
    std::fflush(stdout);
    return 128 + signalled;
  }

  if (result->exit_code) {  // the command chose its exit code and said why itself
    std::fflush(stdout);
    return *result->exit_code > 255 ? 255 : static_cast<int>(*result->exit_code);
  }
  if (result->error) {
    print_failure(*entry, *result);
    return kExitError;
  }
  const procs::Value& v = result->value;
  if (v.is_string()) {
    std::fwrite(v.as_string().data(), 1, v.as_string().size(), stdout);
    std::fputc('\n', stdout);
  } else if (v.is_array() || v.is_map()) {
    std::printf("%s\n", v.to_string().c_str());
  }
  std::fflush(stdout);
  return exit_code_for(v, false);
}

}  // namespace wippy::cli
