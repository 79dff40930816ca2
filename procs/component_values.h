// procs::Value (what Lua, messages and the CLI hand a process) <-> component::Value,
// by the WIT type (design.md section 10): integers range-checked, strings valid
// UTF-8, list<u8> also from a string, records as maps keyed by field names, tuples
// as arrays, option as value or nil, result as {ok = v} / {err = e}, variant as
// {case = payload}, enum as its case index (or name), flags as a bitmask.
#pragma once

#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "component/types.h"
#include "component/value.h"
#include "procs/value.h"

namespace wippy::procs {

// A value that does not fit its WIT type; the message names the place:
//   "expected string for users[2].name, got integer"
//   "integer 300 out of range for u8 in xs[1]"
class ValueError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// The arguments of a function type (its params are `fields`): each argument is
// named by its parameter, nested values by a path into it (`users[2].name`,
// 1-based as in Lua). A count mismatch: "parameter count mismatch: expected N, got M".
std::vector<component::Value> to_component_args(const component::Type& func, std::span<const Value> args);
component::Value to_component_value(const Value& v, const component::Type& t, const std::string& path);

// A lifted result -> Value. A u64 above 2^63-1 has no Lua integer: ValueError. A
// case without payload becomes `true` ({ok = true}, {circle = true}); an owned or
// borrowed handle {resource = "name", handle = N}.
Value from_component_value(const component::Value& v, const component::Type& t, const std::string& path = "result");
// The results of a call of `func` (0 or 1 values): the value, or nil.
Value from_component_results(const component::Type& func, const std::vector<component::Value>& results);

// A byte string <-> a list<u8> value (one value a byte).
component::Value bytes_value(const std::string& s);
std::string bytes_of(const component::Value& list);

}  // namespace wippy::procs
