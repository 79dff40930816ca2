// The process and time API of design.md section 7 beyond the seed: trap_links,
// options, names, message objects, listen, exec, with_options, cancel reasons, and
// durations as nanoseconds, Go strings or Duration values.
#include "lua/tests/lua_world.h"

using namespace wippy;
using lua::testing::err_of;
using lua::testing::LuaWorld;
using procs::Value;

namespace {

procs::Value ok_value(LuaWorld& w, const std::string& id) {
  procs::Event ev = w.run(id);
  EXPECT_FALSE(ev.error) << *ev.error;
  return ev.value;
}

}  // namespace

TEST(LuaApi, LinkDownFailsTheLinkedProcessUnlessItTrapsLinks) {
  LuaWorld w;
  w.script("t:bad", "return { main = function() error('crash', 0) end }");
  w.script("t:plain", R"(
    return { main = function()
      assert(process.get_options().trap_links == false)
      process.spawn_linked("t:bad", nil)
      process.receive(time.seconds(10))
      return "survived"
    end })");
  procs::Event ev = w.run("t:plain");
  ASSERT_TRUE(ev.error);
  EXPECT_EQ(ev.error->rfind("linked process {app:host|", 0), 0u) << *ev.error;
  EXPECT_NE(ev.error->find("} failed: crash"), std::string::npos) << *ev.error;

  w.script("t:trap", R"(
    return { main = function()
      assert(process.set_options({ trap_links = true }) == true)
      assert(process.get_options().trap_links == true)
      local pid = process.spawn_linked("t:bad", nil)
      local ev = process.events():receive()
      assert(ev.kind == process.event.LINK_DOWN and ev.from == pid)
      return ev.error
    end })");
  EXPECT_EQ(ok_value(w, "t:trap"), Value("crash"));

  w.script("t:badopt", "return { main = function() process.set_options({ trap_link = true }) end }");
  EXPECT_NE(err_of(w.run("t:badopt")).find("process.set_options: unknown option \"trap_link\" (known: trap_links)"),
            std::string::npos);
}

TEST(LuaApi, MessageObjectsNamesAndSendToAnEndedProcess) {
  LuaWorld w;
  w.script("t:server", R"(
    return { main = function()
      assert(process.registry.register("echo"))
      local ok, err = process.registry.register("echo", "{app:host|1}")
      while true do
        local msg = process.inbox():receive()
        if msg:topic() == "stop" then return "stopped" end
        process.send(msg:from(), "re:" .. msg:topic(), msg:payload():data())
      end
    end })");
  w.script("t:main", R"(
    return { main = function()
      local server = process.spawn_monitored("t:server", nil)
      local pid
      for _ = 1, 1000 do
        pid = process.registry.lookup("echo")
        if pid then break end
        time.sleep("1ms")
      end
      assert(pid == server, "lookup gave " .. tostring(pid))
      assert(process.id() == process.pid())
      assert(process.send("echo", "ping", { n = 7 }))
      local msg = process.inbox():receive()
      assert(msg:topic() == "re:ping" and msg:from() == server, msg:topic())
      local n = msg:payload():data().n
      assert(process.send("echo", "multi", 1, "two"))
      local multi = process.inbox():receive():payload():data()
      assert(multi[1] == 1 and multi[2] == "two")
      process.send("echo", "stop")
      assert(process.events():receive().kind == process.event.EXIT)
      -- The name went with its process; sending to the ended pid fails.
      local none, why = process.registry.lookup("echo")
      assert(none == nil and why == 'no process is registered as "echo"', why)
      local sent, err = process.send(server, "late", 1)
      assert(sent == false and err == "no such process", tostring(err))
      local sent2, err2 = process.send("echo", "late", 1)
      assert(sent2 == false and err2 == 'no process is registered as "echo"')
      assert(process.registry.unregister("echo") == false)
      return n
    end })");
  EXPECT_EQ(ok_value(w, "t:main"), Value(7));
}

TEST(LuaApi, ListenRoutesATopicToItsChannel) {
  LuaWorld w;
  w.script("t:main", R"(
    return { main = function()
      local me = process.pid()
      local raw = process.listen("prices")
      local objs = process.listen("orders", { message = true })
      process.send(me, "hello", "inbox")
      process.send(me, "prices", 42)
      process.send(me, "orders", { id = 1 })
      local p = raw:receive()
      local o = objs:receive()
      local m = process.inbox():receive()
      assert(p == 42 and o:payload():data().id == 1 and o:topic() == "orders")
      assert(m:topic() == "hello" and m:payload():data() == "inbox")
      assert(process.unlisten(raw) == true and process.unlisten(raw) == false)
      process.send(me, "prices", 43)
      assert(process.inbox():receive():payload():data() == 43)
      local ok, err = pcall(process.listen, "@inbox")
      assert(not ok and err:find("reserved"))
      return "ok"
    end })");
  EXPECT_EQ(ok_value(w, "t:main"), Value("ok"));
}

TEST(LuaApi, ExecWithOptionsAndCancelReason) {
  LuaWorld w;
  w.script("t:child", "return { main = function(a, b) return a * b end }");
  w.script("t:fails", "return { main = function() error('nope', 0) end }");
  w.script("t:waiter", R"(
    return { main = function()
      local ev = process.events():receive()
      return ev.type .. ":" .. tostring(ev.reason)
    end })");
  w.script("t:greeted", R"(
    return { main = function()
      local m = process.inbox():receive()
      return m:topic() .. "=" .. m:payload():data() .. " " .. tostring(process.get_options().trap_links)
    end })");
  w.script("t:main", R"(
    return { main = function()
      local v = process.exec("t:child", "app:host", 6, 7)
      local none, err = process.exec("t:fails", nil)
      assert(none == nil and err == "nope")
      local pid = process.with_options({ trap_links = true }):with_name("greeted")
        :with_message("hi", "there"):spawn_monitored("t:greeted", nil)
      local exit = process.events():receive()
      local w = process.spawn_monitored("t:waiter", nil)
      time.sleep("5ms")
      process.cancel(w, "maintenance")
      local cancelled = process.events():receive()
      local ok, e = pcall(process.with_options, { network = "x" })
      assert(not ok and e:find('unknown option "network" %(known: name, trap_links%)'), e)
      return v .. " " .. exit.value .. " " .. cancelled.value
    end })");
  EXPECT_EQ(ok_value(w, "t:main"), Value("42 hi=there true CANCEL:maintenance"));
}

TEST(LuaApi, DurationsAreNanosecondsGoStringsOrDurations) {
  LuaWorld w;
  w.script("t:main", R"(
    return { main = function()
      local t0 = time.monotonic()
      time.sleep(1e7)                    -- 10 ms as integer nanoseconds (1e7 is a float, integral)
      time.sleep("10ms")
      time.sleep(time.milliseconds(10))
      assert(time.monotonic() - t0 >= 30000000)
      local d = assert(time.parse_duration("1m30s"))
      assert(time.is_duration(d) and d:seconds() == 90 and tostring(d) == "90s")
      local bad, err = time.parse_duration("10 s")
      assert(bad == nil and err:find('invalid duration "10 s"'), err)
      local ok, e = pcall(time.sleep, "10 s")
      assert(not ok and e:find('invalid duration "10 s"'), e)
      local ev, why = process.receive(1000000)  -- 1 ms
      assert(ev == nil and why == "timeout")
      -- A timer fires once; a ticker again and again; both stop.
      local t = time.timer("5ms")
      local fired = t:response():receive()
      assert(type(fired) == "number" and t:stop() == false)
      local tk = assert(time.ticker(time.milliseconds(2)))
      for _ = 1, 3 do tk:channel():receive() end
      tk:stop()
      local r = channel.select { tk:channel():case_receive(), time.after("20ms"):case_receive() }
      assert(r.channel ~= tk:channel(), "a stopped ticker fired")
      local none, terr = time.ticker(0)
      assert(none == nil and terr:find("positive"))
      assert(time.date(1970, 1, 1) == 0 and time.date(2024, 2, 29, 12, 0, 0) == 1709208000)
      assert(math.type(time.unix()) == "integer" and math.abs(time.unix() - os.time()) <= 1)
      return "ok"
    end })");
  EXPECT_EQ(ok_value(w, "t:main"), Value("ok"));
}
