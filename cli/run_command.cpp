// `wippy run`: load the project, pick the entry, run it on the terminal host, map
// its result to output and an exit code.
#include "cli/run_command.h"

#include <atomic>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>

#include <CLI/CLI.hpp>

#include "cli/main_command.h"
#include "cli/signals.h"
#include "registry/registry.h"
#include "runtime/process_stats.h"
#include "runtime/project_command.h"
#include "runtime/project_runtime.h"

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
    reg = runtime::load_project(std::filesystem::current_path(), engine, /*entries_only=*/listing);
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

  runtime::Command command;
  runtime::DeterminismOptions determinism;
  try {
    command = runtime::resolve_command(*reg, words, host_id);
    determinism.seed = runtime::deterministic_seed(*reg, deterministic, seed);
  } catch (const runtime::CommandError& e) {
    std::fprintf(stderr, "wippy: %s\n", e.what());
    return e.usage ? kExitUsage : kExitError;
  }

  // SIGINT/SIGTERM: CANCEL to the command (a second one terminates it); once it
  // ended, the runtime stops the services in reverse order and shuts down.
  runtime::CommandControl control;
  std::atomic<int> signalled{0};
  SignalWatch signals([&](int sig) {
    int none = 0;
    signalled.compare_exchange_strong(none, sig);
    control.interrupt(procs::Value(sig == SIGINT ? "interrupt" : "terminate"));
  });
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
  std::optional<procs::Event> result;
  try {
    runtime::ProjectRuntime runtime(reg, cluster, determinism, stats ? &recorder : nullptr);
    result = runtime.run_command(command, control);
    // the services stop in reverse order, then CANCEL to what is left, terminate after the stop timeout
  } catch (const std::runtime_error& e) {  // a host, the cluster, a service or the command could not start
    std::fprintf(stderr, "wippy: %s\n", e.what());
    return kExitError;
  }
  if (stats) {
    std::fflush(stdout);
    std::fputs(runtime::format_stats(recorder.closed()).c_str(), stderr);
  }
  if (signalled != 0 || !result) {
    std::fflush(stdout);
    return 128 + signalled;
  }

  if (result->exit_code) {  // the command chose its exit code and said why itself
    std::fflush(stdout);
    return *result->exit_code > 255 ? 255 : static_cast<int>(*result->exit_code);
  }
  if (result->error) {
    print_failure(*command.entry, *result);
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
