// `wippy wasm [OPTIONS] FILE.wasm [ARGS...]`; exit codes in main_command.h.
#pragma once

#include <span>
#include <string>

namespace wippy::cli {

extern const char* const kWasmUsage;

// Runs the subcommand; `words` are the arguments after `wasm`. Returns the exit code.
int wasm_command(std::span<const std::string> words);

}  // namespace wippy::cli
