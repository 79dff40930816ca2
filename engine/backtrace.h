// The text of a trap's backtrace, as `wippy wasm` and `wippy run` print it.
#pragma once

#include <string>

#include "engine/execution.h"

namespace wippy::engine {

// One line per frame, innermost first ("  at func[3] name (offset 0x2a)\n"); a deep
// stack shows its innermost and outermost frames with "  ... N more frames" between.
std::string format_backtrace(const Trap& trap);

}  // namespace wippy::engine
