#include "engine/backtrace.h"

#include <cstdio>

namespace wippy::engine {

std::string format_backtrace(const interp::Trap& trap) {
  // Deep recursions have thousands of frames: show the innermost and the outermost.
  constexpr size_t kHead = 20, kTail = 5;
  const auto& bt = trap.backtrace;
  std::string out;
  char line[64];
  for (size_t i = 0; i < bt.size(); i++) {
    if (bt.size() > kHead + kTail + 1 && i == kHead) {
      std::snprintf(line, sizeof line, "  ... %zu more frames\n", bt.size() - kHead - kTail);
      out += line;
      i = bt.size() - kTail - 1;
      continue;
    }
    const interp::BacktraceFrame& fr = bt[i];
    std::snprintf(line, sizeof line, "  #%zu func[%u]", i, fr.func_index);
    out += line;
    if (!fr.name.empty()) out += " " + fr.name;
    std::snprintf(line, sizeof line, " at 0x%x\n", fr.code_offset);
    out += line;
  }
  return out;
}

}  // namespace wippy::engine
