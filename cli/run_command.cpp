// `wippy run`: load the project, pick the entry, run it on the terminal host, map
// its result to output and an exit code.
#include "cli/run_command.h"

#include <charconv>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <optional>

#include "cli/project_runtime.h"
#include "registry/registry.h"

namespace wippy::cli {

const char* const kRunUsage =
    "usage: wippy run <command> [args...]     run a command of the project in this directory\n"
    "       wippy run list                    list the project's commands\n"
    "       wippy run -x <entry-id> [args...] run a process entry that has no command\n";

namespace {

constexpr int kExitError = 1;
constexpr int kExitUsage = 2;

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
    std::printf("%-*s  %-*s  %s\n", static_cast<int>(name_w), e->command->name.c_str(),
                static_cast<int>(short_w), e->command->short_description.c_str(), e->id.c_str());
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

int run_command(std::span<const std::string> words) {
  if (words.empty() || words[0] == "-h" || words[0] == "--help") {
    std::fputs(kRunUsage, words.empty() ? stderr : stdout);
    return words.empty() ? kExitUsage : 0;
  }

  engine::Engine engine;
  std::shared_ptr<registry::Registry> reg;
  try {
    reg = std::make_shared<registry::Registry>(registry::Registry::load(std::filesystem::current_path(), engine));
  } catch (const registry::LoadError& e) {
    for (const std::string& line : e.errors()) std::fprintf(stderr, "wippy: %s\n", line.c_str());
    if (e.errors().size() > 1) {
      std::fprintf(stderr, "wippy: the project did not load (%zu errors)\n", e.errors().size());
    }
    return kExitError;
  }

  if (words[0] == "list") {
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

  std::vector<const registry::Entry*> terminals = reg->of_kind(registry::Kind::TerminalHost);
  if (terminals.empty()) {
    std::fprintf(stderr,
                 "wippy: this project has no terminal.host entry, which commands run on: "
                 "add '- {name: terminal, kind: terminal.host}' to the entries of a YAML file in %s\n",
                 reg->src_dir().lexically_relative(reg->project_dir()).c_str());
    return kExitError;
  }

  std::vector<procs::Value> args;
  for (size_t i = first_arg; i < words.size(); ++i) {
    args.push_back(entry->is_wasm() ? wasm_arg(words[i]) : procs::Value(words[i]));
  }

  std::optional<procs::Event> result;
  {
    ProjectRuntime runtime(reg);
    std::mutex mu;
    std::condition_variable cv;
    procs::SpawnOptions opts;
    opts.on_exit = [&](const procs::Event& ev) {
      std::lock_guard lk(mu);
      result = ev;
      cv.notify_all();
    };
    procs::SpawnResult r = runtime.system().spawn(terminals.front()->id, entry->id, std::move(args), std::move(opts));
    if (!r) {
      std::fprintf(stderr, "wippy: cannot start %s: %s\n", entry->id.c_str(), r.error.c_str());
      return kExitError;
    }
    std::unique_lock lk(mu);
    cv.wait(lk, [&] { return result.has_value(); });
  }  // the runtime shuts down: CANCEL to what is left, terminate after the stop timeout

  if (result->error) {
    std::fflush(stdout);
    std::fprintf(stderr, "error: %s\n", result->error->c_str());
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
