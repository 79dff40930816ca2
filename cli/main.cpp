// The `wippy` binary: dispatches to its subcommands.
#include <cstdio>
#include <string>
#include <vector>

#include "cli/run_command.h"
#include "cluster/node.h"
#include "cli/wasm_command.h"

namespace {

const char* const kUsage =
    "usage: wippy <command> [args...]\n"
    "\n"
    "commands:\n"
    "  wasm FILE.wasm [--invoke NAME] [ARGS...] [--fuel N] [--slice N] [--stats]\n"
    "                 run a WebAssembly module directly (see `wippy wasm --help`)\n"
    "  run NAME [ARGS...] | run list | run -x ENTRY-ID [ARGS...]\n"
    "                 run a command of the project in this directory (wippy.lock)\n"
    "  help           show this message\n";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::fputs(kUsage, stderr);
    return wippy::cli::kExitUsage;
  }
  const std::string& cmd = args[0];
  if (cmd == "help" || cmd == "-h" || cmd == "--help") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (cmd == "wasm") return wippy::cli::wasm_command(std::span<const std::string>(args).subspan(1));
  if (cmd == "run") {
    int code = wippy::cli::run_command(std::span<const std::string>(args).subspan(1));
    wippy::cluster::close_nats_library();  // after the node has left
    return code;
  }
  std::fprintf(stderr, "wippy: unknown command '%s'\n\n%s", cmd.c_str(), kUsage);
  return wippy::cli::kExitUsage;
}
