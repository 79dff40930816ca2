// A readable listing of a function's internal code, for debugging the translator
// and for reading what the run loop executes.
#pragma once

#include <string>

#include "interp/module.h"

namespace wippy::interp {

// One line per instruction: code index, handler name and the raw operand words.
std::string disassemble(const Function& fn);

}  // namespace wippy::interp
