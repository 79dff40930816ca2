// The Lua half of the process, time, channel and funcs modules (prelude.cpp).
#pragma once

namespace wippy::lua {

// A chunk called with the primitives table; it installs the modules (globals and
// package.loaded) and returns the bootstrap function(chunk, method, modules, ...args)
// that the process's coroutine runs.
extern const char* const kPrelude;

}  // namespace wippy::lua
