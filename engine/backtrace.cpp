#include "engine/backtrace.h"

namespace wippy::engine {

std::string format_backtrace(const interp::Trap& trap) {
  // Trap::describe is the message, then one line per frame (with the gap the
  // interpreter left in a deep stack): keep the frame lines.
  std::string text = trap.describe();
  if (text.size() <= trap.message.size() + 1) return "";
  return text.substr(trap.message.size() + 1) + "\n";
}

}  // namespace wippy::engine
