// Lua values <-> procs::Value (messages, spawn arguments, results).
#pragma once

#include <lua.hpp>

#include <string>

#include "procs/event.h"
#include "procs/value.h"

namespace wippy::lua {

// Converts the Lua value at `idx`. nil, booleans, integers, floats and strings map
// directly; a table whose keys are exactly 1..n (n >= 1) becomes an array, any other
// table a map (number keys written as text), an empty table an empty array.
// Functions, userdata, threads and cycles throw std::runtime_error naming the type
// (never a Lua error, so C++ callers unwind normally).
procs::Value to_value(lua_State* L, int idx);

// Pushes `v` (arrays as sequences, maps as tables with string keys).
void push_value(lua_State* L, const procs::Value& v);

// Pushes an event as a table:
//   EXIT:      {kind="pid.exit", type="EXIT", from, result={value, error}, value, error}
//   LINK_DOWN: {kind="pid.link.down", type="LINK_DOWN", from, result={error=...}, error}
//   CANCEL:    {kind="pid.cancel", type="CANCEL", from, reason}
void push_event(lua_State* L, const procs::Event& ev);

// Pushes a message as {type="MESSAGE", from, topic, payload}.
void push_message(lua_State* L, const procs::Message& m);

}  // namespace wippy::lua
