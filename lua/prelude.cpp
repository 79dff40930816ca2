// The modules process, time, channel and funcs, written in Lua on top of a few C
// primitives (lua_process.cpp). A blocking operation loops: try, then wait() (a yield
// to the dispatcher with an optional deadline), then try again when woken.
#include "lua/prelude.h"

namespace wippy::lua {

const char* const kPrelude = R"lua(
local P = ...
local MARK = P.MARK
local yield = coroutine.yield
local raw_resume, raw_create, raw_status = coroutine.resume, coroutine.create, coroutine.status
local isyieldable = coroutine.isyieldable
local pack, unpack = table.pack, table.unpack
local floor = math.floor

-- Gives the worker thread back until woken (a message, an event, a function result)
-- or until the monotonic clock reaches deadline_ns.
local function wait(deadline_ns)
  yield(MARK, deadline_ns)
end

-- A wait inside a coroutine of the script is passed up to the dispatcher, so the
-- blocking calls work inside coroutines too. So is a preemption (the count hook
-- yielded `co` with no values): where this coroutine cannot yield (inside a C call
-- such as table.sort), `co` just runs on.
local function resume(co, ...)
  local res = pack(raw_resume(co, ...))
  while res[1] and raw_status(co) == "suspended" do
    if res[2] == MARK then
      yield(MARK, res[3])
    elseif res.n == 1 and P.take_preempted(co) then
      if isyieldable() then P.pass_preemption() end
    else
      break
    end
    res = pack(raw_resume(co))
  end
  return unpack(res, 1, res.n)
end
coroutine.resume = resume
coroutine.wrap = function(f)
  local co = raw_create(f)
  return function(...)
    local res = pack(resume(co, ...))
    if not res[1] then error(res[2], 0) end
    return unpack(res, 2, res.n)
  end
end

---------------------------------------------------------------------------- time
local Duration = {}
Duration.__index = Duration
local function duration(ns) return setmetatable({ ns = floor(ns) }, Duration) end
local function is_duration(v) return getmetatable(v) == Duration end
local units = { ns = 1, us = 1000, ms = 1000000, s = 1000000000, m = 60000000000, h = 3600000000000 }

-- A duration, a string such as "500ms" or "1m30s", or a number of milliseconds.
local function to_ns(v, what)
  if is_duration(v) then return v.ns end
  local t = type(v)
  if t == "number" then return floor(v * 1000000) end
  if t == "string" then
    local total, rest = 0, v
    if rest == "" then rest = "?" end
    while rest ~= "" do
      local num, unit, tail = rest:match("^(%d+%.?%d*)(%a+)(.*)$")
      if not num or not units[unit] then
        error("invalid duration \"" .. v .. "\" (use e.g. 500ms, 2s or 1m30s)", 3)
      end
      total = total + tonumber(num) * units[unit]
      rest = tail
    end
    return floor(total)
  end
  error((what or "duration") .. " must be a duration (time.seconds(n), \"500ms\" or a number of milliseconds), got " .. t, 3)
end

function Duration:nanoseconds() return self.ns end
function Duration:microseconds() return self.ns / 1e3 end
function Duration:milliseconds() return self.ns / 1e6 end
function Duration:seconds() return self.ns / 1e9 end
function Duration:minutes() return self.ns / 6e10 end
Duration.__add = function(a, b) return duration(to_ns(a) + to_ns(b)) end
Duration.__sub = function(a, b) return duration(to_ns(a) - to_ns(b)) end
Duration.__mul = function(a, b)
  if type(a) == "number" then a, b = b, a end
  return duration(a.ns * b)
end
Duration.__unm = function(a) return duration(-a.ns) end
Duration.__eq = function(a, b) return a.ns == b.ns end
Duration.__lt = function(a, b) return to_ns(a) < to_ns(b) end
Duration.__le = function(a, b) return to_ns(a) <= to_ns(b) end
Duration.__tostring = function(d)
  local ns = d.ns
  if ns % 1000000000 == 0 then return string.format("%ds", ns // 1000000000) end
  if ns % 1000000 == 0 then return string.format("%dms", ns // 1000000) end
  if ns % 1000 == 0 then return string.format("%dus", ns // 1000) end
  return string.format("%dns", ns)
end

local time = {}
time.nanosecond = duration(1)
time.microsecond = duration(1000)
time.millisecond = duration(1000000)
time.second = duration(1000000000)
time.minute = duration(60000000000)
time.hour = duration(3600000000000)
function time.nanoseconds(n) return duration(n) end
function time.microseconds(n) return duration(n * 1e3) end
function time.milliseconds(n) return duration(n * 1e6) end
function time.seconds(n) return duration(n * 1e9) end
function time.minutes(n) return duration(n * 6e10) end
function time.hours(n) return duration(n * 3.6e12) end
function time.duration(v) return duration(to_ns(v)) end
function time.is_duration(v) return is_duration(v) end
-- Seconds since the Unix epoch (with a fractional part).
function time.now() return P.wall() end
-- A monotonic clock in nanoseconds (for measuring intervals).
function time.monotonic() return P.now_ns() end
function time.sleep(d)
  local deadline = P.now_ns() + to_ns(d)
  while P.now_ns() < deadline do wait(deadline) end
end

------------------------------------------------------------------------- channel
-- Channels: the process's inbox and event queue, timers (time.after) and
-- buffered channels (channel.new) between the coroutines of one process.
local Channel = {}
Channel.__index = Channel
local function new_channel(kind, c)
  c = c or {}
  c.kind = kind
  return setmetatable(c, Channel)
end

-- ready, value, ok (ok is false once a closed channel is drained)
function Channel:try_receive()
  local k = self.kind
  if k == "inbox" then
    local m = P.take_message()
    if m ~= nil then return true, m, true end
    return false
  elseif k == "events" then
    local e = P.take_event()
    if e ~= nil then return true, e, true end
    return false
  elseif k == "timer" then
    if not self.fired and P.now_ns() >= self.at then
      self.fired = true
      return true, P.wall(), true
    end
    return false
  else
    if self.head <= self.tail then
      local v = self.buf[self.head]
      self.buf[self.head] = nil
      self.head = self.head + 1
      return true, v, true
    end
    if self.closed then return true, nil, false end
    return false
  end
end

local function timer_deadline(ch)
  if ch.kind == "timer" and not ch.fired then return ch.at end
  return nil
end

function Channel:receive()
  while true do
    local ready, v, ok = self:try_receive()
    if ready then return v, ok end
    wait(timer_deadline(self))
  end
end

function Channel:send(v)
  if self.kind ~= "user" then error("cannot send on the " .. self.kind .. " channel", 2) end
  if self.closed then error("send on a closed channel", 2) end
  self.tail = self.tail + 1
  self.buf[self.tail] = v
  return true
end

function Channel:close()
  if self.kind ~= "user" then error("cannot close the " .. self.kind .. " channel", 2) end
  self.closed = true
end

function Channel:case_receive() return { channel = self, receive = true } end
function Channel:case_send(v) return { channel = self, send = true, value = v } end

local channel = {}
-- Buffered channel; send never blocks (one process runs one coroutine at a time).
function channel.new(size) return new_channel("user", { buf = {}, head = 1, tail = 0, size = size or 0, closed = false }) end

-- select{ch1:case_receive(), ch2:case_receive(), ...; default = true?}
-- -> {channel, value, ok, index}, or {default = true} when nothing is ready and
-- cases.default is set.
function channel.select(cases)
  if type(cases) ~= "table" then error("channel.select expects a list of cases (ch:case_receive())", 2) end
  while true do
    local deadline
    for i = 1, #cases do
      local c = cases[i]
      local ch = type(c) == "table" and c.channel
      if getmetatable(ch) ~= Channel then error("channel.select: case " .. i .. " is not a channel case", 2) end
      if c.send then
        ch:send(c.value)
        return { channel = ch, value = c.value, ok = true, index = i }
      end
      local ready, v, ok = ch:try_receive()
      if ready then return { channel = ch, value = v, ok = ok, index = i } end
      local d = timer_deadline(ch)
      if d and (deadline == nil or d < deadline) then deadline = d end
    end
    if cases.default then return { default = true } end
    wait(deadline)
  end
end

function time.after(d)
  return new_channel("timer", { at = P.now_ns() + to_ns(d), fired = false })
end

------------------------------------------------------------------------- process
local process = {
  event = { EXIT = "pid.exit", LINK_DOWN = "pid.link.down", CANCEL = "pid.cancel" },
}
local inbox_ch = new_channel("inbox")
local events_ch = new_channel("events")

process.pid = P.pid
function process.spawn(id, host, ...) return P.spawn(0, id, host, ...) end
function process.spawn_monitored(id, host, ...) return P.spawn(1, id, host, ...) end
function process.spawn_linked(id, host, ...) return P.spawn(2, id, host, ...) end
function process.spawn_linked_monitored(id, host, ...) return P.spawn(3, id, host, ...) end
process.send = P.send
process.terminate = P.terminate
process.cancel = P.cancel
process.monitor = P.monitor
process.demonitor = P.demonitor
process.unmonitor = P.demonitor
process.link = P.link
process.unlink = P.unlink
process.cancelled = P.cancelled
function process.inbox() return inbox_ch end
function process.events() return events_ch end

-- The next event (EXIT, LINK_DOWN, CANCEL) or else the next message; nil, "timeout"
-- when `timeout` passes first (no timeout: waits as long as it takes).
function process.receive(timeout)
  local deadline = nil
  if timeout ~= nil then deadline = P.now_ns() + to_ns(timeout, "timeout") end
  while true do
    local e = P.take_event()
    if e ~= nil then return e end
    local m = P.take_message()
    if m ~= nil then return m end
    if deadline and P.now_ns() >= deadline then return nil, "timeout" end
    wait(deadline)
  end
end

--------------------------------------------------------------------------- funcs
local funcs = {}
-- Runs a function.wasm or function.lua entry and waits for it: value, or nil, err.
function funcs.call(id, ...)
  local h, err = P.call_start(id, ...)
  if not h then return nil, err end
  while true do
    local done, v, e = P.call_poll(h)
    if done then
      if e ~= nil then return nil, e end
      return v
    end
    wait(nil)
  end
end

for name, mod in pairs({ process = process, time = time, channel = channel, funcs = funcs }) do
  package.loaded[name] = mod
  _G[name] = mod
end

return function(chunk, method, modules, ...)
  for _, name in ipairs(modules) do
    local mod = require(name)
    local short = name:match("([^%.]+)$")
    if rawget(_G, short) == nil then _G[short] = mod end
  end
  local m = chunk()
  local f = nil
  if type(m) == "table" then f = m[method] end
  if f == nil then f = rawget(_G, method) end
  if type(f) ~= "function" then
    error("method " .. method .. " not found: the script must return a table with a function " ..
          method .. " (or define a global function " .. method .. ")", 0)
  end
  return f(...)
end
)lua";

}  // namespace wippy::lua
