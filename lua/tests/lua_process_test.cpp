// Lua processes on a real System: results, errors, events in both styles, messages,
// timers and select, preemption, links, funcs.call, require and coroutines.
#include "lua/tests/lua_world.h"

using namespace wippy;
using lua::testing::err_of;
using lua::testing::LuaWorld;
using procs::Value;

TEST(LuaProcess, ReturnsValuesAndArguments) {
  LuaWorld w;
  w.script("t:main", "return { main = function(a, b) return a .. '+' .. b end }");
  procs::Event ev = w.run("t:main", {Value("x"), Value("y")});
  ASSERT_FALSE(ev.error) << *ev.error;
  EXPECT_EQ(ev.value, Value("x+y"));

  w.script("t:tbl", "return { main = function() return { 1, 2, { a = true } } end }");
  ev = w.run("t:tbl");
  ASSERT_FALSE(ev.error) << *ev.error;
  EXPECT_EQ(ev.value.to_string(), "[1, 2, {a = true}]");

  w.script("t:global", "function go() return 7 end", "go");
  ev = w.run("t:global");
  EXPECT_EQ(ev.value, Value(7));
}

TEST(LuaProcess, ErrorsBecomeExitErrors) {
  LuaWorld w;
  w.script("t:boom", "return { main = function() error('boom') end }");
  EXPECT_EQ(err_of(w.run("t:boom")), "boom.lua:1: boom");
  w.script("t:nilerr", "return { main = function() return nil, 'bad input' end }");
  EXPECT_EQ(err_of(w.run("t:nilerr")), "bad input");
  w.script("t:syntax", "return { main = function( end }");
  EXPECT_NE(err_of(w.run("t:syntax")).find("syntax.lua:1:"), std::string::npos);
  w.script("t:nomethod", "return {}");
  EXPECT_NE(err_of(w.run("t:nomethod")).find("method main not found"), std::string::npos);
  w.script("t:exit", "return { main = function() os.exit(3) end }");
  EXPECT_NE(err_of(w.run("t:exit")).find("os.exit is not available"), std::string::npos);
  w.script("t:fnresult", "return { main = function() return print end }");
  EXPECT_NE(err_of(w.run("t:fnresult")).find("cannot return the result: cannot pass a function"),
            std::string::npos);
}

TEST(LuaProcess, SpawnMonitoredShortForm) {
  LuaWorld w;
  w.script("t:child", "return { main = function(a, b) return a * b end }");
  w.script("t:main", R"(
    local function main()
      local pid, err = process.spawn_monitored("t:child", "app:host", 6, 7)
      if err then error("spawn failed: " .. tostring(err)) end
      local event = process.receive(time.seconds(10))
      if event and event.type == "EXIT" then
        assert(event.kind == "pid.exit" and event.from == pid)
        assert(event.result.value == event.value and event.error == nil)
        return "result=" .. tostring(event.value)
      end
      return "no exit event"
    end
    return { main = main })");
  procs::Event ev = w.run("t:main");
  ASSERT_FALSE(ev.error) << *ev.error;
  EXPECT_EQ(ev.value, Value("result=42"));
}

TEST(LuaProcess, ChannelFormAndErrors) {
  LuaWorld w;
  w.script("t:bad", "return { main = function() error('child failed', 0) end }");
  w.script("t:main", R"(
    return { main = function()
      local pid = process.spawn_monitored("t:bad", "app:host")
      local ev = process.events():receive()
      if ev.kind == process.event.EXIT then
        return tostring(ev.result.value) .. "/" .. ev.result.error .. "/" .. ev.error
      end
      return "?"
    end })");
  procs::Event ev = w.run("t:main");
  ASSERT_FALSE(ev.error) << *ev.error;
  EXPECT_EQ(ev.value, Value("nil/child failed/child failed"));
}

TEST(LuaProcess, SpawnErrors) {
  LuaWorld w;
  w.script("t:main", R"(
    return { main = function()
      local p1, e1 = process.spawn("t:none", "app:host")
      local p2, e2 = process.spawn("t:main", "app:nohost")
      return { tostring(p1), e1, tostring(p2), e2 }
    end })");
  procs::Event ev = w.run("t:main");
  ASSERT_FALSE(ev.error) << *ev.error;
  EXPECT_EQ(ev.value.to_string(),
            "[\"nil\", \"unknown entry: t:none\", \"nil\", "
            "\"unknown host app:nohost: declare a process.host entry with that ID\"]");
}

TEST(LuaProcess, MessagesBothWays) {
  LuaWorld w;
  w.script("t:echo", R"(
    return { main = function(parent)
      local msg = process.inbox():receive()
      process.send(parent, "echo", { got = msg:payload():data(), topic = msg:topic(), from = msg:from() })
      return "ok"
    end })");
  w.script("t:main", R"(
    return { main = function()
      local me = process.pid()
      local pid = process.spawn("t:echo", nil, me)
      assert(process.send(pid, "ping", { n = 5 }))
      local reply = process.receive(time.seconds(5))
      assert(reply.type == "MESSAGE" and reply.topic == "echo" and reply.from == pid)
      assert(reply.payload.from == me and reply.payload.topic == "ping")
      local ok, err = process.send("{app:host|999999}", "x", 1)
      return reply.payload.got.n * 10 + (ok and 1 or 0), err
    end })");
  procs::Event ev = w.run("t:main");
  ASSERT_FALSE(ev.error) << *ev.error;
  EXPECT_EQ(ev.value, Value(50));
}

TEST(LuaProcess, TimersSleepAndSelect) {
  LuaWorld w;
  w.script("t:main", R"(
    return { main = function()
      local t0 = time.monotonic()
      time.sleep(time.milliseconds(30))
      local slept = (time.monotonic() - t0) / 1e6
      assert(slept >= 30, "slept " .. slept)
      local ev, err = process.receive("20ms")
      assert(ev == nil and err == "timeout")
      local timeout = time.after(time.milliseconds(20))
      local r = channel.select{ process.inbox():case_receive(), timeout:case_receive() }
      assert(r.channel == timeout and r.ok)
      local r2 = channel.select{ process.inbox():case_receive(), default = true }
      assert(r2.default)
      local ch = channel.new(4)
      ch:send("a"); ch:send("b"); ch:close()
      local a = ch:receive(); local b = ch:receive(); local c, ok = ch:receive()
      assert(tostring(time.seconds(2)) == "2s" and tostring(time.milliseconds(1500)) == "1500ms")
      assert(time.seconds(1) + "500ms" == time.milliseconds(1500))
      assert(time.duration("1m30s"):seconds() == 90)
      return a .. b .. tostring(c) .. tostring(ok)
    end })");
  procs::Event ev = w.run("t:main");
  ASSERT_FALSE(ev.error) << *ev.error;
  EXPECT_EQ(ev.value, Value("abnilfalse"));
}

TEST(LuaProcess, BusyLoopIsPreempted) {
  LuaWorld w(1);  // one worker: without preemption the short ones never run
  w.script("t:spin", "return { main = function() while true do end end }");
  w.script("t:short", "return { main = function(i) local s = 0 for k = 1, 1000 do s = s + k end return i end }");
  w.script("t:main", R"(
    return { main = function()
      local spinner = process.spawn_monitored("t:spin", nil)
      local n = 50
      for i = 1, n do process.spawn_monitored("t:short", nil, i) end
      local done = 0
      while done < n do
        local ev = process.receive(time.seconds(10))
        assert(ev, "timed out after " .. done)
        if ev.from ~= spinner then done = done + 1 end
      end
      process.terminate(spinner)
      local ev = process.receive(time.seconds(10))
      return done .. " " .. ev.error
    end })");
  procs::Event ev = w.run("t:main");
  ASSERT_FALSE(ev.error) << *ev.error;
  EXPECT_EQ(ev.value, Value("50 terminated"));
}

TEST(LuaProcess, LinkDownOnAbnormalExit) {
  LuaWorld w;
  w.script("t:bad", "return { main = function() time.sleep('10ms') error('crash', 0) end }");
  w.script("t:good", "return { main = function() return 1 end }");
  w.script("t:main", R"(
    return { main = function()
      process.set_options({ trap_links = true })
      local good = process.spawn_linked("t:good", nil)
      local bad = process.spawn_linked("t:bad", nil)
      local ev = process.receive(time.seconds(5))
      assert(ev, "no event")
      return ev.type .. " " .. ev.kind .. " " .. tostring(ev.from == bad) .. " " .. ev.error
    end })");
  procs::Event ev = w.run("t:main");
  ASSERT_FALSE(ev.error) << *ev.error;
  EXPECT_EQ(ev.value, Value("LINK_DOWN pid.link.down true crash"));
}

TEST(LuaProcess, MonitorCancelAndTerminate) {
  LuaWorld w;
  w.script("t:waiter", R"(
    return { main = function()
      local ev = process.events():receive()
      if ev.type == "CANCEL" then return "cancelled by " .. tostring(ev.from ~= nil) end
      return "?"
    end })");
  w.script("t:sleeper", "return { main = function() time.sleep('10s') end }");
  w.script("t:main", R"(
    return { main = function()
      local a = process.spawn("t:waiter", nil)
      local b = process.spawn("t:sleeper", nil)
      assert(process.monitor(a)); assert(process.monitor(b))
      assert(process.cancel(a))
      local ev1 = process.receive(time.seconds(5))
      assert(process.terminate(b))
      local ev2 = process.receive(time.seconds(5))
      return ev1.value .. "; " .. ev2.error
    end })");
  procs::Event ev = w.run("t:main");
  ASSERT_FALSE(ev.error) << *ev.error;
  EXPECT_EQ(ev.value, Value("cancelled by true; terminated"));
}

TEST(LuaProcess, FuncsCall) {
  LuaWorld w;
  w.script("t:double", "return { double = function(x) return x * 2 end }", "double");
  w.script("t:fails", "return { f = function() return nil, 'nope' end }", "f");
  w.script("t:main", R"(
    return { main = function()
      local v, err = funcs.call("t:double", 21)
      local v2, err2 = funcs.call("t:fails")
      local v3, err3 = funcs.call("t:missing")
      return { v, tostring(err), tostring(v2), err2, err3 }
    end })");
  procs::Event ev = w.run("t:main");
  ASSERT_FALSE(ev.error) << *ev.error;
  EXPECT_EQ(ev.value.to_string(), "[42, \"nil\", \"nil\", \"nope\", \"unknown entry: t:missing\"]");
}

TEST(LuaProcess, RequireAndModules) {
  LuaWorld w;
  w.file("util.lua", "return { twice = function(s) return s .. s end }");
  w.script("t:main", R"(
    local u = require("util")
    local p = require("process")
    assert(p == process and require("time") == time and require("channel") == channel)
    return { main = function() return u.twice("ab") .. util.twice("c") end })");
  w.modules({"util"});
  procs::Event ev = w.run("t:main");
  ASSERT_FALSE(ev.error) << *ev.error;
  EXPECT_EQ(ev.value, Value("ababcc"));
}

TEST(LuaProcess, WaitInsideCoroutines) {
  LuaWorld w;
  w.script("t:main", R"(
    return { main = function()
      local co = coroutine.wrap(function(x)
        time.sleep("10ms")
        local y = coroutine.yield(x + 1)
        process.receive("5ms")
        return y * 2
      end)
      local a = co(1)
      local b = co(10)
      return a + b
    end })");
  procs::Event ev = w.run("t:main");
  ASSERT_FALSE(ev.error) << *ev.error;
  EXPECT_EQ(ev.value, Value(22));
}
