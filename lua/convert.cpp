// Lua <-> Value conversion.
#include "lua/convert.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace wippy::lua {

namespace {

// A path step for a map key: `.name` for an identifier, else `["text"]` (cut to 40
// characters, so that an error message stays short).
std::string key_step(const std::string& key) {
  bool ident = !key.empty() && !(key[0] >= '0' && key[0] <= '9');
  for (char c : key) ident = ident && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
  if (ident && key.size() <= 40) return "." + key;
  std::string shown = key.substr(0, 40);
  for (char& c : shown)
    if (static_cast<unsigned char>(c) < 0x20 || c == '"' || c == '\\') c = '?';
  return "[\"" + shown + (key.size() > 40 ? "...\"]" : "\"]");
}

void set_string(lua_State* L, const char* key, const std::string& value) {
  lua_pushlstring(L, value.data(), value.size());
  lua_setfield(L, -2, key);
}

}  // namespace

procs::Value ValueReader::read(int idx, std::string root) {
  path_.assign(1, std::move(root));
  unsigned height = 0;
  return convert(lua_absindex(L_, idx), 0, height);
}

std::string ValueReader::path() const {
  std::string out;
  for (const std::string& step : path_) out += step;
  // A deep path keeps its start and its end.
  if (out.size() > 300) out = out.substr(0, 100) + "..." + out.substr(out.size() - 150);
  return out;
}

void ValueReader::fail(const std::string& what, const char* after) const {
  throw std::runtime_error(what + path() + after);
}

void ValueReader::count(size_t bytes) {
  if (limits_.max_bytes && bytes > limits_.max_bytes - bytes_) {  // bytes_ never passes the limit
    std::string n = std::to_string(limits_.max_bytes);
    fail("message too large: more than " + n + " bytes (max_message_bytes " + n + ") at ");
  }
  bytes_ += bytes;
}

// `depth`: the tables around this value; `height` gets the levels of tables in it.
procs::Value ValueReader::convert(int idx, unsigned depth, unsigned& height) {
  height = 0;
  count(procs::Value::kValueBytes);
  switch (lua_type(L_, idx)) {
    case LUA_TNIL:
    case LUA_TNONE:
      return {};
    case LUA_TBOOLEAN:
      return procs::Value(lua_toboolean(L_, idx) != 0);
    case LUA_TNUMBER:
      if (lua_isinteger(L_, idx)) return procs::Value(static_cast<int64_t>(lua_tointeger(L_, idx)));
      return procs::Value(static_cast<double>(lua_tonumber(L_, idx)));
    case LUA_TSTRING: {
      size_t len = 0;
      const char* s = lua_tolstring(L_, idx, &len);
      count(len);
      return procs::Value(std::string(s, len));
    }
    case LUA_TTABLE:
      return convert_table(idx, depth, height);
    default:
      fail(std::string("cannot pass a ") + luaL_typename(L_, idx) + " between processes (at ", ")");
  }
}

procs::Value ValueReader::convert_table(int idx, unsigned depth, unsigned& height) {
  const void* id = lua_topointer(L_, idx);
  auto too_deep = [&] {
    std::string n = std::to_string(limits_.max_depth);
    fail("message nested too deeply: more than " + n + " levels (max_message_depth " + n + ") at ");
  };
  if (open_.count(id)) fail("message contains a cycle at ");
  if (auto it = done_.find(id); it != done_.end()) {  // shared: converted once
    if (depth + it->second.height > limits_.max_depth) too_deep();
    height = it->second.height;
    return it->second.value;
  }
  if (depth >= limits_.max_depth) too_deep();
  if (!lua_checkstack(L_, 4)) fail("Lua stack overflow while converting ");
  open_.insert(id);
  lua_Integer n = static_cast<lua_Integer>(lua_rawlen(L_, idx));
  // An array when the keys are exactly 1..n.
  size_t entries = 0;
  bool only_seq = true;
  lua_pushnil(L_);
  while (lua_next(L_, idx) != 0) {
    ++entries;
    // Each entry will take at least kValueBytes: a table too large to pass is refused
    // before it is scanned to its end.
    if (limits_.max_bytes && entries * procs::Value::kValueBytes > limits_.max_bytes - bytes_)
      count(entries * procs::Value::kValueBytes);
    if (!lua_isinteger(L_, -2)) {
      only_seq = false;
    } else {
      lua_Integer k = lua_tointeger(L_, -2);
      if (k < 1 || k > n) only_seq = false;
    }
    lua_pop(L_, 1);
  }
  procs::Value out;
  unsigned child = 0;
  if (entries == 0) {
    out = procs::Value(procs::Value::Array{});
  } else if (only_seq && static_cast<lua_Integer>(entries) == n) {
    procs::Value::Array arr;
    arr.reserve(entries);
    for (lua_Integer i = 1; i <= n; ++i) {
      lua_rawgeti(L_, idx, i);
      path_.push_back("[" + std::to_string(i) + "]");
      unsigned h;
      arr.push_back(convert(lua_gettop(L_), depth + 1, h));
      child = std::max(child, h);
      path_.pop_back();
      lua_pop(L_, 1);
    }
    out = procs::Value(std::move(arr));
  } else {
    procs::Value::Map map;
    lua_pushnil(L_);
    while (lua_next(L_, idx) != 0) {
      std::string key;
      if (lua_type(L_, -2) == LUA_TSTRING) {
        size_t len = 0;
        const char* s = lua_tolstring(L_, -2, &len);
        key.assign(s, len);
        path_.push_back(key_step(key));
        count(procs::Value::kKeyBytes + len);
      } else if (lua_type(L_, -2) == LUA_TNUMBER) {
        // Not luaL_tolstring: a script can give numbers a __tostring (it would run
        // unprotected here). lua_tolstring formats a copy without metamethods.
        lua_pushvalue(L_, -2);
        size_t len = 0;
        const char* s = lua_tolstring(L_, -1, &len);
        key.assign(s, len);
        lua_pop(L_, 1);
        path_.push_back("[" + key + "]");
        count(procs::Value::kKeyBytes + len);
      } else if (lua_type(L_, -2) == LUA_TBOOLEAN) {
        key = lua_toboolean(L_, -2) ? "true" : "false";
        path_.push_back("[" + key + "]");
        count(procs::Value::kKeyBytes + key.size());
      } else {
        fail(std::string("cannot convert a table with a ") + luaL_typename(L_, -2) + " key (at ", ")");
      }
      unsigned h;
      map.emplace_back(std::move(key), convert(lua_gettop(L_), depth + 1, h));
      child = std::max(child, h);
      path_.pop_back();
      lua_pop(L_, 1);
    }
    // Lua's table order changes from run to run (string hashes are seeded from
    // addresses): sorted keys make the same table the same message every time.
    std::stable_sort(map.begin(), map.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    out = procs::Value(std::move(map));
  }
  open_.erase(id);
  height = child + 1;
  done_.emplace(id, Converted{out, height});
  return out;
}

namespace {

// Pushes `v`; `memo` (a table index) maps shared nodes already pushed to their table.
void push(lua_State* L, const procs::Value& v, int memo) {
  luaL_checkstack(L, 4, "pushing a value");
  switch (v.type()) {
    case procs::Value::Type::Nil: lua_pushnil(L); return;
    case procs::Value::Type::Bool: lua_pushboolean(L, v.as_bool()); return;
    case procs::Value::Type::Int: lua_pushinteger(L, static_cast<lua_Integer>(v.as_int())); return;
    case procs::Value::Type::Double: lua_pushnumber(L, static_cast<lua_Number>(v.as_double())); return;
    case procs::Value::Type::String: lua_pushlstring(L, v.as_string().data(), v.as_string().size()); return;
    default: break;
  }
  bool shared = v.node_shared();
  if (shared) {
    if (lua_rawgetp(L, memo, v.node()) != LUA_TNIL) return;
    lua_pop(L, 1);
  }
  if (v.is_array()) {
    const auto& arr = v.as_array();
    lua_createtable(L, static_cast<int>(arr.size()), 0);
    for (size_t i = 0; i < arr.size(); ++i) {
      push(L, arr[i], memo);
      lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
    }
  } else {
    const auto& map = v.as_map();
    lua_createtable(L, 0, static_cast<int>(map.size()));
    for (const auto& [k, val] : map) {
      lua_pushlstring(L, k.data(), k.size());
      push(L, val, memo);
      lua_rawset(L, -3);
    }
  }
  if (shared) {
    lua_pushvalue(L, -1);
    lua_rawsetp(L, memo, v.node());
  }
}

}  // namespace

void push_value(lua_State* L, const procs::Value& v) {
  luaL_checkstack(L, 2, "pushing a value");
  if (!v.node()) return push(L, v, 0);  // no table: no memo
  lua_newtable(L);
  int memo = lua_gettop(L);
  push(L, v, memo);
  lua_remove(L, memo);
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
