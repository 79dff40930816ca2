// Instances for Lua: instantiation with Lua imports, WASI and limits; export calls;
// memory; resumable calls (call_async) whose imports may yield to the caller's
// coroutine scheduler.
#include <string>

#include "luamod/lwippy.h"

namespace wippy::lmod {

namespace {

constexpr uint64_t kDefaultBudget = 100000;  // fuel units per resume() of a call_async

struct LInstance {
  std::optional<Instance> instance;
  Store store;
  std::vector<int> refs;  // the Lua import functions, anchored in the registry
};

struct LMemory {
  explicit LMemory(Memory m) : memory(std::move(m)) {}
  Memory memory;
};

struct LExec {
  LExec(Execution e, std::string n, uint64_t b, LInstance* i)
      : exec(std::move(e)), name(std::move(n)), budget(b), inst(i) {}
  Execution exec;
  std::string name;
  uint64_t budget;
  LInstance* inst;       // kept alive through the execution's user value
  bool running = false;  // inside run(): resume() from one of its imports is refused
};

LuaHost& host_of(LInstance& li) { return li.store.data<LuaHost>(); }

int push_results(lua_State* L, const std::vector<Val>& results) {
  ensure_stack(L, static_cast<int>(results.size()));
  for (const Val& v : results) push_val(L, v);
  return static_cast<int>(results.size());
}

int instance_gc(lua_State* L) {
  auto* li = static_cast<LInstance*>(lua_touserdata(L, 1));
  for (int ref : li->refs) luaL_unref(L, LUA_REGISTRYINDEX, ref);
  li->~LInstance();
  return 0;
}

// instance.exports.NAME(...): upvalues are the instance and the export's name.
int call_export(lua_State* L) {
  auto& li = *static_cast<LInstance*>(lua_touserdata(L, lua_upvalueindex(1)));
  return protect(L, [&] {
    const std::string name = lua_tostring(L, lua_upvalueindex(2));
    std::vector<Val> args = to_args(L, 1, lua_gettop(L), *li.instance->func_type(name), name);
    std::vector<Val> results;
    {
      HostScope scope(host_of(li), L, false);
      results = li.instance->call(name, args);
    }
    return push_results(L, results);
  });
}

int instance_fuel_consumed(lua_State* L) {
  return protect(L, [&] {
    LInstance& li = check_object<LInstance>(L, 1, kInstanceMeta, "fuel_consumed");
    lua_pushinteger(L, static_cast<lua_Integer>(li.instance->fuel_consumed()));
    return 1;
  });
}

int instance_run_command(lua_State* L) {
  return protect(L, [&] {
    LInstance& li = check_object<LInstance>(L, 1, kInstanceMeta, "run_command");
    uint32_t code;
    {
      HostScope scope(host_of(li), L, false);
      code = run_command(*li.instance);
    }
    lua_pushinteger(L, code);
    return 1;
  });
}

// instance:call_async(name, args... [, {budget = N}]) -> execution
int instance_call_async(lua_State* L) {
  return protect(L, [&] {
    LInstance& li = check_object<LInstance>(L, 1, kInstanceMeta, "call_async");
    if (lua_type(L, 2) != LUA_TSTRING) {
      throw LuaError(std::string("call_async: argument 1 must be an export's name, got a ") + luaL_typename(L, 2));
    }
    const std::string name = lua_tostring(L, 2);
    std::optional<FuncType> type = li.instance->func_type(name);
    if (!type) throw LuaError("call_async: the instance exports no function '" + name + "'");
    int last = lua_gettop(L);
    uint64_t budget = kDefaultBudget;
    if (last >= 3 && lua_type(L, last) == LUA_TTABLE) {
      static constexpr const char* kFields[] = {"budget"};
      check_fields(L, last, kFields, "call_async options");
      budget = opt_uint_field(L, last, "budget", kDefaultBudget, INT64_MAX, "call_async options");
      if (budget == 0) throw LuaError("call_async options.budget: must be at least 1");
      --last;
    }
    std::vector<Val> args = to_args(L, 3, last - 2, *type, name);
    Execution exec = li.instance->call_async(name, args);
    new_object<LExec>(L, kExecutionMeta, 1, std::move(exec), name, budget, &li);
    lua_pushvalue(L, 1);
    lua_setiuservalue(L, -2, 1);  // the execution keeps its instance (and the imports) alive
    return 1;
  });
}

int exec_continue(lua_State* L, int status, lua_KContext ctx);

// One step of execution:resume(). `resumed` < 0: a fresh resume() call; else the
// coroutine that called resume() was itself resumed with `resumed` values after an
// import yielded them, and they go back into the import. Returns the number of
// values on top of the stack; `yield_up` asks the caller to yield them.
int exec_step(lua_State* L, LExec& le, int resumed, bool& yield_up) {
  if (le.running) throw LuaError(le.name + ": resume() of an execution from inside its own import");
  if (resumed >= 0) {
    auto* y = dynamic_cast<LuaYield*>(le.exec.suspension());
    if (!y) throw LuaError(le.name + ": the execution is not waiting for an import");
    ensure_stack(y->co, resumed);
    lua_xmove(L, y->co, resumed);
    ImportOutcome r = resume_import(L, y->co, resumed, y->name, y->result_types);
    switch (r.kind) {
      case ImportOutcome::Done: le.exec.resume(r.results); break;
      case ImportOutcome::Failed: le.exec.resume_trap(r.error); break;
      case ImportOutcome::Yielded:
        ensure_stack(L, r.yielded);
        lua_xmove(y->co, L, r.yielded);
        yield_up = true;
        return r.yielded;
    }
  }
  switch (le.exec.state()) {
    case RunState::Done: return push_results(L, le.exec.results());
    case RunState::Trapped: throw TrapError(le.exec.trap());
    case RunState::Exited: throw LuaError("proc_exit(" + std::to_string(le.exec.exit_code()) + ")");
    case RunState::Suspended:
      throw LuaError(le.name + ": a Lua import of this call has yielded; resume the coroutine that called "
                               "resume() instead");
    case RunState::Yielded: break;
  }
  RunState st;
  {
    le.running = true;
    struct Reset {
      bool& flag;
      ~Reset() { flag = false; }
    } reset{le.running};
    HostScope scope(host_of(*le.inst), L, true);
    st = le.exec.run(le.budget);
  }
  switch (st) {
    case RunState::Yielded: lua_pushliteral(L, "yield"); return 1;
    case RunState::Done: return push_results(L, le.exec.results());
    case RunState::Trapped: throw TrapError(le.exec.trap());
    case RunState::Exited: throw LuaError("proc_exit(" + std::to_string(le.exec.exit_code()) + ")");
    case RunState::Suspended: break;
  }
  auto* y = dynamic_cast<LuaYield*>(le.exec.suspension());
  if (!y) {
    le.exec.resume_trap(le.name + ": a host function suspended in a way Lua cannot wait for");
    throw TrapError(le.exec.trap());
  }
  if (!lua_isyieldable(L)) {
    le.exec.resume_trap(y->name + ": the Lua import yielded, but resume() was not called from a coroutine");
    throw TrapError(le.exec.trap());
  }
  ensure_stack(L, y->yielded);
  lua_xmove(y->co, L, y->yielded);
  yield_up = true;
  return y->yielded;
}

int exec_resume_from(lua_State* L, int resumed) {
  bool yield_up = false;
  const int n = protect(L, [&] {
    LExec& le = check_object<LExec>(L, 1, kExecutionMeta, "resume");
    return exec_step(L, le, resumed, yield_up);
  });
  if (yield_up) return lua_yieldk(L, n, 0, exec_continue);
  return n;
}

int exec_continue(lua_State* L, int, lua_KContext) { return exec_resume_from(L, lua_gettop(L) - 1); }

int exec_resume(lua_State* L) {
  lua_settop(L, 1);
  return exec_resume_from(L, -1);
}

int exec_fuel_consumed(lua_State* L) {
  return protect(L, [&] {
    LExec& le = check_object<LExec>(L, 1, kExecutionMeta, "fuel_consumed");
    lua_pushinteger(L, static_cast<lua_Integer>(le.exec.fuel_consumed()));
    return 1;
  });
}

// An offset or length argument: a non-negative integer.
uint64_t check_size(lua_State* L, int index, const char* what) {
  int ok = 0;
  lua_Integer v = lua_type(L, index) == LUA_TNUMBER ? lua_tointegerx(L, index, &ok) : 0;
  if (!ok || v < 0) {
    throw LuaError(std::string(what) + ": expected a non-negative integer, got " + luaL_typename(L, index));
  }
  return static_cast<uint64_t>(v);
}

int memory_read(lua_State* L) {
  return protect(L, [&] {
    LMemory& m = check_object<LMemory>(L, 1, kMemoryMeta, "memory:read");
    const uint64_t offset = check_size(L, 2, "memory:read offset");
    const uint64_t length = check_size(L, 3, "memory:read length");
    if (offset > m.memory.size() || length > m.memory.size() - offset) {
      throw LuaError("memory:read: offset " + std::to_string(offset) + " + length " + std::to_string(length) +
                     " is outside the memory (" + std::to_string(m.memory.size()) + " bytes)");
    }
    std::span<uint8_t> data = m.memory.data();
    lua_pushlstring(L, reinterpret_cast<const char*>(data.data() + offset), length);
    return 1;
  });
}

int memory_write(lua_State* L) {
  return protect(L, [&] {
    LMemory& m = check_object<LMemory>(L, 1, kMemoryMeta, "memory:write");
    const uint64_t offset = check_size(L, 2, "memory:write offset");
    if (lua_type(L, 3) != LUA_TSTRING) {
      throw LuaError(std::string("memory:write: expected a string of bytes, got a ") + luaL_typename(L, 3));
    }
    size_t len = 0;
    const char* bytes = lua_tolstring(L, 3, &len);
    if (offset > m.memory.size() || len > m.memory.size() - offset) {
      throw LuaError("memory:write: offset " + std::to_string(offset) + " + length " + std::to_string(len) +
                     " is outside the memory (" + std::to_string(m.memory.size()) + " bytes)");
    }
    m.memory.write(offset, {reinterpret_cast<const uint8_t*>(bytes), len});
    return 0;
  });
}

int memory_size(lua_State* L) {
  return protect(L, [&] {
    LMemory& m = check_object<LMemory>(L, 1, kMemoryMeta, "memory:size");
    lua_pushinteger(L, static_cast<lua_Integer>(m.memory.size()));
    return 1;
  });
}

// instance.exports, instance.memory, then the methods.
int instance_index(lua_State* L) {
  const char* key = lua_tostring(L, 2);
  if (key && std::string_view(key) == "exports") {
    lua_getiuservalue(L, 1, 1);
    return 1;
  }
  if (key && std::string_view(key) == "memory") {
    lua_getiuservalue(L, 1, 2);
    return 1;
  }
  luaL_getmetatable(L, kInstanceMeta);
  lua_getfield(L, -1, "methods");
  lua_pushvalue(L, 2);
  lua_rawget(L, -2);
  return 1;
}

std::vector<std::string> string_list(lua_State* L, int index, const std::string& where) {
  std::vector<std::string> out;
  if (lua_isnil(L, index)) return out;
  if (!lua_istable(L, index)) throw LuaError(where + ": expected a list of strings");
  const lua_Integer n = luaL_len(L, index);
  for (lua_Integer i = 1; i <= n; ++i) {
    lua_geti(L, index, i);
    if (lua_type(L, -1) != LUA_TSTRING) {
      lua_pop(L, 1);
      throw LuaError(where + "[" + std::to_string(i) + "]: expected a string");
    }
    out.emplace_back(lua_tostring(L, -1));
    lua_pop(L, 1);
  }
  return out;
}

std::string string_field(lua_State* L, int index, const char* field, const std::string& where, bool required) {
  lua_getfield(L, index, field);
  std::string out;
  if (lua_type(L, -1) == LUA_TSTRING) {
    out = lua_tostring(L, -1);
  } else if (!lua_isnil(L, -1) || required) {
    lua_pop(L, 1);
    throw LuaError(where + "." + field + ": expected a string");
  }
  lua_pop(L, 1);
  return out;
}

// The `wasi` table of instantiate's imports: args, env (a list of "NAME=value" or a
// map), mounts ({host =, guest =, read_only =}), cwd.
WasiConfig wasi_config(lua_State* L, int index) {
  index = lua_absindex(L, index);
  if (!lua_istable(L, index)) throw LuaError("imports.wasi: expected a table");
  static constexpr const char* kFields[] = {"args", "env", "mounts", "cwd"};
  check_fields(L, index, kFields, "imports.wasi");
  WasiConfig cfg;
  lua_getfield(L, index, "args");
  cfg.args = string_list(L, -1, "imports.wasi.args");
  lua_pop(L, 1);
  if (cfg.args.empty()) cfg.args.push_back("wasm");
  lua_getfield(L, index, "env");
  if (lua_istable(L, -1)) {
    const int env = lua_gettop(L);
    lua_pushnil(L);
    while (lua_next(L, env)) {
      if (lua_type(L, -2) == LUA_TSTRING && lua_type(L, -1) == LUA_TSTRING) {
        cfg.env.push_back(std::string(lua_tostring(L, -2)) + "=" + lua_tostring(L, -1));
      } else if (lua_type(L, -2) == LUA_TNUMBER && lua_type(L, -1) == LUA_TSTRING) {
        cfg.env.emplace_back(lua_tostring(L, -1));
      } else {
        lua_pop(L, 3);
        throw LuaError("imports.wasi.env: expected NAME = \"value\" entries or \"NAME=value\" strings");
      }
      lua_pop(L, 1);
    }
  } else if (!lua_isnil(L, -1)) {
    lua_pop(L, 1);
    throw LuaError("imports.wasi.env: expected a table");
  }
  lua_pop(L, 1);
  lua_getfield(L, index, "mounts");
  if (lua_istable(L, -1)) {
    const int mounts = lua_gettop(L);
    const lua_Integer n = luaL_len(L, mounts);
    for (lua_Integer i = 1; i <= n; ++i) {
      const std::string where = "imports.wasi.mounts[" + std::to_string(i) + "]";
      lua_geti(L, mounts, i);
      if (!lua_istable(L, -1)) {
        lua_pop(L, 2);
        throw LuaError(where + ": expected {host = ..., guest = ...}");
      }
      WasiMount m;
      m.host = string_field(L, -1, "host", where, true);
      m.guest = string_field(L, -1, "guest", where, true);
      lua_getfield(L, -1, "read_only");
      m.read_only = lua_toboolean(L, -1);
      lua_pop(L, 2);
      cfg.mounts.push_back(std::move(m));
    }
  } else if (!lua_isnil(L, -1)) {
    lua_pop(L, 1);
    throw LuaError("imports.wasi.mounts: expected a list of {host = ..., guest = ...}");
  }
  lua_pop(L, 1);
  cfg.cwd = string_field(L, index, "cwd", "imports.wasi", false);
  return cfg;
}

Limits limits_of(lua_State* L, int index) {
  Limits limits;
  if (index == 0) return limits;
  static constexpr const char* kFields[] = {"fuel", "max_memory_pages", "max_call_depth"};
  check_fields(L, index, kFields, "limits");
  limits.fuel = opt_uint_field(L, index, "fuel", 0, INT64_MAX, "limits");
  limits.max_memory_pages = static_cast<uint32_t>(
      opt_uint_field(L, index, "max_memory_pages", limits.max_memory_pages, 65536, "limits"));
  limits.max_call_depth = static_cast<uint32_t>(
      opt_uint_field(L, index, "max_call_depth", limits.max_call_depth, 1000000, "limits"));
  if (limits.max_call_depth == 0) throw LuaError("limits.max_call_depth: must be at least 1");
  return limits;
}

}  // namespace

std::string trap_text(const Trap& trap) {
  std::string text = trap.message;
  if (!trap.backtrace.empty()) {
    text += '\n';
    text.append(trap.backtrace, 0, trap.backtrace.size() - 1);  // without its last newline
  }
  return text;
}

int instantiate(lua_State* L, const Module& module, int imports, int limits_index) {
  Limits limits = limits_of(L, limits_index);
  LInstance& li = *new_object<LInstance>(L, kInstanceMeta, 2);  // first: its __gc releases the refs
  const int self = lua_gettop(L);
  li.store = Store(limits);
  li.store.emplace_data<LuaHost>();
  Linker linker;
  if (imports != 0) {
    lua_getfield(L, imports, "wasi");
    if (!lua_isnil(L, -1)) add_wasi(linker, li.store, wasi_config(L, -1));
    lua_pop(L, 1);
    link_lua_imports(L, imports, module, linker, li.refs);
  }
  {
    HostScope scope(host_of(li), L, false);  // the start function may call imports
    li.instance.emplace(li.store, linker, module);
  }
  lua_newtable(L);
  for (const ExportType& e : module.exports()) {
    if (e.type.kind != ExternKind::Func) continue;
    lua_pushvalue(L, self);
    lua_pushstring(L, e.name.c_str());
    lua_pushcclosure(L, call_export, 2);
    lua_setfield(L, -2, e.name.c_str());
  }
  lua_setiuservalue(L, self, 1);
  if (std::optional<Memory> mem = li.instance->memory()) {
    new_object<LMemory>(L, kMemoryMeta, 1, std::move(*mem));
    lua_pushvalue(L, self);
    lua_setiuservalue(L, -2, 1);
    lua_setiuservalue(L, self, 2);
  }
  lua_settop(L, self);
  return 1;
}

void register_instance(lua_State* L) {
  static const luaL_Reg kInstanceMethods[] = {{"fuel_consumed", instance_fuel_consumed},
                                              {"call_async", instance_call_async},
                                              {"run_command", instance_run_command},
                                              {nullptr, nullptr}};
  // Instances look up `exports` and `memory` first (instance_index), then `methods`.
  register_class(L, kInstanceMeta, instance_gc, kInstanceMethods, "methods");
  luaL_getmetatable(L, kInstanceMeta);
  lua_pushcfunction(L, instance_index);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);

  static const luaL_Reg kMemoryMethods[] = {
      {"read", memory_read}, {"write", memory_write}, {"size", memory_size}, {nullptr, nullptr}};
  register_class(L, kMemoryMeta, gc_object<LMemory>, kMemoryMethods);

  static const luaL_Reg kExecMethods[] = {
      {"resume", exec_resume}, {"fuel_consumed", exec_fuel_consumed}, {nullptr, nullptr}};
  register_class(L, kExecutionMeta, gc_object<LExec>, kExecMethods);
}

}  // namespace wippy::lmod
