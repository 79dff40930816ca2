// luaopen_wippy: wasm.load(path_or_bytes [, {hash = "sha256:..."}]) -> module, and the
// module object: exports(), imports(), instantiate([imports [, limits]]).
#include <string>
#include <type_traits>

#include "luamod/lwippy.h"

namespace wippy::lmod {

namespace {

// One engine (and module cache) for every Lua state of the process.
Engine& engine() {
  static Engine e;
  return e;
}

constexpr std::string_view kWasmMagic{"\0asm", 4};

int wasm_load(lua_State* L) {
  return protect(L, [&] {
    if (lua_type(L, 1) != LUA_TSTRING) {
      throw LuaError(std::string("wippy.load: expected a path or the bytes of a module, got a ") +
                     luaL_typename(L, 1));
    }
    std::string hash;
    if (!lua_isnoneornil(L, 2)) {
      if (!lua_istable(L, 2)) throw LuaError("wippy.load: options must be a table ({hash = \"sha256:...\"})");
      static constexpr const char* kFields[] = {"hash"};
      check_fields(L, 2, kFields, "wippy.load options");
      lua_getfield(L, 2, "hash");
      if (!lua_isnil(L, -1) && lua_type(L, -1) != LUA_TSTRING) {
        lua_pop(L, 1);
        throw LuaError("wippy.load options.hash: expected a string \"sha256:<64 hex digits>\"");
      }
      if (!lua_isnil(L, -1)) hash = lua_tostring(L, -1);
      lua_pop(L, 1);
    }
    size_t len = 0;
    const char* s = lua_tolstring(L, 1, &len);
    std::string_view arg(s, len);
    Module module = arg.starts_with(kWasmMagic)
                        ? engine().load({reinterpret_cast<const uint8_t*>(s), len}, hash)
                        : engine().load_file(std::string(arg), hash);
    new_object<Module>(L, kModuleMeta, 0, std::move(module));
    return 1;
  });
}

void push_types(lua_State* L, const std::vector<ValType>& types) {
  lua_createtable(L, static_cast<int>(types.size()), 0);
  for (size_t i = 0; i < types.size(); ++i) {
    lua_pushstring(L, to_string(types[i]));
    lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
  }
}

// {kind = "func", type = "func [i32] -> []", params = {...}, results = {...}}: the
// fields every import and export entry has (pushed into the table on top).
void set_type_fields(lua_State* L, const ExternType& type) {
  lua_pushstring(L, to_string(type.kind));
  lua_setfield(L, -2, "kind");
  lua_pushstring(L, to_string(type).c_str());
  lua_setfield(L, -2, "type");
  if (type.kind == ExternKind::Func) {
    push_types(L, type.func.params);
    lua_setfield(L, -2, "params");
    push_types(L, type.func.results);
    lua_setfield(L, -2, "results");
  }
}

// A list of {module =, name =, kind =, type =, ...}: one entry per import or export
// (an export has no `module`).
template <class Entry>
int push_entries(lua_State* L, const std::vector<Entry>& entries) {
  lua_createtable(L, static_cast<int>(entries.size()), 0);
  for (size_t i = 0; i < entries.size(); ++i) {
    lua_newtable(L);
    if constexpr (std::is_same_v<Entry, ImportType>) {
      lua_pushstring(L, entries[i].module.c_str());
      lua_setfield(L, -2, "module");
    }
    lua_pushstring(L, entries[i].name.c_str());
    lua_setfield(L, -2, "name");
    set_type_fields(L, entries[i].type);
    lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
  }
  return 1;
}

int module_exports(lua_State* L) {
  return protect(L, [&] { return push_entries(L, check_object<Module>(L, 1, kModuleMeta, "exports").exports()); });
}

int module_imports(lua_State* L) {
  return protect(L, [&] { return push_entries(L, check_object<Module>(L, 1, kModuleMeta, "imports").imports()); });
}

int module_instantiate(lua_State* L) {
  return protect(L, [&] {
    Module& m = check_object<Module>(L, 1, kModuleMeta, "instantiate");
    for (int i : {2, 3}) {
      if (!lua_isnoneornil(L, i) && !lua_istable(L, i)) {
        throw LuaError(std::string("instantiate: ") + (i == 2 ? "imports" : "limits") + " must be a table, got a " +
                       luaL_typename(L, i));
      }
    }
    const int imports = lua_istable(L, 2) ? 2 : 0;
    const int limits = lua_istable(L, 3) ? 3 : 0;
    return instantiate(L, m, imports, limits);
  });
}

}  // namespace

}  // namespace wippy::lmod

extern "C" __attribute__((visibility("default"))) int luaopen_wippy(lua_State* L) {
  using namespace wippy::lmod;
  static const luaL_Reg kModuleMethods[] = {{"exports", module_exports},
                                            {"imports", module_imports},
                                            {"instantiate", module_instantiate},
                                            {nullptr, nullptr}};
  register_class(L, kModuleMeta, gc_object<wippy::Module>, kModuleMethods);
  register_instance(L);

  static const luaL_Reg kFunctions[] = {{"load", wasm_load}, {nullptr, nullptr}};
  luaL_newlib(L, kFunctions);
  lua_pushstring(L, WIPPY_VERSION);
  lua_setfield(L, -2, "version");
  return 1;
}
