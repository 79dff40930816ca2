// `wippy [--version | --help] <command> ...`: CLI11 reads the global options up to the
// command word; the command parses the rest.
#include "cli/main_command.h"

#include <cstdio>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/run_command.h"
#include "cli/wasm_command.h"

namespace wippy::cli {

const char* const kUsage =
    "usage: wippy [--version] [--help] <command> [args...]\n"
    "\n"
    "commands:\n"
    "  wasm [OPTIONS] FILE.wasm [ARGS...]\n"
    "                 run a WebAssembly module or component directly (see `wippy help wasm`)\n"
    "  run [OPTIONS] NAME [ARGS...] | run list | run -x ENTRY-ID [ARGS...]\n"
    "                 run a command of the project in this directory (see `wippy help run`)\n"
    "  help [COMMAND] show this message, or a command's\n"
    "\n"
    "environment:\n"
    "  WIPPY_LOG=trace|debug|info|warn|error|off  what the runtime logs to stderr (default info;\n"
    "                 trace adds one line per WASI call of every process)\n";

int usage_error(const std::string& subcommand, const std::string& message) {
  std::fflush(stdout);
  std::string who = subcommand.empty() ? "wippy" : "wippy " + subcommand;
  std::fprintf(stderr, "%s: %s; try --help\n", who.c_str(), message.c_str());
  return kExitUsage;
}

namespace {

int help_command(std::span<const std::string> words) {
  if (words.empty()) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (words[0] == "wasm") {
    std::fputs(kWasmUsage, stdout);
    return 0;
  }
  if (words[0] == "run") {
    std::fputs(kRunUsage, stdout);
    return 0;
  }
  return usage_error("", "no help on '" + words[0] + "': the commands are wasm and run");
}

}  // namespace

int main_command(std::span<const std::string> words) {
  CLI::App app{"", "wippy"};
  app.set_help_flag();
  app.prefix_command();  // the first word that is not a global option starts the command
  bool help = false, version = false;
  app.add_flag("-h,--help", help);
  app.add_flag("--version", version);
  std::vector<std::string> reversed(words.rbegin(), words.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    return usage_error("", e.what());
  }
  if (version) {
    std::printf("wippy %s\n", WIPPY_VERSION);
    return 0;
  }
  if (help) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  std::vector<std::string> rest = app.remaining();
  if (rest.empty()) {
    std::fputs(kUsage, stderr);
    return kExitUsage;
  }
  const std::string& cmd = rest[0];
  std::span<const std::string> args = std::span<const std::string>(rest).subspan(1);
  if (cmd == "help") return help_command(args);
  if (cmd == "wasm") return wasm_command(args);
  if (cmd == "run") return run_command(args);
  if (cmd.size() > 1 && cmd[0] == '-') return usage_error("", "unknown option " + cmd);
  return usage_error("", "unknown command '" + cmd + "'");
}

}  // namespace wippy::cli
