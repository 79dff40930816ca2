// Runs one wast2json script (the .json file and its .wasm modules) and collects the
// per-command outcome.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace wippy::spectest {

struct Options {
  bool sliced = false;   // run every execution in budgets 1, 2, 3, 7, 1, ...
  bool verbose = false;  // list every failure and every message difference
  bool lazy = false;     // translate every module lazily (each function on first call)
};

// Counters a script updates as it goes; with process isolation they live in shared
// memory so that the parent can report a crash at the right line.
struct Progress {
  uint64_t passed = 0;
  uint64_t failed = 0;
  uint64_t skipped = 0;
  uint64_t msgdiff = 0;
  uint64_t executions = 0;  // calls and start functions run
  uint64_t slices = 0;      // Execution::run() calls they took
  uint32_t line = 0;      // line of the command being run
  char command[32] = {};  // its type
};

struct FileResult {
  std::string name;  // e.g. "i32.wast"
  Progress counts;
  std::map<std::string, uint64_t> skip_reasons;  // reason -> commands skipped for it
  std::vector<std::string> failures;             // "line N: type: detail"
  std::vector<std::string> msgdiffs;             // "line N: expected 'X', got 'Y'"
};

// Runs every command of the script at `json_path`. A script in a directory named
// `core` (the WebAssembly 2.0 suite) runs with multi-memory off. Each command (module, register,
// action, assertion) counts once as passed, failed or skipped. Never throws for a
// problem of a single command; `progress` (optional) mirrors the counters live.
FileResult run_script(const std::filesystem::path& json_path, const std::string& name,
                      const Options& options, Progress* progress = nullptr);

}  // namespace wippy::spectest
