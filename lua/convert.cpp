// Lua <-> Value conversion.
#include "lua/convert.h"

#include <cmath>
#include <stdexcept>
#include <vector>

namespace wippy::lua {

namespace {

constexpr int kMaxDepth = 64;

procs::Value convert(lua_State* L, int idx, int depth) {
  idx = lua_absindex(L, idx);
  switch (lua_type(L, idx)) {
    case LUA_TNIL:
    case LUA_TNONE:
      return {};
    case LUA_TBOOLEAN:
      return procs::Value(lua_toboolean(L, idx) != 0);
    case LUA_TNUMBER:
      if (lua_isinteger(L, idx)) return procs::Value(static_cast<int64_t>(lua_tointeger(L, idx)));
      return procs::Value(static_cast<double>(lua_tonumber(L, idx)));
    case LUA_TSTRING: {
      size_t len = 0;
      const char* s = lua_tolstring(L, idx, &len);
      return procs::Value(std::string(s, len));
    }
    case LUA_TTABLE: {
      if (depth >= kMaxDepth) {
        throw std::runtime_error("cannot convert a table nested deeper than " + std::to_string(kMaxDepth) +
                                 " levels (a cycle?)");
      }
      if (!lua_checkstack(L, 4)) throw std::runtime_error("Lua stack overflow while converting a table");
      lua_Integer n = static_cast<lua_Integer>(lua_rawlen(L, idx));
      // An array when the keys are exactly 1..n.
      size_t count = 0;
      bool only_seq = true;
      lua_pushnil(L);
      while (lua_next(L, idx) != 0) {
        ++count;
        if (!lua_isinteger(L, -2)) {
          only_seq = false;
        } else {
          lua_Integer k = lua_tointeger(L, -2);
          if (k < 1 || k > n) only_seq = false;
        }
        lua_pop(L, 1);
      }
      if (count == 0) return procs::Value(procs::Value::Array{});
      if (only_seq && static_cast<lua_Integer>(count) == n) {
        procs::Value::Array arr;
        arr.reserve(count);
        for (lua_Integer i = 1; i <= n; ++i) {
          lua_rawgeti(L, idx, i);
          arr.push_back(convert(L, -1, depth + 1));
          lua_pop(L, 1);
        }
        return procs::Value(std::move(arr));
      }
      procs::Value::Map map;
      lua_pushnil(L);
      while (lua_next(L, idx) != 0) {
        std::string key;
        if (lua_type(L, -2) == LUA_TSTRING) {
          size_t len = 0;
          const char* s = lua_tolstring(L, -2, &len);
          key.assign(s, len);
        } else if (lua_type(L, -2) == LUA_TNUMBER) {
          // Not luaL_tolstring: a script can give numbers a __tostring (it would run
          // unprotected here). lua_tolstring formats a copy without metamethods.
          lua_pushvalue(L, -2);
          size_t len = 0;
          const char* s = lua_tolstring(L, -1, &len);
          key.assign(s, len);
          lua_pop(L, 1);
        } else if (lua_type(L, -2) == LUA_TBOOLEAN) {
          key = lua_toboolean(L, -2) ? "true" : "false";
        } else {
          std::string type = luaL_typename(L, -2);
          lua_pop(L, 2);
          throw std::runtime_error("cannot convert a table with a " + type + " key");
        }
        map.emplace_back(std::move(key), convert(L, -1, depth + 1));
        lua_pop(L, 1);
      }
      return procs::Value(std::move(map));
    }
    default:
      throw std::runtime_error(std::string("cannot pass a ") + luaL_typename(L, idx) +
                               " between processes");
  }
}

void set_string(lua_State* L, const char* key, const std::string& value) {
  lua_pushlstring(L, value.data(), value.size());
  lua_setfield(L, -2, key);
}

}  // namespace

procs::Value to_value(lua_State* L, int idx) { return convert(L, idx, 0); }

void push_value(lua_State* L, const procs::Value& v) {
  luaL_checkstack(L, 3, "pushing a value");
  switch (v.type()) {
    case procs::Value::Type::Nil: lua_pushnil(L); break;
    case procs::Value::Type::Bool: lua_pushboolean(L, v.as_bool()); break;
    case procs::Value::Type::Int: lua_pushinteger(L, static_cast<lua_Integer>(v.as_int())); break;
    case procs::Value::Type::Double: lua_pushnumber(L, static_cast<lua_Number>(v.as_double())); break;
    case procs::Value::Type::String: lua_pushlstring(L, v.as_string().data(), v.as_string().size()); break;
    case procs::Value::Type::Array: {
      const auto& arr = v.as_array();
      lua_createtable(L, static_cast<int>(arr.size()), 0);
      for (size_t i = 0; i < arr.size(); ++i) {
        push_value(L, arr[i]);
        lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
      }
      break;
    }
    case procs::Value::Type::Map: {
      const auto& map = v.as_map();
      lua_createtable(L, 0, static_cast<int>(map.size()));
      for (const auto& [k, val] : map) {
        lua_pushlstring(L, k.data(), k.size());
        push_value(L, val);
        lua_rawset(L, -3);
      }
      break;
    }
  }
}

void push_event(lua_State* L, const procs::Event& ev) {
  lua_createtable(L, 0, 7);
  lua_pushstring(L, procs::event_kind_name(ev.kind));
  lua_setfield(L, -2, "kind");
  lua_pushstring(L, procs::event_type_name(ev.kind));
  lua_setfield(L, -2, "type");
  if (ev.from.valid()) set_string(L, "from", ev.from.to_string());
  if (ev.kind == procs::EventKind::Cancel) {
    push_value(L, ev.value);  // cancel(pid, reason)
    lua_setfield(L, -2, "reason");
    return;
  }
  lua_createtable(L, 0, 2);  // result = {value, error}
  push_value(L, ev.value);
  lua_setfield(L, -2, "value");
  if (ev.error) set_string(L, "error", *ev.error);
  lua_setfield(L, -2, "result");
  push_value(L, ev.value);
  lua_setfield(L, -2, "value");
  if (ev.error) set_string(L, "error", *ev.error);
}

void push_message(lua_State* L, const procs::Message& m) {
  lua_createtable(L, 0, 4);
  lua_pushstring(L, "MESSAGE");
  lua_setfield(L, -2, "type");
  if (m.from.valid()) set_string(L, "from", m.from.to_string());
  set_string(L, "topic", m.topic);
  push_value(L, m.payload);
  lua_setfield(L, -2, "payload");
}

}  // namespace wippy::lua
