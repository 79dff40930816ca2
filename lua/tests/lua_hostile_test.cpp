// Hostile scripts: each ends with a clear error for its own process and the host
// keeps running (a later process on the same System still works). Before the fixes
// the error objects aborted the whole test binary (PANIC: unprotected error in call
// to Lua API) and the loops held their worker for good (the test hung).
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

#include "lua/tests/lua_world.h"

using namespace wippy;
using lua::testing::err_of;
using lua::testing::LuaWorld;
using procs::Value;

namespace {

// The host still runs scripts after whatever happened before.
void expect_host_alive(LuaWorld& w) {
  w.script("t:alive", "return { main = function() return 'alive' end }");
  procs::Event ev = w.run("t:alive");
  ASSERT_FALSE(ev.error) << *ev.error;
  EXPECT_EQ(ev.value, Value("alive"));
}

lua::LuaLimits time_limit(uint64_t ms) {
  lua::LuaLimits l;
  l.max_execution_ms = ms;
  return l;
}

}  // namespace

TEST(LuaHostile, NonStringErrorObjects) {
  LuaWorld w;
  const std::pair<const char*, const char*> cases[] = {
      {"error({ code = 1 })", "error object is a table"},
      {"error(nil)", "error object is nil"},
      {"error(false)", "error object is false"},
      {"error(42)", "42"},
      {"error(print)", "error object is a function"},
      {"error(coroutine.create(print))", "error object is a thread"},
      {"error(setmetatable({}, { __tostring = function() return 'custom text' end }))", "custom text"},
      {"error(setmetatable({}, { __tostring = function() error('boom') end }))", "error object is a table"},
      {"error(setmetatable({}, { __tostring = function() return {} end }))", "error object is a table"},
      {"error(setmetatable({}, { __tostring = function() return 7 end }))", "7"},  // a number is a string to Lua
      {"error(setmetatable({}, { __tostring = function() while true do end end }))", "error object is a table"},
      {"error(setmetatable({}, { __tostring = function() coroutine.yield() end }))", "error object is a table"},
      {"error(setmetatable({}, { __tostring = function() time.sleep('1s') end }))", "error object is a table"},
      {"coroutine.wrap(function() error({ code = 1 }) end)()", "error object is a table"},
      {"local co = coroutine.create(function() error(setmetatable({}, { __tostring = function() error('x') end })) end)\n"
       "local ok, e = coroutine.resume(co) error(e)",
       "error object is a table"},
      {"return nil, { reason = 'bad' }", "error object is a table"},
      {"return nil, setmetatable({}, { __tostring = function() error('boom') end })", "error object is a table"},
  };
  int n = 0;
  for (const auto& [code, want] : cases) {
    std::string id = "t:err" + std::to_string(n++);
    w.script(id, std::string("return { main = function() ") + code + " end }");
    EXPECT_EQ(err_of(w.run(id)), want) << code;
  }
  expect_host_alive(w);
}

TEST(LuaHostile, ErrorObjectsInTheChunkAndModules) {
  LuaWorld w;
  w.file("badmod.lua", "error({ module = true })");
  w.script("t:chunk", "error(setmetatable({}, { __tostring = function() error('boom') end }))");
  EXPECT_EQ(err_of(w.run("t:chunk")), "error object is a table");
  w.script("t:mod", "return { main = function() return 1 end }");
  w.modules({"badmod"});
  EXPECT_EQ(err_of(w.run("t:mod")), "error object is a table");
  w.modules({});
  expect_host_alive(w);
}

TEST(LuaHostile, ResultTablesWithOddKeysConvert) {
  LuaWorld w;
  w.script("t:main", "return { main = function() return { [1.5] = 'f', [true] = 'b', [2^53] = 'i' } end }");
  procs::Event ev = w.run("t:main");
  ASSERT_FALSE(ev.error) << *ev.error;
  ASSERT_TRUE(ev.value.is_map()) << ev.value.to_string();
  ASSERT_TRUE(ev.value.get("1.5") && ev.value.get("true") && ev.value.get("9007199254740992"))
      << ev.value.to_string();
  EXPECT_EQ(*ev.value.get("1.5"), Value("f"));
  EXPECT_EQ(*ev.value.get("true"), Value("b"));
  EXPECT_EQ(*ev.value.get("9007199254740992"), Value("i"));
}

// A busy loop inside a coroutine of the script is preempted like one in the method:
// with one worker, the short processes still run.
TEST(LuaHostile, BusyLoopInsideCoroutinesIsPreempted) {
  LuaWorld w(1);
  w.script("t:spin_wrap", "return { main = function() coroutine.wrap(function() while true do end end)() end }");
  w.script("t:spin_resume", R"(
    return { main = function()
      local co = coroutine.create(function()
        coroutine.wrap(function() while true do end end)()  -- two levels deep
      end)
      coroutine.resume(co)
    end })");
  w.script("t:short", "return { main = function(i) return i end }");
  w.script("t:main", R"(
    return { main = function()
      local a = process.spawn_monitored("t:spin_wrap", nil)
      local b = process.spawn_monitored("t:spin_resume", nil)
      local n = 20
      for i = 1, n do process.spawn_monitored("t:short", nil, i) end
      local done = 0
      while done < n do
        local ev = assert(process.receive(time.seconds(10)), "timed out after " .. done)
        if ev.from ~= a and ev.from ~= b then done = done + 1 end
      end
      process.terminate(a)
      process.terminate(b)
      local e1, e2 = process.receive(time.seconds(10)), process.receive(time.seconds(10))
      return done .. " " .. e1.error .. " " .. e2.error
    end })");
  procs::Event ev = w.run("t:main");
  ASSERT_FALSE(ev.error) << *ev.error;
  EXPECT_EQ(ev.value, Value("20 terminated terminated"));
}

// Preemption inside a coroutine is invisible to the script: yields, values and
// errors are the script's own, whatever the slice.
TEST(LuaHostile, PreemptedCoroutinesKeepTheirValues) {
  LuaWorld w;
  w.slice(100);  // the hook fires every 100 instructions
  w.script("t:main", R"(
    return { main = function()
      local function sum(n) local s = 0 for i = 1, n do s = s + i end return s end
      local gen = coroutine.wrap(function(a)
        local b = coroutine.yield(sum(a))
        coroutine.yield()                      -- a bare yield of the script's own
        return sum(b), "end"
      end)
      local r1 = gen(10000)
      local r2 = select("#", gen(20000))
      local r3, r4 = gen()
      local co = coroutine.create(function() sum(5000) error("inner", 0) end)
      local ok, err = coroutine.resume(co)
      -- a coroutine resumed where no yield is possible runs on (and is still correct)
      local t = { 3, 1, 2 }
      table.sort(t, function(x, y) return coroutine.wrap(function() sum(1000) return x < y end)() end)
      return table.concat({ r1, r2, r3, r4, tostring(ok), err, table.concat(t, ",") }, " ")
    end })");
  procs::Event ev = w.run("t:main");
  ASSERT_FALSE(ev.error) << *ev.error;
  EXPECT_EQ(ev.value, Value("50005000 0 200010000 end false inner 1,2,3"));
}

// Where no yield is possible the hook still enforces max_execution_ms, and pcall
// cannot swallow the error.
TEST(LuaHostile, TimeLimitInsideCCalls) {
  LuaWorld w;
  const std::pair<const char*, const char*> cases[] = {
      {"t:sort", "table.sort({ 3, 2, 1 }, function(a, b) while true do end end)"},
      {"t:gsub", "string.gsub('abc', '%w', function(c) while true do end end)"},
      {"t:pcall", "table.sort({ 3, 2, 1 }, function(a, b) while true do pcall(function() while true do end end) end end)"},
      {"t:xpcall", "while true do xpcall(function() while true do end end, function(e) while true do end end) end"},
      {"t:meta", "local t = setmetatable({}, { __index = function() while true do end end }) table.concat(t, ',', 1, 2)"},
      {"t:len", "table.insert(setmetatable({}, { __len = function() return 2^53 end }), 1, 'x')"},
      {"t:move", "table.move({}, 1, math.maxinteger - 1, 2)"},
      {"t:remove", "table.remove(setmetatable({}, { __len = function() return 2^53 end }), 1)"},
      {"t:pattern", "string.find(string.rep('a', 1e7), '.-.-.-.-b')"},
      {"t:sleep", "time.sleep('1h')"},
  };
  for (const auto& [id, code] : cases) {
    w.script(id, std::string("return { main = function() ") + code + " return 'survived' end }");
    w.limits(id, time_limit(100));
    EXPECT_EQ(err_of(w.run(id)), "execution time limit exceeded (100 ms)") << code;
  }
  expect_host_alive(w);
}

// Without any limit, terminate frees a worker stuck where no yield is possible.
TEST(LuaHostile, TerminateInsideCCalls) {
  LuaWorld w;
  w.script("t:stuck", R"(
    return { main = function(parent)
      table.sort({ 2, 1 }, function(a, b)
        process.send(parent, "inside", true)
        while true do end
      end)
    end })");
  w.script("t:main", R"(
    return { main = function()
      local pid = process.spawn_monitored("t:stuck", nil, process.pid())
      local msg = assert(process.inbox():receive())
      assert(msg:topic() == "inside")
      process.terminate(pid)
      local ev = assert(process.receive(time.seconds(10)), "no EXIT")
      return ev.error
    end })");
  procs::Event ev = w.run("t:main");
  ASSERT_FALSE(ev.error) << *ev.error;
  EXPECT_EQ(ev.value, Value("terminated"));
  expect_host_alive(w);
}

TEST(LuaHostile, BacktrackingPatternsAreBounded) {
  LuaWorld w;
  w.script("t:find", "return { main = function() return string.find(string.rep('a', 1e5), '.-.-.-.-b') end }");
  EXPECT_NE(err_of(w.run("t:find")).find("string.find: pattern too complex for the subject (more than "),
            std::string::npos);
  w.script("t:gmatch", R"(
    return { main = function()
      for x in (string.rep('a', 3000)):gmatch('(a-)(a-)(a-)b') do end
    end })");
  EXPECT_NE(err_of(w.run("t:gmatch")).find("string.gmatch: pattern too complex"), std::string::npos);
  w.script("t:method", "return { main = function() return (string.rep('a', 3000)):match('(.-)(.-)(.-)$b') end }");
  EXPECT_NE(err_of(w.run("t:method")).find("string.match: pattern too complex"), std::string::npos);
  expect_host_alive(w);
}

TEST(LuaHostile, SandboxRemovesEscapes) {
  LuaWorld w;
  w.script("t:main", R"(
    return { main = function()
      local out = {}
      out[#out + 1] = tostring(debug.sethook == nil and debug.gethook == nil and debug.getregistry == nil
                               and debug.setlocal == nil and debug.setmetatable == nil)
      out[#out + 1] = type(debug.traceback)
      out[#out + 1] = tostring(os.execute == nil and io.popen == nil and os.setlocale == nil
                               and package.loadlib == nil and #package.searchers == 2)
      local f, err = load(string.dump(function() return 1 end))
      out[#out + 1] = tostring(f) .. " " .. tostring(err:find("binary chunk") ~= nil)
      local ok, gc_err = pcall(setmetatable, {}, { __gc = function() while true do end end })
      out[#out + 1] = tostring(ok) .. " " .. tostring(gc_err:find("__gc metamethods are not available") ~= nil)
      out[#out + 1] = tostring(getmetatable(setmetatable({}, { __index = {} })) ~= nil)
      return table.concat(out, " ")
    end })");
  procs::Event ev = w.run("t:main");
  ASSERT_FALSE(ev.error) << *ev.error;
  EXPECT_EQ(ev.value, Value("true function true nil true false true true"));
}

TEST(LuaHostile, FilesThatWouldBlockAreRefused) {
  // A FIFO with no writer: open() would wait for one for ever, holding the worker.
  char dir_template[] = "/tmp/wippy-lua-fifo-XXXXXX";
  ASSERT_NE(::mkdtemp(dir_template), nullptr);
  const std::string dir = dir_template, fifo = dir + "/mod.lua";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  LuaWorld w;
  w.script("t:main", R"(
    return { main = function()
      local fifo = ")" + fifo + R"("
      local out = {}
      local f, err = io.open(fifo)
      out[#out + 1] = tostring(f) .. " " .. tostring(err:find("not a regular file") ~= nil)
      out[#out + 1] = tostring(select(2, pcall(io.lines, fifo)):find("not a regular file") ~= nil)
      out[#out + 1] = tostring(select(2, pcall(io.input, fifo)):find("not a regular file") ~= nil)
      out[#out + 1] = tostring(loadfile(fifo))
      package.path = ")" + dir + R"(/?.lua"
      local ok, rerr = pcall(require, "mod")
      out[#out + 1] = tostring(ok) .. " " .. tostring(rerr:find("no file '.*mod.lua'") ~= nil)
      local null = io.open("/dev/null")
      out[#out + 1] = tostring(null ~= nil and null:read("a") == "")
      return table.concat(out, " ")
    end })");
  procs::Event ev = w.run("t:main");
  ::unlink(fifo.c_str());
  ::rmdir(dir.c_str());
  ASSERT_FALSE(ev.error) << *ev.error;
  EXPECT_EQ(ev.value, Value("nil true true true nil false true true"));
  expect_host_alive(w);
}

TEST(LuaHostile, TableFunctionsKeepTheirResults) {
  LuaWorld w;
  w.script("t:main", R"(
    return { main = function()
      local t = { 1, 2, 3 }
      table.insert(t, 4)
      table.insert(t, 1, 0)
      table.insert(t, 3, 1.5)
      local r1 = table.remove(t, 1)
      local r2 = table.remove(t)
      local r3 = table.remove(t, #t + 1)
      local m = table.move({ 1, 2, 3, 4, 5 }, 2, 4, 1)
      local m2 = table.move({ 1, 2, 3, 4, 5 }, 1, 3, 3)
      local m3 = table.move({ 1, 2 }, 1, 2, 2, { 9 })
      local e1 = select(2, pcall(table.insert, t, 10, 1))
      local e2 = select(2, pcall(table.move, {}, 1.5, 2, 1))
      return table.concat({ table.concat(t, ","), r1, r2, tostring(r3), table.concat(m, ","),
                            table.concat(m2, ","), table.concat(m3, ","), e1, e2 }, " ")
    end })");
  procs::Event ev = w.run("t:main");
  ASSERT_FALSE(ev.error) << *ev.error;
  EXPECT_EQ(ev.value, Value("1,1.5,2,3 0 4 nil 2,3,4,4,5 1,2,1,2,3 9,1,2 "
                            "bad argument #2 to 'insert' (position out of bounds) "
                            "bad argument #2 to 'move' (number has no integer representation)"));
}
