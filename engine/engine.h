// The embedding API: load (hash check, cache), link, instantiate with limits, invoke.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/execution.h"
#include "engine/host.h"
#include "engine/types.h"

namespace wippy::engine {

// Per-instance limits. Zero fuel means unlimited.
using Limits = StoreLimits;

// Thrown for load failures that are not module errors (hash mismatch, unreadable file).
class LoadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Lowercase hex SHA-256 of the bytes (OpenSSL).
std::string sha256_hex(std::span<const uint8_t> bytes);
// Checks `bytes` against "sha256:<hex>" ("" checks nothing). Throws LoadError
// "hash verification failed: expected X, got Y" or "invalid hash format: ...".
void verify_hash(std::span<const uint8_t> bytes, std::string_view expected_hash);

// When a module's function bodies are translated (see EngineConfig::translation).
using Translation = interp::DecodeOptions::Translation;

struct EngineConfig {
  // Off only to measure what metering costs: unmetered modules ignore budgets and
  // fuel limits (a run never yields and never runs out).
  bool fuel_metering = true;
  // Off: modules follow WebAssembly 2.0 and may have one memory at most (the spec
  // runner uses it for the 2.0 core suite, which tests that "multiple memories" are
  // refused).
  bool multi_memory = true;
  // Threads that translate a module's function bodies: 0 picks by code size (big
  // modules use every core), 1 keeps loads on the calling thread.
  unsigned compile_threads = 0;
  // When function bodies are translated (interp/module.h): Auto translates modules of
  // at least 1 MiB of code lazily, each function on its first call. Validation is
  // always complete at load; results and fuel do not depend on it.
  Translation translation = Translation::Auto;
};

class Engine {
 public:
  explicit Engine(EngineConfig config = {}) : config_(config) {}
  const EngineConfig& config() const { return config_; }
  // The config as the decoder takes it (also for the core modules inside components).
  DecodeOptions decode_options() const {
    return {.fuel_metering = config_.fuel_metering,
            .multi_memory = config_.multi_memory,
            .compile_threads = config_.compile_threads,
            .translation = config_.translation};
  }

  // Decodes, validates and translates, or returns the cached module for identical
  // bytes (keyed by xxHash3-128). `expected_hash` is "" or "sha256:<hex>"; a mismatch
  // throws LoadError("hash verification failed: expected X, got Y"). Malformed or
  // invalid modules throw ModuleError, also a file larger than the module size
  // limit (interp/limits.h), which is refused before it is read.
  ModulePtr load(std::span<const uint8_t> bytes, std::string_view expected_hash = {});
  ModulePtr load_file(const std::filesystem::path& path, std::string_view expected_hash = {});

  size_t cache_size() const;
  size_t cache_hits() const;

 private:
  EngineConfig config_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::weak_ptr<const Module>> cache_;  // key: xxh128 hex
  size_t cache_hits_ = 0;  // under mu_
};

class Instance;

// Host functions and other instances' exports, by module and name.
class Linker {
 public:
  void define_func(std::string module, std::string name, FuncType type, HostFn fn);
  void define(std::string module, std::string name, Extern ext);
  // Makes every export of `instance` importable under `module`.
  void define_instance(std::string module, const Instance& instance);
  bool has(std::string_view module, std::string_view name) const;
  // Replaces every host function defined so far by `wrap(its function)`: an embedder
  // adds a check around all of them (a process checks its time limit after each).
  void wrap_host_funcs(const std::function<HostFn(HostFn)>& wrap);

  // One extern per import of `module`, in order, allocated in `store` where needed.
  // Throws LinkError "unknown import: module.name" or
  // "incompatible import type for module.name" (with both types for a host function).
  std::vector<Extern> resolve(Store& store, const Module& module) const;

 private:
  struct Def {
    std::shared_ptr<const HostFunc> host;  // host function (allocated per store)
    Extern ext;                                     // or a ready extern
  };
  std::map<std::pair<std::string, std::string>, Def, std::less<>> defs_;
};

class Instance {
 public:
  // Instantiates in a fresh store with `limits` (start function not yet run).
  Instance(const Linker& linker, ModulePtr module, Limits limits = {});
  // Instantiates in an existing store (shared with other instances, as spec scripts do).
  Instance(const Linker& linker, ModulePtr module, std::shared_ptr<Store> store);

  const Module& module() const { return *inst_->module; }
  // Moves the instance's module reference out, for an owner that releases references
  // a batch at a time (procs/module_release.h). The caller keeps it until the instance
  // and its store are destroyed; module() may not be called after this.
  ModulePtr take_module_reference() { return std::move(inst_->module); }
  Store& store() const { return *store_; }
  std::shared_ptr<Store> shared_store() const { return store_; }

  // An Execution of the start function, or null if the module has none.
  std::unique_ptr<Execution> start();
  // The module's start function, or null when it has none (a caller that drives its
  // own Execution runs it first).
  FuncInst* start_function() const { return module().start ? inst_->funcs[*module().start] : nullptr; }
  // Runs the start function to completion (used when no suspension is expected).
  // Throws TrapError on a trap.
  void run_start();

  // Prepares a call of an exported function. Throws std::invalid_argument if the
  // export is missing, not a function, or the argument count is wrong.
  std::unique_ptr<Execution> call(std::string_view export_name, std::span<const uint64_t> args);
  std::optional<Extern> get_export(std::string_view name) const { return inst_->get_export(name); }
  // Memory `index` of the instance's memory index space (imported ones first), or
  // null if there is none by that index.
  Memory* memory(uint32_t index = 0) const;
  // The memory exported as `name`, or null if no memory is exported by that name.
  Memory* exported_memory(std::string_view name) const;
  // Every memory of the instance's memory index space, imported ones first.
  const std::vector<Memory*>& memories() const { return inst_->memories; }

 private:
  // The module is held by inst_ (one reference per instance: the count is shared by
  // every thread instantiating it).
  std::shared_ptr<Store> store_;
  interp::Instance* inst_ = nullptr;
};

}  // namespace wippy::engine
