// Lua functions as host functions. Each call runs the function in a fresh coroutine,
// so that an error stays inside it (it becomes a trap of the WebAssembly call) and a
// yield can suspend the WebAssembly call (only one run through call_async).
#include <string>

#include "luamod/lwippy.h"

namespace wippy::lmod {

namespace {

std::string error_text(lua_State* co) {
  if (const char* s = lua_tostring(co, -1)) return s;
  return std::string("(error object is a ") + luaL_typename(co, -1) + " value)";
}

// A registry-anchored coroutine; released unless handed on to a LuaYield.
struct Coroutine {
  explicit Coroutine(lua_State* L) : co(lua_newthread(L)), ref(luaL_ref(L, LUA_REGISTRYINDEX)), L(L) {}
  ~Coroutine() {
    if (ref != LUA_NOREF) luaL_unref(L, LUA_REGISTRYINDEX, ref);
  }
  Coroutine(const Coroutine&) = delete;
  Coroutine& operator=(const Coroutine&) = delete;
  lua_State* co;
  int ref;
  lua_State* L;
};

}  // namespace

LuaYield::~LuaYield() {
  if (co) luaL_unref(co, LUA_REGISTRYINDEX, thread_ref);
}

ImportOutcome resume_import(lua_State* L, lua_State* co, int nargs, const std::string& name,
                            const std::vector<ValType>& result_types) {
  ImportOutcome out{ImportOutcome::Done, {}, 0, {}};
  int nres = 0;
  int status = lua_resume(co, L, nargs, &nres);
  if (status == LUA_YIELD) {
    out.kind = ImportOutcome::Yielded;
    out.yielded = nres;
    return out;
  }
  if (status != LUA_OK) {
    out.kind = ImportOutcome::Failed;
    out.error = name + ": " + error_text(co);
    lua_settop(co, 0);
    return out;
  }
  try {
    if (static_cast<size_t>(nres) < result_types.size()) {
      throw LuaError(name + ": expected " + std::to_string(result_types.size()) + " result" +
                     (result_types.size() == 1 ? "" : "s") + " from the Lua function, got " + std::to_string(nres));
    }
    const int first = lua_gettop(co) - nres + 1;
    for (size_t i = 0; i < result_types.size(); ++i) {
      out.results.push_back(
          to_val(co, first + static_cast<int>(i), result_types[i], name + ": result " + std::to_string(i + 1)));
    }
  } catch (const std::exception& e) {
    out.kind = ImportOutcome::Failed;
    out.error = e.what();
  }
  lua_settop(co, 0);
  return out;
}

void link_lua_imports(lua_State* L, int index, const Module& module, Linker& linker, std::vector<int>& refs) {
  index = lua_absindex(L, index);
  for (const ImportType& imp : module.imports()) {
    if (imp.type.kind != ExternKind::Func) continue;
    if (lua_getfield(L, index, imp.module.c_str()) != LUA_TTABLE) {
      lua_pop(L, 1);
      continue;  // not given: the linker reports "unknown import"
    }
    const int type = lua_getfield(L, -1, imp.name.c_str());
    const std::string name = imp.module + "." + imp.name;
    if (type == LUA_TNIL) {
      lua_pop(L, 2);
      continue;
    }
    if (type != LUA_TFUNCTION) {
      std::string got = luaL_typename(L, -1);
      lua_pop(L, 2);
      throw LuaError("imports." + name + ": expected a function, got " + got);
    }
    const int ref = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_pop(L, 1);
    refs.push_back(ref);
    const std::vector<ValType> results = imp.type.func.results;
    linker.func(imp.module, imp.name, imp.type.func,
                [ref, name, results](Caller& caller, std::span<const Val> args, std::span<Val> out) {
                  LuaHost& host = caller.data<LuaHost>();
                  lua_State* L = host.L;
                  if (!L) return HostResult::trap(name + ": called outside a Lua call");
                  Coroutine c(L);
                  if (!lua_checkstack(c.co, static_cast<int>(args.size()) + 1)) {
                    return HostResult::trap(name + ": too many arguments for a Lua call");
                  }
                  lua_rawgeti(c.co, LUA_REGISTRYINDEX, ref);
                  for (const Val& v : args) push_val(c.co, v);
                  ImportOutcome r = resume_import(L, c.co, static_cast<int>(args.size()), name, results);
                  switch (r.kind) {
                    case ImportOutcome::Done:
                      std::copy(r.results.begin(), r.results.end(), out.begin());
                      return HostResult::ok();
                    case ImportOutcome::Failed: return HostResult::trap(r.error);
                    case ImportOutcome::Yielded: break;
                  }
                  if (!host.async) {
                    return HostResult::trap(name +
                                            ": the Lua import yielded, but the export was called directly; "
                                            "only a call made with instance:call_async can yield");
                  }
                  auto y = std::make_unique<LuaYield>();
                  y->co = c.co;
                  y->thread_ref = c.ref;
                  c.ref = LUA_NOREF;  // the LuaYield anchors it now
                  y->yielded = r.yielded;
                  y->name = name;
                  y->result_types = results;
                  return HostResult::suspend(std::move(y));
                });
  }
}

}  // namespace wippy::lmod
