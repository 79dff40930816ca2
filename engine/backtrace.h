// The text of a trap's backtrace, as `wippy wasm` and `wippy run` print it.
#pragma once

#include <string>

#include "interp/execution.h"

namespace wippy::engine {

// One line per frame, innermost first ("  #0 func[3] name at 0x2a\n"); a deep stack
// shows its innermost and outermost frames with "  ... N more frames" between them.
std::string format_backtrace(const interp::Trap& trap);

}  // namespace wippy::engine
