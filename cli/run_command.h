// `wippy run <name> [args...]`, `wippy run list`, `wippy run -x <entry-id> [args...]`:
// runs a project's command (a process entry with meta.command) on its terminal host.
#pragma once

#include <span>
#include <string>

#include "procs/value.h"

namespace wippy::cli {

extern const char* const kRunUsage;

// Runs the subcommand in the current directory; `words` are the arguments after
// `run`. Returns the exit code.
int run_command(std::span<const std::string> words);

// The exit code for a command's result (design.md section 8): error -> 1, string -> 0,
// number -> that number (clamped to 0..255: never 0 for a non-zero number), boolean ->
// 0 for true and 1 for false, nil -> 0, anything else -> 0.
int exit_code_for(const procs::Value& value, bool failed);

}  // namespace wippy::cli
