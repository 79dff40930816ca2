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

-- A Duration, Go-style text ("500ms", "1m30s") or integer nanoseconds.
local maxinteger = math.maxinteger
local function to_ns(v, what)
  if is_duration(v) then return v.ns end
  local t = type(v)
  if t == "number" then
    if v ~= v then error((what or "duration") .. " is NaN", 3) end
    if v >= 2^63 then return maxinteger end
    if v < -2^63 then return math.mininteger end
    return floor(v)
  end
  if t == "string" then
    local ns, err = P.parse_duration(v)
    if not ns then error(err, 3) end
    return ns
  end
  error((what or "duration") .. " must be a duration (time.seconds(n), \"500ms\" or integer nanoseconds), got " .. t, 3)
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
-- Seconds since the Unix epoch, as an integer (time.now() has the fraction).
function time.unix() return floor(P.wall()) end
function time.unix_nano() return floor(P.wall() * 1e9) end
-- The Unix time (seconds, UTC) of a calendar date: time.date(2024, 1, 31[, 12, 0, 0]).
function time.date(year, month, day, hour, min, sec)
  for i, v in ipairs({ year, month, day }) do
    if math.type(v) ~= "integer" then error("time.date: argument " .. i .. " must be an integer (year, month, day)", 2) end
  end
  -- Days from the civil date (proleptic Gregorian), as in H. Hinnant's algorithm.
  local y = month <= 2 and year - 1 or year
  local era = (y >= 0 and y or y - 399) // 400
  local yoe = y - era * 400
  local mp = (month + 9) % 12
  local doy = (153 * mp + 2) // 5 + day - 1
  local doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
  local days = era * 146097 + doe - 719468
  return days * 86400 + (hour or 0) * 3600 + (min or 0) * 60 + (sec or 0)
end
-- "1h30m" -> a Duration, or nil and why not.
function time.parse_duration(text)
  if type(text) ~= "string" then return nil, "time.parse_duration: expected a string, got " .. type(text) end
  local ns, err = P.parse_duration(text)
  if not ns then return nil, err end
  return duration(ns)
end
-- Saturates: a deadline beyond the clock's range is "never".
local function deadline_after(ns)
  local now = P.now_ns()
  if ns > 0 and now > maxinteger - ns then return maxinteger end
  return now + ns
end
function time.sleep(d)
  local deadline = deadline_after(to_ns(d))
  while P.now_ns() < deadline do wait(deadline) end
end

------------------------------------------------------------------------- channel
-- Messages are routed by topic: to the channel of process.listen(topic), else to the
-- inbox. Each has a queue; take_for(q) moves messages from the mailbox into their
-- queues until `q` has one.
local listeners = {}  -- topic -> channel
local function new_queue() return { head = 1, tail = 0 } end
local function push(q, v)
  q.tail = q.tail + 1
  q[q.tail] = v
end
local function pop(q)
  if q.head > q.tail then return nil end
  local v = q[q.head]
  q[q.head] = nil
  q.head = q.head + 1
  return v
end
local inbox_q = new_queue()
local function take_for(q)
  while q.head > q.tail do
    local m = P.take_message()
    if m == nil then return nil end
    local l = listeners[m.topic]
    push(l and l.q or inbox_q, m)
  end
  return pop(q)
end

-- Message objects (the inbox channel, listen{message = true}):
-- msg:topic(), msg:from(), msg:payload():data().
local Message, Payload = {}, {}
Message.__index, Payload.__index = Message, Payload
function Payload:data() return self.value end
function Message:topic() return self.m.topic end
function Message:from() return self.m.from end
function Message:payload() return setmetatable({ value = self.m.payload }, Payload) end
local function message_object(m) return setmetatable({ m = m }, Message) end

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
    local m = take_for(inbox_q)
    if m ~= nil then return true, message_object(m), true end
    return false
  elseif k == "topic" then
    local m = take_for(self.q)
    if m == nil then return false end
    if self.message then return true, message_object(m), true end
    return true, m.payload, true
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
  elseif k == "ticker" then
    local now = P.now_ns()
    if not self.stopped and now >= self.at then
      -- Ticks missed while nobody received are dropped, as Go's ticker does.
      self.at = self.at + self.period
      if self.at <= now then self.at = deadline_after(self.period) end
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
  if ch.kind == "ticker" and not ch.stopped then return ch.at end
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
  return new_channel("timer", { at = deadline_after(to_ns(d)), fired = false })
end

-- time.timer(d): fires once on timer:response() (or :channel()); stop, reset.
local Timer = {}
Timer.__index = Timer
function time.timer(d)
  return setmetatable({ ch = time.after(d) }, Timer)
end
function Timer:response() return self.ch end
Timer.channel = Timer.response
function Timer:stop()
  local pending = not self.ch.fired
  self.ch.fired = true
  return pending
end
function Timer:reset(d)
  local pending = not self.ch.fired
  self.ch.at, self.ch.fired = deadline_after(to_ns(d)), false
  return pending
end

-- time.ticker(d): fires every d on ticker:response() (or :channel()) until stopped.
local Ticker = {}
Ticker.__index = Ticker
function time.ticker(d)
  local period = to_ns(d)
  if period <= 0 then return nil, "time.ticker: the interval must be positive, got " .. tostring(d) end
  return setmetatable({ ch = new_channel("ticker", { at = deadline_after(period), period = period, stopped = false }) }, Ticker)
end
function Ticker:response() return self.ch end
Ticker.channel = Ticker.response
function Ticker:stop() self.ch.stopped = true end

------------------------------------------------------------------------- process
local process = {
  event = { EXIT = "pid.exit", LINK_DOWN = "pid.link.down", CANCEL = "pid.cancel" },
}
local inbox_ch = new_channel("inbox")
local events_ch = new_channel("events")

process.pid = P.pid
process.id = P.pid  -- the frame ID: one frame per process here
function process.spawn(id, host, ...) return P.spawn(0, id, host, ...) end
function process.spawn_monitored(id, host, ...) return P.spawn(1, id, host, ...) end
function process.spawn_linked(id, host, ...) return P.spawn(2, id, host, ...) end
function process.spawn_linked_monitored(id, host, ...) return P.spawn(3, id, host, ...) end
-- send(pid or name, topic, ...): several payload values travel as one array.
function process.send(dest, topic, ...)
  if select("#", ...) > 1 then return P.send(dest, topic, { ... }) end
  return P.send(dest, topic, ...)
end
process.terminate = P.terminate
process.cancel = P.cancel  -- cancel(pid, reason): the CANCEL event's reason
process.monitor = P.monitor
process.demonitor = P.demonitor
process.unmonitor = P.demonitor
process.link = P.link
process.unlink = P.unlink
process.cancelled = P.cancelled
function process.inbox() return inbox_ch end
function process.events() return events_ch end

-- Options: trap_links (LINK_DOWN as an event instead of failing this process).
local function check_options(fn, opts, known)
  if type(opts) ~= "table" then error(fn .. ": expected a table of options", 3) end
  for k, v in pairs(opts) do
    local want = known[k]
    if want == nil then
      local names = {}
      for n in pairs(known) do names[#names + 1] = n end
      table.sort(names)
      error(fn .. ": unknown option \"" .. tostring(k) .. "\" (known: " .. table.concat(names, ", ") .. ")", 3)
    end
    if type(v) ~= want then error(fn .. ": option " .. k .. " must be a " .. want .. ", got " .. type(v), 3) end
  end
end
function process.set_options(opts)
  check_options("process.set_options", opts, { trap_links = "boolean" })
  if opts.trap_links ~= nil then P.trap_links(opts.trap_links) end
  return true
end
function process.get_options() return { trap_links = P.trap_links() } end

-- listen(topic, {message = bool}): a channel of the messages sent with that topic
-- (payloads, or message objects); they no longer reach the inbox.
function process.listen(topic, opts)
  if type(topic) ~= "string" or topic == "" then error("process.listen: topic must be a non-empty string", 2) end
  if topic:sub(1, 1) == "@" then error("process.listen: topics starting with @ are reserved", 2) end
  if listeners[topic] then error("process.listen: already listening to " .. topic, 2) end
  if opts ~= nil then check_options("process.listen", opts, { message = "boolean" }) end
  local ch = new_channel("topic", { topic = topic, q = new_queue(), message = opts ~= nil and opts.message == true })
  listeners[topic] = ch
  return ch
end
-- unlisten(ch): its topic goes to the inbox again, with what was not received yet.
function process.unlisten(ch)
  if getmetatable(ch) ~= Channel or ch.kind ~= "topic" then
    error("process.unlisten: expected a channel from process.listen", 2)
  end
  if listeners[ch.topic] ~= ch then return false end
  listeners[ch.topic] = nil
  for m in pop, ch.q do push(inbox_q, m) end
  return true
end

process.registry = { register = P.register, lookup = P.lookup, unregister = P.unregister }

-- The next event (EXIT, LINK_DOWN, CANCEL) or else the next inbox message (a table:
-- topic, from, payload); nil, "timeout" when `timeout` passes first (no timeout:
-- waits as long as it takes).
function process.receive(timeout)
  local deadline = nil
  if timeout ~= nil then deadline = deadline_after(to_ns(timeout, "timeout")) end
  while true do
    local e = P.take_event()
    if e ~= nil then return e end
    local m = take_for(inbox_q)
    if m ~= nil then return m end
    if deadline and P.now_ns() >= deadline then return nil, "timeout" end
    wait(deadline)
  end
end

-- Waits for the result of a call_start handle: value, or nil, err.
local function await_call(h, err)
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

-- exec(id, host, ...): spawns the process and waits for its result.
function process.exec(id, host, ...) return await_call(P.call_start(id, host, ...)) end

-- with_options(opts) -> a spawner: opts trap_links (the child's) and name (the
-- child is registered under it); :with_name, :with_message(topic, ...), :spawn...
local Spawner = {}
Spawner.__index = Spawner
local spawner_known = { trap_links = "boolean", name = "string" }
local function new_spawner(opts, messages)
  return setmetatable({ opts = opts, messages = messages }, Spawner)
end
function process.with_options(opts)
  check_options("process.with_options", opts, spawner_known)
  local copy = {}
  for k, v in pairs(opts) do copy[k] = v end
  return new_spawner(copy, {})
end
function Spawner:with_options(opts)
  check_options("spawner:with_options", opts, spawner_known)
  local copy = {}
  for k, v in pairs(self.opts) do copy[k] = v end
  for k, v in pairs(opts) do copy[k] = v end
  return new_spawner(copy, self.messages)
end
function Spawner:with_name(name) return self:with_options({ name = name }) end
function Spawner:with_message(topic, ...)
  local messages = { table.unpack(self.messages) }
  local payload = ...
  if select("#", ...) > 1 then payload = { ... } end
  messages[#messages + 1] = { topic = topic, payload = payload }
  return new_spawner(self.opts, messages)
end
local function spawner_spawn(self, mode, id, host, ...)
  if self.opts.trap_links then mode = mode + 4 end
  local pid, err = P.spawn(mode, id, host, ...)
  if not pid then return nil, err end
  if self.opts.name then
    local ok, rerr = P.register(self.opts.name, pid)
    if not ok then
      if not P.terminate(pid) then P.cancel(pid, rerr) end  -- a remote child: CANCEL
      return nil, rerr
    end
  end
  for _, m in ipairs(self.messages) do P.send(pid, m.topic, m.payload) end
  return pid
end
function Spawner:spawn(id, host, ...) return spawner_spawn(self, 0, id, host, ...) end
function Spawner:spawn_monitored(id, host, ...) return spawner_spawn(self, 1, id, host, ...) end
function Spawner:spawn_linked(id, host, ...) return spawner_spawn(self, 2, id, host, ...) end
function Spawner:spawn_linked_monitored(id, host, ...) return spawner_spawn(self, 3, id, host, ...) end

--------------------------------------------------------------------------- funcs
local funcs = {}
-- Runs a function.wasm or function.lua entry and waits for it: value, or nil, err.
function funcs.call(id, ...) return await_call(P.call_start(id, nil, ...)) end

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
