// The standard library as a process sees it: what is removed or replaced so that a
// script cannot crash the host, escape preemption or hold its worker thread.
// The list, with the reasons, is in sandbox.cpp and the README's Lua section.
#pragma once

#include <lua.hpp>

#include <string>

namespace wippy::lua {

// Applies the sandbox to a state with the standard libraries open. `check` is
// called during long pattern matches (see pattern.h). Returns an error message, or
// an empty string.
std::string apply_sandbox(lua_State* L, void (*check)(lua_State*));

}  // namespace wippy::lua
