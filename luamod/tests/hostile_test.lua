-- wippy.so against bad input: every mistake is a Lua error that says what and where,
-- never a crash, and the instance stays usable.
local check = require("check")
local wasm = require("wippy")
local guests = assert(arg[1], "usage: lua5.4 hostile_test.lua GUEST_DIR")
local path = guests .. "/api_calc.wasm"

-- loading
check.fails("hash verification failed: expected sha256:" .. string.rep("0", 64),
            wasm.load, path, {hash = "sha256:" .. string.rep("0", 64)})
check.fails("invalid hash format", wasm.load, path, {hash = "md5:abc"})
check.fails("wippy.load options: unknown field 'hsh'", wasm.load, path, {hsh = "x"})
check.fails("cannot read /nonexistent/x.wasm", wasm.load, "/nonexistent/x.wasm")
check.fails("wippy.load: expected a path or the bytes of a module, got a nil", wasm.load, nil)
local err = check.fails("", wasm.load, "\0asm\1\0\0\0\1\255")
check.contains(err, "(at byte 0x", "malformed module error")
check.fails("", wasm.load, "\0asm\2\0\0\0")

local m = wasm.load(path)
local imports = {env = {log = function() end, add = function(a, b) return a + b end}}

-- instantiation
check.fails("unknown import: env.add", m.instantiate, m, {env = {log = function() end}})
check.fails("unknown import: env.log", m.instantiate, m)
check.fails("imports.env.log: expected a function, got number", m.instantiate, m,
            {env = {log = 1, add = function() end}})
check.fails("limits: unknown field 'fule'", m.instantiate, m, imports, {fule = 10})
check.fails("limits.fuel: expected an integer", m.instantiate, m, imports, {fuel = -1})
check.fails("limits.fuel: expected an integer", m.instantiate, m, imports, {fuel = "lots"})
check.fails("instantiate: imports must be a table", m.instantiate, m, 42)

local inst = m:instantiate(imports)
local ex = inst.exports

-- wrong arguments name the export and the parameter
check.fails("add: expected 2 arguments, got 1", ex.add, 1)
check.fails("add: expected 2 arguments, got 3", ex.add, 1, 2, 3)
check.fails("add: argument 2: expected a number (i32), got a string", ex.add, 1, "2")
check.fails("add: argument 1: expected a number (i32), got a nil", ex.add, nil, 2)
check.fails("add: argument 1: 4294967296 is out of range for i32", ex.add, 1 << 32, 0)
check.fails("add: argument 2: expected an integer (i32), got 1.5", ex.add, 1, 1.5)
check.fails("add64: argument 1: expected an integer (i64), got 1e+100", ex.add64, 1e100, 0)
check.fails("call_async: the instance exports no function 'nope'", inst.call_async, inst, "nope")
check.fails("call_async options: unknown field 'budjet'", inst.call_async, inst, "count", 1, {budjet = 1})
check.fails("call_async options.budget: must be at least 1", inst.call_async, inst, "count", 1, {budget = 0})
check.fails("memory:read: offset 65535 + length 2 is outside the memory", inst.memory.read, inst.memory, 65535, 2)
check.fails("memory:read offset: expected a non-negative integer", inst.memory.read, inst.memory, -1, 1)
check.fails("memory:write: offset 65536 + length 1 is outside the memory", inst.memory.write, inst.memory, 65536, "x")
check.fails("memory:write: expected a string of bytes", inst.memory.write, inst.memory, 0, 5)

-- an error in a Lua import traps that call only
local boom = m:instantiate({env = {
  log = function(x) if x < 0 then error("negative " .. x) end end,
  add = function(a, b) return "not a number" end,
}})
err = check.fails("env.log: ", boom.exports.log, -1)
check.contains(err, "negative -1", "the import's error message")
check.fails("env.add: result 1: expected a number (i32), got a string", boom.exports.host_sum, 1)
boom.exports.log(1)  -- still usable
check.eq(boom.exports.add(2, 3), 5, "usable after import errors")
check.fails("env.log: (error object is a table value)",
            m:instantiate({env = {log = function() error({}) end, add = imports.env.add}}).exports.log, 1)

-- yield from an import of a direct call: a clear error, inside a coroutine or not
local yielder = m:instantiate({env = {log = function() coroutine.yield() end, add = imports.env.add}})
check.fails("env.log: the Lua import yielded, but the export was called directly", yielder.exports.log, 1)
local co = coroutine.wrap(function() return pcall(yielder.exports.log, 1) end)
local ok, msg = co()
check.eq(ok, false, "direct call with a yielding import from a coroutine")
check.contains(msg, "only a call made with instance:call_async can yield", "the error")
-- through call_async but resume() not in a coroutine
check.fails("env.log: the Lua import yielded, but resume() was not called from a coroutine",
            function() return yielder:call_async("log", 1):resume() end)
check.eq(yielder.exports.add(1, 2), 3, "usable after refused yields")

-- resume() from inside the execution's own import
local e
local reentrant = m:instantiate({env = {log = function() e:resume() end, add = imports.env.add}})
e = reentrant:call_async("log", 1)
check.fails("env.log: log: resume() of an execution from inside its own import", e.resume, e)

-- a finished or trapped execution keeps its outcome
local done = inst:call_async("add", 1, 2)
check.eq(done:resume(), 3, "first resume")
check.eq(done:resume(), 3, "resume after done")
local trapped = inst:call_async("unreachable")
check.fails("unreachable", trapped.resume, trapped)
check.fails("unreachable", trapped.resume, trapped)

-- an import error inside a call_async call, after a yield
local after_yield = m:instantiate({env = {log = function() coroutine.yield(); error("late") end, add = imports.env.add}})
local co2 = coroutine.create(function() return after_yield:call_async("log", 1):resume() end)
assert(coroutine.resume(co2))
local ok2, err2 = coroutine.resume(co2)
check.eq(ok2, false, "error after the yield")
check.contains(err2, "late", "the import's error after a yield")

-- garbage: executions and instances dropped mid-call are collected without harm
for _ = 1, 50 do
  local x = m:instantiate({env = {log = function() coroutine.yield() end, add = imports.env.add}})
  local c = coroutine.create(function() return x:call_async("log", 1):resume() end)
  coroutine.resume(c)
end
collectgarbage()
collectgarbage()

print("hostile_test: ok")
