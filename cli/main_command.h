// The `wippy` command line: global options (--help, --version) and the dispatch to
// the subcommands.
#pragma once

#include <span>
#include <string>

namespace wippy::cli {

// Exit codes shared by the subcommands (the guest's or command's own code otherwise).
inline constexpr int kExitError = 1;  // the command failed (`wippy run`: design.md section 8)
inline constexpr int kExitUsage = 2;  // bad command line (one line ending in "try --help")
// A WebAssembly trap in `wippy wasm`: 128 + SIGABRT, as wasmtime exits on a trap, so
// that a script can tell a trap from a guest's own exit code 1.
inline constexpr int kExitTrap = 134;

extern const char* const kUsage;

// Prints "wippy[ SUBCOMMAND]: MESSAGE; try --help" on stderr and returns kExitUsage.
int usage_error(const std::string& subcommand, const std::string& message);

// `words` are argv without the program name. Returns the exit code.
int main_command(std::span<const std::string> words);

}  // namespace wippy::cli
