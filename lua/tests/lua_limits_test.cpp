// Lua process limits against hostile scripts: fuel (VM instructions, also inside
// coroutines the script creates) and max_memory (the allocator refuses; the process
// ends, the host goes on).
#include "lua/tests/lua_world.h"

using namespace wippy;
using lua::testing::err_of;
using lua::testing::LuaWorld;
using procs::Value;

namespace {

lua::LuaLimits fuel(uint64_t n) {
  lua::LuaLimits l;
  l.fuel = n;
  return l;
}

lua::LuaLimits memory(uint64_t bytes) {
  lua::LuaLimits l;
  l.max_memory = bytes;
  return l;
}

void expect_host_alive(LuaWorld& w) {
  w.script("t:alive", "return { main = function() local t = {} for i = 1, 100000 do t[i] = i end return #t end }");
  procs::Event ev = w.run("t:alive");
  ASSERT_FALSE(ev.error) << *ev.error;
  EXPECT_EQ(ev.value, Value(100000));
}

}  // namespace

TEST(LuaLimits, FuelEndsABusyLoop) {
  LuaWorld w;
  w.script("t:spin", "return { main = function() while true do end end }");
  w.limits("t:spin", fuel(200000));
  EXPECT_EQ(err_of(w.run("t:spin")), "fuel exhausted (200000 instructions)");
  // pcall cannot keep it alive.
  w.script("t:catch", "return { main = function() while true do pcall(function() while true do end end) end end }");
  w.limits("t:catch", fuel(200000));
  EXPECT_EQ(err_of(w.run("t:catch")), "fuel exhausted (200000 instructions)");
  expect_host_alive(w);
}

TEST(LuaLimits, FuelCountsInstructionsInsideCoroutines) {
  LuaWorld w;
  w.script("t:co", R"(
    return { main = function()
      local co = coroutine.wrap(function() while true do end end)
      co()
    end })");
  w.limits("t:co", fuel(300000));
  EXPECT_EQ(err_of(w.run("t:co")), "fuel exhausted (300000 instructions)");
  // Many short coroutines: each leaves at most kFuelGrain uncharged, and the loop
  // that makes them pays for itself.
  w.script("t:many", R"(
    return { main = function()
      while true do
        local co = coroutine.create(function() for i = 1, 500 do end end)
        coroutine.resume(co)
      end
    end })");
  w.limits("t:many", fuel(1000000));
  EXPECT_EQ(err_of(w.run("t:many")), "fuel exhausted (1000000 instructions)");
}

TEST(LuaLimits, EnoughFuelLetsAScriptFinish) {
  LuaWorld w;
  w.script("t:sum", "return { main = function() local s = 0 for i = 1, 1000 do s = s + i end return s end }");
  w.limits("t:sum", fuel(100000));
  procs::Event ev = w.run("t:sum");
  ASSERT_FALSE(ev.error) << *ev.error;
  EXPECT_EQ(ev.value, Value(500500));
}

TEST(LuaLimits, MemoryCapEndsStringDoublingAndTableGrowth) {
  LuaWorld w;
  w.script("t:double", "return { main = function() local s = 'x' while true do s = s .. s end end }");
  w.limits("t:double", memory(8 << 20));
  EXPECT_EQ(err_of(w.run("t:double")), "memory limit exceeded (max_memory 8388608 bytes)");
  w.script("t:table", "return { main = function() local t = {} local i = 0 while true do i = i + 1 t[i] = {i} end end }");
  w.limits("t:table", memory(8 << 20));
  EXPECT_EQ(err_of(w.run("t:table")), "memory limit exceeded (max_memory 8388608 bytes)");
  // Catching the memory error does not help: the refused allocation ends the process.
  w.script("t:catch", R"(
    return { main = function()
      local ok = pcall(function() local s = 'x' while true do s = s .. s end end)
      return "caught " .. tostring(ok)
    end })");
  w.limits("t:catch", memory(8 << 20));
  EXPECT_EQ(err_of(w.run("t:catch")), "memory limit exceeded (max_memory 8388608 bytes)");
  // Inside a coroutine too.
  w.script("t:co", R"(
    return { main = function()
      local co = coroutine.wrap(function() local t = {} while true do t[#t + 1] = string.rep('y', 1000) end end)
      co()
    end })");
  w.limits("t:co", memory(8 << 20));
  EXPECT_EQ(err_of(w.run("t:co")), "memory limit exceeded (max_memory 8388608 bytes)");
  expect_host_alive(w);
}

TEST(LuaLimits, ACapBelowTheRuntimesOwnNeedsFailsTheProcessNotTheHost) {
  LuaWorld w;
  w.script("t:tiny", "return { main = function() return 1 end }");
  w.limits("t:tiny", memory(1));
  EXPECT_EQ(err_of(w.run("t:tiny")), "memory limit exceeded (max_memory 1 bytes)");
  expect_host_alive(w);
}
