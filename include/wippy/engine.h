// Engine (configuration and module cache) and Module (a loaded, validated binary).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "wippy/error.h"
#include "wippy/types.h"

namespace wippy {

namespace detail {
struct EngineImpl;
struct ModuleImpl;
struct Access;
}  // namespace detail

// What one Store (one instance and whatever it calls) may use.
struct Limits {
  uint64_t fuel = 0;                    // instructions in total; 0 = unlimited
  uint32_t max_memory_pages = 16384;    // per memory (64 KiB pages: 1 GiB)
  uint32_t max_call_depth = 10000;      // nested calls
  uint32_t max_stack_cells = 1u << 20;  // value stack (8 bytes each)
  uint32_t max_table_size = 1u << 20;   // elements per table
};

struct EngineConfig {
  bool fuel_metering = true;  // off: no fuel counting at all (budgets and fuel limits are ignored)
  bool multi_memory = true;   // off: WebAssembly 2.0, at most one memory
  // When function bodies are translated to internal code. Auto: modules with at least
  // 1 MiB of code are translated lazily, each function on its first call (faster
  // loads, less memory for code that never runs); smaller ones at load. Validation is
  // always complete at load, and results and fuel do not depend on the choice.
  enum class Translation : uint8_t { Auto, Eager, Lazy };
  Translation translation = Translation::Auto;
};

// A decoded, validated and translated module: immutable, cheap to copy, usable from
// any thread and by any number of instances.
class Module {
 public:
  std::vector<ImportType> imports() const;
  std::vector<ExportType> exports() const;

 private:
  friend struct detail::Access;
  std::shared_ptr<const detail::ModuleImpl> impl_;
};

class Engine {
 public:
  explicit Engine(EngineConfig config = {});
  ~Engine();
  Engine(Engine&&) noexcept;
  Engine& operator=(Engine&&) noexcept;

  // Loads a binary module (identical bytes share one decoded module). `expected_hash`
  // is empty or "sha256:<64 hex digits>"; a mismatch throws LoadError("hash verification
  // failed: expected sha256:X, got sha256:Y"). A malformed or invalid module throws
  // LoadError naming the problem and its byte offset.
  Module load(std::span<const uint8_t> bytes, std::string_view expected_hash = {});
  Module load_file(const std::filesystem::path& path, std::string_view expected_hash = {});

 private:
  std::unique_ptr<detail::EngineImpl> impl_;
};

}  // namespace wippy
