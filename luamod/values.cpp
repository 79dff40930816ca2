// Lua numbers <-> WebAssembly values, and option-table fields, with errors that name
// the value and what was wrong.
#include <cmath>
#include <string>

#include "luamod/lwippy.h"

namespace wippy::lmod {

namespace {

std::string describe(lua_State* L, int index) {
  if (lua_type(L, index) == LUA_TNUMBER) {
    size_t len = 0;
    lua_pushvalue(L, index);
    const char* s = lua_tolstring(L, -1, &len);
    std::string out(s, len);
    lua_pop(L, 1);
    return out;
  }
  return std::string("a ") + luaL_typename(L, index);
}

int64_t to_integer(lua_State* L, int index, ValType type, const std::string& what) {
  int ok = 0;
  lua_Integer v = lua_tointegerx(L, index, &ok);
  if (!ok) {
    throw LuaError(what + ": expected an integer (" + to_string(type) + "), got " + describe(L, index));
  }
  return v;
}

}  // namespace

Val to_val(lua_State* L, int index, ValType type, const std::string& what) {
  if (lua_type(L, index) != LUA_TNUMBER) {
    throw LuaError(what + ": expected a number (" + std::string(to_string(type)) + "), got " +
                   describe(L, index));
  }
  switch (type) {
    case ValType::I32: {
      // Signed or unsigned 32-bit: -2^31 .. 2^32-1.
      int64_t v = to_integer(L, index, type, what);
      if (v < INT32_MIN || v > int64_t{UINT32_MAX}) {
        throw LuaError(what + ": " + std::to_string(v) + " is out of range for i32");
      }
      return Val(static_cast<int32_t>(static_cast<uint32_t>(v)));
    }
    case ValType::I64: return Val(to_integer(L, index, type, what));
    case ValType::F32: return Val(static_cast<float>(lua_tonumber(L, index)));
    case ValType::F64: return Val(static_cast<double>(lua_tonumber(L, index)));
    default: throw LuaError(what + ": " + to_string(type) + " values cannot be passed from Lua");
  }
}

void push_val(lua_State* L, const Val& v) {
  switch (v.type()) {
    case ValType::I32: lua_pushinteger(L, v.i32()); return;
    case ValType::I64: lua_pushinteger(L, v.i64()); return;
    case ValType::F32: lua_pushnumber(L, v.f32()); return;
    case ValType::F64: lua_pushnumber(L, v.f64()); return;
    case ValType::V128:
    case ValType::FuncRef:
    case ValType::ExternRef:
      // No Lua counterpart: a light userdata of the bits keeps nil for null.
      if (v.bits() == 0 && v.type() != ValType::V128) {
        lua_pushnil(L);
      } else {
        lua_pushlightuserdata(L, reinterpret_cast<void*>(static_cast<uintptr_t>(v.bits())));
      }
      return;
  }
}

std::vector<Val> to_args(lua_State* L, int first, int count, const FuncType& type, const std::string& name) {
  if (static_cast<size_t>(count) != type.params.size()) {
    throw LuaError(name + ": expected " + std::to_string(type.params.size()) + " argument" +
                   (type.params.size() == 1 ? "" : "s") + ", got " + std::to_string(count));
  }
  std::vector<Val> args;
  args.reserve(type.params.size());
  for (int i = 0; i < count; ++i) {
    args.push_back(to_val(L, first + i, type.params[i], name + ": argument " + std::to_string(i + 1)));
  }
  return args;
}

uint64_t opt_uint_field(lua_State* L, int table, const char* field, uint64_t fallback, uint64_t max,
                        const char* where) {
  lua_getfield(L, table, field);
  uint64_t out = fallback;
  if (!lua_isnil(L, -1)) {
    int ok = 0;
    lua_Integer v = lua_type(L, -1) == LUA_TNUMBER ? lua_tointegerx(L, -1, &ok) : 0;
    if (!ok || v < 0 || static_cast<uint64_t>(v) > max) {
      std::string got = describe(L, -1);
      lua_pop(L, 1);
      throw LuaError(std::string(where) + "." + field + ": expected an integer from 0 to " + std::to_string(max) +
                     ", got " + got);
    }
    out = static_cast<uint64_t>(v);
  }
  lua_pop(L, 1);
  return out;
}

void check_fields(lua_State* L, int table, std::span<const char* const> known, const char* where) {
  table = lua_absindex(L, table);
  lua_pushnil(L);
  while (lua_next(L, table)) {
    lua_pop(L, 1);  // the value
    bool ok = false;
    if (lua_type(L, -1) == LUA_TSTRING) {
      std::string key = lua_tostring(L, -1);
      for (const char* k : known) ok = ok || key == k;
    }
    if (!ok) {
      std::string key = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : describe(L, -1);
      lua_pop(L, 1);
      std::string list;
      for (const char* k : known) list += (list.empty() ? "" : ", ") + std::string(k);
      throw LuaError(std::string(where) + ": unknown field '" + key + "' (known: " + list + ")");
    }
  }
}

}  // namespace wippy::lmod
