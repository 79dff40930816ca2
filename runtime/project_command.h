// Running one command of a loaded project: what `wippy run` does, here so that a
// program embedding the runtime can do the same without the command line.
// Choosing the entry (a command name or `-x <entry-id>`), turning argument words into
// values, choosing the terminal host and the deterministic seed, then running it to its
// EXIT with the project's services around it.
#pragma once

#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "procs/system.h"
#include "registry/registry.h"

namespace wippy::runtime {

class ProjectRuntime;

// Why a command could not be chosen or started. `usage` marks a bad command line
// (`wippy run` exits 2 for it, 1 otherwise).
class CommandError : public std::runtime_error {
 public:
  explicit CommandError(const std::string& what, bool usage = false) : std::runtime_error(what), usage(usage) {}
  bool usage;
};

// Loads the project in `dir`. With `entries_only` (listing the commands) module files
// are neither verified nor loaded and no directory is created, so a module that is not
// built yet does not hide the other commands. Throws registry::LoadError.
std::shared_ptr<registry::Registry> load_project(const std::filesystem::path& dir, engine::Engine& engine,
                                                 bool entries_only = false);

// A command chosen from a command line.
struct Command {
  const registry::Entry* entry = nullptr;     // the process or function entry to run
  const registry::Entry* terminal = nullptr;  // the terminal.host it runs on
  std::vector<procs::Value> args;
};

// `words` is "<command> [args...]" or "-x <entry-id> [args...]"; `host_id` names the
// terminal.host (empty: the project's only one). A WASI command takes its arguments as
// argv strings, a component's (or a wit-typed) export one WAVE word per parameter,
// another WASM export numbers. Throws CommandError naming the problem.
Command resolve_command(const registry::Registry& reg, std::span<const std::string> words,
                        const std::string& host_id);

// Deterministic mode's seed: `seed` (--seed) if given, else a deterministic
// process.host's `seed:`, else 0; nullopt when neither `deterministic` (--deterministic)
// nor any process.host asks for deterministic mode. Throws CommandError when two
// process.host entries ask for different seeds.
std::optional<uint64_t> deterministic_seed(const registry::Registry& reg, bool deterministic,
                                           std::optional<uint64_t> seed);

// Stops a running command from another thread (a signal watcher): the first interrupt
// sends CANCEL with `reason`, a second terminates it; an interrupt before the command
// started keeps it from starting. Made before the runtime and outlives it.
class CommandControl {
 public:
  void interrupt(const procs::Value& reason);
  bool interrupted() const;

 private:
  friend class ProjectRuntime;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  int interrupts_ = 0;
  procs::System* live_ = nullptr;  // while the command runs
  procs::Pid command_;
  std::optional<procs::Event> result_;
};

}  // namespace wippy::runtime
