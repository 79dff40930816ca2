// The `wippy` binary.
#include <string>
#include <vector>

#include "cli/main_command.h"
#include "cluster/node.h"
#include "log/log.h"

int main(int argc, char** argv) {
  if (std::optional<std::string> problem = wippy::log::init_from_env()) wippy::log::warn("{}", *problem);
  std::vector<std::string> args(argv + 1, argv + argc);
  int code = wippy::cli::main_command(args);
  wippy::cluster::close_nats_library();  // after any node has left
  return code;
}
