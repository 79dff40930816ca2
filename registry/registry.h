// The project registry: wippy.lock + the YAML files under directories.src -> typed,
// validated entries. Loading is all-or-nothing: any error fails the whole load, and
// every WASM module is verified against its sha256 hash before anything runs.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "engine/engine.h"
#include "registry/entry.h"

namespace wippy::registry {

inline constexpr const char* kLockFileName = "wippy.lock";

// A failed load. `errors()` holds every problem found, one line each, naming the file,
// the entry ID and the field ("src/_index.yaml: entry myns:w: fs is required");
// what() is the first of them, followed by "(and N more errors)" when there are more.
class LoadError : public std::runtime_error {
 public:
  explicit LoadError(std::vector<std::string> errors);
  const std::vector<std::string>& errors() const { return errors_; }
  // Every error, one per line.
  std::string all() const;

 private:
  std::vector<std::string> errors_;
};

// Settings from wippy.lock.
struct LockFile {
  std::filesystem::path src_dir;  // absolute; `directories.src`, default ./src
};

// Reads `<project_dir>/wippy.lock`. Throws LoadError when it is missing or invalid.
LockFile read_lock_file(const std::filesystem::path& project_dir);

struct LoadOptions {
  // Verify hashes and decode WASM modules (true for `wippy run`). Without it the
  // module files are not read at all and WasmEntry::module stays null.
  bool verify_wasm = true;
  // Create the directories of fs.directory entries with auto_init after a successful load.
  bool init_directories = true;
};

// Checks a WASM entry's module file without decoding it (for listings): "" when the
// file exists and matches the entry's hash, else "module missing" or "hash mismatch".
std::string module_file_problem(const WasmEntry& w);

class Registry {
 public:
  // Loads the project in `project_dir`. `engine` loads (and caches) the modules.
  // Throws LoadError.
  static Registry load(const std::filesystem::path& project_dir, engine::Engine& engine,
                       const LoadOptions& options = {});

  const std::filesystem::path& project_dir() const { return project_dir_; }
  const std::filesystem::path& src_dir() const { return src_dir_; }

  // Entries ordered by ID.
  const std::vector<std::shared_ptr<const Entry>>& entries() const { return entries_; }
  // The entry with this ID, or null.
  const Entry* find(std::string_view id) const;
  std::vector<const Entry*> of_kind(Kind kind) const;

  // Process entries with meta.command, ordered by command name.
  std::vector<const Entry*> commands() const;
  const Entry* find_command(std::string_view name) const;

  // Shared ownership, so a runtime can keep one entry alive without the registry.
  std::shared_ptr<const Entry> share(std::string_view id) const;

 private:
  std::filesystem::path project_dir_;
  std::filesystem::path src_dir_;
  std::vector<std::shared_ptr<const Entry>> entries_;
  std::map<std::string, std::shared_ptr<const Entry>, std::less<>> by_id_;
  std::map<std::string, const Entry*, std::less<>> commands_;
};

}  // namespace wippy::registry
