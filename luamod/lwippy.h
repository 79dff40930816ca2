// The `wippy` Lua module for stock Lua 5.4 (wippy.so), built on the public API only.
// Shared declarations of its files: the userdata types, value conversion, error
// handling, and the state a store keeps for Lua imports.
#pragma once

#include <lua.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "wippy/wippy.h"

namespace wippy::lmod {

inline constexpr const char* kModuleMeta = "wippy.Module";
inline constexpr const char* kInstanceMeta = "wippy.Instance";
inline constexpr const char* kMemoryMeta = "wippy.Memory";
inline constexpr const char* kExecutionMeta = "wippy.Execution";

// An error for Lua: protect() raises it as a Lua error with this message.
struct LuaError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The trap's message, then its backtrace lines.
std::string trap_text(const Trap& trap);

// Runs `body` (a lua_CFunction's work in C++); any exception becomes a Lua error
// raised after every C++ object of the body is destroyed (lua_error longjmps).
template <class F>
int protect(lua_State* L, F&& body) {
  {
    std::string message;
    try {
      return body();
    } catch (const TrapError& e) {
      message = trap_text(e.trap());
    } catch (const std::exception& e) {
      message = e.what();
    }
    lua_pushlstring(L, message.data(), message.size());
  }
  return lua_error(L);
}

// Creates a userdata holding a T (destroyed by __gc) with the metatable `meta`.
template <class T, class... Args>
T* new_object(lua_State* L, const char* meta, int user_values, Args&&... args) {
  void* mem = lua_newuserdatauv(L, sizeof(T), user_values);
  T* obj = new (mem) T(std::forward<Args>(args)...);
  luaL_setmetatable(L, meta);
  return obj;
}
template <class T>
int gc_object(lua_State* L) {
  static_cast<T*>(lua_touserdata(L, 1))->~T();
  return 0;
}
// Registers metatable `meta`: `gc` as __gc, the `methods` table (null-terminated) as
// `methods_field` ("__index" for plain objects).
inline void register_class(lua_State* L, const char* meta, lua_CFunction gc, const luaL_Reg* methods,
                           const char* methods_field = "__index") {
  luaL_newmetatable(L, meta);
  lua_pushcfunction(L, gc);
  lua_setfield(L, -2, "__gc");
  lua_newtable(L);
  luaL_setfuncs(L, methods, 0);
  lua_setfield(L, -2, methods_field);
  lua_pop(L, 1);
}

// The userdata at `index` if it has metatable `meta`, else throws LuaError naming `what`.
template <class T>
T& check_object(lua_State* L, int index, const char* meta, const char* what) {
  void* p = luaL_testudata(L, index, meta);
  if (!p) throw LuaError(std::string(what) + ": expected a " + meta + ", got " + luaL_typename(L, index));
  return *static_cast<T*>(p);
}

// Makes room for `n` more values on L's stack, or throws LuaError (a stack overflow).
inline void ensure_stack(lua_State* L, int n) {
  if (!lua_checkstack(L, n)) throw LuaError("Lua stack overflow (" + std::to_string(n) + " more values)");
}

// Lua values <-> WebAssembly values of a given type. `what` names the value in errors
// ("add: argument 2").
Val to_val(lua_State* L, int index, ValType type, const std::string& what);
void push_val(lua_State* L, const Val& v);
// The arguments at [first, first + count) for `type`'s parameters.
std::vector<Val> to_args(lua_State* L, int first, int count, const FuncType& type, const std::string& name);

// A table field as an unsigned integer, or `fallback` if absent; throws LuaError for
// a wrong type or range, naming `where.field`.
uint64_t opt_uint_field(lua_State* L, int table, const char* field, uint64_t fallback, uint64_t max,
                        const char* where);
// Throws LuaError if the table at `table` has a string key not in `known`.
void check_fields(lua_State* L, int table, std::span<const char* const> known, const char* where);

// The state Lua imports need during a call (a Store's host state): the Lua thread
// running the WebAssembly call, and whether it came through call_async (only then
// may an import yield).
struct LuaHost {
  lua_State* L = nullptr;
  bool async = false;
};
// Sets the store's LuaHost for one run and restores the previous one after (calls nest).
class HostScope {
 public:
  HostScope(LuaHost& host, lua_State* L, bool async) : host_(host), saved_(host) {
    host_.L = L;
    host_.async = async;
  }
  ~HostScope() { host_ = saved_; }
  HostScope(const HostScope&) = delete;
  HostScope& operator=(const HostScope&) = delete;

 private:
  LuaHost& host_;
  LuaHost saved_;
};

// A Lua import that yielded inside a call_async run: its coroutine waits (with the
// yielded values on its stack) until the execution's resume() continues it.
struct LuaYield : Suspension {
  ~LuaYield() override;
  lua_State* co = nullptr;
  int thread_ref = LUA_NOREF;  // anchors `co`
  int yielded = 0;             // values it yielded
  std::string name;            // "env.log"
  std::vector<ValType> result_types;
};

// Defines one host function per function the module imports from `imports` (a table
// of tables of Lua functions, at `index`); `refs` receives the registry references
// of those functions (released with the instance).
void link_lua_imports(lua_State* L, int index, const Module& module, Linker& linker, std::vector<int>& refs);
// Resumes an import's coroutine with `nargs` values on its stack, then: its results
// as the host call's Vals (outcome Done), another yield (Yielded: its values on `co`),
// or an error (Failed: `error` holds the message, prefixed by the import's name).
struct ImportOutcome {
  enum Kind { Done, Yielded, Failed } kind;
  std::vector<Val> results;
  int yielded = 0;
  std::string error;
};
ImportOutcome resume_import(lua_State* L, lua_State* co, int nargs, const std::string& name,
                            const std::vector<ValType>& result_types);

// Registers the metatables of the instance, memory and execution objects.
void register_instance(lua_State* L);
// Instantiates `module` with the imports table at `imports` (0: none) and the limits
// table at `limits` (0: none), and pushes the instance object.
int instantiate(lua_State* L, const Module& module, int imports, int limits);

}  // namespace wippy::lmod
