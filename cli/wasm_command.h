// `wippy wasm FILE.wasm [--invoke NAME] [ARGS...] [--fuel N] [--slice N] [--stats]`
#pragma once

#include <span>
#include <string>

namespace wippy::cli {

// Exit codes of `wippy wasm`, besides the guest's own exit code.
inline constexpr int kExitTrap = 1;   // the guest trapped (message and backtrace on stderr)
inline constexpr int kExitUsage = 2;  // bad command line, unreadable/malformed module, link error

extern const char* const kWasmUsage;

// Runs the subcommand; `words` are the arguments after `wasm`. Returns the exit code.
int wasm_command(std::span<const std::string> words);

}  // namespace wippy::cli
