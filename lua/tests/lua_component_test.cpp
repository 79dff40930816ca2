// Lua values to and from a component process (design.md section 10): tables as
// records and lists, a result as {ok = v} / {err = e}, a string as list<u8>, and the
// error a wrong Lua value gets, seen from the Lua process that spawned it.
#include <fstream>
#include <iterator>

#include "component/loader.h"
#include "lua/tests/lua_world.h"
#include "procs/wasm_process.h"

namespace {

using wippy::lua::testing::LuaWorld;
using wippy::procs::Value;
namespace procs = wippy::procs;

void add_faults(LuaWorld& w, const std::string& id, const std::string& method) {
  static auto comp = [] {
    std::ifstream in(std::string(WIPPY_GUEST_DIR) + "/faults.component.wasm", std::ios::binary);
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return wippy::component::load_component(bytes);
  }();
  w.native(id, [method](std::vector<Value> args) {
    procs::WasmProcessConfig cfg;
    cfg.component = comp;
    cfg.method = method;
    cfg.args = std::move(args);
    return std::make_unique<procs::WasmProcess>(std::move(cfg));
  });
}

TEST(LuaComponent, TablesGoInAndComeBack) {
  LuaWorld w;
  add_faults(w, "app:echo", "echo-users");
  add_faults(w, "app:result", "echo-result");
  add_faults(w, "app:bytes", "count-bytes");
  w.script("app:main", R"(
    local function call(id, ...)
      local pid = process.spawn_monitored(id, "app:host", ...)
      local ev = process.receive()
      return ev.value, ev.error
    end
    return { main = function()
      local out = {}
      local v = call("app:echo", { { name = "ann", age = 3 }, { name = "b\u{e9}", age = 4 } })
      out[#out + 1] = #v .. " " .. v[2].name .. " " .. v[2].age
      v = call("app:result", { ok = "fine" })
      out[#out + 1] = "ok=" .. v.ok
      v = call("app:result", { err = 7 })
      out[#out + 1] = "err=" .. v.err
      v = call("app:bytes", "\1\2\3")
      out[#out + 1] = "bytes=" .. v
      local _, err = call("app:echo", { { name = "ann", age = 3 }, { name = {}, age = 4 } })
      out[#out + 1] = err
      _, err = call("app:result", { ok = "a", err = 1 })
      out[#out + 1] = err
      return table.concat(out, "\n")
    end })");
  procs::Event ev = w.run("app:main");
  ASSERT_FALSE(ev.error) << *ev.error;
  EXPECT_EQ(ev.value, Value("2 b\xc3\xa9 4\nok=fine\nerr=7\nbytes=6\n"
                            "`echo-users`: expected string for users[2].name, got table\n"
                            "`echo-result`: expected result<string, u32> for r, got a table with 2 keys (give "
                            "exactly one case: ok, err)"));
}

}  // namespace
