// Typed registry entries: one struct per kind, held by Entry in a variant.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "component/types.h"
#include "engine/engine.h"
#include "wasi/net_policy.h"
#include "procs/supervisor.h"

namespace wippy::component {
struct Component;
}

namespace wippy::registry {

enum class Kind {
  FsDirectory,
  EnvVariable,
  ProcessWasm,
  FunctionWasm,
  ProcessLua,
  FunctionLua,
  ProcessHost,
  TerminalHost,
  ProcessService,
};

// "fs.directory", "process.wasm", ...
std::string_view kind_name(Kind kind);
// The kind for a name, or nullopt for an unknown kind.
std::optional<Kind> parse_kind(std::string_view name);
// "fs.directory, env.variable, ..." (for error messages).
std::string known_kinds();

// Host import groups a WASM entry may enable (`imports:`).
// Process: wippy:runtime/process (self, send, receive: procs/wasm_messages.h).
// Funcs: wippy:runtime/funcs (call other function entries: procs/wasm_funcs.h).
enum class ImportGroup { Cli, Io, Poll, Clocks, Filesystem, Random, Http, Sockets, Funcs, Process };

// "wasi:cli", ..., "funcs".
std::string_view import_group_name(ImportGroup group);
// A group name or an interface name inside it ("wasi:cli/environment@0.2.3",
// "wasi:clocks@0.2.0") -> the group; nullopt if unknown.
std::optional<ImportGroup> parse_import_group(std::string_view name);
std::string known_import_groups();

// `fs.directory`: a host directory, relative to the project directory in the YAML.
struct FsDirectory {
  std::filesystem::path directory;  // absolute (resolved against the project directory)
  std::string configured;           // as written in the YAML
  uint32_t mode = 0755;             // permissions for auto_init
  bool auto_init = false;           // create the directory when the project loads
};

// `env.variable`: an OS environment variable with an optional default.
struct EnvVariable {
  std::string variable;
  std::optional<std::string> default_value;

  // The variable's value from the OS environment, else the default, else nullopt.
  std::optional<std::string> resolve() const;
};

struct WasiEnv {
  std::string id;    // an env.variable entry ID
  std::string name;  // the name the guest sees (default: the variable's OS name)
  bool required = false;
};

struct WasiMount {
  std::string fs;     // an fs.directory entry ID
  std::string guest;  // absolute guest path, normalised (no trailing slash)
  bool read_only = false;
};

struct WasiConfig {
  std::vector<std::string> args;
  std::string cwd;  // absolute, or empty when not set
  std::vector<WasiEnv> env;
  std::vector<WasiMount> mounts;
  // Descriptor numbers the process may use, standard streams and preopens included
  // (wasi::FdTable::kDefaultMaxDescriptors when unset); beyond it, EMFILE.
  std::optional<uint32_t> max_open_files;
  // Bytes the process may add to files on its mounts (wasi::WasiContext::
  // kDefaultMaxWriteBytes when unset; 0: no limit); beyond it, ENOSPC.
  std::optional<uint64_t> max_write_bytes;
  // `network: {allow: [HOST:PORT...], listen: [HOST:PORT...]}` (wasi/net_policy.h).
  wasi::NetworkPolicy network;
};

// `limits:`. Unset fields use the runtime's defaults.
struct WasmLimits {
  std::optional<uint64_t> max_execution_ms;
  std::optional<uint64_t> fuel;
  std::optional<uint32_t> max_memory_pages;
  std::optional<uint32_t> max_call_depth;
};

// `process.wasm` and `function.wasm`.
struct WasmEntry {
  std::string fs;      // fs.directory entry ID
  std::string path;    // path inside the directory, as written ("/worker.wasm")
  std::string hash;    // "sha256:<hex>"
  std::string method;  // exported function (a component's: `name` or `iface#func`)
  std::string wit;     // `wit:` signatures of a core module's exports (component/wit.h)
  std::set<ImportGroup> imports;
  WasiConfig wasi;
  WasmLimits limits;

  // Filled by the loader after verification.
  std::filesystem::path file;  // absolute host path of the module
  engine::ModulePtr module;    // verified against `hash`, decoded and validated, or
  std::shared_ptr<const component::Component> component;  // the same for a component
  component::TypePtr wit_func;  // the method's signature from `wit`, or null

  bool enables(ImportGroup g) const { return imports.count(g) != 0; }
  // A WASI command (method `_start`, or a component's `wasi:cli/run@0.2.x#run`):
  // takes its arguments as argv and ends with an exit code, not as function
  // parameters and results.
  bool is_wasi_command() const { return method == "_start" || method.starts_with("wasi:cli/run@"); }
};

// `limits:` of a Lua entry (fuel, memory pages and call depth are WASM limits).
struct LuaLimits {
  std::optional<uint64_t> max_execution_ms;
  std::optional<uint64_t> fuel;        // VM instructions
  std::optional<uint64_t> max_memory;  // bytes the Lua allocator may hold
};

// `process.lua` and `function.lua`.
struct LuaEntry {
  std::filesystem::path source;  // absolute path of the script
  std::string source_uri;        // as written ("file://main.lua")
  std::string method;            // function in the table the script returns
  std::vector<std::string> modules;
  LuaLimits limits;
};

// `process.host`.
struct ProcessHostEntry {
  std::optional<unsigned> workers;             // default: the number of cores
  // No queue_size / local_queue_size: refused with a reason (parse_process_host).
  std::optional<uint64_t> stop_timeout_ms;     // supervised shutdown (default 10 s)
  // Per-process hoarding limits (0: none); unset: procs::HostOptions' defaults.
  std::optional<size_t> max_mailbox_messages;
  std::optional<size_t> max_mailbox_bytes;
  std::optional<size_t> max_timers;
  std::optional<size_t> max_message_bytes;    // one message, spawn or result (0: none)
  std::optional<unsigned> max_message_depth;  // its nesting, 1 to 1000
  // Deterministic mode for the whole runtime (procs::System::set_deterministic), as
  // `wippy run --deterministic`; `seed` needs it (default 0).
  bool deterministic = false;
  std::optional<uint64_t> seed;
};

// `terminal.host`: runs one command process bound to the terminal.
struct TerminalHostEntry {};

// `meta.command` on a process entry: makes it runnable with `wippy run <name>`.
struct Command {
  std::string name;
  std::string short_description;
};

struct Entry {
  std::string id;  // "namespace:name"
  std::string ns;
  std::string name;
  Kind kind;
  std::filesystem::path file;  // the YAML file, as shown in messages (relative to the project)
  std::optional<Command> command;
  bool remote_spawn = false;  // meta.remote_spawn: other cluster nodes may spawn it

  // ProcessService: the supervisor's configuration, IDs resolved (registry/service.h).
  std::variant<FsDirectory, EnvVariable, WasmEntry, LuaEntry, ProcessHostEntry, TerminalHostEntry,
               procs::ServiceConfig>
      data;

  bool is_process() const { return kind == Kind::ProcessWasm || kind == Kind::ProcessLua; }
  bool is_function() const { return kind == Kind::FunctionWasm || kind == Kind::FunctionLua; }
  bool is_wasm() const { return kind == Kind::ProcessWasm || kind == Kind::FunctionWasm; }
  bool is_lua() const { return kind == Kind::ProcessLua || kind == Kind::FunctionLua; }

  const FsDirectory& fs_directory() const { return std::get<FsDirectory>(data); }
  const EnvVariable& env_variable() const { return std::get<EnvVariable>(data); }
  const WasmEntry& wasm() const { return std::get<WasmEntry>(data); }
  const LuaEntry& lua() const { return std::get<LuaEntry>(data); }
  const ProcessHostEntry& process_host() const { return std::get<ProcessHostEntry>(data); }
  const procs::ServiceConfig& service() const { return std::get<procs::ServiceConfig>(data); }
};

}  // namespace wippy::registry
