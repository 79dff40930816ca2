// Lua values <-> procs::Value (messages, spawn arguments, results).
#pragma once

#include <lua.hpp>

#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "procs/event.h"
#include "procs/value.h"

namespace wippy::lua {

// Converts Lua values into one message (a payload, or all the arguments of a spawn):
// nil, booleans, integers, floats and strings map directly; a table whose keys are
// exactly 1..n (n >= 1) becomes an array, any other table a map (number keys written
// as text; keys sorted, since Lua's own order changes from run to run), an empty
// table an empty array. A table used in several places becomes
// one shared node (converted once), so the work is linear in the distinct tables.
// Everything read() converts counts against one MessageLimits. Refused, with
// std::runtime_error (never a Lua error, so C++ callers unwind normally) naming the
// place as a path from `root` (`payload.items[3].name`):
//   message contains a cycle at payload.next.back
//   message too large: more than N bytes (max_message_bytes N) at payload.blob
//   message nested too deeply: more than N levels (max_message_depth N) at payload.a.a
//   cannot pass a function between processes (at payload.f)
//   cannot convert a table with a boolean key (at payload)
class ValueReader {
 public:
  ValueReader(lua_State* L, procs::MessageLimits limits) : L_(L), limits_(limits) {}
  procs::Value read(int idx, std::string root);

 private:
  struct Converted {
    procs::Value value;
    unsigned height;  // levels of tables in it, itself included
  };
  procs::Value convert(int idx, unsigned depth, unsigned& height);
  procs::Value convert_table(int idx, unsigned depth, unsigned& height);
  void count(size_t bytes);
  // Throws `what`, the path to the value being converted, then `after`.
  [[noreturn]] void fail(const std::string& what, const char* after = "") const;
  std::string path() const;

  lua_State* L_;
  procs::MessageLimits limits_;
  size_t bytes_ = 0;
  std::vector<std::string> path_;  // root, then ".key" / "[3]" per level
  std::unordered_set<const void*> open_;  // tables being converted (the path's)
  std::unordered_map<const void*, Converted> done_;
};

// One value as one message (the default limits unless the process's host has others).
inline procs::Value to_value(lua_State* L, int idx, procs::MessageLimits limits = {}, std::string root = "value") {
  return ValueReader(L, limits).read(idx, std::move(root));
}

// Pushes `v` (arrays as sequences, maps as tables with string keys); a node `v`
// uses in several places becomes one table used in those places.
void push_value(lua_State* L, const procs::Value& v);

// Pushes an event as a table:
//   EXIT:      {kind="pid.exit", type="EXIT", from, result={value, error}, value, error}
//   LINK_DOWN: {kind="pid.link.down", type="LINK_DOWN", from, result={error=...}, error}
//   CANCEL:    {kind="pid.cancel", type="CANCEL", from, reason}
void push_event(lua_State* L, const procs::Event& ev);

// Pushes a message as {type="MESSAGE", from, topic, payload}.
void push_message(lua_State* L, const procs::Message& m);

}  // namespace wippy::lua
