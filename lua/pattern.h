// string.find, string.match, string.gmatch and string.gsub with a bounded matcher.
//
// Lua's own matcher runs in C: no VM instructions, so the count hook never fires
// and a backtracking pattern (string.find(("a"):rep(1e6), ".-.-.-.-b")) holds the
// worker for hours. This is our own matcher for the same pattern language (same
// results and error texts as stock Lua 5.4) counting its steps: each call (each
// gmatch iterator call) may take at most
//   kPatternBaseSteps + kPatternStepsPerByte * (subject length)
// steps, then fails with "<fn>: pattern too complex for the subject"; and every
// kPatternCheckEvery steps it calls `check`, which may raise a Lua error (the
// process's hard limits: time limit, terminate).
#pragma once

#include <lua.hpp>

#include <cstdint>

namespace wippy::lua {

inline constexpr int64_t kPatternBaseSteps = 10'000'000;  // about 0.2 s
inline constexpr int64_t kPatternStepsPerByte = 50;
inline constexpr int64_t kPatternCheckEvery = 1 << 16;

// Replaces the four functions in the `string` table (and so the string methods).
// `check` may be null; it must not return normally after raising.
void install_bounded_patterns(lua_State* L, void (*check)(lua_State*));

}  // namespace wippy::lua
